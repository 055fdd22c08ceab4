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

export async function openDatabase(path: string, options: { readOnly?: boolean } = {}): Promise<Database> {
  const instance = await DuckDBInstance.create(path, {
    ...BASE_OPTIONS,
    ...(options.readOnly ? { access_mode: 'READ_ONLY' } : {}),
  });
  const conn = await instance.connect();
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
  await conn.run(`SET GLOBAL TimeZone = '${timeZone.replace(/'/g, "''")}'`);
  await conn.run(`SET TimeZone = '${timeZone.replace(/'/g, "''")}'`);
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
