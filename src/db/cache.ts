/**
 * Opens an archive as a loaded database, through the cache: the database is written under the user's cache folder,
 * keyed by the archive's fingerprint (plus the CSV exports and the schema version), under a temporary name that is
 * renamed only when complete. A second open of the same archive parses nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Archive, openArchive } from '../archive/index.js';
import { UserError } from '../errors.js';
import { csvFingerprint, findCsvSources } from '../ingest/csv-sources.js';
import { type Database, SCHEMA_VERSION, createSchema, openDatabase } from './connection.js';
import { type LoadProgress, loadArchive } from './load.js';

export interface OpenOptions {
  csvPaths?: readonly string[];
  /** false: load into memory, write nothing. */
  cache?: boolean;
  /** Ignore an existing cache entry and load again. */
  rebuild?: boolean;
  /** Also (or instead) write the database to this file. */
  dbOut?: string;
  cacheDir?: string;
  onProgress?: (p: LoadProgress) => void;
  onNotice?: (message: string) => void;
}

export interface OpenedArchive {
  db: Database;
  archive: Archive;
  archiveId: string;
  fromCache: boolean;
  /** ':memory:' or the database file in use. */
  dbPath: string;
  close(): Promise<void>;
}

export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'mastotui');
}

export async function openArchiveDatabase(path: string, options: OpenOptions = {}): Promise<OpenedArchive> {
  const archive = await openArchive(path);
  try {
    const csv = await findCsvSources(archive, options.csvPaths ?? []);
    const archiveId = archive.fingerprint.slice(0, 12);
    const load = async (db: Database) => {
      await createSchema(db.conn);
      await loadArchive(db.conn, archive, { archiveId, csv, onProgress: options.onProgress });
    };
    let closed = false;
    const opened = (db: Database, fromCache: boolean): OpenedArchive => ({
      db,
      archive,
      archiveId,
      fromCache,
      dbPath: db.path,
      async close() {
        if (closed) return;
        closed = true;
        db.close();
        await archive.close();
      },
    });

    if (options.dbOut) {
      const target = resolve(options.dbOut);
      await buildFile(target, load);
      return opened(await openDatabase(target, { readOnly: true }), false);
    }
    if (options.cache === false) {
      const db = await openDatabase(':memory:');
      try {
        await load(db);
      } catch (error) {
        db.close();
        throw error;
      }
      return opened(db, false);
    }

    const dir = options.cacheDir ?? defaultCacheDir();
    const key = createHash('sha256')
      .update(`${SCHEMA_VERSION}\0${archive.fingerprint}\0${csvFingerprint(csv)}`)
      .digest('hex')
      .slice(0, 32);
    const file = join(dir, `${key}.duckdb`);
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new UserError(`${dir}: cannot create the cache folder (${(error as NodeJS.ErrnoException).code}); try --no-cache`);
    }
    await removeStaleTemporaries(dir);
    if (!options.rebuild && (await exists(file))) {
      const db = await openCached(file, options.onNotice);
      if (db) return opened(db, true);
    }
    await buildFile(file, load);
    return opened(await openDatabase(file, { readOnly: true }), false);
  } catch (error) {
    await archive.close();
    throw error;
  }
}

/** A cache file that opens, has the current schema version and a complete load; otherwise undefined. */
async function openCached(file: string, onNotice?: (m: string) => void): Promise<Database | undefined> {
  let db: Database | undefined;
  try {
    db = await openDatabase(file, { readOnly: true });
    const rows = (await db.conn.runAndReadAll(`SELECT value FROM meta WHERE key = 'schema_version'`)).getRows();
    const version = rows[0]?.[0];
    if (version === SCHEMA_VERSION) return db;
    onNotice?.(`cache was written by another version of mastotui; loading the archive again`);
  } catch {
    onNotice?.(`cache file ${file} is damaged; loading the archive again`);
  }
  db?.close();
  return undefined;
}

/** Writes a database to `target` via a temporary file that is renamed into place only when complete. */
async function buildFile(target: string, load: (db: Database) => Promise<void>) {
  const temporary = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  let db: Database | undefined;
  try {
    db = await openDatabase(temporary);
    await load(db);
    await db.conn.run('CHECKPOINT');
    db.close();
    db = undefined;
    await chmod(temporary, 0o600);
    await rename(temporary, target);
  } catch (error) {
    db?.close();
    await rm(temporary, { force: true });
    await rm(`${temporary}.wal`, { force: true });
    if (error instanceof UserError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'ENOENT' || code === 'ENOSPC' || code === 'EROFS') {
      throw new UserError(`${target}: cannot write the database (${code})`);
    }
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Temporary files left by a load that was killed: removed once they are an hour old (a live load is younger). */
async function removeStaleTemporaries(dir: string) {
  const hourAgo = Date.now() - 3600_000;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!name.includes('.tmp-')) continue;
    const info = await stat(join(dir, name)).catch(() => undefined);
    // DuckDB may leave a spill folder next to a killed load's file: remove folders too, and never fail on it.
    if (info && info.mtimeMs < hourAgo) await rm(join(dir, name), { force: true, recursive: true }).catch(() => undefined);
  }
}
