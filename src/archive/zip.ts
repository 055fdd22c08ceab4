import type { Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { fileError, type UserError } from '../errors.js';
import { addField, fingerprintHash } from './fingerprint.js';
import { shownName } from './names.js';
import { asUserError, crc32Check, guardStream } from './streams.js';
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
        if (isRegularFile(entry, name)) entries.push({ rawName: name, bytes: entry.uncompressedSize, handle: entry });
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
  const stream = await new Promise<Readable>((resolve, reject) => {
    try {
      zip.openReadStream(entry, (err, s) => (err ? reject(asUserError(err, damaged)) : resolve(s)));
    } catch (err) {
      reject(asUserError(err, damaged));
    }
  });
  return guardStream(stream, damaged, crc32Check(entry.crc32, damaged));
}

/** yauzl's messages, phrased for someone who does not know the ZIP format. */
function zipProblem(detail: string): string {
  if (/end of central directory record signature not found/i.test(detail)) return 'no central directory found';
  if (/unexpected EOF/i.test(detail)) return 'the file ends too early';
  if (/invalid comment length/i.test(detail)) return 'extra or missing bytes at the end of the file';
  if (/not enough bytes in the stream/i.test(detail)) return 'the data of this entry ends too early';
  if (/too many bytes in the stream/i.test(detail)) return 'the entry holds more data than its header declares';
  if (/overflows file bounds/i.test(detail)) return 'the data of this entry lies past the end of the file';
  if (/unexpected end of file|invalid (block type|distance|stored block|code)|incorrect header check/i.test(detail)) {
    return `the compressed data is corrupt: ${detail}`;
  }
  return detail;
}
