import type { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { fileError, type UserError } from '../errors.js';
import { addField, fingerprintHash } from './fingerprint.js';
import { shownName } from './names.js';
import { asUserError, entryCheck, guardStream } from './streams.js';
import type { Backend, RawEntry } from './types.js';
import { BlockReader } from './zip-reader.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
/** No entry of a real archive comes near this; a larger declared size is a zip bomb or garbage. */
export const MAX_ENTRY_BYTES = 64 * GiB;
/** Entries larger than this must not be compressed more than MAX_RATIO:1. */
export const RATIO_CHECK_BYTES = 100 * MiB;
export const MAX_RATIO = 1000;

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;

/** Reads the central directory only; entry bytes are streamed on demand. */
export async function openZip(path: string, fileSize: number): Promise<Backend<Entry>> {
  const damaged = (detail: string): UserError => fileError(path, `the ZIP file is truncated or damaged (${zipProblem(detail)})`);
  const encrypted = (): UserError => fileError(path, 'this ZIP is encrypted; mastotui can only read unencrypted archives');

  const reader = await BlockReader.open(path, fileSize).catch((err: unknown) => {
    throw asUserError(err, (detail) => fileError(path, `cannot read it (${detail})`));
  });
  const zip = await new Promise<ZipFile>((resolve, reject) => {
    yauzl.fromRandomAccessReader(
      reader,
      fileSize,
      { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true, strictFileNames: false },
      (err, zipfile) => (err ? reject(asUserError(err, damaged)) : resolve(zipfile)),
    );
  }).catch((err: unknown) => {
    reader.closeNow();
    throw err;
  });

  const hash = fingerprintHash('zip');
  addField(hash, fileSize);
  const entries: RawEntry<Entry>[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', (err: unknown) => {
        const detail = err instanceof Error ? err.message : String(err);
        reject(/encryption/i.test(detail) ? encrypted() : asUserError(err, damaged));
      });
      zip.on('end', () => resolve());
      zip.on('entry', (entry: Entry) => {
        // decodeStrings is off so that yauzl does not reject names such as '/abs/path' or '../x': names are labels.
        const rawBytes = entry.fileNameRaw;
        addField(hash, rawBytes);
        addField(hash, `${entry.crc32}/${entry.compressedSize}/${entry.uncompressedSize}`);
        addField(hash, `${entry.relativeOffsetOfLocalHeader}/${entry.compressionMethod}/${entry.generalPurposeBitFlag}`);
        if (entry.isEncrypted()) {
          reject(encrypted());
          return;
        }
        const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, rawBytes, entry.extraFields, false);
        if (isRegularFile(entry, name)) entries.push({ rawName: name, bytes: entry.uncompressedSize, handle: openingFields(entry) });
        zip.readEntry();
      });
      zip.readEntry();
    });
  } catch (err) {
    zip.close();
    throw err;
  }

  return {
    container: 'zip',
    entries,
    fingerprint: hash.digest('hex'),
    open: (entry, archiveEntry) => openEntry(path, zip, entry, shownName(archiveEntry.name)),
    close: async () => {
      zip.close();
    },
  };
}

/**
 * What opening an entry later needs (openEntry, and yauzl's openReadStream, which calls isEncrypted and isCompressed),
 * on yauzl's Entry prototype. yauzl's own entry keeps every field of the central directory record and buffers of its
 * name and extra fields: the opened 1M bench archive (128k entries) held 119 MB of heap and 32 MB of buffers with
 * them, 65 MB and 1.3 MB with these (names and the archive's entry list included).
 */
function openingFields(entry: Entry): Entry {
  const kept = Object.create(yauzl.Entry.prototype) as Entry;
  kept.compressedSize = entry.compressedSize;
  kept.uncompressedSize = entry.uncompressedSize;
  kept.compressionMethod = entry.compressionMethod;
  kept.generalPurposeBitFlag = entry.generalPurposeBitFlag;
  kept.relativeOffsetOfLocalHeader = entry.relativeOffsetOfLocalHeader;
  kept.crc32 = entry.crc32;
  return kept;
}

function isRegularFile(entry: Entry, name: string): boolean {
  if (name.endsWith('/')) return false;
  const madeOnUnix = entry.versionMadeBy >> 8 === 3;
  const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
  if (madeOnUnix && (mode === S_IFLNK || mode === S_IFDIR)) return false;
  return true;
}

