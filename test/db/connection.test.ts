/** Opening DuckDB: a new database file with a row group size of its own (what cache files are written with). */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connection.js';
import { tempDir } from '../helpers/archives.js';

async function rowGroupSizes(file: string, table: string): Promise<number[]> {
  const db = await openDatabase(file, { readOnly: true });
  try {
    const rows = await db.conn.runAndReadAll(
      `SELECT row_group_id, max(count) FROM pragma_storage_info('${table}') WHERE column_id = 0 GROUP BY ALL ORDER BY 1`,
    );
    return rows.getRows().map((r) => Number(r[1]));
  } finally {
    db.close();
  }
}

describe('openDatabase with a row group size', () => {
  it('writes row groups of that size, also across commits, and the file reopens as usual', async () => {
    const file = join(await tempDir(), "it's.duckdb");
    const db = await openDatabase(file, { rowGroupSize: 2048 });
    await db.conn.run('CREATE TABLE t (i INTEGER, s VARCHAR)');
    for (const [from, to] of [[0, 3000], [3000, 7000], [7000, 9500]]) {
      await db.conn.run('BEGIN TRANSACTION');
      await db.conn.run(`INSERT INTO t SELECT range, repeat('x', 50) FROM range(${from}, ${to})`);
      await db.conn.run('COMMIT');
    }
    await db.conn.run('CHECKPOINT');
    db.close();
    const sizes = await rowGroupSizes(file, 't');
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(9500);
    expect(Math.max(...sizes)).toBe(2048);
    const again = await openDatabase(file, { readOnly: true });
    const sum = await again.conn.runAndReadAll('SELECT sum(i)::BIGINT FROM t');
    expect(Number(sum.getRows()[0]![0])).toBe((9499 * 9500) / 2);
    again.close();
  });

  it("without one, DuckDB's default keeps those rows in one row group", async () => {
    const file = join(await tempDir(), 'default.duckdb');
    const db = await openDatabase(file);
    await db.conn.run(`CREATE TABLE t AS SELECT range AS i FROM range(9500)`);
    db.close();
    expect(await rowGroupSizes(file, 't')).toEqual([9500]);
  });

  it("spills into the folder DuckDB gives a file it opens itself (the file's path + .tmp)", async () => {
    const file = join(await tempDir(), 'spill.duckdb');
    const db = await openDatabase(file, { rowGroupSize: 2048 });
    const rows = await db.conn.runAndReadAll(`SELECT current_setting('temp_directory')`);
    db.close();
    expect(rows.getRows()[0]![0]).toBe(`${file}.tmp`);
  });

  it('refuses a size DuckDB cannot use', async () => {
    const file = join(await tempDir(), 'bad.duckdb');
    await expect(openDatabase(file, { rowGroupSize: 1000 })).rejects.toThrow(/multiple of 2048/);
  });
});
