/**
 * Streaming ZIP entries: the bytes come back exactly, whatever the chunk sizes (entries larger than the read and
 * inflate chunks, empty ones, small ones), and every way an entry can lie or be damaged ends the stream with a
 * UserError naming the file; a reader that stops early releases the file.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, readlink, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArchive, type Archive } from '../../src/archive/index.js';
import { inflateChunkBytes } from '../../src/archive/zip.js';
import { UserError } from '../../src/errors.js';
import { craftZip } from '../reliability/helpers.js';
import { centralDirectory, makeZip, noise, readAll, tempDir, type FileSpec } from './helpers.js';

const T = 20_000;
const MiB = 1024 * 1024;

/** Text-like data that deflates to about a third: several read chunks compressed, many inflate chunks inflated. */
function lines(bytes: number, seed: number): Buffer {
  const hex = noise(Math.ceil(bytes / 4), seed).toString('hex');
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; length < bytes; i++) {
    const line = `{"id":${i},"content":"${hex.slice((i * 24) % (hex.length - 24), ((i * 24) % (hex.length - 24)) + 24)}"}\n`;
    parts.push(line);
    length += line.length;
  }
  return Buffer.from(parts.join('')).subarray(0, bytes);
}

const deflated = lines(3 * MiB + 12345, 1);
const stored = noise(MiB + 777, 2);
const files: FileSpec[] = [
  { name: 'outbox.json', data: deflated },
  { name: 'media/stored.bin', data: stored, store: true },
  { name: 'media/noise.bin', data: noise(700_000, 3) },
  { name: 'empty-deflated.txt', data: '' },
  { name: 'empty-stored.txt', data: '', store: true },
  { name: 'actor.json', data: '{"type":"Person"}' },
];

let dir = '';
let cleanup = async (): Promise<void> => undefined;
let good = '';
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  good = join(dir, 'good.zip');
  await makeZip(good, files);
});
afterAll(async () => cleanup());

async function withArchive<T>(path: string, use: (archive: Archive) => Promise<T>): Promise<T> {
  const archive = await openArchive(path);
  try {
    return await use(archive);
  } finally {
    await archive.close();
  }
}

/** The whole entry, or the bytes it delivered before failing (to open or to stream) and why. */
async function consume(archive: Archive, name: string): Promise<{ bytes: number; chunks: Buffer[]; error?: unknown }> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  try {
    for await (const chunk of await archive.openStream(archive.find(name)!)) {
      chunks.push(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
    return { bytes, chunks };
  } catch (error) {
    return { bytes, chunks, error };
  }
}

function expectDamaged(error: unknown, path: string, fragment: RegExp): void {
  expect(error).toBeInstanceOf(UserError);
  const message = (error as UserError).message;
  expect(message.startsWith(`${path}: `)).toBe(true);
  expect(message).not.toContain('\n');
  expect(message).toMatch(fragment);
}

/** The file descriptors of this process open on `path` (Linux), to see that a stream let go of the file. */
async function openDescriptors(path: string): Promise<number> {
  let count = 0;
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    if (target === path) count++;
  }
  return count;
}
const hasProc = existsSync('/proc/self/fd');

async function eventually(check: () => Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return false;
}

describe('ZIP entries read back exactly', () => {
  it('stored and deflated entries larger than the read and inflate chunks, empty and small ones', async () => {
    await withArchive(good, async (archive) => {
      for (const f of files) expect((await readAll(archive, f.name)).equals(Buffer.from(f.data)), f.name).toBe(true);
    });
  }, T);

  it('inflates a large entry in large chunks, a small one in chunks of its own size', async () => {
    expect(inflateChunkBytes(0)).toBe(16 * 1024);
    expect(inflateChunkBytes(100_000)).toBe(100_000);
    expect(inflateChunkBytes(2 ** 40)).toBe(256 * 1024);
    await withArchive(good, async (archive) => {
      const { chunks } = await consume(archive, 'outbox.json');
      expect(Math.max(...chunks.map((c) => c.length))).toBe(256 * 1024);
      expect(chunks.length).toBeLessThan(deflated.length / (64 * 1024));
    });
  }, T);

  it('readRange across chunk boundaries, readText of a small entry', async () => {
    await withArchive(good, async (archive) => {
      for (const [name, data] of [
        ['outbox.json', deflated],
        ['media/stored.bin', stored],
      ] as const) {
        for (const [offset, length] of [
          [0, 10],
          [256 * 1024 - 5, 10],
          [MiB - 3, 300_000],
          [data.length - 7, 100],
        ] as const) {
          const got = await archive.readRange(archive.find(name)!, offset, length);
          expect(got.equals(data.subarray(offset, offset + length)), `${name} ${offset}`).toBe(true);
        }
      }
      expect(await archive.readText(archive.find('actor.json')!, 1000)).toBe('{"type":"Person"}');
    });
  }, T);
});

