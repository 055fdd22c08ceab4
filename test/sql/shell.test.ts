import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog, parseSchemaDocs, type Catalog } from '../../src/db/sql/catalog.js';
import { EXAMPLE_QUERIES } from '../../src/db/sql/examples.js';
import { HELP_TEXT, SqlShell, postIdColumn, type Outcome } from '../../src/db/sql/shell.js';
import { schemaText } from '../../src/db/connection.js';
import { openSample, SLOW_QUERY, type Sample } from './helpers.js';

let sample: Sample;
let catalog: Catalog;
let shell: SqlShell;

beforeAll(async () => {
  sample = await openSample('Europe/Paris');
  catalog = await loadCatalog(sample.conn);
  shell = new SqlShell(sample.conn, { timeZone: 'Europe/Paris', catalog: () => catalog });
});
afterAll(async () => {
  await sample.close();
});

function result(outcome: Outcome) {
  if (outcome.kind !== 'result') throw new Error(`expected a result, got ${JSON.stringify(outcome)}`);
  return outcome.result;
}

describe('catalog', () => {
  it('parses one-line explanations of tables and columns from schema.sql', () => {
    const docs = parseSchemaDocs(schemaText());
    expect(docs.tables.get('posts')?.doc).toMatch(/own post/);
    expect(docs.tables.get('posts')?.columns.get('visibility')).toMatch(/direct/);
    expect(docs.tables.get('timeline')?.doc).toMatch(/posts and boosts/);
    expect(docs.order.slice(0, 4)).toEqual(['meta', 'archives', 'account', 'posts']);
  });

  it('lists every table and view with columns, types and explanations, and functions and keywords', () => {
    const names = catalog.tables.map((t) => t.name);
    for (const t of ['posts', 'boosts', 'media', 'hashtags', 'mentions', 'following', 'timeline', 'threads']) expect(names).toContain(t);
    const posts = catalog.tables.find((t) => t.name === 'posts')!;
    expect(posts.kind).toBe('table');
    expect(posts.doc).toBeTruthy();
    expect(posts.columns.find((c) => c.name === 'created_at')?.type).toBe('TIMESTAMP WITH TIME ZONE');
    expect(posts.columns.find((c) => c.name === 'text')?.doc).toBe('the post as plain text');
    expect(catalog.tables.find((t) => t.name === 'timeline')?.kind).toBe('view');
    expect(catalog.functions).toContain('strftime');
    expect(catalog.functions).toContain('count');
    expect(catalog.functions.every((f) => /^[a-z][a-z0-9_]*$/.test(f))).toBe(true);
    expect(catalog.keywords).toContain('select');
  });
});

describe('example queries', () => {
  it.each(EXAMPLE_QUERIES.map((e) => [e.title, e] as const))('%s runs on the sample archive', async (_title, example) => {
    const r = result(await shell.execute(example.sql));
    expect(r.columns.length).toBeGreaterThan(0);
    if (example.title !== 'what was skipped while loading') expect(r.rows.length).toBeGreaterThan(0);
  });

  it('answer what the sample holds', async () => {
    const threads = result(await shell.execute(EXAMPLE_QUERIES.find((e) => e.title === 'longest threads')!.sql));
    expect(threads.rows[0]![0]).toBe(4);
    expect(threads.rows[0]![1]).toBe('112517598543897505');
    const weekdays = result(await shell.execute(EXAMPLE_QUERIES.find((e) => e.title === 'posts per weekday')!.sql));
    expect(weekdays.rows.reduce((n, r) => n + Number(r[2]), 0)).toBe(26);
    const dms = result(await shell.execute(EXAMPLE_QUERIES.find((e) => e.title === 'DMs per person')!.sql));
    expect(dms.rows.map((r) => r[0])).toContain('bob@other.example');
    const words = result(await shell.execute(EXAMPLE_QUERIES.find((e) => e.title === 'most-used words')!.sql));
    expect(words.rows.every((r) => String(r[0]).length > 3 && !String(r[0]).includes('http'))).toBe(true);
  });
});

