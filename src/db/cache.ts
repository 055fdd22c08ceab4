/**
 * Opens an archive as a loaded database, through the cache: the database is written under the user's cache folder,
 * keyed by the archive's fingerprint (plus the CSV exports and the schema version), under a temporary name that is
 * renamed only when complete. A second open of the same archive parses nothing. Cache files not opened for
 * CACHE_UNUSED_DAYS are removed when a new one is written: otherwise the folder would only grow, as every archive,
 * every change to its exports and every schema version gets a file of its own.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Archive, openArchive } from '../archive/index.js';
import { UserError } from '../errors.js';
import { type ExternalCsvSources, csvFingerprint, findCsvSources, findExternalCsvSources } from '../ingest/csv-sources.js';
import { type Database, SCHEMA_VERSION, createSchema, openDatabase } from './connection.js';
import { fileIdentity, readMemo, writeMemo } from './fingerprint-memo.js';
import { CACHE_ROW_GROUP_SIZE, type LoadProgress, loadArchive } from './load.js';
import { prepareOutboxPipeline } from './outbox-pipeline.js';
import { searchIndexFile } from './search-index.js';

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
  /** Called when a cache file for the archive is found, before it is opened (it may still turn out unusable). */
  onCacheHit?: () => void;
  /**
   * Called when the archive has to be loaded, before the load starts; the load waits for the promise it returns.
   * (A preview reads the end of the outbox first: alone on the machine it takes 0.5 s for 100k posts, alongside the
   * load it took 1.5 s and made the load 0.7 s longer.)
   */
  onLoadStart?: (archive: Archive) => Promise<unknown> | void;
  /** Stops a load under way; openArchiveDatabase then rejects with the signal's reason and writes nothing. */
  signal?: AbortSignal;
}

export interface OpenedArchive {
  db: Database;
  archiveId: string;
  fromCache: boolean;
  /** ':memory:' or the database file in use. */
  dbPath: string;
  /** Where the search index of a cache file is (search-index.ts); undefined for a database outside the cache. */
  searchIndexPath?: string;
  /** The archive's path as opened this time, absolute (archives.path keeps where it was first loaded from). */
  sourcePath: string;
  /**
   * The archive itself, for what the database does not hold (media files, an item's raw JSON). When the database
   * comes from the cache it is opened on first use, so that nothing of the archive is read before the first frame.
   */
  archive(): Promise<Archive>;
  close(): Promise<void>;
}

export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'mastotui');
}

export async function openArchiveDatabase(path: string, options: OpenOptions = {}): Promise<OpenedArchive> {
  const useCache = !options.dbOut && options.cache !== false;
  const dir = options.cacheDir ?? defaultCacheDir();
  const identity = useCache ? await fileIdentity(path) : undefined;
  // A cache file found through the remembered fingerprint that turns out unusable is rebuilt below, not tried twice.
  let rejected: string | undefined;
  // The exports outside a file archive, read once: the remembered-fingerprint path needs them for the cache key.
  let fileExternal: ExternalCsvSources | undefined;
  if (useCache && identity && !options.rebuild) {
    const memo = await readMemo(dir, identity);
    if (memo) {
      fileExternal = await findExternalCsvSources(path, false, options.csvPaths ?? []);
      const file = cacheFile(dir, memo.fingerprint, fileExternal);
      if (await exists(file)) {
        await removeStaleTemporaries(dir);
        options.onCacheHit?.();
        const db = await openCached(file, options.onNotice);
        if (db) {
          void markUsed(file);
          return openedArchive(db, true, memo.fingerprint, lazyArchive(path, memo.fingerprint), path, file);
        }
        rejected = file;
      }
    }
  }

  const archive = await openArchive(path);
  try {
    const isFolder = archive.container === 'folder';
    const external = (!isFolder && fileExternal) || (await findExternalCsvSources(path, isFolder, options.csvPaths ?? []));
    const csv = await findCsvSources(archive, external);
    const archiveId = archive.fingerprint.slice(0, 12);
    const load = async (db: Database) => {
      // The load worker starts first, so that its start-up (a thread and its bundled module: 30-40 ms alone, more
      // while this thread is busy) overlaps the preview and the schema instead of holding back the outbox.
      const outboxEntry = archive.find('outbox.json');
      const outbox = outboxEntry && prepareOutboxPipeline(archive, outboxEntry);
      try {
        await options.onLoadStart?.(archive);
        options.signal?.throwIfAborted();
        await createSchema(db.conn);
      } catch (error) {
        outbox?.dispose();
        throw error;
      }
      await loadArchive(db.conn, archive, { archiveId, csv, onProgress: options.onProgress, signal: options.signal, outbox });
    };
    const opened = (db: Database, fromCache: boolean, inCache?: string) =>
      openedArchive(db, fromCache, archive.fingerprint, openedAlready(archive), path, inCache);

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

    const file = cacheFile(dir, archive.fingerprint, external);
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new UserError(`${dir}: cannot create the cache folder (${(error as NodeJS.ErrnoException).code}); try --no-cache`);
    }
    await removeStaleTemporaries(dir);
    if (identity) await writeMemo(dir, identity, { container: archive.container, fingerprint: archive.fingerprint });
    if (!options.rebuild && file !== rejected && (await exists(file))) {
      options.onCacheHit?.();
      const db = await openCached(file, options.onNotice);
      if (db) {
        void markUsed(file);
        return opened(db, true, file);
      }
    }
    await buildFile(file, load);
    await removeUnusedCaches(dir, file);
    return opened(await openDatabase(file, { readOnly: true }), false, file);
  } catch (error) {
    await archive.close();
    throw error;
  }
}

