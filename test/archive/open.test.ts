import { mkdir, readFile, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArchive, type Archive } from '../../src/archive/index.js';
import { makeTar, makeZip, noise, patchBytes, readAll, tempDir, type FileSpec } from './helpers.js';

const T = 15_000;
const MEDIA_A = 'media_attachments/files/109/333/835/161/429/021/original/3381f6f615f26246.jpeg';
const MEDIA_B = 'media_attachments/files/009/377/166/original/d2380e7c4b855c4a.png';
const TAR_PREFIX = '/home/mastodon/live/public/system/';

const outbox = JSON.stringify({ type: 'OrderedCollection', orderedItems: [{ type: 'Create', note: 'héllo ✓' }] });
const actor = JSON.stringify({ type: 'Person', icon: { url: 'avatar.png' } });
const big = noise(700_000, 7);
const small = noise(1234, 9);

/** A 4.2+ archive, in the order Mastodon writes it. */
const modern: FileSpec[] = [
  { name: 'outbox.json', data: outbox },
  { name: MEDIA_A, data: big },
  { name: MEDIA_B, data: small, store: true },
  { name: 'likes.json', data: '{"orderedItems":[]}' },
  { name: 'avatar.png', data: small },
  { name: 'actor.json', data: actor },
];
const modernNames = modern.map((f) => f.name);

let dir = '';
let cleanup = async (): Promise<void> => undefined;
const paths: Record<string, string> = {};

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  paths.zip = join(dir, 'archive-20240501120000-abc.zip');
  await makeZip(paths.zip, modern);
  paths.zip64 = join(dir, 'zip64.zip');
  await makeZip(paths.zip64, modern, { zip64: true });
  paths.nested = join(dir, 'nested.zip');
  await makeZip(
    paths.nested,
    [
      ...modern.map((f) => ({ ...f, name: `archive-2024/${f.name}` })),
      { name: '__MACOSX/archive-2024/._outbox.json', data: 'junk' },
      { name: '__MACOSX/._archive-2024', data: 'junk' },
      { name: 'archive-2024/.DS_Store', data: 'junk' },
      { name: 'notes.txt', data: 'outside the root' },
    ],
    { dirs: ['archive-2024/', 'archive-2024/media_attachments/'] },
  );
  paths.tgz = join(dir, 'archive-20200101000000-abc.tar.gz');
  await makeTar(
    paths.tgz,
    [
      { name: TAR_PREFIX + MEDIA_A, data: big },
      { name: TAR_PREFIX + MEDIA_B, data: small },
      { name: 'outbox.json', data: outbox },
      { name: 'likes.json', data: '{"orderedItems":[]}' },
      { name: 'avatar.png', data: small },
      { name: 'actor.json', data: actor },
    ],
    true,
    ['/home/mastodon/live/public/system/'],
  );
  paths.tar = join(dir, 'plain.tar');
  const longName = `${'deep/'.repeat(60)}file.txt`;
  await makeTar(
    paths.tar,
    [
      { name: './outbox.json', data: outbox },
      { name: longName, data: small },
      { name: './' + MEDIA_A, data: big },
      { name: 'empty.txt', data: '' },
    ],
    false,
  );
  paths.folder = join(dir, 'extracted');
  for (const f of modern) {
    await mkdir(join(paths.folder, f.name, '..'), { recursive: true });
    await writeFile(join(paths.folder, f.name), f.data);
  }
  await writeFile(join(dir, 'outside.txt'), 'secret');
  await symlink(join(dir, 'outside.txt'), join(paths.folder, 'link-out.txt'));
  await symlink(join(paths.folder, 'actor.json'), join(paths.folder, 'link-in.json'));
  await symlink(dir, join(paths.folder, 'link-dir'));
  paths.bare = join(dir, 'my-outbox.json');
  await writeFile(paths.bare, `\n  ${outbox}`);
});

afterAll(async () => cleanup());

async function withArchive<R>(path: string, fn: (a: Archive) => Promise<R>): Promise<R> {
  const archive = await openArchive(path);
  try {
    return await fn(archive);
  } finally {
    await archive.close();
  }
}