describe('running SQL', () => {
  it('runs a query and keeps it as the last result', async () => {
    const r = result(await shell.execute('select id, visibility from posts order by id limit 3'));
    expect(r.columns.map((c) => c.name)).toEqual(['id', 'visibility']);
    expect(r.rows).toHaveLength(3);
    expect(shell.last?.sql).toBe('select id, visibility from posts order by id limit 3');
    expect(postIdColumn(r)).toBe(0);
  });

  it('holds at most maxRows and says when more exist', async () => {
    const small = new SqlShell(sample.conn, { timeZone: 'UTC', catalog: () => catalog, maxRows: 10 });
    const r = result(await small.execute('select * from range(25)'));
    expect(r.rows).toHaveLength(10);
    expect(r.truncated).toBe(true);
  });

  it('reports errors with their position, one line plus DuckDB hint', async () => {
    const outcome = await shell.execute('select id,\n  nope from posts');
    expect(outcome).toMatchObject({ kind: 'error', line: 2, column: 3 });
    if (outcome.kind === 'error') {
      expect(outcome.message).toMatch(/^Binder Error: Referenced column "nope" not found/);
      expect(outcome.hint).toMatch(/Candidate bindings/);
    }
    expect(await shell.execute('selec 1')).toMatchObject({ kind: 'error', line: 1, column: 1, message: expect.stringMatching(/^Parser Error/) });
    expect(await shell.execute('select * from postz')).toMatchObject({ kind: 'error', hint: 'Did you mean "posts"?', column: 15 });
  });

  it('cancels a slow query with conn.interrupt() and stays usable', async () => {
    const started = performance.now();
    const running = shell.execute(SLOW_QUERY);
    await new Promise((r) => setTimeout(r, 300));
    expect(shell.busy).toBe(true);
    expect(shell.cancel()).toBe(true);
    const outcome = await running;
    expect(outcome.kind).toBe('cancelled');
    expect(performance.now() - started).toBeLessThan(5000);
    expect(shell.busy).toBe(false);
    expect(shell.cancel()).toBe(false);
    expect(result(await shell.execute('select 42 as answer')).rows).toEqual([[42]]);
  });
});

