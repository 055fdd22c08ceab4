import { createHash, type Hash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { ContainerKind } from './types.js';

const EDGE = 1024 * 1024;

/** A sha256 already tagged with the format version and the container kind. */
export function fingerprintHash(kind: ContainerKind): Hash {
  return createHash('sha256').update(`mastotui-archive-v1\0${kind}\0`);
}

/** Appends one length-prefixed field, so that field boundaries cannot shift between two archives. */
export function addField(hash: Hash, value: string | number | Uint8Array): void {
  const buf = typeof value === 'number' ? Buffer.from(String(value)) : Buffer.from(value);
  hash.update(`${buf.length}:`).update(buf).update('\0');
}

/** For containers without an index: sha256 over the size and the first and last MiB of the file. */
export async function headTailFingerprint(path: string, kind: ContainerKind, size: number): Promise<string> {
  const hash = fingerprintHash(kind);
  addField(hash, size);
  const handle = await open(path, 'r');
  try {
    const ranges: [number, number][] =
      size <= 2 * EDGE
        ? [[0, size]]
        : [
            [0, EDGE],
            [size - EDGE, EDGE],
          ];
    for (const [start, length] of ranges) {
      const buf = Buffer.alloc(length);
      let got = 0;
      while (got < length) {
        const { bytesRead } = await handle.read(buf, got, length - got, start + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      addField(hash, buf.subarray(0, got));
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}
