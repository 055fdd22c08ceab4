import { PassThrough, Transform, type Readable, type TransformCallback } from 'node:stream';
import * as zlib from 'node:zlib';
import { UserError } from '../errors.js';

/** Any failure as a UserError: UserErrors pass through, anything else is phrased by `describe`. */
export function asUserError(err: unknown, describe: (detail: string) => UserError): UserError {
  if (err instanceof UserError) return err;
  return describe(errorDetail(err));
}

/** A short, one-line description of an unknown error. */
export function errorDetail(err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  const oneLine = raw.replace(/\s+/g, ' ').trim();
  return oneLine === '' ? 'unknown error' : oneLine;
}

/**
 * How far an entry's stream reads (and inflates) ahead of its reader. With Node's 16 KiB the chain holds about one
 * 256 KiB chunk per stage, and inflating goes on only as the reader takes a chunk: while the load's main thread
 * appended a batch, the parsing worker waited for the next bytes (929 waits, 0.3 s of the 100k load). With 2 MiB,
 * and 16 blocks sent ahead to the worker (src/db/outbox-pipeline.ts), the 100k load took 2.98-3.03 s against
 * 3.00-3.09 s with 16 blocks alone and 3.06-3.16 s with neither (in-process, alternated). At most 2 MiB more per
 * open stream.
 */
const READ_AHEAD_BYTES = 2 * 1024 * 1024;

/**
 * Pipes `src` through `stages` into a fresh Readable whose errors are UserErrors. A failure anywhere in the chain ends
 * the result with that error; destroying the result destroys the whole chain, so a reader that stops early releases
 * the file.
 */
export function guardStream(src: Readable, describe: (detail: string) => UserError, ...stages: Transform[]): Readable {
  const out = new PassThrough({ highWaterMark: READ_AHEAD_BYTES });
  const chain: Readable[] = [src, ...stages];
  for (const stream of chain) {
    stream.on('error', (err: unknown) => {
      out.destroy(asUserError(err, describe));
    });
  }
  out.on('close', () => {
    for (const stream of chain) if (!stream.destroyed) stream.destroy();
  });
  let last = src;
  for (const stage of stages) last = last.pipe(stage);
  last.pipe(out);
  return out;
}

type Crc32 = (data: Uint8Array, value?: number) => number;

let table: Uint32Array | undefined;
/** Table-driven CRC-32, for Node releases older than 20.15 that lack zlib.crc32. */
export function crc32Fallback(data: Uint8Array, value = 0): number {
  if (table === undefined) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = ~value >>> 0;
  for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

const crc32: Crc32 = (zlib as { crc32?: Crc32 }).crc32 ?? crc32Fallback;

/**
 * A pass-through that fails unless exactly `expected.bytes` bytes go through it and, when `expected.crc32` is given,
 * their CRC-32 is that value. Bytes past the expected length fail the chunk that carries them, so no more than the
 * expected length is ever passed on.
 */
export function entryCheck(
  expected: { bytes: number; crc32?: number },
  describe: (detail: string) => UserError,
): Transform {
  const { bytes, crc32: expectedCrc } = expected;
  let seen = 0;
  let crc = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      seen += chunk.length;
      if (seen > bytes) {
        done(describe(`more than the ${bytes} bytes its header declares`));
        return;
      }
      if (expectedCrc !== undefined) crc = crc32(chunk, crc);
      done(null, chunk);
    },
    flush(done: TransformCallback) {
      if (seen !== bytes) done(describe(`only ${seen} of ${bytes} bytes could be read`));
      else if (expectedCrc !== undefined && crc >>> 0 !== expectedCrc >>> 0) {
        done(describe('its checksum does not match; the data is corrupt'));
      } else done(null);
    },
  });
}

/** A pass-through that fails unless exactly `expected` bytes go through it. */
export function exactLength(expected: number, describe: (detail: string) => UserError): Transform {
  return entryCheck({ bytes: expected }, describe);
}
