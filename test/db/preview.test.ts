import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateArchive } from '../../fixtures/generate.js';
import { openArchive } from '../../src/archive/index.js';
import { openArchiveDatabase, type OpenedArchive } from '../../src/db/cache.js';
import { openPreview, type Preview } from '../../src/db/preview.js';
import { readRawItem } from '../../src/db/raw-item.js';
import { countTimeline, NO_FILTER, timelinePage } from '../../src/db/reader-queries.js';
import { tarGzFolder, tempDir } from '../helpers/archives.js';

const count = async (o: OpenedArchive, table: string) =>
  Number((await o.db.conn.runAndReadAll(`SELECT count(*) FROM ${table}`)).getRows()[0]![0]);

describe('openPreview', () => {
  let dir: string;
  let zip: string;
  let whole: OpenedArchive;

  beforeAll(async () => {
    dir = await tempDir();
    zip = (await generateArchive({ posts: 1500, mediaBytes: '64K', out: join(dir, 'a.zip'), seed: 11 })).path;
    whole = await openArchiveDatabase(zip, { cache: false });
  }, 60_000);
  afterAll(async () => {
    await whole?.close();
  });

  async function preview(path: string, options: Parameters<typeof openPreview>[1] = {}): Promise<{ p: Preview | null; close: () => Promise<void> }> {
    const archive = await openArchive(path);
    const p = await openPreview(archive, { minOutboxBytes: 0, ...options });
    return {
      p,
      close: async () => {
        await p?.close();
        await archive.close();
      },
    };
  }

  it('holds the newest items of the archive, exactly as the whole load has them', async () => {
    const { p, close } = await preview(zip, { tailBytes: 64 * 1024 });
    try {
      expect(p).not.toBeNull();
      const q = { archiveId: whole.archiveId, filter: NO_FILTER, order: 'newest' as const };
      const n = await countTimeline(p!.db.conn, { ...q, archiveId: p!.archiveId });
      expect(p!.archiveId).toBe(whole.archiveId);
      expect(n).toBe(p!.items);
      expect(n).toBeGreaterThan(10);
      expect(n).toBeLessThan(1500);
      const got = await timelinePage(p!.db.conn, q, 0, n);
      const want = await timelinePage(whole.db.conn, q, 0, n);
      expect(got).toEqual(want);
    } finally {
      await close();
    }
  });

  it('keeps at most maxItems, the newest', async () => {
    const { p, close } = await preview(zip, { maxItems: 7 });
    try {
      expect(p!.items).toBe(7);
      const q = { archiveId: whole.archiveId, filter: NO_FILTER, order: 'newest' as const };
      expect(await timelinePage(p!.db.conn, q, 0, 7)).toEqual(await timelinePage(whole.db.conn, q, 0, 7));
    } finally {
      await close();
    }
  });

  it("reads an item's raw JSON from its own outbox, equal to the archive's", async () => {
    const { p, close } = await preview(zip, { tailBytes: 32 * 1024 });
    try {
      const [row] = await timelinePage(p!.db.conn, { archiveId: p!.archiveId, filter: NO_FILTER, order: 'newest' }, 0, 1);
      const raw = await readRawItem(p!.db.conn, await p!.archive(), p!.archiveId, row!.id);
      const real = await readRawItem(whole.db.conn, await whole.archive(), whole.archiveId, row!.id);
      expect(raw).toBeDefined();
      expect(raw).toBe(real);
    } finally {
      await close();
    }
  });

  it('leaves out likes, bookmarks and the file list, and keeps the account', async () => {
    const { p, close } = await preview(zip);
    try {
      expect(await count(p!, 'likes')).toBe(0);
      expect(await count(p!, 'bookmarks')).toBe(0);
      expect(await count(p!, 'archive_files')).toBe(0);
      expect(await count(p!, 'account')).toBe(1);
      expect(await count(whole, 'likes')).toBeGreaterThan(0);
    } finally {
      await close();
    }
  });

  it('gives none for a small outbox, a tar.gz, or an outbox whose last key is not orderedItems', async () => {
    const small = await preview(zip, { minOutboxBytes: 1e12 });
    expect(small.p).toBeNull();
    await small.close();

    const folder = join(dir, 'folder');
    await mkdir(folder);
    const outbox = JSON.parse(await readFile(join('fixtures', 'sample', 'outbox.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(folder, 'outbox.json'), JSON.stringify(outbox));
    await writeFile(join(folder, 'actor.json'), await readFile(join('fixtures', 'sample', 'actor.json')));
    const tgz = await tarGzFolder(folder, join(dir, 'a.tar.gz'));
    const tar = await preview(tgz);
    expect(tar.p).toBeNull();
    await tar.close();

    const fromFolder = await preview(folder);
    expect(fromFolder.p?.items).toBeGreaterThan(0);
    await fromFolder.close();

    const { orderedItems, ...rest } = outbox;
    await writeFile(join(folder, 'outbox.json'), JSON.stringify({ orderedItems, ...rest }));
    const reordered = await preview(folder);
    expect(reordered.p).toBeNull();
    await reordered.close();
  });
});

describe('openArchiveDatabase with a preview hook and a stop signal', () => {
  it('waits for what onLoadStart returns before loading', async () => {
    const cacheDir = await tempDir();
    const events: string[] = [];
    const opened = await openArchiveDatabase('fixtures/sample', {
      cacheDir,
      onLoadStart: async () => {
        events.push('start');
        await new Promise((r) => setTimeout(r, 50));
        events.push('started');
      },
      onProgress: () => {
        if (events[events.length - 1] !== 'progress') events.push('progress');
      },
    });
    await opened.close();
    expect(events).toEqual(['start', 'started', 'progress']);
  });

  it('stops a load when asked, with the signal reason, leaving no file in the cache', async () => {
    const dir = await tempDir();
    const zip = (await generateArchive({ posts: 3000, mediaBytes: 0, out: join(dir, 'b.zip'), seed: 3 })).path;
    const cacheDir = join(dir, 'cache');
    const stop = new AbortController();
    const reason = new Error('stopped by the test');
    const loading = openArchiveDatabase(zip, {
      cacheDir,
      signal: stop.signal,
      onProgress: (p) => {
        if (p.items > 0) stop.abort(reason);
      },
    });
    await expect(loading).rejects.toBe(reason);
    const { readdir } = await import('node:fs/promises');
    const left = (await readdir(cacheDir)).filter((n) => n !== 'fingerprints');
    expect(left).toEqual([]);
  }, 60_000);
});
