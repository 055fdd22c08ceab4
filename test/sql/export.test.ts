import { copyFile, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArchiveDatabase } from '../../src/db/cache.js';
import { lockDown } from '../../src/db/connection.js';
import { displayCell } from '../../src/db/format.js';
import { type QueryResult, runQuery } from '../../src/db/runner.js';
import { loadCatalog, type Catalog } from '../../src/db/sql/catalog.js';
import { exportFormatOf, resolveExportPath } from '../../src/db/sql/export.js';
import { SqlShell } from '../../src/db/sql/shell.js';
import { SAMPLE, openSample, tempFolder, type Sample } from './helpers.js';

/** Values of many kinds, with the awkward ones: separators, quotes, line breaks, NULL apart from ''. */
const MIXED = `SELECT * FROM (VALUES
  (1, 'plain', TRUE, TIMESTAMPTZ '2024-07-23 18:39:06+00', ['a', 'b'], {'name': 'x', 'value': 'y'}, 1.5::DOUBLE, 9007199254740993::BIGINT),
  (2, 'comma, "quote"' || chr(10) || 'second line', FALSE, NULL, [], NULL, NULL, -1),
  (3, '', NULL, TIMESTAMPTZ '2023-01-01 00:00:00+00', NULL, {'name': NULL, 'value': '|pipe|'}, -0.25, NULL),
  (4, NULL, TRUE, TIMESTAMPTZ '2024-03-31 01:30:00+00', ['ü', 'ü ✓'], {'name': 'émoji 🎉', 'value': ''}, 0, 0)
) AS t(n, label, flag, stamp, tags, field, ratio, big) ORDER BY n`;

let sample: Sample;
let catalog: Catalog;
let folder: Awaited<ReturnType<typeof tempFolder>>;

beforeAll(async () => {
  sample = await openSample('Europe/Paris');
  catalog = await loadCatalog(sample.conn);
  folder = await tempFolder();
});
afterAll(async () => {
  await sample.close();
  await folder.remove();
});

async function exported(file: string, sql = MIXED): Promise<{ path: string; message: string; original: QueryResult }> {
  const shell = new SqlShell(sample.conn, { timeZone: 'Europe/Paris', catalog: () => catalog });
  const outcome = await shell.execute(sql);
  if (outcome.kind !== 'result') throw new Error(JSON.stringify(outcome));
  const path = join(folder.path, file);
  const done = await shell.execute(`.export ${path}`);
  if (done.kind !== 'message') throw new Error(JSON.stringify(done));
  return { path, message: done.text, original: outcome.result };
}