/** The reason an entry must not be inflated, or undefined. */
export function bombReason(uncompressed: number, compressed: number): string | undefined {
  if (uncompressed > MAX_ENTRY_BYTES) {
    return `declares ${uncompressed} bytes uncompressed, more than the 64 GiB limit`;
  }
  if (uncompressed > RATIO_CHECK_BYTES && uncompressed > MAX_RATIO * Math.max(compressed, 1)) {
    return `would expand ${compressed} bytes to ${uncompressed} (more than ${MAX_RATIO}:1)`;
  }
  return undefined;
}

async function openEntry(path: string, zip: ZipFile, entry: Entry, shown: string): Promise<Readable> {
  const damaged = (detail: string): UserError =>
    fileError(path, `the ZIP entry ${shown} is damaged (${zipProblem(detail)})`);
  const bomb = bombReason(entry.uncompressedSize, entry.compressedSize);
  if (bomb !== undefined) throw fileError(path, `refusing to read ${shown}: it ${bomb}; this looks like a zip bomb`);
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
    throw fileError(
      path,
      `the ZIP entry ${shown} uses compression method ${entry.compressionMethod}, which mastotui cannot read (only stored and deflate)`,
    );
  }
  // The entry's bytes as stored: yauzl still reads and checks the local header, keeps the data inside the file and
  // counts the compressed bytes; inflating, the exact length and the CRC-32 are checked here.
  const raw = await new Promise<Readable>((resolve, reject) => {
    try {
      zip.openReadStream(entry, { decodeFileData: false }, (err, s) =>
        err ? reject(asUserError(err, damaged)) : resolve(s),
      );
    } catch (err) {
      reject(asUserError(err, damaged));
    }
  });
  const check = entryCheck({ bytes: entry.uncompressedSize, crc32: entry.crc32 }, damaged);
  if (entry.compressionMethod === 0) return guardStream(raw, damaged, check);
  const inflate = zlib.createInflateRaw({ chunkSize: inflateChunkBytes(entry.uncompressedSize) });
  return guardStream(raw, damaged, inflate, check);
}

/**
 * Inflate output in chunks of up to 256 KiB instead of zlib's 16 KiB (entry data is read 256 KiB at a time, in
 * zip-reader.ts): each chunk is a round trip to the thread pool and a callback in every stage after it. Streaming the
 * 243 MB outbox.json of a 100k-post archive (23.6 MB compressed), best of 5, on 2 busy cores: 0.84-0.86 s wall /
 * 0.78-0.80 s CPU with 16 KiB chunks and 64 KiB reads (0.35-0.37 s in quieter moments), 0.25-0.26 s / 0.26 s now;
 * the whole load about 0.2 s shorter. 1 MiB reads and chunks were no faster (0.27-0.28 s, and up to 0.5 s of CPU in
 * some runs; each 1 MiB read inflates to about 10 MiB at once, probably no longer in the CPU caches when the CRC and
 * the reader get to it); dropping a pass-through stage saved under 0.01 s. Small entries get a chunk of their own
 * size, so that their bytes do not hold on to a mostly empty buffer.
 */
export function inflateChunkBytes(uncompressed: number): number {
  return Math.min(INFLATE_CHUNK_MAX, Math.max(INFLATE_CHUNK_MIN, uncompressed));
}
const INFLATE_CHUNK_MIN = 16 * 1024;
const INFLATE_CHUNK_MAX = 256 * 1024;

/** yauzl's messages, phrased for someone who does not know the ZIP format. */
function zipProblem(detail: string): string {
  if (/end of central directory record signature not found/i.test(detail)) return 'no central directory found';
  if (/unexpected EOF/i.test(detail)) return 'the file ends too early';
  if (/invalid comment length/i.test(detail)) return 'extra or missing bytes at the end of the file';
  if (/not enough bytes in the stream|^only \d+ of \d+ bytes could be read/i.test(detail)) {
    return 'the data of this entry ends too early';
  }
  if (/too many bytes in the stream|^more than the \d+ bytes its header declares/i.test(detail)) {
    return 'the entry holds more data than its header declares';
  }
  if (/overflows file bounds/i.test(detail)) return 'the data of this entry lies past the end of the file';
  if (/unexpected end of file|invalid (block type|distance|stored block|code)|incorrect header check/i.test(detail)) {
    return `the compressed data is corrupt: ${detail}`;
  }
  return detail;
}
