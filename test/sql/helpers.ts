/** The sample archive loaded in memory and locked down as the app does, with a second connection for the pane. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openArchiveDatabase, type OpenedArchive } from '../../src/db/cache.js';
import { lockDown } from '../../src/db/connection.js';

export const SAMPLE = new URL('../../fixtures/sample', import.meta.url).pathname;

export interface Sample {
  opened: OpenedArchive;
  /** The pane's own connection. */
  conn: DuckDBConnection;
  close(): Promise<void>;
}

export async function openSample(timeZone = 'UTC'): Promise<Sample> {
  const opened = await openArchiveDatabase(SAMPLE, { cache: false });
  await lockDown(opened.db.conn, timeZone);
  const conn = await opened.db.instance.connect();
  return {
    opened,
    conn,
    async close() {
      conn.closeSync();
      await opened.close();
    },
  };
}

export async function tempFolder(): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'mastotui-sql-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** A query that runs for many seconds unless interrupted. */
export const SLOW_QUERY = 'SELECT count(*) FROM range(100000000) a, range(100000) b WHERE a.range + b.range = 7';
