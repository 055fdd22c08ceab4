/**
 * The SQL that users type (the --sql mode and the SQL pane) runs on a connection locked by lockDown(): it cannot
 * write the archive, the cache file or anything else, cannot read other files, cannot load extensions and cannot
 * reach the network. Tested by trying, on the same kind of connection the CLI uses (a cached, read-only database,
 * then lockDown), and through the pane's engine (SqlShell), which also refuses every statement that is not a read.
 */
import { createHash } from 'node:crypto';
import { cp, readFile, readdir } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenedArchive, openArchiveDatabase } from '../../src/db/cache.js';
import { lockDown } from '../../src/db/connection.js';
import { runQuery } from '../../src/db/runner.js';
import { SqlShell } from '../../src/db/sql/shell.js';
import { SAMPLE, removeTempDirs, snapshot, tempDir } from './helpers.js';

let root: string;
let archive: string;
let cacheDir: string;
let outside: string;
let opened: OpenedArchive;
let server: Server;
let url: string;
let requests = 0;

async function fingerprintOf(dir: string): Promise<string[]> {
  const out = await snapshot(dir);
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (name.endsWith('.duckdb')) out.push(createHash('sha256').update(await readFile(join(dir, name))).digest('hex'));
  }
  return out;
}

let before: { archive: string[]; cache: string[]; outside: string[] };

