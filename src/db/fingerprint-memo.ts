/**
 * Remembers an archive file's fingerprint by what stat() says of it, so that reopening an archive whose database is
 * cached reads nothing of the archive before the first frame. Fingerprinting reads the ZIP's central directory
 * (130-190 ms for 13k entries, about 1 s for 128k on this project's benchmark machine), or inflates a whole .tar.gz.
 *
 * The memo is trusted only while the file's size, mtime, ctime, inode and device are what they were; ctime changes
 * with any write or metadata change and cannot be set back by the user. Folders are never memoised: their
 * fingerprint depends on files inside them, which their own times do not follow. Memos live in the cache folder,
 * one small JSON file per archive path; a memo that cannot be read or written is simply not used.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { mkdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerKind } from '../archive/index.js';

const MEMO_VERSION = 1;

export interface FileIdentity {
  path: string;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  dev: number;
}

export interface Memo {
  container: ContainerKind;
  fingerprint: string;
}

/** The identity of a regular file (symbolic links followed), or undefined for folders and anything unreadable. */
export async function fileIdentity(path: string): Promise<FileIdentity | undefined> {
  let real: string;
  let info: Stats;
  try {
    real = await realpath(path);
    info = await stat(real);
  } catch {
    return undefined;
  }
  if (!info.isFile()) return undefined;
  return { path: real, size: info.size, mtimeMs: info.mtimeMs, ctimeMs: info.ctimeMs, ino: info.ino, dev: info.dev };
}

function memoFile(cacheDir: string, identity: FileIdentity): string {
  const name = createHash('sha256').update(identity.path).digest('hex').slice(0, 32);
  return join(cacheDir, 'fingerprints', `${name}.json`);
}

/** The remembered fingerprint, if the file is still the one it was taken of. */
export async function readMemo(cacheDir: string, identity: FileIdentity): Promise<Memo | undefined> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(memoFile(cacheDir, identity), 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null) return undefined;
  const d = data as Record<string, unknown>;
  const same =
    d.version === MEMO_VERSION &&
    d.path === identity.path &&
    d.size === identity.size &&
    d.mtimeMs === identity.mtimeMs &&
    d.ctimeMs === identity.ctimeMs &&
    d.ino === identity.ino &&
    d.dev === identity.dev;
  if (!same || typeof d.fingerprint !== 'string' || typeof d.container !== 'string' || d.container === 'folder') return undefined;
  return { container: d.container as ContainerKind, fingerprint: d.fingerprint };
}

/** Remembers a fingerprint (written to a temporary name and renamed); failures are ignored. */
export async function writeMemo(cacheDir: string, identity: FileIdentity, memo: Memo): Promise<void> {
  if (memo.container === 'folder') return;
  const file = memoFile(cacheDir, identity);
  const temporary = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await mkdir(join(cacheDir, 'fingerprints'), { recursive: true, mode: 0o700 });
    await writeFile(temporary, JSON.stringify({ version: MEMO_VERSION, ...identity, ...memo }), { mode: 0o600 });
    await rename(temporary, file);
  } catch {
    await rm(temporary, { force: true }).catch(() => undefined);
  }
}
