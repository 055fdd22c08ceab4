/**
 * Opening DuckDB the way mastotui always does: no extension auto-install or auto-load (nothing leaves the machine;
 * json, parquet and icu are built in), and for reading, a connection that cannot touch files or the network.
 */
import { readFileSync } from 'node:fs';
import { DuckDBConnection, DuckDBInstance } from './duckdb.js';

/** Bumped whenever schema.sql or the loader's output changes; a cache of another version is rebuilt. */
export const SCHEMA_VERSION = '3';

const BASE_OPTIONS: Record<string, string> = {
  autoinstall_known_extensions: 'false',
  autoload_known_extensions: 'false',
};

export interface Database {
  instance: DuckDBInstance;
  conn: DuckDBConnection;
  path: string;
  close(): void;
}

export interface OpenOptions {
  readOnly?: boolean;
  /**
   * Rows per row group of a new database file (DuckDB's default is 122,880). Only ATTACH takes this option, so the
   * file is attached to an in-memory instance and made the default database; its temporary folder is the one DuckDB
   * gives a file it opens itself (the file's path + '.tmp').
   */
  rowGroupSize?: number;
}

export async function openDatabase(path: string, options: OpenOptions = {}): Promise<Database> {
  if (options.rowGroupSize !== undefined && !options.readOnly && path !== ':memory:') {
    return attachedFile(path, options.rowGroupSize);
  }
  const instance = await DuckDBInstance.create(path, {
    ...BASE_OPTIONS,
    ...(options.readOnly ? { access_mode: 'READ_ONLY' } : {}),
  });
  return database(instance, await instance.connect(), path);
}

async function attachedFile(path: string, rowGroupSize: number): Promise<Database> {
  if (!Number.isInteger(rowGroupSize) || rowGroupSize < 2048 || rowGroupSize % 2048 !== 0) {
    throw new Error(`row group size ${rowGroupSize}: must be a multiple of 2048`);
  }
  const instance = await DuckDBInstance.create(':memory:', { ...BASE_OPTIONS, temp_directory: `${path}.tmp` });
  const conn = await instance.connect();
  try {
    await conn.run(`ATTACH ${sqlString(path)} AS loading (ROW_GROUP_SIZE ${rowGroupSize})`);
    await conn.run('USE loading');
  } catch (error) {
    conn.closeSync();
    instance.closeSync();
    throw error;
  }
  return database(instance, conn, path);
}

/** `text` as an SQL string literal. */
export function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function database(instance: DuckDBInstance, conn: DuckDBConnection, path: string): Database {
  return {
    instance,
    conn,
    path,
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

/**
 * Locks a database down for user queries: no file or network access (COPY, read_csv, ATTACH are refused), no
 * extension loading, and the configuration cannot be changed back. These settings are global: they hold for every
 * connection of the instance, including ones opened later. Times are shown in `timeZone`.
 */
export async function lockDown(conn: DuckDBConnection, timeZone: string): Promise<void> {
  await conn.run(`SET GLOBAL TimeZone = ${sqlString(timeZone)}`);
  await conn.run(`SET TimeZone = ${sqlString(timeZone)}`);
  await conn.run('SET enable_external_access = false');
  await conn.run('SET allow_community_extensions = false');
  await conn.run('SET lock_configuration = true');
}

let schemaSql: string | undefined;

/** The schema (schema.sql next to this file, copied to dist/ by the build). */
export function schemaText(): string {
  schemaSql ??= readFileSync(new URL('./schema.sql', import.meta.url), 'utf8');
  return schemaSql;
}

/** One transaction: committing each CREATE on its own cost 50–170 ms (docs/PERFORMANCE.md). */
export async function createSchema(conn: DuckDBConnection): Promise<void> {
  await conn.run(`BEGIN TRANSACTION; ${schemaText()}; COMMIT;`);
}
