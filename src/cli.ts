/**
 * The command line: flags, help, choice of mode (app | --sql | --stats | --db | summary) and exit codes.
 * Exit codes: 0 success, 1 a problem with the input (archive, SQL), 2 a usage error.
 */
import meow from 'meow';
import type { OpenedArchive } from './db/cache.js';
import type { LoadProgress } from './db/load.js';
import type { Preview } from './db/preview.js';
import type { SearchIndexBuild } from './db/search-index.js';
import { sanitizeText } from './content/sanitize.js';
import { UserError } from './errors.js';
import { PERIOD_SYNTAX, parsePeriod } from './stats/period.js';

// Kept in step with OUTPUT_FORMATS in db/format.ts (a test checks); the database modules load only after the flags
// are read, so --help, --version and usage errors answer at once.
const OUTPUT_FORMATS = ['table', 'csv', 'json', 'markdown'] as const;
type OutputFormat = (typeof OUTPUT_FORMATS)[number];

const cli = meow(
  `
  Usage
    $ mastotui ARCHIVE [CSV...] [options]

  ARCHIVE is your Mastodon account archive: the .zip (or a pre-4.2 .tar.gz) you downloaded, the folder you
  extracted it to, or just its outbox.json. CSV exports (following_accounts.csv, lists.csv, blocked_accounts.csv,
  muted_accounts.csv, blocked_domains.csv, bookmarks.csv) are read from the extra arguments, from inside the
  archive, or from the archive's folder.

  Without options on a terminal, opens the app (reader, stats, SQL). Without a terminal, prints a summary.

  Options
    --sql, -s QUERY       Run one SQL query over the loaded archive, print the result and exit
    --stats               Print the stats dashboard as text (or JSON with --format json) and exit
    --period PERIOD       Period of --stats: ${PERIOD_SYNTAX}
    --format, -f FORMAT   Output of --sql: table (default), csv, json or markdown
    --db FILE             Write the loaded database to FILE (for duckdb, Python, ...) and print a summary
    --tz ZONE             Time zone for dates, e.g. Europe/Paris or UTC (default: this computer's)
    --no-cache            Load into memory and write nothing to the cache folder
    --rebuild             Load the archive again even if the cache has it
    --help                Show this help
    --version             Show the version

  Examples
    $ mastotui archive-20241123-abc.zip
    $ mastotui archive.zip following_accounts.csv lists.csv
    $ mastotui archive.zip --sql "select count(*) as n from posts" --format json
    $ mastotui archive.zip --sql "select tag, count(*) from hashtags group by tag order by 2 desc limit 10"
    $ mastotui archive.zip --stats --period 2024 --tz Europe/Paris
    $ mastotui archive.zip --db my-posts.duckdb

  Tables: account, posts, boosts, media, hashtags, mentions, links, emojis, poll_options, likes, bookmarks,
  following, followers, lists, blocks, mutes, domain_blocks, archive_files, outbox_items, load_issues, archives;
  views: timeline, threads. See docs/SCHEMA.md.

  The cache lives in $XDG_CACHE_HOME/mastotui (or ~/.cache/mastotui). It holds your posts, DMs included; a file
  not opened for 30 days is removed when another archive is loaded.
`,
  {
    importMeta: import.meta,
    flags: {
      sql: { type: 'string', shortFlag: 's' },
      stats: { type: 'boolean', default: false },
      period: { type: 'string' },
      format: { type: 'string', shortFlag: 'f', default: 'table' },
      db: { type: 'string' },
      tz: { type: 'string' },
      cache: { type: 'boolean', default: true },
      rebuild: { type: 'boolean', default: false },
    },
    allowUnknownFlags: false,
  },
);

function checkTimeZone(zone: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    throw new UserError(`--tz: unknown time zone "${zone}" (use a name like Europe/Paris, America/New_York or UTC)`, 2);
  }
}

