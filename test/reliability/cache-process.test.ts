/**
 * The cache, process by process (the API-level cases are in test/db/cache.test.ts): a load killed half way with
 * SIGKILL leaves nothing a later run takes for a complete cache; two mastotui processes opening the same archive at
 * once both work; a cache of another schema version and a damaged cache file are rebuilt with a notice.
 * Needs `npm run build`. One generated archive (20,000 items) is shared by the file.
 */
import { spawn } from 'node:child_process';
import { copyFile, readdir, stat, truncate, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, SAMPLE, cacheContents, expectNoStack, generatedArchive, jsonRows, runCli, sandbox, removeTempDirs, type Run, type Sandbox } from './helpers.js';

let big: string;
let bigPosts: number;

beforeAll(async () => {
  ({ path: big, posts: bigPosts } = await generatedArchive(20_000, '1M'));
}, 60_000);
afterAll(removeTempDirs);

const COUNT = `select count(*) as posts from posts`;

function count(box: Sandbox, archive: string, extra: string[] = []): Promise<Run> {
  return runCli([archive, ...extra, '--sql', COUNT, '-f', 'json'], { env: box.env, timeoutMs: 40_000 });
}

function expectCount(run: Run, posts: number): void {
  expect(jsonRows<{ posts: number }>(run)).toEqual([{ posts }]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a load killed half way', () => {
  it('leaves only a temporary file, which no later run mistakes for a complete cache; the next run loads and caches', async () => {
    const box = await sandbox();
    const child = spawn(process.execPath, [BIN, big, '--sql', COUNT], { env: { ...process.env, ...box.env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    let ended = false;
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => {
        ended = true;
        resolve(signal);
      }),
    );
    // Wait for the load to start writing its temporary database, then kill it in the middle.
    const deadline = Date.now() + 40_000;
    let seen: string[] = [];
    while (Date.now() < deadline && !ended) {
      seen = (await cacheContents(box.cacheDir)).temporaries;
      if (seen.length > 0) break;
      await sleep(10);
    }
    expect(seen.length, `the load never started writing (ended: ${ended}; stderr: ${stderr})`).toBeGreaterThan(0);
    await sleep(150);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const afterKill = await cacheContents(box.cacheDir);
    expect(afterKill.databases, 'a killed load must not leave a complete-looking cache').toEqual([]);
    expect(afterKill.temporaries.length).toBeGreaterThan(0);

    // The next run does not take the leftover for a cache: it loads the archive, and leaves the leftover alone
    // (it may belong to a load still running).
    const second = await count(box, big);
    expectCount(second, bigPosts);
    expect(second.stderr).toBe('');
    const afterSecond = await cacheContents(box.cacheDir);
    expect(afterSecond.databases).toHaveLength(1);
    expect(afterSecond.temporaries).toEqual(afterKill.temporaries);

    // A third run uses the cache: the database file is not rewritten (a rewrite renames a new file into place; a
    // cache hit only sets the file's mtime, to mark it used).
    const file = join(box.cacheDir, afterSecond.databases[0]!);
    const before = await stat(file);
    expectCount(await count(box, big), bigPosts);
    const after = await stat(file);
    expect({ ino: after.ino, size: after.size }).toEqual({ ino: before.ino, size: before.size });
    expect(after.mtimeMs).toBeGreaterThanOrEqual(before.mtimeMs);

    // Once the leftovers are an hour old they are removed.
    const old = new Date(Date.now() - 2 * 3600_000);
    for (const name of afterKill.temporaries) await utimes(join(box.cacheDir, name), old, old);
    expectCount(await count(box, big), bigPosts);
    expect((await cacheContents(box.cacheDir)).temporaries).toEqual([]);
  }, 90_000);
});

describe.concurrent('two processes at once', () => {
  it('both loading the same archive into an empty cache: both answer, one complete cache file remains', async () => {
    const box = await sandbox();
    const [a, b] = await Promise.all([count(box, big), count(box, big)]);
    expectCount(a, bigPosts);
    expectCount(b, bigPosts);
    const cache = await cacheContents(box.cacheDir);
    expect(cache.databases).toHaveLength(1);
    expect(cache.temporaries).toEqual([]);
    expect(cache.other).toEqual([]);
  }, 60_000);

  it('one reading the cache while another rebuilds it', async () => {
    const box = await sandbox();
    expectCount(await count(box, SAMPLE), 26);
    const runs = await Promise.all([count(box, SAMPLE, ['--rebuild']), count(box, SAMPLE), count(box, SAMPLE), count(box, SAMPLE, ['--rebuild'])]);
    for (const run of runs) expectCount(run, 26);
    const cache = await cacheContents(box.cacheDir);
    expect(cache.databases).toHaveLength(1);
    expect(cache.temporaries).toEqual([]);
  }, 60_000);
});

describe.concurrent('a cache that cannot be used is rebuilt, with a notice', () => {
  async function cached(): Promise<{ box: Sandbox; file: string }> {
    const box = await sandbox();
    expectCount(await count(box, SAMPLE), 26);
    const [name] = (await cacheContents(box.cacheDir)).databases;
    return { box, file: join(box.cacheDir, name!) };
  }

  function expectRebuilt(run: Run, notice: RegExp): void {
    expectCount(run, 26);
    expectNoStack(run);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(notice);
  }

  it('written by an older schema version', async () => {
    const { box, file } = await cached();
    const db = await DuckDBInstance.create(file);
    const conn = await db.connect();
    await conn.run(`UPDATE meta SET value = '1' WHERE key = 'schema_version'`);
    conn.closeSync();
    db.closeSync();
    expectRebuilt(await count(box, SAMPLE), /^mastotui: cache was written by another version of mastotui; loading the archive again$/m);
    const again = await count(box, SAMPLE);
    expectCount(again, 26);
    expect(again.stderr).toBe('');
  });

  it('without the schema version (a load that died before its last step)', async () => {
    const { box, file } = await cached();
    const db = await DuckDBInstance.create(file);
    const conn = await db.connect();
    await conn.run(`DELETE FROM meta`);
    conn.closeSync();
    db.closeSync();
    expectRebuilt(await count(box, SAMPLE), /another version of mastotui; loading the archive again/);
  });

  it('overwritten with garbage, empty, or cut in half', async () => {
    const { box, file } = await cached();
    const good = join(box.root, 'good.duckdb');
    await copyFile(file, good);
    for (const damage of [
      () => writeFile(file, 'this is not a database'),
      () => writeFile(file, ''),
      async () => {
        await copyFile(good, file);
        await truncate(file, Math.floor((await stat(file)).size / 2));
      },
    ]) {
      await damage();
      expectRebuilt(await count(box, SAMPLE), /^mastotui: cache file .*\.duckdb is damaged; loading the archive again$/m);
      const after = await cacheContents(box.cacheDir);
      expect([after.databases.length, after.temporaries, after.other]).toEqual([1, [], []]);
    }
  });
});