describe('damaged or lying ZIP entries fail with a message naming the file', () => {
  async function crafted(name: string, zip: Buffer): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, zip);
    return path;
  }

  it('a deflated entry that holds more than it declares never yields more than declared', async () => {
    const path = await crafted('longer.zip', craftZip([{ name: 'outbox.json', data: deflated, declaredSize: MiB + 5 }]));
    await withArchive(path, async (archive) => {
      const { bytes, chunks, error } = await consume(archive, 'outbox.json');
      expectDamaged(error, path, /the ZIP entry outbox\.json is damaged \(the entry holds more data than its header declares\)/);
      expect(bytes).toBeLessThanOrEqual(MiB + 5);
      expect(Buffer.concat(chunks).equals(deflated.subarray(0, bytes))).toBe(true);
    });
  }, T);

  it('a deflated entry that holds less than it declares', async () => {
    const path = await crafted('shorter.zip', craftZip([{ name: 'outbox.json', data: deflated, declaredSize: deflated.length + 1 }]));
    await withArchive(path, async (archive) => {
      const { error } = await consume(archive, 'outbox.json');
      expectDamaged(error, path, /the ZIP entry outbox\.json is damaged \(the data of this entry ends too early\)/);
    });
  }, T);

  for (const method of ['store', 'deflate'] as const) {
    it(`a ${method === 'store' ? 'stored' : 'deflated'} entry whose checksum does not match`, async () => {
      const zip = craftZip([{ name: 'outbox.json', data: deflated, method }]);
      const rec = centralDirectory(zip)[0]!;
      const wrong = (zip.readUInt32LE(rec.offset + 16) ^ 1) >>> 0;
      zip.writeUInt32LE(wrong, rec.offset + 16);
      zip.writeUInt32LE(wrong, rec.localOffset + 14);
      const path = await crafted(`crc-${method}.zip`, zip);
      await withArchive(path, async (archive) => {
        const { error } = await consume(archive, 'outbox.json');
        expectDamaged(error, path, /the ZIP entry outbox\.json is damaged \(its checksum does not match; the data is corrupt\)/);
      });
    }, T);

    it(`a ${method === 'store' ? 'stored' : 'deflated'} entry cut short after the archive was opened`, async () => {
      const path = await crafted(`cut-${method}.zip`, craftZip([{ name: 'outbox.json', data: deflated, method }]));
      await withArchive(path, async (archive) => {
        await truncate(path, 600_000);
        const { error } = await consume(archive, 'outbox.json');
        expectDamaged(error, path, /the ZIP entry outbox\.json is damaged \(the data of this entry ends too early\)/);
      });
    }, T);
  }

  it('corrupt deflate data', async () => {
    const zip = craftZip([{ name: 'outbox.json', data: deflated }]);
    zip.fill(0xff, 400_000, 400_200);
    const path = await crafted('corrupt.zip', zip);
    await withArchive(path, async (archive) => {
      const { error } = await consume(archive, 'outbox.json');
      expectDamaged(error, path, /the ZIP entry outbox\.json is damaged \(the compressed data is corrupt: .+\)/);
    });
  }, T);

  it('entry data that would lie past the end of the file', async () => {
    const zip = craftZip([{ name: 'outbox.json', data: deflated }]);
    const rec = centralDirectory(zip)[0]!;
    zip.writeUInt32LE(zip.length, rec.offset + 20); // the compressed size
    const path = await crafted('past-end.zip', zip);
    await withArchive(path, async (archive) => {
      const { error } = await consume(archive, 'outbox.json');
      expectDamaged(error, path, /the ZIP entry outbox\.json is damaged \(the data of this entry lies past the end of the file\)/);
    });
  }, T);
});

describe.skipIf(!hasProc)('streams let go of the file', () => {
  it('destroying a stream early releases the file: closing the archive then closes it', async () => {
    const path = join(dir, 'release.zip');
    await writeFile(path, await readFile(good));
    const archive = await openArchive(path);
    for (const name of ['outbox.json', 'media/stored.bin']) {
      const stream: Readable = await archive.openStream(archive.find(name)!);
      await new Promise<void>((resolve) => stream.once('data', () => resolve()));
      stream.destroy();
    }
    await archive.readRange(archive.find('outbox.json')!, 10, 10);
    await archive.readText(archive.find('actor.json')!, 100);
    expect(await openDescriptors(path)).toBe(1);
    await archive.close();
    expect(await eventually(async () => (await openDescriptors(path)) === 0)).toBe(true);
  }, T);

  it('a stream still being read when the archive closes reads to the end, then the file is closed', async () => {
    // An entry whose compressed bytes are well over what a stream reads ahead (2 MiB inflated), so that the file is
    // still being read when the archive closes.
    const path = join(dir, 'late.zip');
    const big = lines(16 * MiB, 4);
    await makeZip(path, [{ name: 'outbox.json', data: big }]);
    const archive = await openArchive(path);
    const stream = await archive.openStream(archive.find('outbox.json')!);
    const chunks: Buffer[] = [];
    let closed = false;
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer);
      if (!closed) {
        closed = true;
        await archive.close();
        expect(await openDescriptors(path)).toBe(1);
      }
    }
    expect(Buffer.concat(chunks).equals(big)).toBe(true);
    expect(await eventually(async () => (await openDescriptors(path)) === 0)).toBe(true);
  }, T);
});