beforeAll(async () => {
  root = await tempDir('mastotui-lockdown-');
  archive = join(root, 'archive');
  await cp(SAMPLE, archive, { recursive: true });
  cacheDir = join(root, 'cache');
  outside = join(root, 'outside');
  // Build the cache, then open it again as the CLI does on a second run: read-only, from the cache.
  await (await openArchiveDatabase(archive, { cacheDir })).close();
  opened = await openArchiveDatabase(archive, { cacheDir });
  expect(opened.fromCache).toBe(true);
  await lockDown(opened.db.conn, 'UTC');
  server = createServer((_req, res) => {
    requests++;
    res.end('a,b\n1,2\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  before = { archive: await fingerprintOf(archive), cache: await fingerprintOf(cacheDir), outside: await snapshot(outside) };
});

afterAll(async () => {
  await opened?.close();
  await new Promise((resolve) => server?.close(resolve));
  await removeTempDirs();
});

async function refused(sql: string, message: RegExp): Promise<void> {
  const error = await runQuery(opened.db.conn, sql).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `${sql} ran`).toBeInstanceOf(Error);
  expect((error as Error).message, sql).toMatch(message);
  expect((error as Error).message).not.toContain('\n');
}

const FILES = /Permission Error: Cannot access (file|directory)|file system operations are disabled/;
const CONFIG = /Cannot change configuration option .* the configuration has been locked/;
const READ_ONLY = /read-only/;

describe('the locked connection', () => {
  it('cannot write files: COPY TO, EXPORT DATABASE, anywhere, the cache file included', async () => {
    const cacheFile = opened.dbPath;
    await refused(`COPY posts TO '${join(outside, 'posts.csv')}'`, FILES);
    await refused(`COPY (SELECT 1) TO '${cacheFile}'`, FILES);
    await refused(`COPY (SELECT 1) TO '${join(archive, 'outbox.json')}' (FORMAT json)`, FILES);
    await refused(`EXPORT DATABASE '${outside}'`, FILES);
    await refused(`COPY posts TO '${join(outside, 'p.parquet')}' (FORMAT parquet)`, FILES);
  });

  it('cannot change the database: it is read-only, and attaching it again gives no way to write', async () => {
    await refused(`CREATE TABLE t AS SELECT 1`, READ_ONLY);
    await refused(`INSERT INTO posts (id) VALUES ('x')`, READ_ONLY);
    await refused(`UPDATE posts SET text = ''`, READ_ONLY);
    await refused(`DELETE FROM load_issues`, READ_ONLY);
    await refused(`DROP TABLE posts`, READ_ONLY);
    await refused(`CREATE MACRO m() AS 1`, READ_ONLY);
    await refused(`ATTACH '${opened.dbPath}' AS rw (READ_WRITE)`, /conflict|read-only|Permission/i);
    await runQuery(opened.db.conn, `ATTACH '${opened.dbPath}' AS again`);
    try {
      await refused(`CREATE TABLE again.main.x (i INTEGER)`, READ_ONLY);
    } finally {
      await runQuery(opened.db.conn, `DETACH again`);
    }
  });

  it('cannot attach, read or glob other files', async () => {
    await refused(`ATTACH '${join(outside, 'new.duckdb')}' AS x`, FILES);
    await refused(`ATTACH ':memory:' AS m`, /read-only/);
    for (const f of ['read_csv', 'read_csv_auto', 'read_text', 'read_blob', 'read_json', 'read_parquet', 'sniff_csv', 'parquet_metadata']) {
      await refused(`SELECT * FROM ${f}('/etc/passwd')`, FILES);
    }
    await refused(`SELECT * FROM read_text('${join(archive, 'outbox.json')}')`, FILES);
    await refused(`SELECT * FROM glob('/*')`, FILES);
    await refused(`SELECT * FROM '/etc/passwd'`, /does not exist|Permission/);
    await refused(`IMPORT DATABASE '${archive}'`, FILES);
  });

  it('cannot install or load extensions, or store secrets', async () => {
    await refused(`INSTALL httpfs`, FILES);
    await refused(`FORCE INSTALL httpfs FROM '${url}'`, FILES);
    await refused(`LOAD httpfs`, /Loading external extensions is disabled/);
    await refused(`LOAD '${join(outside, 'evil.duckdb_extension')}'`, /Loading external extensions is disabled/);
    await refused(`CREATE PERSISTENT SECRET s (TYPE s3, KEY_ID 'k', SECRET 's')`, FILES);
  });

  it('cannot reach the network (a local server sees no request)', async () => {
    for (const f of ['read_csv', 'read_json', 'read_parquet', 'read_text']) await refused(`SELECT * FROM ${f}('${url}/x')`, FILES);
    await refused(`ATTACH '${url}/db.duckdb' AS remote`, /Missing Extension Error: .* requires the extension httpfs|Permission Error/);
    await refused(`SELECT * FROM read_csv('s3://bucket/x.csv')`, FILES);
    expect(requests).toBe(0);
  });

  it('cannot undo the lock or change any setting', async () => {
    for (const sql of [
      `SET enable_external_access = true`,
      `RESET enable_external_access`,
      `SET lock_configuration = false`,
      `SET GLOBAL lock_configuration = false`,
      `RESET lock_configuration`,
      `SET autoinstall_known_extensions = true`,
      `SET autoload_known_extensions = true`,
      `SET allow_unsigned_extensions = true`,
      `SET allow_community_extensions = true`,
      `SET allowed_directories = ['/']`,
      `SET allowed_paths = ['/etc/passwd']`,
      `SET temp_directory = '${outside}'`,
      `SET custom_extension_repository = '${url}'`,
      `SET log_query_path = '${join(outside, 'q.log')}'`,
      `PRAGMA enable_profiling = 'json'`,
      `SET profiling_output = '${join(outside, 'p.json')}'`,
      `SET memory_limit = '1GB'`,
      `PRAGMA threads = 1`,
    ]) {
      await refused(sql, CONFIG);
    }
    const settings = await runQuery(opened.db.conn, `SELECT current_setting('enable_external_access') AS ext, current_setting('lock_configuration') AS locked`);
    expect(settings.rows).toEqual([[false, true]]);
  });

  it('still answers queries, and nothing was written anywhere', async () => {
    const result = await runQuery(opened.db.conn, `SELECT count(*) FROM posts`);
    expect(result.rows).toEqual([[26]]);
    expect(await fingerprintOf(archive)).toEqual(before.archive);
    expect(await fingerprintOf(cacheDir)).toEqual(before.cache);
    expect(await snapshot(outside)).toEqual(before.outside);
  });
});

describe('the SQL pane engine on the same connection', () => {
  it('refuses statements that are not reads before they run, with a one-line reason', async () => {
    const session = new SqlShell(opened.db.conn, { timeZone: 'UTC', catalog: () => undefined });
    for (const [sql, message] of [
      // DuckDB checks file access while it prepares a statement, before the pane looks at its type.
      [`COPY posts TO '${join(outside, 'x.csv')}'`, /COPY is refused|Permission Error/],
      [`COPY posts TO 'relative.csv'`, /COPY is refused|Permission Error/],
      [`ATTACH '${join(outside, 'x.duckdb')}' AS x`, /ATTACH statements are refused|Permission Error/],
      [`INSTALL httpfs`, /refused|Permission Error/],
      [`LOAD httpfs`, /refused|Permission Error/],
      [`DELETE FROM posts`, /DELETE statements are refused/],
      [`CREATE TEMP TABLE t AS SELECT 1`, /CREATE statements are refused/],
      [`SET enable_external_access = true`, /configuration has been locked/],
      [`SELECT * FROM read_csv('/etc/passwd')`, /Permission Error/],
    ] as const) {
      const outcome = await session.execute(sql);
      expect(outcome.kind, sql).toBe('error');
      if (outcome.kind === 'error') expect(outcome.message, sql).toMatch(message);
    }
    expect(await fingerprintOf(archive)).toEqual(before.archive);
    expect(await snapshot(outside)).toEqual(before.outside);
  });
});