describe('listing and root detection', () => {
  it('reads a ZIP from its central directory', async () => {
    await withArchive(paths.zip!, async (a) => {
      expect(a.container).toBe('zip');
      expect(a.path).toBe(paths.zip);
      expect(a.entries.map((e) => e.name)).toEqual(modernNames);
      expect(a.find(MEDIA_A)?.bytes).toBe(big.length);
      expect(a.find('outbox.json')?.rawName).toBe('outbox.json');
      expect(a.find('nope.json')).toBeUndefined();
    });
  }, T);

  it('reads a Zip64 ZIP', async () => {
    await withArchive(paths.zip64!, async (a) => {
      expect(a.container).toBe('zip');
      expect(a.entries.map((e) => e.name)).toEqual(modernNames);
      expect((await readAll(a, MEDIA_A)).equals(big)).toBe(true);
    });
  }, T);

  it('finds the root inside one wrapping folder and drops __MACOSX junk', async () => {
    await withArchive(paths.nested!, async (a) => {
      expect(a.entries.map((e) => e.name)).toEqual([...modernNames, '.DS_Store', 'notes.txt']);
      expect(a.find('outbox.json')?.rawName).toBe('archive-2024/outbox.json');
      expect(a.entries.some((e) => e.rawName.includes('__MACOSX'))).toBe(false);
      expect((await readAll(a, 'actor.json')).toString()).toBe(actor);
    });
  }, T);

  it('lists a .tar.gz of the tar era, keeping absolute media paths without the leading slash', async () => {
    await withArchive(paths.tgz!, async (a) => {
      expect(a.container).toBe('tar.gz');
      expect(a.entries.map((e) => e.name)).toEqual([
        TAR_PREFIX.slice(1) + MEDIA_A,
        TAR_PREFIX.slice(1) + MEDIA_B,
        'outbox.json',
        'likes.json',
        'avatar.png',
        'actor.json',
      ]);
      expect(a.entries[0]!.rawName).toBe(TAR_PREFIX + MEDIA_A);
      expect(a.find('outbox.json')?.bytes).toBe(Buffer.byteLength(outbox));
    });
  }, T);

  it('lists a plain tar with ./ names and a long (pax) name', async () => {
    await withArchive(paths.tar!, async (a) => {
      expect(a.container).toBe('tar');
      expect(a.entries.map((e) => e.name)).toEqual(['outbox.json', `${'deep/'.repeat(60)}file.txt`, MEDIA_A, 'empty.txt']);
      expect((await readAll(a, `${'deep/'.repeat(60)}file.txt`)).equals(small)).toBe(true);
      expect((await readAll(a, MEDIA_A)).equals(big)).toBe(true);
      expect((await readAll(a, 'empty.txt')).length).toBe(0);
      expect(await a.readText(a.find('outbox.json')!, 1e6)).toBe(outbox);
    });
  }, T);

  it('walks an extracted folder, following only links that stay inside', async () => {
    await withArchive(paths.folder!, async (a) => {
      expect(a.container).toBe('folder');
      const names = a.entries.map((e) => e.name);
      expect([...names].sort()).toEqual([...modernNames, 'link-in.json'].sort());
      expect(names).not.toContain('link-out.txt');
      expect((await readAll(a, 'link-in.json')).toString()).toBe(actor);
    });
  }, T);

  it('treats a lone JSON file as outbox.json, whatever its name', async () => {
    await withArchive(paths.bare!, async (a) => {
      expect(a.container).toBe('outbox.json');
      expect(a.entries).toEqual([{ name: 'outbox.json', rawName: 'my-outbox.json', bytes: Buffer.byteLength(outbox) + 3 }]);
      expect(JSON.parse(await a.readText(a.find('outbox.json')!, 1e6))).toEqual(JSON.parse(outbox));
    });
  }, T);

  it('detects by content, not by extension', async () => {
    const disguised = join(dir, 'really-a-zip.tar.gz');
    await writeFile(disguised, await readFile(paths.zip!));
    await withArchive(disguised, async (a) => expect(a.container).toBe('zip'));
  }, T);

  it('keeps the last of duplicate names', async () => {
    const dup = join(dir, 'dup.zip');
    await makeZip(dup, [
      { name: 'outbox.json', data: '{"first":1}' },
      { name: 'actor.json', data: actor },
      { name: 'outbox.json', data: '{"second":2}' },
    ]);
    await withArchive(dup, async (a) => {
      expect(a.entries.map((e) => e.name)).toEqual(['actor.json', 'outbox.json']);
      expect(await a.readText(a.find('outbox.json')!, 100)).toBe('{"second":2}');
    });
  }, T);

  it('opens ZIPs holding absolute and ../ names without using them as paths', async () => {
    const evil = join(dir, 'evil.zip');
    await makeZip(evil, [
      { name: 'outbox.json', data: outbox },
      { name: 'aa/evil.txt', data: 'x' },
      { name: 'bbabs.txt', data: 'y' },
    ]);
    await patchBytes(evil, 'aa/evil.txt', '../evil.txt');
    await patchBytes(evil, 'bbabs.txt', '/babs.txt');
    await withArchive(evil, async (a) => {
      expect(a.entries.map((e) => [e.name, e.rawName])).toEqual([
        ['outbox.json', 'outbox.json'],
        ['../evil.txt', '../evil.txt'],
        ['babs.txt', '/babs.txt'],
      ]);
      const dest = join(dir, 'extracted-evil');
      await a.extractTo(a.entries[1]!, dest);
      expect(await readFile(dest, 'utf8')).toBe('x');
    });
  }, T);

  it('opens an empty ZIP', async () => {
    const empty = join(dir, 'empty.zip');
    await makeZip(empty, []);
    await withArchive(empty, async (a) => expect(a.entries).toEqual([]));
  }, T);
});

