import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMediaIndex, entryKind, matchMediaUrl, openArchive } from '../../src/archive/index.js';
import { CORPUS } from '../helpers/archives.js';
import { makeTar, makeZip, tempDir, type FileSpec } from './helpers.js';

const T = 30_000;

interface Sample {
  folder: string;
  /** Attachment URLs written relative to the server (the ones Mastodon rewrites to point into the archive). */
  urls: string[];
  profileUrls: string[];
}

async function loadSample(folder: string): Promise<Sample> {
  const outbox = JSON.parse(await readFile(join(CORPUS, folder, 'outbox.json'), 'utf8')) as {
    orderedItems?: { object?: unknown }[];
  };
  const urls = new Set<string>();
  for (const item of outbox.orderedItems ?? []) {
    const object = item.object;
    if (typeof object !== 'object' || object === null) continue;
    const attachments = (object as { attachment?: unknown }).attachment;
    for (const a of Array.isArray(attachments) ? attachments : []) {
      const url = (a as { url?: unknown }).url;
      if (typeof url === 'string' && !/^https?:/i.test(url)) urls.add(url);
    }
  }
  const profileUrls: string[] = [];
  if (existsSync(join(CORPUS, folder, 'actor.json'))) {
    const actor = JSON.parse(await readFile(join(CORPUS, folder, 'actor.json'), 'utf8')) as Record<string, { url?: unknown }>;
    for (const key of ['icon', 'image']) {
      const url = actor[key]?.url;
      if (typeof url === 'string') profileUrls.push(url);
    }
  }
  return { folder, urls: [...urls], profileUrls };
}

/** The entry name Mastodon 4.2+ writes for a stored file: from `media_attachments/` on. */
function zipEntryName(url: string): string {
  const at = url.indexOf('media_attachments/');
  return at >= 0 ? url.slice(at) : url.replace(/^\/+/, '');
}

let samples: Sample[] = [];
let dir = '';
let cleanup = async (): Promise<void> => undefined;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  const folders = (await readdir(CORPUS, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  samples = await Promise.all(folders.sort().map(loadSample));
});
afterAll(async () => cleanup());

describe('corpus samples', () => {
  it('has the six samples, four of them with local media URLs', () => {
    expect(samples).toHaveLength(6);
    expect(samples.filter((s) => s.urls.length > 0).map((s) => s.folder)).toEqual([
      'erambert-4.2-tiny',
      'mamot-fr-4.2',
      'o3o-ca-3.5-tar-era',
      'synthetic-4.2-duplicate-context',
    ]);
  });

  it('opens every sample folder as an archive', async () => {
    for (const s of samples) {
      const archive = await openArchive(join(CORPUS, s.folder));
      try {
        expect(archive.container).toBe('folder');
        expect(entryKind(archive.find('outbox.json')!.name)).toBe('outbox');
        expect(archive.find('actor.json')).toBeDefined();
      } finally {
        await archive.close();
      }
    }
  }, T);

  it('matches every attachment URL of each sample when the file is in a 4.2 ZIP (also re-zipped in a folder)', async () => {
    for (const s of samples) {
      const base: FileSpec[] = [
        { name: 'outbox.json', data: await readFile(join(CORPUS, s.folder, 'outbox.json')) },
        ...s.urls.map((url, i) => ({ name: zipEntryName(url), data: `media ${i}`, store: true })),
        ...s.profileUrls.map((url) => ({ name: url, data: 'image', store: true })),
      ];
      for (const nested of [false, true]) {
        const file = join(dir, `${s.folder}${nested ? '-nested' : ''}.zip`);
        await makeZip(file, nested ? base.map((f) => ({ ...f, name: `${s.folder}/${f.name}` })) : base);
        const archive = await openArchive(file);
        try {
          const media = archive.entries.filter((e) => entryKind(e.name) === 'media');
          expect(media).toHaveLength(s.urls.length);
          const index = buildMediaIndex(media);
          for (const url of s.urls) expect(matchMediaUrl(index, url)?.name, url).toBe(zipEntryName(url));
          const all = buildMediaIndex(archive.entries);
          for (const url of s.profileUrls) expect(matchMediaUrl(all, url)?.name).toBe(url);
          expect(['avatar', 'header']).toEqual(s.profileUrls.map((u) => entryKind(u)));
        } finally {
          await archive.close();
        }
      }
    }
  }, T);

  it('matches every attachment URL when the files sit under tar-era absolute paths in a .tar.gz', async () => {
    for (const s of samples.filter((x) => x.urls.length > 0)) {
      const file = join(dir, `${s.folder}.tar.gz`);
      await makeTar(
        file,
        [
          ...s.urls.map((url, i) => ({ name: `/home/mastodon/live/public/system/${zipEntryName(url)}`, data: `m${i}` })),
          { name: 'outbox.json', data: '{}' },
        ],
        true,
      );
      const archive = await openArchive(file);
      try {
        const index = buildMediaIndex(archive.entries.filter((e) => entryKind(e.name) === 'media'));
        for (const url of s.urls) {
          expect(matchMediaUrl(index, url)?.name, url).toBe(`home/mastodon/live/public/system/${zipEntryName(url)}`);
        }
      } finally {
        await archive.close();
      }
    }
  }, T);

  it('reports nothing for URLs whose files are missing (media is not shipped)', async () => {
    for (const s of samples) {
      const archive = await openArchive(join(CORPUS, s.folder));
      try {
        const index = buildMediaIndex(archive.entries.filter((e) => entryKind(e.name) === 'media'));
        for (const url of s.urls) expect(matchMediaUrl(index, url)).toBeUndefined();
      } finally {
        await archive.close();
      }
    }
  }, T);
});
