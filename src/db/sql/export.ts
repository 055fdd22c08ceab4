/**
 * `.export FILE`: the one way the SQL pane writes a file. The pane's own connection cannot touch files (it is
 * locked down), so the file is written from Node: csv, json and markdown with the shared formatter, parquet through
 * a separate, short-lived in-memory DuckDB that holds nothing but the result rows. Files are created private (0600):
 * results can hold DMs and followers-only posts.
 */
import { chmod, open, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DuckDBInstance } from '../duckdb.js';
import { sqlString } from '../connection.js';
import { UserError } from '../../errors.js';
import { formatResult } from '../format.js';
import type { Cell, QueryResult } from '../runner.js';

export const EXPORT_FORMATS = ['csv', 'json', 'parquet', 'markdown'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const EXTENSIONS: Record<string, ExportFormat> = {
  '.csv': 'csv',
  '.json': 'json',
  '.parquet': 'parquet',
  '.md': 'markdown',
  '.markdown': 'markdown',
};

/** The format a file name asks for, from its extension; undefined for any other extension. */
export function exportFormatOf(file: string): ExportFormat | undefined {
  return EXTENSIONS[extname(file).toLowerCase()];
}

/** A file name as typed: '~/' is the home folder, relative names are from the current folder. */
export function resolveExportPath(file: string, cwd = process.cwd(), home = homedir()): string {
  const trimmed = file.trim().replace(/^(["'])(.*)\1$/, '$2');
  if (trimmed === '~' || trimmed.startsWith('~/')) return join(home, trimmed.slice(1));
  return resolve(cwd, trimmed);
}

/** Writes `text` to `path` with mode 0600, through a temporary name in the same folder. */
async function writePrivate(path: string, write: (temporary: string) => Promise<void>): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await write(temporary);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

async function writeText(path: string, text: string): Promise<void> {
  await writePrivate(path, async (temporary) => {
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
    } finally {
      await handle.close();
    }
  });
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Column names made unique (parquet needs that): id, id_2, ... */
function uniqueNames(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const base = name === '' ? 'column' : name;
    const n = (seen.get(base.toLowerCase()) ?? 0) + 1;
    seen.set(base.toLowerCase(), n);
    return n === 1 ? base : `${base}_${n}`;
  });
}

const ROWS_PER_BATCH = 2000;

/** A list or struct going into a VARCHAR column is written as its JSON text. */
function asTextIfNeeded(cell: Cell, type: string): Cell {
  return type === 'VARCHAR' && cell !== null && typeof cell === 'object' ? JSON.stringify(cell) : cell;
}

/**
 * Writes a result as a parquet file, keeping DuckDB's column types (lists, structs and times included). A type
 * that cannot be rebuilt from the result's values is written as text.
 */
export async function writeParquet(result: QueryResult, path: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:', {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  });
  const conn = await instance.connect();
  try {
    const names = uniqueNames(result.columns.map((c) => c.name));
    const fill = async (types: string[]) => {
      await conn.run('DROP TABLE IF EXISTS export');
      await conn.run(`CREATE TABLE export (${names.map((n, i) => `${quoteIdent(n)} ${types[i]}`).join(', ')})`);
      const structure = JSON.stringify([Object.fromEntries(types.map((t, i) => [`c${i}`, t]))]);
      const select = names.map((_, i) => `u.r.c${i}`).join(', ');
      for (let start = 0; start < result.rows.length; start += ROWS_PER_BATCH) {
        const batch = result.rows.slice(start, start + ROWS_PER_BATCH).map((row) =>
          Object.fromEntries(row.map((cell, i) => [`c${i}`, asTextIfNeeded(cell, types[i]!)])),
        );
        await conn.run(
          `INSERT INTO export SELECT ${select} FROM (SELECT unnest(json_transform($1::JSON, ${sqlString(structure)})) AS r) u`,
          [JSON.stringify(batch)],
        );
      }
    };
    const types = result.columns.map((c) => c.type);
    try {
      await fill(types);
    } catch {
      // A type json_transform cannot build (BLOB, INTERVAL, unions, ...): keep the simple ones, the rest as text.
      await fill(types.map((t) => (/^(VARCHAR|BOOLEAN|TINYINT|SMALLINT|INTEGER|BIGINT|DOUBLE|FLOAT|DATE|TIMESTAMP( WITH TIME ZONE)?)$/.test(t) ? t : 'VARCHAR')));
    }
    await writePrivate(path, async (temporary) => {
      await conn.run(`COPY export TO ${sqlString(temporary)} (FORMAT parquet)`);
      await chmod(temporary, 0o600);
    });
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** Writes a result to `path` in `format`; times in csv/json stay UTC ISO strings, markdown shows them in `timeZone`. */
export async function writeExport(result: QueryResult, path: string, format: ExportFormat, timeZone: string): Promise<void> {
  try {
    if (format === 'parquet') await writeParquet(result, path);
    else await writeText(path, formatResult(result, format, timeZone));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code) throw new UserError(`${path}: cannot write the file (${code})`);
    throw new UserError(`${path}: cannot write the file (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
  }
}