describe('streaming', () => {
  const forms = ['zip', 'zip64', 'nested', 'folder', 'tar'] as const;
  for (const form of forms) {
    it(`streams exact bytes from the ${form} form`, async () => {
      await withArchive(paths[form]!, async (a) => {
        expect((await readAll(a, MEDIA_A)).equals(big)).toBe(true);
        if (a.find(MEDIA_B)) expect((await readAll(a, MEDIA_B)).equals(small)).toBe(true);
        expect((await readAll(a, 'outbox.json')).toString()).toBe(outbox);
      });
    }, T);
  }

  it('streams exact bytes from a .tar.gz, re-reading it per entry', async () => {
    await withArchive(paths.tgz!, async (a) => {
      expect((await readAll(a, TAR_PREFIX.slice(1) + MEDIA_A)).equals(big)).toBe(true);
      expect((await readAll(a, 'avatar.png')).equals(small)).toBe(true);
      // Two streams at once, and one abandoned half way.
      const [x, y] = await Promise.all([readAll(a, 'actor.json'), readAll(a, 'outbox.json')]);
      expect(x.toString()).toBe(actor);
      expect(y.toString()).toBe(outbox);
      const abandoned = await a.openStream(a.entries[0]!);
      for await (const chunk of abandoned) {
        expect((chunk as Buffer).length).toBeGreaterThan(0);
        break;
      }
    });
  }, T);

  it('accepts an equal-looking entry object (found by name)', async () => {
    await withArchive(paths.zip!, async (a) => {
      const copy = { ...a.find('actor.json')! };
      expect(await a.readText(copy, 1e6)).toBe(actor);
    });
  }, T);

  it('readText decodes UTF-8 and refuses entries over the limit', async () => {
    for (const form of ['zip', 'tgz', 'folder', 'bare'] as const) {
      await withArchive(paths[form]!, async (a) => {
        const entry = a.find('outbox.json')!;
        const text = await a.readText(entry, entry.bytes);
        expect(JSON.parse(text)).toEqual(JSON.parse(outbox));
        const err = await a.readText(entry, entry.bytes - 1).catch((e: unknown) => e);
        expect(err).toMatchObject({ name: 'UserError' });
        expect((err as Error).message).toContain(paths[form]!);
        expect((err as Error).message).toContain('outbox.json is too large');
      });
    }
  }, T);

  it('extractTo writes one entry to the chosen file', async () => {
    for (const form of ['zip', 'tgz', 'tar', 'folder'] as const) {
      await withArchive(paths[form]!, async (a) => {
        const entry = a.entries.find((e) => e.name.endsWith(MEDIA_A))!;
        const dest = join(dir, `out-${form}.jpeg`);
        await a.extractTo(entry, dest);
        expect((await readFile(dest)).equals(big)).toBe(true);
      });
    }
  }, T);
});

describe('fingerprint', () => {
  for (const form of ['zip', 'zip64', 'nested', 'tgz', 'tar', 'folder', 'bare'] as const) {
    it(`is stable across opens (${form})`, async () => {
      const one = await withArchive(paths[form]!, async (a) => a.fingerprint);
      const two = await withArchive(paths[form]!, async (a) => a.fingerprint);
      expect(one).toMatch(/^[0-9a-f]{64}$/);
      expect(two).toBe(one);
    }, T);
  }

  it('changes when one entry of a ZIP changes', async () => {
    const changed = join(dir, 'changed.zip');
    await makeZip(changed, modern.map((f) => (f.name === 'likes.json' ? { ...f, data: '{"orderedItems":[1]}' } : f)));
    const same = join(dir, 'same.zip');
    await makeZip(same, modern);
    const fp = async (p: string): Promise<string> => withArchive(p, async (a) => a.fingerprint);
    expect(await fp(same)).toBe(await fp(paths.zip!));
    expect(await fp(changed)).not.toBe(await fp(paths.zip!));
    // Same size, different bytes: the CRC32 changes.
    const flipped = join(dir, 'flipped.zip');
    await makeZip(flipped, modern.map((f) => (f.name === 'likes.json' ? { ...f, data: '{"orderedItems":[2]}' } : f)));
    expect(await fp(flipped)).not.toBe(await fp(changed));
  }, T);

  it('changes when one entry of a .tar.gz or a folder changes', async () => {
    const fp = async (p: string): Promise<string> => withArchive(p, async (a) => a.fingerprint);
    const before = await fp(paths.tgz!);
    const changed = join(dir, 'changed.tar.gz');
    await makeTar(changed, [{ name: 'outbox.json', data: outbox.replace('héllo', 'hallo') }], true);
    expect(await fp(changed)).not.toBe(before);

    const folderBefore = await fp(paths.folder!);
    const likes = join(paths.folder!, 'likes.json');
    await writeFile(likes, '{"orderedItems":[3]}');
    const folderAfter = await fp(paths.folder!);
    expect(folderAfter).not.toBe(folderBefore);
    await utimes(likes, new Date('2020-01-01'), new Date('2020-01-01'));
    expect(await fp(paths.folder!)).not.toBe(folderAfter);
  }, T);

  it('differs between two different bare outbox files', async () => {
    const other = join(dir, 'other-outbox.json');
    await writeFile(other, `${outbox} `);
    const a = await withArchive(paths.bare!, async (x) => x.fingerprint);
    const b = await withArchive(other, async (x) => x.fingerprint);
    expect(a).not.toBe(b);
  }, T);
});
