import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { pack } from 'tar-stream';
import yazl from 'yazl';
import type { Archive } from '../../src/archive/index.js';

export interface FileSpec {
  name: string;
  data: Buffer | string;
  /** ZIP only: store instead of deflate. */
  store?: boolean;
}

const FIXED_TIME = new Date('2024-05-01T12:00:00Z');

export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'mastotui-archive-test-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export async function makeZip(
  file: string,
  files: readonly FileSpec[],
  options: { zip64?: boolean; dirs?: string[] } = {},
): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const dir of options.dirs ?? []) zip.addEmptyDirectory(dir, { mtime: FIXED_TIME });
  for (const f of files) {
    zip.addBuffer(Buffer.from(f.data), f.name, {
      compress: !f.store,
      mtime: FIXED_TIME,
      forceZip64Format: options.zip64 ?? false,
    });
  }
  zip.end({ forceZip64Format: options.zip64 ?? false, comment: '' });
  await pipeline(zip.outputStream, createWriteStream(file));
}

export async function makeTar(file: string, files: readonly FileSpec[], gzip: boolean, dirs: string[] = []): Promise<void> {
  const p = pack();
  for (const dir of dirs) p.entry({ name: dir, type: 'directory', mtime: FIXED_TIME });
  for (const f of files) {
    const data = Buffer.from(f.data);
    // A pax header keeps a leading '/' that the ustar name/prefix split would lose.
    const pax = f.name.startsWith('/') ? { pax: {} } : {};
    p.entry({ name: f.name, size: data.length, mtime: FIXED_TIME, ...pax }, data);
  }
  p.finalize();
  await pipeline(Readable.from(p), gzip ? createGzip() : new PassThrough(), createWriteStream(file));
}

/** Replaces every occurrence of `from` by `to` (same length) in a file, e.g. to plant names yazl refuses. */
export async function patchBytes(file: string, from: string, to: string): Promise<void> {
  if (from.length !== to.length) throw new Error('patchBytes needs equal lengths');
  const buf = await readFile(file);
  const needle = Buffer.from(from);
  let at = buf.indexOf(needle);
  if (at < 0) throw new Error(`${from} not found`);
  while (at >= 0) {
    Buffer.from(to).copy(buf, at);
    at = buf.indexOf(needle, at + 1);
  }
  await writeFile(file, buf);
}

interface CdRecord {
  offset: number;
  name: string;
  localOffset: number;
  extraStart: number;
  extraLength: number;
}

/** The central directory records of a small (non-Zip64) ZIP. */
export function centralDirectory(buf: Buffer): CdRecord[] {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('no EOCD');
  const count = buf.readUInt16LE(eocd + 10);
  let off = buf.readUInt32LE(eocd + 16);
  if (off === 0xffffffff) {
    // Zip64: the real offset is in the Zip64 EOCD record, found through the locator just before the EOCD.
    const record = Number(buf.readBigUInt64LE(eocd - 20 + 8));
    off = Number(buf.readBigUInt64LE(record + 48));
  }
  const records: CdRecord[] = [];
  for (let i = 0; i < (count === 0xffff ? Infinity : count) && buf.readUInt32LE(off) === 0x02014b50; i++) {
    const n = buf.readUInt16LE(off + 28);
    const m = buf.readUInt16LE(off + 30);
    const k = buf.readUInt16LE(off + 32);
    let localOffset = buf.readUInt32LE(off + 42);
    const extraStart = off + 46 + n;
    if (localOffset === 0xffffffff) localOffset = zip64Field(buf, extraStart, m, 'offset');
    records.push({ offset: off, name: buf.toString('utf8', off + 46, off + 46 + n), localOffset, extraStart, extraLength: m });
    off += 46 + n + m + k;
  }
  return records;
}

function zip64Field(buf: Buffer, extraStart: number, extraLength: number, field: 'uncompressed' | 'offset'): number {
  const at = zip64FieldOffset(buf, extraStart, extraLength, field);
  return Number(buf.readBigUInt64LE(at));
}

/** Position of a field of the Zip64 extra field, assuming all three sizes are there (as yazl writes them). */
export function zip64FieldOffset(buf: Buffer, extraStart: number, extraLength: number, field: 'uncompressed' | 'offset'): number {
  let i = extraStart;
  while (i < extraStart + extraLength) {
    const id = buf.readUInt16LE(i);
    const size = buf.readUInt16LE(i + 2);
    if (id === 0x0001) return i + 4 + (field === 'uncompressed' ? 0 : 16);
    i += 4 + size;
  }
  throw new Error('no Zip64 extra field');
}

/** Sets the "encrypted" bit in both the local header and the central directory record of every entry. */
export async function markEncrypted(file: string): Promise<void> {
  const buf = await readFile(file);
  for (const rec of centralDirectory(buf)) {
    buf.writeUInt16LE(buf.readUInt16LE(rec.offset + 8) | 1, rec.offset + 8);
    buf.writeUInt16LE(buf.readUInt16LE(rec.localOffset + 6) | 1, rec.localOffset + 6);
  }
  await writeFile(file, buf);
}

/** Rewrites the declared uncompressed size of one entry in the central directory. */
export async function setDeclaredSize(file: string, entryName: string, size: number): Promise<void> {
  const buf = await readFile(file);
  const rec = centralDirectory(buf).find((r) => r.name === entryName);
  if (!rec) throw new Error(`${entryName} not in the central directory`);
  if (buf.readUInt32LE(rec.offset + 24) === 0xffffffff) {
    buf.writeBigUInt64LE(BigInt(size), zip64FieldOffset(buf, rec.extraStart, rec.extraLength, 'uncompressed'));
  } else {
    buf.writeUInt32LE(size, rec.offset + 24);
  }
  await writeFile(file, buf);
}

export async function readAll(archive: Archive, name: string): Promise<Buffer> {
  const entry = archive.find(name);
  if (!entry) throw new Error(`${name} not found`);
  const stream = await archive.openStream(entry);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Deterministic pseudo-random bytes (incompressible enough to exercise several chunks). */
export function noise(length: number, seed: number): Buffer {
  const buf = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    buf[i] = x & 0xff;
  }
  return buf;
}
