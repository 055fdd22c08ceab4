// One measurement, run by bench/run.js in a fresh Node process so that its peak RSS is its own. Prints one JSON line.
//
//   node bench/child.js <task> <archive> [work folder]
//
// Tasks:
//   cold      open the archive into a new cache folder (the CLI's path: openArchiveDatabase), then the first page
//             the reader shows (header, count, one screen of the timeline): the in-process "first usable frame"
//   reopen    the same from the cache written by `cold`
//   index     from the cache: the search index the app builds in the background (src/db/search-index.ts)
//   queries   from the cache: one screen of the timeline at the top, middle and end; search (by reading the texts,
//             then through the index where `index` built one); stats; an SQL query
//   floor     outbox.json inflated and split, each item JSON.parsed, nothing kept (the floor of any loader)
//   inflate   outbox.json inflated, nothing else
//   naive     outbox.json extracted to a file, then DuckDB's own read_json of it into a database file
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const [task, archivePath, work] = process.argv.slice(2);
const dist = new URL('../dist/', import.meta.url);
const load = (path) => import(new URL(path, dist).href);

const SCREEN_ROWS = 24;
const t0 = performance.now();
const ms = (from) => Math.round((performance.now() - from) * 10) / 10;
const rssMB = () => Math.round(process.resourceUsage().maxRSS / 1024);
/** CPU time of the whole process (all threads: worker, DuckDB, inflate), which other load on the machine skews less. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return Math.round((u.user + u.system) / 1000);
};

/** Best (lowest) time of `runs` runs of an async function, after one warm-up run. */
async function best(runs, fn) {
  await fn();
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    min = Math.min(min, performance.now() - t);
  }
  return Math.round(min * 100) / 100;
}

async function open(cacheDir, { locked = true } = {}) {
  const { openArchiveDatabase } = await load('db/cache.js');
  const { lockDown } = await load('db/connection.js');
  const opened = await openArchiveDatabase(archivePath, { cacheDir });
  if (locked) await lockDown(opened.db.conn, 'UTC');
  return opened;
}

/** What the reader runs before its first frame: the header line, the list's length, one screen of rows. */
async function firstPage(opened) {
  const rq = await load('db/reader-queries.js');
  const detail = await load('db/reader-detail-queries.js');
  const q = { archiveId: opened.archiveId, filter: rq.NO_FILTER, order: 'newest' };
  await detail.headerInfo(opened.db.conn, opened.archiveId);
  const count = await rq.countTimeline(opened.db.conn, q);
  const rows = await rq.timelinePage(opened.db.conn, q, 0, SCREEN_ROWS);
  return { count, rows: rows.length, q, rq };
}

async function items(opened) {
  const r = await opened.db.conn.runAndReadAll('SELECT items FROM archives LIMIT 1');
  return Number(r.getRows()[0]?.[0] ?? 0);
}