describe('.export', () => {
  it('picks the format from the extension', () => {
    expect(exportFormatOf('a.CSV')).toBe('csv');
    expect(exportFormatOf('a.json')).toBe('json');
    expect(exportFormatOf('a.parquet')).toBe('parquet');
    expect(exportFormatOf('a.md')).toBe('markdown');
    expect(exportFormatOf('a.txt')).toBeUndefined();
    expect(resolveExportPath('~/x.csv', '/cwd', '/home/me')).toBe('/home/me/x.csv');
    expect(resolveExportPath('"out dir/x.csv"', '/cwd', '/home/me')).toBe('/cwd/out dir/x.csv');
  });

  it('csv: reads back as the same values (NULL as an empty field), file private', async () => {
    const { path, message, original } = await exported('mixed.csv');
    expect(message).toMatch(/^wrote 4 rows to .*mixed\.csv$/);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const records: string[][] = parse(await readFile(path, 'utf8'));
    expect(records[0]).toEqual(original.columns.map((c) => c.name));
    const expected = original.rows.map((row) => row.map((cell) => (cell === null ? '' : typeof cell === 'object' ? JSON.stringify(cell) : String(cell))));
    expect(records.slice(1)).toEqual(expected);
  });

  it('json: reads back as the same rows', async () => {
    const { path, original } = await exported('mixed.json');
    const objects = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>[];
    expect(objects.map((o) => original.columns.map((c) => o[c.name]))).toEqual(original.rows);
  });

  it('markdown: reads back as the cells the grid shows', async () => {
    const { path, original } = await exported('mixed.md');
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(original.rows.length + 2);
    const cells = (line: string) =>
      line
        .slice(2, -2)
        .split(/(?<!\\) \| /)
        .map((c) => c.replace(/\\\|/g, '|').replace(/\\\\/g, '\\'));
    expect(cells(lines[0]!)).toEqual(original.columns.map((c) => c.name));
    const expected = original.rows.map((row) => row.map((cell, i) => displayCell(cell, original.columns[i]!, 'Europe/Paris')));
    expect(lines.slice(2).map(cells)).toEqual(expected);
    expect(lines[3]).toContain('NULL');
  });

  it('parquet: reads back with the same types and values', async () => {
    const { path, original } = await exported('mixed.parquet');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const reader = await DuckDBInstance.create(':memory:');
    const conn = await reader.connect();
    try {
      const back = await runQuery(conn, `SELECT * FROM read_parquet('${path.replace(/'/g, "''")}')`);
      expect(back.columns).toEqual(original.columns);
      expect(back.rows).toEqual(original.rows);
    } finally {
      conn.closeSync();
      reader.closeSync();
    }
  });

  it('writes every row of a result held only in part, by running its query again', async () => {
    const shell = new SqlShell(sample.conn, { timeZone: 'UTC', catalog: () => catalog, maxRows: 10 });
    const outcome = await shell.execute('select range as n from range(25)');
    expect(outcome.kind === 'result' && outcome.result.truncated).toBe(true);
    const path = join(folder.path, 'all.csv');
    expect(await shell.execute(`.export ${path}`)).toMatchObject({ kind: 'message', text: expect.stringMatching(/wrote 25 rows/) });
    expect((await readFile(path, 'utf8')).trimEnd().split('\n')).toHaveLength(26);
  });

  it('exports a dot command result too, and says what visibility of posts an export holds', async () => {
    const { path } = await exported('tables.csv', '.tables');
    expect(await readFile(path, 'utf8')).toMatch(/^name,kind,rows,holds\n/);
    const byId = await exported('ids.json', 'select id, text from posts');
    expect(byId.message).toMatch(/visibility: public \d+, unlisted \d+, private \d+, direct \d+ \(holds followers-only posts or DMs/);
    const byColumn = await exported('public.csv', "select visibility, text from posts where visibility = 'public'");
    expect(byColumn.message).toMatch(/visibility: public \d+$/);
    const texts = await exported('texts.csv', 'select text from posts');
    expect(texts.message).toMatch(/may hold followers-only posts and DMs/);
  });

  it('refuses unknown extensions, a missing name, no result yet', async () => {
    const shell = new SqlShell(sample.conn, { timeZone: 'UTC', catalog: () => catalog });
    expect(await shell.execute('.export out.csv')).toMatchObject({ kind: 'error', message: expect.stringMatching(/run a query first/) });
    await shell.execute('select 1');
    expect(await shell.execute('.export out.txt')).toMatchObject({ kind: 'error', message: expect.stringMatching(/\.csv, \.json, \.parquet or \.md/) });
    expect(await shell.execute('.export')).toMatchObject({ kind: 'error', message: expect.stringMatching(/name the file/) });
    expect(await shell.execute(`.export ${join(folder.path, 'missing-dir', 'x.csv')}`)).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/cannot write the file \(ENOENT\)/),
    });
  });

  it('never overwrites the archive it reads', async () => {
    const outbox = join(folder.path, 'outbox.json');
    await copyFile(join(SAMPLE, 'outbox.json'), outbox);
    const before = await readFile(outbox, 'utf8');
    const opened = await openArchiveDatabase(outbox, { cache: false });
    try {
      await lockDown(opened.db.conn, 'UTC');
      const shell = new SqlShell(opened.db.conn, { timeZone: 'UTC', catalog: () => catalog });
      await shell.execute('select 1');
      expect(await shell.execute(`.export ${outbox}`)).toMatchObject({ kind: 'error', message: expect.stringMatching(/is your archive/) });
      expect(await readFile(outbox, 'utf8')).toBe(before);
    } finally {
      await opened.close();
    }
  });

  it('never writes inside an extracted archive folder, also through a symbolic link', async () => {
    const { cp, symlink } = await import('node:fs/promises');
    const archive = join(folder.path, 'extracted');
    await cp(SAMPLE, archive, { recursive: true });
    const link = join(folder.path, 'link-to-extracted');
    await symlink(archive, link);
    const before = await readFile(join(archive, 'outbox.json'), 'utf8');
    const opened = await openArchiveDatabase(archive, { cache: false });
    try {
      await lockDown(opened.db.conn, 'UTC');
      const shell = new SqlShell(opened.db.conn, { timeZone: 'UTC', catalog: () => catalog });
      await shell.execute('select 1 as one');
      for (const target of [join(archive, 'outbox.json'), join(archive, 'new.csv'), join(link, 'actor.json')]) {
        expect(await shell.execute(`.export ${target}`)).toMatchObject({ kind: 'error', message: expect.stringMatching(/is your archive/) });
      }
      expect(await readFile(join(archive, 'outbox.json'), 'utf8')).toBe(before);
      expect(await shell.execute(`.export ${join(folder.path, 'beside.csv')}`)).toMatchObject({ kind: 'message' });
    } finally {
      await opened.close();
    }
  });
});
