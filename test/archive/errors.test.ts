import { readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { openArchive, type Archive } from '../../src/archive/index.js';
import {
  centralDirectory,
  makeTar,
  makeZip,
  markEncrypted,
  noise,
  readAll,
  setDeclaredSize,
  tempDir,
  type FileSpec,
} from './helpers.js';

const T = 10_000;
const files: FileSpec[] = [
  { name: 'outbox.json', data: JSON.stringify({ orderedItems: Array.from({ length: 200 }, (_, i) => ({ id: i })) }) },
  { name: 'media_attachments/files/001/002/003/original/0123456789abcdef.png', data: noise(200_000, 3) },
  { name: 'actor.json', data: '{"type":"Person"}' },
];

let dir = '';
let cleanup = async (): Promise<void> => undefined;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterAll(async () => cleanup());

async function expectUserError(promise: Promise<unknown>, path: string, fragment?: string | RegExp): Promise<UserError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  const message = (err as UserError).message;
  expect(message.startsWith(`${path}: `)).toBe(true);
  expect(message).not.toContain('\n');
  if (fragment !== undefined) expect(message).toMatch(fragment);
  return err as UserError;
}

async function drain(archive: Archive, name: string): Promise<Buffer> {
  return readAll(archive, name);
}

describe('opening bad input', () => {
  it('names a path that does not exist', async () => {
    const p = join(dir, 'missing.zip');
    await expectUserError(openArchive(p), p, 'no such file or folder');
  }, T);

  it('names an empty file', async () => {
    const p = join(dir, 'empty.zip');
    await writeFile(p, '');
    await expectUserError(openArchive(p), p, 'the file is empty');
  }, T);

  it('refuses random bytes as not an archive', async () => {
    const p = join(dir, 'random.zip');
    const bytes = noise(4096, 11);
    bytes[0] = 0;
    await writeFile(p, bytes);
    await expectUserError(
      openArchive(p),
      p,
      'not a Mastodon archive (expected a .zip, a .tar.gz, an extracted folder or an outbox.json)',
    );
  }, T);

  it('refuses a text file that is not JSON', async () => {
    const p = join(dir, 'notes.txt');
    await writeFile(p, 'hello');
    await expectUserError(openArchive(p), p, 'not a Mastodon archive');
  }, T);

  for (const zip64 of [false, true]) {
    it(`reports a ${zip64 ? 'Zip64 ' : ''}ZIP truncated at any of several cut points`, async () => {
      const whole = join(dir, `whole${zip64 ? '64' : ''}.zip`);
      await makeZip(whole, files, { zip64 });
      const bytes = await readFile(whole);
      const cuts = [10, 100, 1000, Math.floor(bytes.length / 2), bytes.length - 60, bytes.length - 30, bytes.length - 21, bytes.length - 1];
      for (const cut of cuts) {
        const p = join(dir, `cut-${zip64 ? '64-' : ''}${cut}.zip`);
        await writeFile(p, bytes.subarray(0, cut));
        await expectUserError(openArchive(p), p, /the ZIP file is truncated or damaged \(.+\)/);
      }
      const p = join(dir, `cut-eocd${zip64 ? '64' : ''}.zip`);
      await writeFile(p, bytes.subarray(0, bytes.length - 22));
      await expectUserError(openArchive(p), p, 'the ZIP file is truncated or damaged (no central directory found)');
    }, T);
  }

  it('refuses an encrypted ZIP', async () => {
    const p = join(dir, 'encrypted.zip');
    await makeZip(p, files);
    await markEncrypted(p);
    await expectUserError(openArchive(p), p, 'this ZIP is encrypted; mastotui can only read unencrypted archives');
  }, T);

  it('reports a .tar.gz truncated half way', async () => {
    const whole = join(dir, 'whole.tar.gz');
    await makeTar(whole, files, true);
    const bytes = await readFile(whole);
    const p = join(dir, 'half.tar.gz');
    await writeFile(p, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expectUserError(openArchive(p), p, /the \.tar\.gz file is truncated or damaged \(the file ends too early\)/);
  }, T);

  it('reports a plain tar truncated half way', async () => {
    const whole = join(dir, 'whole.tar');
    await makeTar(whole, files, false);
    const bytes = await readFile(whole);
    for (const cut of [300, Math.floor(bytes.length / 2) + 7]) {
      const p = join(dir, `half-${cut}.tar`);
      await writeFile(p, bytes.subarray(0, cut));
      await expectUserError(openArchive(p), p, /the tar file is truncated or damaged/);
    }
  }, T);

  it('reports gzip data that is not a tar', async () => {
    const p = join(dir, 'notatar.tar.gz');
    await writeFile(p, gzipSync(noise(5000, 5)));
    await expectUserError(openArchive(p), p, /the \.tar\.gz file is truncated or damaged/);
    const q = join(dir, 'corrupt.tar.gz');
    const corrupt = gzipSync(noise(5000, 5));
    corrupt.fill(0xff, 20, 60);
    await writeFile(q, corrupt);
    await expectUserError(openArchive(q), q, /the \.tar\.gz file is truncated or damaged/);
  }, T);
});

describe('reading damaged entries', () => {
  it('reports a .tar.gz that was truncated after it was opened', async () => {
    const p = join(dir, 'shrinking.tar.gz');
    await makeTar(p, files, true);
    const archive = await openArchive(p);
    try {
      const size = (await readFile(p)).length;
      await truncate(p, Math.floor(size / 2));
      await expectUserError(drain(archive, 'actor.json'), p, /cannot read actor\.json from the \.tar\.gz file/);
    } finally {
      await archive.close();
    }
  }, T);

  it('reports a damaged local header when the entry is opened', async () => {
    const p = join(dir, 'badlocal.zip');
    await makeZip(p, files);
    const buf = await readFile(p);
    const rec = centralDirectory(buf).find((r) => r.name === 'actor.json')!;
    buf.writeUInt32LE(0xdeadbeef, rec.localOffset);
    await writeFile(p, buf);
    const archive = await openArchive(p);
    try {
      await expectUserError(drain(archive, 'actor.json'), p, /the ZIP entry actor\.json is damaged/);
      expect((await drain(archive, 'outbox.json')).length).toBeGreaterThan(0);
    } finally {
      await archive.close();
    }
  }, T);

  it('never yields more bytes than an entry declares', async () => {
    const p = join(dir, 'liar.zip');
    await makeZip(p, files);
    await setDeclaredSize(p, 'outbox.json', 100);
    const archive = await openArchive(p);
    try {
      expect(archive.find('outbox.json')?.bytes).toBe(100);
      await expectUserError(drain(archive, 'outbox.json'), p, /more data than its header declares/);
    } finally {
      await archive.close();
    }
  }, T);

  it('reports corrupt compressed data while streaming', async () => {
    const p = join(dir, 'corrupt-data.zip');
    await makeZip(p, files);
    const buf = await readFile(p);
    const rec = centralDirectory(buf).find((r) => r.name.endsWith('.png'))!;
    buf.fill(0xff, rec.localOffset + 200, rec.localOffset + 400);
    await writeFile(p, buf);
    const archive = await openArchive(p);
    try {
      await expectUserError(drain(archive, archive.entries[1]!.name), p, /is damaged/);
    } finally {
      await archive.close();
    }
  }, T);

  it('refuses zip bombs: over 64 GiB declared, or over 1000:1 above 100 MiB', async () => {
    const huge = join(dir, 'huge.zip');
    await makeZip(huge, files, { zip64: true });
    await setDeclaredSize(huge, 'actor.json', 65 * 1024 ** 3);
    const ratio = join(dir, 'ratio.zip');
    await makeZip(ratio, files);
    await setDeclaredSize(ratio, 'actor.json', 200 * 1024 ** 2);
    for (const p of [huge, ratio]) {
      const archive = await openArchive(p);
      try {
        await expectUserError(drain(archive, 'actor.json'), p, /refusing to read actor\.json.*zip bomb/);
        await expectUserError(archive.extractTo(archive.find('actor.json')!, join(dir, 'bomb.out')), p, /zip bomb/);
      } finally {
        await archive.close();
      }
    }
  }, T);

  it('reports an unsupported compression method', async () => {
    const p = join(dir, 'bzip2.zip');
    await makeZip(p, files);
    const buf = await readFile(p);
    const rec = centralDirectory(buf).find((r) => r.name === 'actor.json')!;
    buf.writeUInt16LE(12, rec.offset + 10);
    buf.writeUInt16LE(12, rec.localOffset + 8);
    await writeFile(p, buf);
    const archive = await openArchive(p);
    try {
      await expectUserError(drain(archive, 'actor.json'), p, /compression method 12/);
    } finally {
      await archive.close();
    }
  }, T);
});
