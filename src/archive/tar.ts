import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip, type Gunzip } from 'node:zlib';
import { extract as tarExtract, type Extract, type Header } from 'tar-stream';
import { fileError, type UserError } from '../errors.js';
import { headTailFingerprint } from './fingerprint.js';
import { shownName } from './names.js';
import { asUserError, exactLength, guardStream } from './streams.js';
import type { Backend, RawEntry } from './types.js';
import { MAX_ENTRY_BYTES } from './zip.js';

/** Where a tar entry lives: its position among the regular files, and where its data starts (plain tar only). */
export interface TarHandle {
  index: number;
  dataOffset: number;
}

type Source = Extract extends AsyncIterable<infer S> ? S : never;

const HEADER_BYTES = 512;

function isRegular(header: Header): boolean {
  return header.type === 'file' || header.type === 'contiguous-file';
}

/**
 * Tar has no index: list the entries in one streaming pass, discarding bodies. A plain tar is then read with random
 * access (the data offset of each entry is known from the listing); a .tar.gz is re-read from the start for each
 * entry, draining the bodies before it.
 */
export async function openTar(path: string, gzipped: boolean, fileSize: number): Promise<Backend<TarHandle>> {
  const kind = gzipped ? 'tar.gz' : 'tar';
  const label = gzipped ? '.tar.gz' : 'tar';
  const damaged = (detail: string): UserError =>
    fileError(path, `the ${label} file is truncated or damaged (${tarProblem(detail)})`);

  const entries: RawEntry<TarHandle>[] = [];
  try {
    for await (const source of tarSources(path, gzipped)) {
      if (isRegular(source.header)) {
        const handle = { index: entries.length, dataOffset: source.offset + HEADER_BYTES };
        entries.push({ rawName: source.header.name, bytes: source.header.size, handle });
      }
      source.resume();
    }
  } catch (err) {
    throw asUserError(err, damaged);
  }

  const active = new Set<Readable>();
  return {
    container: kind,
    entries,
    fingerprint: await headTailFingerprint(path, kind, fileSize),
    open: async (handle, entry) => {
      const shown = shownName(entry.name);
      const entryDamaged = (detail: string): UserError =>
        fileError(path, `cannot read ${shown} from the ${label} file (${tarProblem(detail)})`);
      if (entry.bytes > MAX_ENTRY_BYTES) {
        throw fileError(path, `refusing to read ${shown}: it declares ${entry.bytes} bytes, more than the 64 GiB limit`);
      }
      const body = gzipped
        ? Readable.from(gzippedBody(path, handle.index), { objectMode: false })
        : plainBody(path, handle.dataOffset, entry.bytes);
      const stream = guardStream(body, entryDamaged, exactLength(entry.bytes, entryDamaged));
      active.add(stream);
      stream.on('close', () => active.delete(stream));
      return stream;
    },
    close: async () => {
      for (const stream of active) stream.destroy();
      active.clear();
    },
  };
}

/** A plain tar entry, read at its offset. */
function plainBody(path: string, start: number, bytes: number): Readable {
  if (bytes === 0) return Readable.from([], { objectMode: false });
  return createReadStream(path, { start, end: start + bytes - 1 });
}

/** The body of the index-th regular file of a .tar.gz, found by reading from the start. */
async function* gzippedBody(path: string, index: number): AsyncGenerator<Buffer> {
  let seen = -1;
  for await (const source of tarSources(path, true)) {
    if (isRegular(source.header) && ++seen === index) {
      for await (const chunk of source) yield chunk as Buffer;
      return;
    }
    source.resume();
  }
  throw new Error('the entry is no longer in the file; was it changed since it was opened?');
}

/**
 * Every entry of a tar (or .tar.gz) in order. The caller must consume or resume() each one. Stopping early, or a
 * failure anywhere in the chain, releases the file.
 */
async function* tarSources(path: string, gzipped: boolean): AsyncGenerator<Source> {
  const file = createReadStream(path);
  // allowUnknownFormat: old pre-POSIX headers are accepted; their checksum is still verified.
  const extract = tarExtract({ allowUnknownFormat: true } as Parameters<typeof tarExtract>[0]);
  const fail = (err: unknown): void => {
    extract.destroy(err instanceof Error ? err : new Error(String(err)));
  };
  file.on('error', fail);
  let gunzip: Gunzip | undefined;
  if (gzipped) {
    gunzip = createGunzip();
    gunzip.on('error', fail);
    file.pipe(gunzip).pipe(extract as unknown as NodeJS.WritableStream);
  } else {
    file.pipe(extract as unknown as NodeJS.WritableStream);
  }
  try {
    for await (const source of extract) yield source;
  } finally {
    file.destroy();
    gunzip?.destroy();
    extract.destroy();
  }
}

/** zlib's and tar-stream's messages, phrased for someone who does not know the formats. */
function tarProblem(detail: string): string {
  if (/unexpected end of (file|data)/i.test(detail)) return 'the file ends too early';
  if (/incorrect header check|invalid (block type|distance|stored block|code)/i.test(detail)) {
    return `the compressed data is corrupt: ${detail}`;
  }
  if (/invalid tar header/i.test(detail)) return 'an entry header is invalid; it may not be a tar archive';
  return detail;
}