describe('the pane only reads', () => {
  it.each([
    ["COPY posts TO '/tmp/mastotui-should-not-exist.csv'", /Permission Error/],
    ["COPY (select 1) TO '/tmp/mastotui-should-not-exist.parquet' (FORMAT parquet)", /Permission Error/],
    ['COPY posts FROM STDIN', /COPY is refused|Permission Error/],
    ["ATTACH '/tmp/mastotui-should-not-exist.duckdb' AS other", /ATTACH statements are refused/],
    ['LOAD httpfs', /LOAD statements are refused/],
    ['INSTALL httpfs', /refused/],
    ['DROP TABLE posts', /DROP statements are refused/],
    ["UPDATE posts SET text = 'changed'", /UPDATE statements are refused/],
    ["INSERT INTO posts (id) VALUES ('1')", /INSERT statements are refused/],
    ['CREATE TABLE mine AS SELECT 1', /CREATE statements are refused/],
    ["EXPORT DATABASE '/tmp/mastotui-should-not-exist'", /Permission Error/],
    ["select * from read_csv('/etc/passwd')", /Permission Error/],
    ["select * from read_text('/etc/hostname')", /Permission Error/],
    ["select * from glob('/etc/*')", /Permission Error/],
    ['SET enable_external_access = true', /locked/],
    ["CALL enable_logging(storage = 'file', storage_path = '/tmp/mastotui-should-not-exist')", /enable_logging\(\) is refused/],
    ["SELECT * FROM enable_logging(storage = 'file', storage_path = '/tmp/mastotui-should-not-exist')", /enable_logging\(\) is refused/],
    ["select * from \"disable_logging\"()", /disable_logging\(\) is refused/],
    ["PRAGMA profiling_output = '/tmp/mastotui-should-not-exist.json'", /locked/],
    ['PRAGMA enable_profiling', /PRAGMA statements are refused/],
    ["SET autoinstall_known_extensions = true", /locked/],
  ])('%s fails', async (sql, message) => {
    const outcome = await shell.execute(sql);
    expect(outcome.kind).toBe('error');
    if (outcome.kind === 'error') expect(outcome.message).toMatch(message);
  });

  it('says that files are written with .export only', async () => {
    expect(await shell.execute("COPY posts TO 'out.csv'")).toMatchObject({ kind: 'error', hint: expect.stringMatching(/\.export FILE/) });
  });

  it('leaves the data as it was and wrote no file', async () => {
    const { existsSync } = await import('node:fs');
    expect(existsSync('/tmp/mastotui-should-not-exist.csv')).toBe(false);
    expect(existsSync('/tmp/mastotui-should-not-exist.duckdb')).toBe(false);
    expect(result(await shell.execute('select count(*) from posts where text = \'changed\'')).rows).toEqual([[0]]);
    expect(result(await shell.execute('select count(*) from posts')).rows).toEqual([[26]]);
    expect(result(await shell.execute("PRAGMA table_info('posts')")).rows.length).toBeGreaterThan(10);
    expect(result(await shell.execute("select 'enable_logging' as enable_logging")).rows).toEqual([['enable_logging']]);
  });

  it('is locked even below the refusals: DuckDB itself cannot reach files or load extensions', async () => {
    const { runQuery } = await import('../../src/db/runner.js');
    await expect(runQuery(sample.conn, "COPY posts TO '/tmp/mastotui-should-not-exist.csv'")).rejects.toThrow(/Permission Error/);
    await expect(runQuery(sample.conn, "ATTACH '/tmp/mastotui-should-not-exist.duckdb'")).rejects.toThrow(/Permission Error/);
    await expect(runQuery(sample.conn, 'LOAD httpfs')).rejects.toThrow(/disabled/);
  });
});

describe('dot commands', () => {
  it('.tables lists tables with row counts and explanations', async () => {
    const r = result(await shell.execute('.tables'));
    expect(r.columns.map((c) => c.name)).toEqual(['name', 'kind', 'rows', 'holds']);
    const posts = r.rows.find((row) => row[0] === 'posts')!;
    expect(posts[2]).toBe(26);
    expect(posts[3]).toMatch(/own post/);
  });

  it('.schema TABLE shows its columns, types and meanings; .schema alone all tables', async () => {
    const r = result(await shell.execute('.schema posts'));
    expect(r.rows.find((row) => row[1] === 'visibility')).toEqual(['posts', 'visibility', 'VARCHAR', expect.stringMatching(/followers only/)]);
    const all = result(await shell.execute('.schema'));
    expect(new Set(all.rows.map((row) => row[0])).size).toBe(catalog.tables.length);
    expect(await shell.execute('.schema nothing')).toMatchObject({ kind: 'error', message: expect.stringMatching(/no table or view named "nothing"/) });
  });

  it('.mode switches between table, csv, json and markdown', async () => {
    expect(await shell.execute('.mode csv')).toEqual({ kind: 'message', text: 'mode csv' });
    expect(shell.mode).toBe('csv');
    expect(await shell.execute('.mode md')).toEqual({ kind: 'message', text: 'mode markdown' });
    expect(await shell.execute('.mode yaml')).toMatchObject({ kind: 'error' });
    expect(await shell.execute('.mode table')).toEqual({ kind: 'message', text: 'mode table' });
  });

  it('.help explains the commands and keys; an unknown command says so', async () => {
    expect(await shell.execute('.help')).toEqual({ kind: 'text', title: '.help', text: HELP_TEXT });
    expect(HELP_TEXT).toMatch(/\.export FILE/);
    expect(await shell.execute('.frobnicate')).toMatchObject({ kind: 'error', message: expect.stringMatching(/unknown command/) });
  });
});
