import type { Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { fileError, type UserError } from '../errors.js';
import { errorDetail } from './streams.js';
import type { ContainerKind } from './types.js';

/** How much of the start of a file is read to recognise it (the JSON test skips leading whitespace). */
const HEAD_BYTES = 64 * 1024;

export const NOT_AN_ARCHIVE = 'not a Mastodon archive (expected a .zip, a .tar.gz, an extracted folder or an outbox.json)';

export interface Detected {
  container: ContainerKind;
  size: number;
}

/** Recognises the container by its content, never by its name. */
export async function detectContainer(path: string): Promise<Detected> {
  let st: Stats;
  try {
    st = await stat(path);
  } catch (err) {
    throw accessError(path, err);
  }
  if (st.isDirectory()) return { container: 'folder', size: 0 };
  if (!st.isFile()) throw fileError(path, 'not a regular file or a folder');
  if (st.size === 0) throw fileError(path, 'the file is empty');

  let head: Buffer;
  try {
    const handle = await open(path, 'r');
    try {
      const buf = Buffer.alloc(Math.min(HEAD_BYTES, st.size));
      const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
      head = buf.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw accessError(path, err);
  }
  const container = sniff(head);
  if (container === undefined) throw fileError(path, NOT_AN_ARCHIVE);
  return { container, size: st.size };
}

/** The container that `head` (the first bytes of a file) starts, if any. */
export function sniff(head: Buffer): Exclude<ContainerKind, 'folder'> | undefined {
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b) {
    if ((head[2] === 0x03 && head[3] === 0x04) || (head[2] === 0x05 && head[3] === 0x06)) return 'zip';
  }
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'tar.gz';
  if (head.length >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar') return 'tar';
  let i = head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  if (i < head.length && head[i] === 0x7b) return 'outbox.json';
  return undefined;
}

/** A failed stat/open/readdir, phrased for the user. */
export function accessError(path: string, err: unknown): UserError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return fileError(path, 'no such file or folder');
    case 'EACCES':
    case 'EPERM':
      return fileError(path, 'permission denied; cannot read it');
    case 'ELOOP':
      return fileError(path, 'too many levels of symbolic links');
    case 'EISDIR':
      return fileError(path, 'is a folder where a file was expected');
    default:
      return fileError(path, `cannot read it (${errorDetail(err)})`);
  }
}