/** The cache file for an archive fingerprint and the exports found outside it. */
function cacheFile(dir: string, fingerprint: string, external: ExternalCsvSources): string {
  const key = createHash('sha256')
    .update(`${SCHEMA_VERSION}\0${fingerprint}\0${csvFingerprint(external)}`)
    .digest('hex')
    .slice(0, 32);
  return join(dir, `${key}.duckdb`);
}

interface ArchiveHandle {
  get(): Promise<Archive>;
  /** Closes the archive if it was opened. */
  close(): Promise<void>;
}

function openedAlready(archive: Archive): ArchiveHandle {
  return { get: async () => archive, close: () => archive.close() };
}

/** Opens the archive on first use, and makes sure it is still the one the database was loaded from. */
function lazyArchive(path: string, fingerprint: string): ArchiveHandle {
  let opening: Promise<Archive> | undefined;
  let closed = false;
  return {
    get() {
      if (closed) return Promise.reject(new UserError(`${path}: the archive is already closed`));
      opening ??= openArchive(path).then(
        async (archive) => {
          if (archive.fingerprint === fingerprint) return archive;
          await archive.close();
          throw new UserError(`${path}: the archive changed while mastotui had it open; run mastotui again to load it`);
        },
        (error: unknown) => {
          opening = undefined; // unreadable for now (a drive unmounted): the next use tries again
          throw error;
        },
      );
      return opening;
    },
    async close() {
      closed = true;
      const archive = await opening?.catch(() => undefined);
      await archive?.close();
    },
  };
}

function openedArchive(
  db: Database,
  fromCache: boolean,
  fingerprint: string,
  archive: ArchiveHandle,
  path: string,
  cacheFile?: string,
): OpenedArchive {
  let closed = false;
  return {
    db,
    archiveId: fingerprint.slice(0, 12),
    fromCache,
    dbPath: db.path,
    searchIndexPath: cacheFile && searchIndexFile(cacheFile),
    sourcePath: resolve(path),
    archive: () => archive.get(),
    async close() {
      if (closed) return;
      closed = true;
      db.close();
      await archive.close();
    },
  };
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
    db = await openDatabase(temporary, { rowGroupSize: CACHE_ROW_GROUP_SIZE });
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
    // DuckDB's own error when it cannot create the file (a folder that does not exist, no permission, a full disk).
    const cannotOpen = /^IO Error: Cannot open file "[^"]*": (.+)$/.exec((error as Error).message ?? '');
    if (cannotOpen) throw new UserError(`${target}: cannot write the database (${cannotOpen[1]})`);
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

/** Days after which a cache file nobody opened is removed (when another one is written). */
export const CACHE_UNUSED_DAYS = 30;
const CACHE_FILE_NAME = /^[0-9a-f]{32}\.duckdb$/;
const SEARCH_INDEX_NAME = /^([0-9a-f]{32})\.search\.duckdb$/;

/** Records that a cache file was used now, in its mtime: a read-only open changes nothing, and atime is often off. */
async function markUsed(file: string): Promise<void> {
  const now = new Date();
  await utimes(file, now, now).catch(() => undefined);
}

/**
 * Removes the cache files (named as cacheFile names them) not used for CACHE_UNUSED_DAYS, except `keep`, with their
 * search indexes.
 */
async function removeUnusedCaches(dir: string, keep: string): Promise<void> {
  const before = Date.now() - CACHE_UNUSED_DAYS * 86_400_000;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const path = join(dir, name);
    if (SEARCH_INDEX_NAME.test(name)) {
      // An index goes with its cache file: one left without it (removed by hand) is removed too.
      const cache = join(dir, name.replace(SEARCH_INDEX_NAME, '$1.duckdb'));
      if (!(await exists(cache))) await rm(path, { force: true }).catch(() => undefined);
      continue;
    }
    if (!CACHE_FILE_NAME.test(name) || path === keep) continue;
    const info = await stat(path).catch(() => undefined);
    if (info?.isFile() && info.mtimeMs < before) {
      await rm(path, { force: true }).catch(() => undefined);
      await rm(searchIndexFile(path), { force: true }).catch(() => undefined);
    }
  }
}
