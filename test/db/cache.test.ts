/** The cache: keyed by fingerprint, written atomically, reused without parsing, rebuilt when stale or damaged. */
import { readdir, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeEach, describe, expect, it } from 'vitest';
import { CACHE_UNUSED_DAYS, openArchiveDatabase } from '../../src/db/cache.js';
import { CACHE_ROW_GROUP_SIZE } from '../../src/db/load.js';
import { generateArchive } from '../../fixtures/generate.js';
import { CORPUS, tempDir } from '../helpers/archives.js';

const ARCHIVE = join(CORPUS, 'erambert-4.2-tiny');
let cacheDir: string;

beforeEach(async () => {
  cacheDir = join(await tempDir(), 'cache');
});

async function postCount(opened: Awaited<ReturnType<typeof openArchiveDatabase>>) {
  return Number((await opened.db.conn.runAndReadAll('select count(*) from posts')).getRows()[0]![0]);
}

async function open(options: Parameters<typeof openArchiveDatabase>[1] = {}) {
  const notices: string[] = [];
  const opened = await openArchiveDatabase(ARCHIVE, { cacheDir, onNotice: (m) => notices.push(m), ...options });
  return { opened, notices };
}

describe('cache', () => {
  it('a second open of the same archive comes from the cache, with the same data', async () => {
    const first = await open();
    expect(first.opened.fromCache).toBe(false);
    const count = await postCount(first.opened);
    await first.opened.close();
    let progressEvents = 0;
    const second = await open({ onProgress: () => progressEvents++ });
    expect(second.opened.fromCache).toBe(true);
    expect(progressEvents).toBe(0);
    expect(await postCount(second.opened)).toBe(count);
    await second.opened.close();
    const files = await readdir(cacheDir);
    expect(files.filter((f) => f.endsWith('.duckdb'))).toHaveLength(1);
    expect(files.filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('--rebuild loads again', async () => {
    await (await open()).opened.close();
    const again = await open({ rebuild: true });
    expect(again.opened.fromCache).toBe(false);
    await again.opened.close();
  });

  it('--no-cache writes nothing', async () => {
    const { opened } = await open({ cache: false });
    expect(opened.dbPath).toBe(':memory:');
    await opened.close();
    await expect(readdir(cacheDir)).rejects.toThrow();
  });

  it('a damaged cache file is rebuilt, with a notice', async () => {
    await (await open()).opened.close();
    const [file] = (await readdir(cacheDir)).filter((f) => f.endsWith('.duckdb'));
    await writeFile(join(cacheDir, file!), 'garbage, not a database');
    const { opened, notices } = await open();
    expect(opened.fromCache).toBe(false);
    expect(notices.join()).toMatch(/damaged; loading the archive again/);
    expect(await postCount(opened)).toBe(9);
    await opened.close();
  });

  it('a cache written by another schema version is rebuilt', async () => {
    await (await open()).opened.close();
    const [file] = (await readdir(cacheDir)).filter((f) => f.endsWith('.duckdb'));
    const db = await DuckDBInstance.create(join(cacheDir, file!));
    const conn = await db.connect();
    await conn.run(`update meta set value = '0' where key = 'schema_version'`);
    conn.closeSync();
    db.closeSync();
    const { opened, notices } = await open();
    expect(opened.fromCache).toBe(false);
    expect(notices.join()).toMatch(/another version/);
    await opened.close();
  });

  it('a load that fails leaves no cache file behind', async () => {
    const bad = join(await tempDir(), 'outbox.json');
    await writeFile(bad, '{"orderedItems":[{"type":"Create"}');
    await expect(openArchiveDatabase(bad, { cacheDir })).rejects.toThrow(/truncated/);
    expect((await readdir(cacheDir)).filter((f) => f.endsWith('.duckdb') || f.includes('.tmp-'))).toEqual([]);
  });

  it('two opens of the same archive at once both work', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    expect(await postCount(a.opened)).toBe(9);
    expect(await postCount(b.opened)).toBe(9);
    await a.opened.close();
    await b.opened.close();
  });

  it(`removes cache files not opened for ${CACHE_UNUSED_DAYS} days when it writes a new one; opening one marks it used`, async () => {
    const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);
    await (await open()).opened.close();
    const [used] = (await readdir(cacheDir)).filter((f) => f.endsWith('.duckdb'));
    await utimes(join(cacheDir, used!), daysAgo(40), daysAgo(40));
    const reopened = await open();
    expect(reopened.opened.fromCache).toBe(true);
    await reopened.opened.close();
    await expect.poll(async () => (await stat(join(cacheDir, used!))).mtimeMs, { timeout: 2000 }).toBeGreaterThan(daysAgo(1).getTime());

    const unused = `${'0'.repeat(32)}.duckdb`;
    const recent = `${'1'.repeat(32)}.duckdb`;
    const notOurs = ['notes.txt', `${'2'.repeat(32)}.duckdb.wal`, 'abc.duckdb', 'abc.search.duckdb'];
    // Search indexes go with their cache file, and one whose cache file is gone goes too.
    const unusedIndex = `${'0'.repeat(32)}.search.duckdb`;
    const recentIndex = `${'1'.repeat(32)}.search.duckdb`;
    const orphanIndex = `${'3'.repeat(32)}.search.duckdb`;
    const named = [[unused, CACHE_UNUSED_DAYS + 1], [recent, CACHE_UNUSED_DAYS - 1], [unusedIndex, 1], [recentIndex, 400], [orphanIndex, 1]] as const;
    for (const [name, days] of [...named, ...notOurs.map((n) => [n, 400] as const)] as const) {
      await writeFile(join(cacheDir, name), 'x');
      await utimes(join(cacheDir, name), daysAgo(days), daysAgo(days));
    }
    // A cache hit writes nothing and removes nothing.
    await (await open()).opened.close();
    expect(await readdir(cacheDir)).toContain(unused);
    // A new cache file (another archive) is written: the unused file goes, nothing else.
    const other = await openArchiveDatabase(join(CORPUS, 'ricard-social-4.0-polls-emoji'), { cacheDir });
    await other.close();
    const files = await readdir(cacheDir);
    expect(files).not.toContain(unused);
    expect(files).not.toContain(unusedIndex);
    expect(files).not.toContain(orphanIndex);
    expect(files).toEqual(expect.arrayContaining([used!, recent, recentIndex, ...notOurs]));
    expect(files.filter((f) => /^[0-9a-f]{32}\.duckdb$/.test(f))).toHaveLength(3);
  });

  it(`writes the cache file in row groups of ${CACHE_ROW_GROUP_SIZE} rows`, async () => {
    const folder = join(await tempDir(), 'archive');
    const generated = await generateArchive({ posts: 20_000, out: folder, format: 'folder', seed: 5 });
    expect(generated.posts).toBeGreaterThan(CACHE_ROW_GROUP_SIZE);
    const opened = await openArchiveDatabase(folder, { cacheDir });
    const rows = await opened.db.conn.runAndReadAll(
      `SELECT row_group_id, max(count) FROM pragma_storage_info('posts') WHERE column_id = 0 GROUP BY ALL`,
    );
    await opened.close();
    const sizes = rows.getRows().map((r) => Number(r[1]));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(generated.posts);
    expect(Math.max(...sizes)).toBe(CACHE_ROW_GROUP_SIZE);
  });
});