const tasks = {
  async cold() {
    const cacheDir = join(work, 'cache');
    rmSync(cacheDir, { recursive: true, force: true });
    mkdirSync(cacheDir, { recursive: true });
    // The modules first (the database layer and DuckDB's API, about 160 ms), as `naive` imports DuckDB's API before
    // its clock starts: the two loads are timed alike.
    for (const m of ['db/cache.js', 'db/connection.js', 'db/reader-queries.js', 'db/reader-detail-queries.js']) await load(m);
    const start = performance.now();
    const opened = await open(cacheDir);
    const openMs = ms(start);
    const page = await firstPage(opened);
    const firstPageMs = ms(start);
    const n = await items(opened);
    await opened.close();
    return { openMs, firstPageMs, sinceStartMs: ms(t0), items: n, listed: page.count, rssMB: rssMB(), cpuMs: cpuMs() };
  },

  async reopen() {
    const start = performance.now();
    const opened = await open(join(work, 'cache'));
    if (!opened.fromCache) throw new Error('reopen: the cache was not used');
    const openMs = ms(start);
    await firstPage(opened);
    const firstPageMs = ms(start);
    await opened.close();
    return { openMs, firstPageMs, sinceStartMs: ms(t0), rssMB: rssMB(), cpuMs: cpuMs() };
  },

  async index() {
    const { buildSearchIndex, searchIndexFile, SEARCH_INDEX_MIN_ROWS } = await load('db/search-index.js');
    const opened = await open(join(work, 'cache'));
    const rows = Number((await opened.db.conn.runAndReadAll('SELECT count(*) FROM timeline_order')).getRows()[0][0]);
    if (rows < SEARCH_INDEX_MIN_ROWS) {
      await opened.close();
      return { built: false, rows };
    }
    const base = { rssMB: rssMB(), cpuMs: cpuMs() };
    const start = performance.now();
    const outcome = await buildSearchIndex(opened.dbPath);
    const buildMs = ms(start);
    const bytes = statSync(searchIndexFile(opened.dbPath)).size;
    await opened.close();
    return { built: outcome === 'built', rows, buildMs, bytes, openRssMB: base.rssMB, rssMB: rssMB(), cpuMs: cpuMs() - base.cpuMs };
  },

  async queries() {
    const opened = await open(join(work, 'cache'), { locked: false });
    const conn = opened.db.conn;
    const { count, q, rq } = await firstPage(opened);
    const page = (offset) => () => rq.timelinePage(conn, q, offset, SCREEN_ROWS);
    // A common word (many hits) and a word in no post, read from every text, CW, alt text, hashtag and boosted
    // address; then through the search index, as the app searches once the index is built.
    const common = 'coffee';
    const rare = 'zzyzxnotthere';
    const hashtag = '#vim';
    const fq = { ...q, filter: { ...rq.NO_FILTER, type: 'posts' } };
    const out = {
      searchCommonMs: await best(5, () => rq.searchPositions(conn, q, common)),
      searchRareMs: await best(5, () => rq.searchPositions(conn, q, rare)),
      searchHashtagMs: await best(5, () => rq.searchPositions(conn, q, hashtag)),
      filteredSearchScanMs: await best(5, () => rq.searchPositions(conn, fq, common)),
    };
    const { prepareSearchIndex, hasSearchIndex } = await load('db/search-index.js');
    await prepareSearchIndex(conn, opened.dbPath);
    const { lockDown } = await load('db/connection.js');
    await lockDown(conn, 'UTC');
    if (await hasSearchIndex(conn)) {
      out.indexedCommonMs = await best(5, () => rq.searchPositions(conn, q, common));
      out.indexedRareMs = await best(5, () => rq.searchPositions(conn, q, rare));
      out.indexedHashtagMs = await best(5, () => rq.searchPositions(conn, q, hashtag));
      out.filteredIndexedMs = await best(5, () => rq.searchPositions(conn, fq, common));
    }
    out.scrollTopMs = await best(9, page(0));
    out.scrollMiddleMs = await best(9, page(Math.floor(count / 2)));
    out.scrollEndMs = await best(9, page(Math.max(0, count - SCREEN_ROWS)));
    // A filtered list (posts that are not replies): its first page on a new connection numbers it, later pages read
    // positions (src/db/numbered-lists.ts).
    out.filteredFirstMs = await best(3, async () => {
      const fresh = await opened.db.instance.connect();
      try {
        await rq.timelinePage(fresh, fq, 0, SCREEN_ROWS);
      } finally {
        fresh.closeSync();
      }
    });
    const filteredCount = await rq.countTimeline(conn, fq);
    const filteredPage = (offset) => () => rq.timelinePage(conn, fq, offset, SCREEN_ROWS);
    out.filteredScrollTopMs = await best(9, filteredPage(0));
    out.filteredScrollMiddleMs = await best(9, filteredPage(Math.floor(filteredCount / 2)));
    out.filteredScrollEndMs = await best(9, filteredPage(Math.max(0, filteredCount - SCREEN_ROWS)));
    let stats;
    try {
      stats = await load('stats/run.js');
    } catch {
      stats = undefined;
    }
    if (stats?.loadStats) {
      out.statsMs = await best(3, () => stats.loadStats(conn, { fallbackTimeZone: 'UTC' }));
      out.statsWhat = 'loadStats';
    } else {
      out.statsMs = await best(3, async () => {
        await conn.runAndReadAll(`SELECT date_trunc('month', created_at) AS m, count(*) FROM posts GROUP BY m`);
        await conn.runAndReadAll(`SELECT tag, count(*) AS n FROM hashtags GROUP BY tag ORDER BY n DESC LIMIT 20`);
        await conn.runAndReadAll(`SELECT visibility, count(*) FROM posts GROUP BY visibility`);
      });
      out.statsWhat = 'GROUP BY queries';
    }
    const { runQuery } = await load('db/runner.js');
    const sql = `SELECT year(created_at) AS year, count(*) AS posts, avg(length(text))::INTEGER AS chars,
      count(*) FILTER (WHERE media_count > 0) AS with_media FROM posts GROUP BY year ORDER BY year`;
    out.sqlMs = await best(5, () => runQuery(conn, sql, { maxRows: 1000 }));
    out.listed = count;
    out.rssMB = rssMB();
    out.cpuMs = cpuMs();
    await opened.close();
    return out;
  },

  async floor() {
    const { openArchive } = await load('archive/index.js');
    const { splitStream } = await load('ingest/split-stream.js');
    const start = performance.now();
    const archive = await openArchive(archivePath);
    const entry = archive.find('outbox.json');
    let n = 0;
    await splitStream(await archive.openStream(entry), 'orderedItems', {
      onItem(json) {
        JSON.parse(json);
        n++;
      },
    });
    const totalMs = ms(start);
    await archive.close();
    return { totalMs, items: n, rssMB: rssMB(), cpuMs: cpuMs() };
  },

  async inflate() {
    const { openArchive } = await load('archive/index.js');
    const start = performance.now();
    const archive = await openArchive(archivePath);
    let bytes = 0;
    for await (const chunk of await archive.openStream(archive.find('outbox.json'))) bytes += chunk.length;
    const totalMs = ms(start);
    await archive.close();
    return { totalMs, bytes, rssMB: rssMB(), cpuMs: cpuMs() };
  },

  async naive() {
    const { openArchive } = await load('archive/index.js');
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const outbox = join(work, 'naive-outbox.json');
    const dbFile = join(work, 'naive.duckdb');
    for (const f of [outbox, dbFile, `${dbFile}.wal`]) rmSync(f, { force: true });
    const start = performance.now();
    const archive = await openArchive(archivePath);
    await archive.extractTo(archive.find('outbox.json'), outbox);
    await archive.close();
    const extractMs = ms(start);
    const size = statSync(outbox).size;
    const instance = await DuckDBInstance.create(dbFile);
    const conn = await instance.connect();
    const readStart = performance.now();
    // outbox.json is one object whose orderedItems holds every item: read_json reads the document as one record
    // (format 'auto' finds that it is not newline-delimited, records 'auto' makes the top-level keys columns, so
    // orderedItems is one LIST of STRUCTs whose type is inferred from a sample) and unnest gives a row per item.
    // The whole document is one JSON value, so maximum_object_size must exceed the file.
    await conn.run(
      `CREATE TABLE items AS SELECT unnest(orderedItems) AS item
       FROM read_json('${outbox.replace(/'/g, "''")}', maximum_object_size = ${size + 1024})`,
    );
    await conn.run('CHECKPOINT');
    const readJsonMs = ms(readStart);
    const rows = Number((await conn.runAndReadAll('SELECT count(*) FROM items')).getRows()[0][0]);
    conn.closeSync();
    instance.closeSync();
    for (const f of [outbox, dbFile, `${dbFile}.wal`]) rmSync(f, { force: true });
    return { totalMs: ms(start), extractMs, readJsonMs, items: rows, rssMB: rssMB(), cpuMs: cpuMs() };
  },
};

if (!tasks[task]) {
  console.error(`unknown task ${task}`);
  process.exit(2);
}
try {
  const result = await tasks[task]();
  process.stdout.write(`${JSON.stringify(result)}\n`);
} catch (error) {
  process.stdout.write(`${JSON.stringify({ error: error instanceof Error ? error.message : String(error) })}\n`);
  process.exitCode = 1;
}
// A stray handle (a worker, a timer) must not keep the measurement alive.
setImmediate(() => process.exit());