async function main(): Promise<number> {
  const [archivePath, ...csvPaths] = cli.input;
  const flags = cli.flags;
  if (!archivePath) {
    cli.showHelp(2);
    return 2;
  }
  if (!OUTPUT_FORMATS.includes(flags.format as OutputFormat)) {
    throw new UserError(`--format: expected one of ${OUTPUT_FORMATS.join(', ')}, got "${flags.format}"`, 2);
  }
  if (flags.sql !== undefined && flags.sql.trim() === '') throw new UserError('--sql: the query is empty', 2);
  if (flags.stats && flags.sql !== undefined) throw new UserError('--stats and --sql: choose one', 2);
  if (flags.period !== undefined && !flags.stats) throw new UserError('--period: only used with --stats', 2);
  const period = parsePeriod(flags.period);
  const timeZone = checkTimeZone(flags.tz ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC');

  const [
    { openArchiveDatabase },
    { lockDown },
    { formatResult },
    { archiveSummary },
    { runQuery },
    { ProgressBar },
    { formatSummary },
    { prepareSearchIndex },
  ] = await Promise.all([
    import('./db/cache.js'),
    import('./db/connection.js'),
    import('./db/format.js'),
    import('./db/queries.js'),
    import('./db/runner.js'),
    import('./progress.js'),
    import('./summary.js'),
    import('./db/search-index.js'),
  ]);
  // The app's modules take about 200 ms of this thread to load. From the cache, that happens while the database file
  // opens; when the archive has to be loaded, once the load is under way (this thread then waits for the parsing
  // worker about half of the time) rather than before it, which would delay the load's start.
  const interactive = flags.sql === undefined && !flags.stats && !flags.db && process.stdout.isTTY && process.stdin.isTTY;
  let appModule: Promise<typeof import('./ui/run.js')> | undefined;
  const startApp = () => {
    if (!interactive || appModule) return;
    appModule = import('./ui/run.js');
    appModule.catch(() => undefined);
  };
  // The app's search reads a word index where the archive has one, built in the background after the archive is
  // first opened (src/db/search-index.ts); it is attached before the connection is locked down, and the session that
  // built it searches through a second connection opened with it.
  const searchIndexOf = async (opened: OpenedArchive) =>
    interactive && opened.searchIndexPath ? prepareSearchIndex(opened.db.conn, opened.dbPath, { ...searchIndexOptions(), timeZone }) : undefined;
  const progress = process.stderr.isTTY ? new ProgressBar(process.stderr) : undefined;
  // A large archive shows its newest posts while it loads (src/db/preview.ts): the app opens on them and swaps in
  // the whole archive when the load is done.
  const stop = new AbortController();
  const progressListeners: Array<(p: LoadProgress) => void> = [];
  let showPreview: (preview: Preview) => void = () => undefined;
  const previewReady = new Promise<Preview>((resolve) => {
    showPreview = resolve;
  });
  let previewing: Promise<Preview | null> | undefined;
  let appShown = false;
  const loading = openArchiveDatabase(archivePath, {
    csvPaths,
    cache: flags.cache,
    rebuild: flags.rebuild,
    dbOut: flags.db,
    signal: stop.signal,
    onProgress: (p) => {
      if (!appShown) progress?.update(p);
      for (const listener of progressListeners) listener(p);
      startApp();
    },
    onNotice: (message) => process.stderr.write(`mastotui: ${sanitizeText(message)}\n`),
    onCacheHit: startApp,
    onLoadStart: interactive
      ? (archive) => {
          startApp(); // while the outbox inflates on other threads
          previewing = import('./db/preview.js')
            .then(({ openPreview }) =>
              openPreview(archive, {
                ...previewOptions(),
                onProgress: (bytes, totalBytes) => progress?.update({ file: 'the newest posts', bytes, totalBytes, items: 0 }),
              }),
            )
            .catch(() => null);
          void previewing.then((preview) => preview && showPreview(preview));
          return previewing;
        }
      : undefined,
  });
  const first = await Promise.race([
    loading.then(
      () => 'loaded' as const,
      () => 'loaded' as const,
    ),
    previewReady.then(() => 'preview' as const),
  ]);
  if (first === 'preview') {
    const preview = await previewReady;
    progress?.done();
    appShown = true;
    startApp();
    return await runWithPreview({ preview, loading, stop, progressListeners, timeZone, lockDown, searchIndexOf, app: appModule! });
  }
  // Loaded before any preview was ready: a preview that comes later is not needed.
  void previewing?.then((preview) => preview?.close());
  let opened: OpenedArchive;
  try {
    opened = await loading;
  } finally {
    progress?.done();
  }
  try {
    const { conn } = opened.db;
    const searchIndex = await searchIndexOf(opened);
    await lockDown(conn, timeZone);
    if (flags.sql !== undefined) {
      const { refusedFunction } = await import('./db/sql/shell.js');
      const refused = refusedFunction(flags.sql);
      if (refused !== undefined) throw new UserError(`SQL: ${refused}`);
      const result = await runQuery(conn, flags.sql, { maxRows: Number.MAX_SAFE_INTEGER });
      // csv to a terminal is sanitised like the table (piped or redirected, it is the data as it is).
      process.stdout.write(formatResult(result, flags.format as OutputFormat, timeZone, { terminal: Boolean(process.stdout.isTTY) }));
      return 0;
    }
    if (flags.stats) {
      const { printStats } = await import('./stats/run.js');
      const text = await printStats(conn, {
        instance: opened.db.instance,
        timeZone,
        period,
        format: flags.format === 'json' ? 'json' : 'text',
        width: process.stdout.isTTY ? process.stdout.columns || 80 : 80,
        color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
      });
      process.stdout.write(text);
      return 0;
    }
    if (flags.db) process.stderr.write(`mastotui: wrote ${flags.db}\n`);
    startApp();
    if (appModule) {
      const { runApp } = await appModule;
      const building = searchIndex?.start();
      try {
        return await runApp(opened, { timeZone, searchIndex: () => building?.connection() });
      } finally {
        await building?.stop();
      }
    }
    process.stdout.write(formatSummary(await archiveSummary(conn), archivePath, timeZone));
    return 0;
  } catch (error) {
    // A cache file damaged after it was written passes the open-time check; the first query that reads the
    // damaged block fails. Remove it, so the next run loads the archive again.
    if (opened.fromCache && /corrupt|checksum/i.test(error instanceof Error ? error.message : String(error))) {
      await opened.close();
      const { rm } = await import('node:fs/promises');
      await rm(opened.dbPath, { force: true });
      throw new UserError(`${opened.dbPath}: the cached database is damaged and was removed; run mastotui again to reload the archive`);
    }
    throw error;
  } finally {
    await opened.close();
  }
}

/** Preview settings from the environment, for tests (MASTOTUI_PREVIEW_MIN_BYTES: the smallest outbox with one). */
function previewOptions(): { minOutboxBytes?: number } {
  const min = Number(process.env.MASTOTUI_PREVIEW_MIN_BYTES);
  return Number.isFinite(min) && process.env.MASTOTUI_PREVIEW_MIN_BYTES ? { minOutboxBytes: min } : {};
}

/** Search index settings from the environment, for tests (MASTOTUI_SEARCH_INDEX_MIN_ROWS: the shortest timeline indexed). */
function searchIndexOptions(): { minRows?: number } {
  const min = Number(process.env.MASTOTUI_SEARCH_INDEX_MIN_ROWS);
  return Number.isFinite(min) && process.env.MASTOTUI_SEARCH_INDEX_MIN_ROWS ? { minRows: min } : {};
}

/**
 * The app on a preview while the load goes on. Quitting before the load is done stops it (nothing is written); a
 * load that fails ends the app, and its error is reported like any other.
 */
async function runWithPreview({
  preview,
  loading,
  stop,
  progressListeners,
  timeZone,
  lockDown,
  searchIndexOf,
  app,
}: {
  preview: Preview;
  loading: Promise<OpenedArchive>;
  stop: AbortController;
  progressListeners: Array<(p: LoadProgress) => void>;
  timeZone: string;
  lockDown: (conn: OpenedArchive['db']['conn'], timeZone: string) => Promise<void>;
  searchIndexOf: (opened: OpenedArchive) => Promise<{ start(): SearchIndexBuild } | undefined>;
  app: Promise<typeof import('./ui/run.js')>;
}): Promise<number> {
  let settled: 'running' | 'loaded' | 'failed' = 'running';
  let building: SearchIndexBuild | undefined;
  const done = loading.then(
    async (whole) => {
      try {
        const searchIndex = await searchIndexOf(whole);
        await lockDown(whole.db.conn, timeZone);
        building = searchIndex?.start();
      } catch (error) {
        settled = 'failed';
        await whole.close();
        throw error;
      }
      settled = 'loaded';
      return whole;
    },
    (error: unknown) => {
      settled = 'failed';
      throw error;
    },
  );
  done.catch(() => undefined);
  try {
    await lockDown(preview.db.conn, timeZone);
    const { runApp } = await app;
    const code = await runApp(preview, {
      timeZone,
      pending: { done, onProgress: (listener) => progressListeners.push(listener), previewItems: preview.items },
      searchIndex: () => building?.connection(),
    });
    if (settled === 'running') stop.abort(new Error('the app was closed before the archive was loaded'));
    const whole = await done.catch((error: unknown) => {
      if (settled === 'failed' && !stop.signal.aborted) throw error;
      return undefined;
    });
    await building?.stop();
    await whole?.close();
    return code;
  } finally {
    await building?.stop(); // the app stopped on an error: do not leave the build running
    await preview.close();
  }
}

function report(error: unknown): number {
  if (error instanceof UserError) {
    // Messages can quote archive text (file names, SQL errors citing a value): never raw control characters.
    process.stderr.write(`mastotui: ${sanitizeText(error.message)}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`mastotui: unexpected error: ${sanitizeText(message)}\n`);
  if (process.env.MASTOTUI_DEBUG && error instanceof Error) process.stderr.write(`${sanitizeText(error.stack ?? '', { keepNewlines: true })}\n`);
  else process.stderr.write('mastotui: set MASTOTUI_DEBUG=1 for details, and please report it\n');
  return 1;
}

main()
  .then(
    (code) => code,
    (error: unknown) => report(error),
  )
  .then((code) => {
    process.exitCode = code;
    // Everything is closed by now; should a native handle still keep the process alive, do not hang the shell.
    setTimeout(() => process.exit(code), 2000).unref();
  });
