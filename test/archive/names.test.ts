import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openArchive } from '../../src/archive/index.js';
import { normalizeName, resolveNames, rootPrefix } from '../../src/archive/names.js';
import { UserError } from '../../src/errors.js';
import { makeTar, makeZip, tempDir } from './helpers.js';

const names = (list: string[]): string[] =>
  resolveNames(list.map((raw) => ({ name: normalizeName(raw), item: raw }))).map((r) => r.name);

describe('names', () => {
  it('normalises separators and dots but keeps .. as a label', () => {
    expect(normalizeName('./outbox.json')).toBe('outbox.json');
    expect(normalizeName('/home//mastodon/./x.png')).toBe('home/mastodon/x.png');
    expect(normalizeName('../../etc/passwd')).toBe('../../etc/passwd');
    expect(normalizeName('./')).toBe('');
  });

  it('strips exactly one wrapping folder, only when it is unambiguous', () => {
    expect(rootPrefix(['a/outbox.json', 'a/actor.json'])).toBe('a/');
    expect(rootPrefix(['outbox.json', 'a/outbox.json'])).toBe('');
    expect(rootPrefix(['a/outbox.json', 'b/outbox.json'])).toBe('');
    expect(rootPrefix(['a/b/outbox.json'])).toBe('');
    expect(names(['a/outbox.json', 'a/media_attachments/x.png', 'readme.txt', '__MACOSX/a/._outbox.json'])).toEqual([
      'outbox.json',
      'media_attachments/x.png',
      'readme.txt',
    ]);
  });

  it('keeps the last of duplicates, at its own position', () => {
    expect(names(['x', 'y', './x', 'z'])).toEqual(['y', 'x', 'z']);
  });
});

describe('wrapping folders in other containers', () => {
  it('finds the root of a nested folder and a nested .tar.gz', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const folder = join(dir, 'download');
      await mkdir(join(folder, 'archive-1', 'media_attachments'), { recursive: true });
      await writeFile(join(folder, 'archive-1', 'outbox.json'), '{}');
      await writeFile(join(folder, 'archive-1', 'media_attachments', 'a.png'), 'png');
      const a = await openArchive(folder);
      expect(a.entries.map((e) => e.name)).toEqual(['media_attachments/a.png', 'outbox.json']);
      await a.close();

      const tgz = join(dir, 'nested.tar.gz');
      await makeTar(tgz, [{ name: './archive-1/outbox.json', data: '{}' }, { name: './archive-1/actor.json', data: '{}' }], true, ['./archive-1/']);
      const b = await openArchive(tgz);
      expect(b.entries.map((e) => [e.name, e.rawName])).toEqual([
        ['outbox.json', './archive-1/outbox.json'],
        ['actor.json', './archive-1/actor.json'],
      ]);
      await b.close();
    } finally {
      await cleanup();
    }
  }, 10_000);

  it('refuses to stream after close, and names the destination when it cannot write', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const zip = join(dir, 'a.zip');
      await makeZip(zip, [{ name: 'outbox.json', data: '{}' }]);
      const a = await openArchive(zip);
      const entry = a.find('outbox.json')!;
      const dest = join(dir, 'no', 'such', 'dir', 'out.json');
      const err = await a.extractTo(entry, dest).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toMatch(new RegExp(`^${dest.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: cannot write the file`));
      await a.close();
      await expect(a.openStream(entry)).rejects.toThrow(/closed/);
      await a.close();
    } finally {
      await cleanup();
    }
  }, 10_000);
});
