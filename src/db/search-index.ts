/**
 * The search index: every word of the timeline's searchable texts, with the positions (timeline_order.pos) of the
 * rows it occurs in, so that searching for a word reads the list of words instead of every text.
 *
 * Search matches a term anywhere in a text, ignoring case (reader-queries.ts searchPositions). For a term made of
 * word characters only (letters, digits, marks, _), that is exactly the rows one of whose words contains the term:
 * an occurrence of such a term cannot cross a non-word character, so it lies inside one word. The index cuts
 * lower(text) at every run of non-word characters with the same regular expression that says whether a term is a
 * word, so the two searches give the same rows (test/db/search-index.test.ts holds them equal by property).
 *
 * A hashtag or a mention (# or @ and a word) occurs where a # or @ is followed by a word that starts with the term's
 * word: the index also holds each # or @ with the word after it (#Rust in "see #rustlang" gives #rustlang), and
 * search looks for the ones that start with the term. Search also matches a # term's word inside a post's hashtags
 * (hashtags.tag has no #): their words are in the index a second time, marked as a tag's (TAG_MARK before them). Any
 * other term (two words, punctuation) is searched by reading the texts, as before.
 *
 * It is built after a load, in the background, into a file of its own beside the cache file (the cache is opened
 * read-only once loaded, and building it during the load would make the load longer: 0.9 s more CPU at 100k posts),
 * and attached when the archive is next opened (DuckDB can only attach it before the connection is locked down;
 * the session that built it searches through a second connection, openSearchIndex). Built by a DuckDB instance of
 * its own with one thread, leaving the other core to the app, and in chunks of positions: one GROUP BY over all
 * words with their position lists cannot spill to disk, and ran out of a 128 MB limit at 100k posts. Measured on
 * the bench archives (docs/PERFORMANCE.md).
 */
import { randomBytes } from 'node:crypto';
import { chmod, rename, rm, stat } from 'node:fs/promises';
import { type Database, lockDown, openDatabase, sqlString } from './connection.js';
import type { DuckDBConnection } from './duckdb.js';

/** Bumped when what the index holds changes: an index of another format is rebuilt. */
export const SEARCH_INDEX_FORMAT = 2;

/** Timelines shorter than this are searched by reading them (7 ms at 10k rows, 52 ms at 100k) and get no index. */
export const SEARCH_INDEX_MIN_ROWS = 50_000;

/** Rows whose words are grouped at a time while building: one chunk's position lists stay a few MB. */
const CHUNK_ROWS = 50_000;

/** The catalog name the index is attached under. */
const CATALOG = 'search_index';

/** Word characters (RE2 classes): a term of these alone is looked up in the index; texts are cut at the others. */
const WORD_CHARACTERS = '\\pL\\pN\\pM_';
const ONE_WORD = `'[${WORD_CHARACTERS}]+'`;
const NON_WORDS = `'[^${WORD_CHARACTERS}]+'`;
/** A # or @ and the word after it: a hashtag, a mention, or what looks like one. */
const TAGGED_WORD = `'[#@][${WORD_CHARACTERS}]+'`;
/** Before the words of a post's hashtags (a control character: in no word, and lower() leaves it). */
const TAG_MARK = 'chr(1)';

/** The index file that goes with a cache file. */
export function searchIndexFile(cacheFile: string): string {
  return `${cacheFile.replace(/\.duckdb$/, '')}.search.duckdb`;
}

/**
 * What hasSearchIndex found for each connection object. Asked of the database once per object rather than recorded
 * by attachSearchIndex: the app holds its connection through a proxy (src/ui/query-tracker.ts), another object than
 * the one the index was attached with. The answer cannot change once the connection is locked down (ATTACH is
 * refused, and so is DETACH in the SQL pane), and the index is attached before that.
 */
const attachedTo = new WeakMap<object, boolean>();

/**
 * Whether `conn`'s database has a search index attached (attachSearchIndex keeps it attached only when it is
 * valid). Asked once per connection object: 4 ms of every search at 10k posts otherwise.
 */
export async function hasSearchIndex(conn: DuckDBConnection): Promise<boolean> {
  const known = attachedTo.get(conn);
  if (known !== undefined) return known;
  const reader = await conn.runAndReadAll(`SELECT count(*) > 0 FROM duckdb_databases() WHERE database_name = '${CATALOG}'`);
  const attached = reader.getRows()[0]?.[0] === true;
  attachedTo.set(conn, attached);
  return attached;
}

/**
 * Attaches the search index `file` to `conn`'s database if it exists and was built from this very load of the
 * archive (its meta row names the archive's fingerprint and load time); a stale or damaged one is removed, so that
 * it is built again. Must run before lockDown, which refuses ATTACH.
 */
export async function attachSearchIndex(conn: DuckDBConnection, file: string): Promise<boolean> {
  attachedTo.delete(conn);
  if (!(await stat(file).then((s) => s.isFile(), () => false))) return false;
  try {
    await conn.run(`ATTACH ${sqlString(file)} AS ${CATALOG} (READ_ONLY)`);
  } catch {
    await rm(file, { force: true });
    return false;
  }
  try {
    const rows = await conn.runAndReadAll(
      `SELECT (SELECT count(*) FROM archives) = count(*) AND count(*) > 0
       FROM ${CATALOG}.search_index_meta m
       JOIN archives a ON a.archive_id = m.archive_id AND a.fingerprint = m.fingerprint AND a.loaded_at = m.loaded_at
       WHERE m.format = ${SEARCH_INDEX_FORMAT}`,
    );
    if (rows.getRows()[0]?.[0] === true) return true;
  } catch {
    // no meta table: not an index of ours
  }
  await conn.run(`DETACH ${CATALOG}`);
  await rm(file, { force: true });
  return false;
}

/** What kind of term the index answers: a word, # and a word, @ and a word. */
export type IndexedTerm = 'word' | 'hashtag' | 'mention';

/**
 * Which kind of term `term` is, if a search for it can read the index: the connection has one, and the term
 * (lowered as search lowers it) is one word, or # or @ and one word. Undefined otherwise.
 */
export async function indexedTermKind(conn: DuckDBConnection, term: string): Promise<IndexedTerm | undefined> {
  if (!(await hasSearchIndex(conn))) return undefined;
  const reader = await conn.runAndReadAll(
    `SELECT CASE
       WHEN regexp_full_match(lower($term), ${ONE_WORD}) THEN 'word'
       WHEN regexp_full_match(lower($term), ${TAGGED_WORD}) THEN (CASE WHEN starts_with($term, '#') THEN 'hashtag' ELSE 'mention' END)
     END`,
    { term },
  );
  const kind = reader.getRows()[0]?.[0];
  return kind === 'word' || kind === 'hashtag' || kind === 'mention' ? kind : undefined;
}

/** Whether a search for `term` can read the index (indexedTermKind). */
export async function searchesByIndex(conn: DuckDBConnection, term: string): Promise<boolean> {
  return (await indexedTermKind(conn, term)) !== undefined;
}

/**
 * The words in the index that hold a search term of this kind, as a condition on `word` with its parameters: a word
 * inside any word; # or @ and a word at the start of one of the #- or @-words; for #, also the term's word inside
 * one of a post's hashtags, as search reads hashtags.tag without the #.
 */
function wordCondition(kind: IndexedTerm, term: string): { sql: string; params: Record<string, string> } {
  if (kind === 'word') return { sql: 'contains(word, lower($needle))', params: { needle: term } };
  if (kind === 'mention') return { sql: 'starts_with(word, lower($needle))', params: { needle: term } };
  return {
    sql: `(starts_with(word, lower($needle)) OR (starts_with(word, ${TAG_MARK}) AND contains(word, lower($tag))))`,
    params: { needle: term, tag: term.slice(1) },
  };
}

/** The index's question for a term: the SQL of the whole timeline's positions (timeline_order.pos) of its rows. */
function positionsOf(kind: IndexedTerm, term: string): { sql: string; params: Record<string, string> } {
  const condition = wordCondition(kind, term);
  return {
    sql: `SELECT unnest(positions) FROM ${CATALOG}.search_words WHERE archive_id = $archive AND ${condition.sql}`,
    params: condition.params,
  };
}

/**
 * The rows (kind, id) of the archive `$archive` that contain `term` (of this kind), from the index: the same rows as
 * searchPositions' reading of the texts, CW, alt texts, hashtags and boosted addresses.
 */
export function indexedHits(kind: IndexedTerm, term: string): { sql: string; params: Record<string, string> } {
  const positions = positionsOf(kind, term);
  return { sql: `SELECT kind, id FROM timeline_order WHERE archive_id = $archive AND pos IN (${positions.sql})`, params: positions.params };
}

/**
 * The positions in the whole timeline's order `column` (pos: newest first, oldest_pos) of the rows that contain
 * `term`, in order. Without the join on (kind, id) that a filtered list needs: 10 ms against 26 ms for 23k hits at
 * 100k posts.
 */
export function indexedTimelinePositions(
  column: 'pos' | 'oldest_pos',
  kind: IndexedTerm,
  term: string,
): { sql: string; params: Record<string, string> } {
  const positions = positionsOf(kind, term);
  return {
    sql: `SELECT ${column} FROM timeline_order WHERE archive_id = $archive AND pos IN (${positions.sql}) ORDER BY 1`,
    params: positions.params,
  };
}

/**
 * Builds the search index of the cache file `cacheFile` into searchIndexFile(cacheFile), through a temporary file
 * renamed into place when complete. Resolves 'stopped' when `signal` stops it (leaving no file behind); rejects when
 * it fails.
 */
export async function buildSearchIndex(cacheFile: string, signal?: AbortSignal): Promise<'built' | 'stopped'> {
  const target = searchIndexFile(cacheFile);
  const temporary = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const scratch = `${temporary}.docs`;
  let db: Database | undefined;
  const interrupt = () => db?.conn.interrupt();
  signal?.addEventListener('abort', interrupt);
  const removeTemporaries = () =>
    Promise.all(
      [temporary, `${temporary}.wal`, `${temporary}.tmp`, scratch, `${scratch}.wal`].map((p) => rm(p, { force: true, recursive: true })),
    );
  try {
    if (signal?.aborted) return 'stopped';
    db = await openDatabase(temporary);
    const { conn } = db;
    await conn.run(`SET threads = 1`);
    await conn.run(`SET memory_limit = '128MB'`);
    await conn.run(`ATTACH ${sqlString(cacheFile)} AS archive (READ_ONLY)`);
    await conn.run(`ATTACH ${sqlString(scratch)} AS scratch`);
    // Each searchable text with its row's position, in position order (so that a chunk of positions is a few row
    // groups), lowered once.
    await conn.run(`CREATE TABLE scratch.docs AS
      WITH o AS (SELECT archive_id, pos, kind, id FROM archive.timeline_order),
      d AS (
        SELECT o.archive_id, o.pos, p.text AS s, false AS tag
          FROM archive.posts p JOIN o ON o.kind = 'post' AND o.archive_id = p.archive_id AND o.id = p.id
        UNION ALL
        SELECT o.archive_id, o.pos, p.cw, false FROM archive.posts p JOIN o ON o.kind = 'post' AND o.archive_id = p.archive_id AND o.id = p.id
          WHERE p.cw IS NOT NULL
        UNION ALL
        SELECT o.archive_id, o.pos, m.alt_text, false FROM archive.media m
          JOIN o ON o.kind = 'post' AND o.archive_id = m.archive_id AND o.id = m.post_id WHERE m.alt_text IS NOT NULL
        UNION ALL
        SELECT o.archive_id, o.pos, h.tag, true FROM archive.hashtags h
          JOIN o ON o.kind = 'post' AND o.archive_id = h.archive_id AND o.id = h.post_id
        UNION ALL
        SELECT o.archive_id, o.pos, b.post_uri, false FROM archive.boosts b
          JOIN o ON o.kind = 'boost' AND o.archive_id = b.archive_id AND o.id = b.id WHERE b.post_uri IS NOT NULL
      )
      SELECT archive_id, pos, lower(s) AS s, tag FROM d WHERE s IS NOT NULL ORDER BY pos`);
    await conn.run('CREATE TABLE search_words (archive_id VARCHAR, word VARCHAR, positions INTEGER[])');
    const last = Number((await conn.runAndReadAll('SELECT coalesce(max(pos), -1) FROM scratch.docs')).getRows()[0]?.[0] ?? -1);
    for (let from = 0; from <= last; from += CHUNK_ROWS) {
      if (signal?.aborted) return 'stopped';
      // Each text's words, its # and @ words, and a hashtag's words once more with the tag mark. A word twice in one
      // row (its text and its CW) is listed twice there: list_distinct per text is much cheaper than a DISTINCT over
      // all pairs, and the search reads positions as a set.
      await conn.run(
        `INSERT INTO search_words
         SELECT archive_id, word, list(pos) FROM (
           SELECT archive_id, pos, unnest(list_distinct(
               words || regexp_extract_all(s, ${TAGGED_WORD}) || CASE WHEN tag THEN [${TAG_MARK} || w FOR w IN words] ELSE [] END
             )) AS word
           FROM (SELECT archive_id, pos, s, tag, regexp_split_to_array(s, ${NON_WORDS}) AS words
                 FROM scratch.docs WHERE pos >= ${from} AND pos < ${from + CHUNK_ROWS})
         ) WHERE word <> '' AND word <> ${TAG_MARK} GROUP BY archive_id, word`,
      );
    }
    await conn.run(
      `CREATE TABLE search_index_meta AS
       SELECT ${SEARCH_INDEX_FORMAT} AS format, archive_id, fingerprint, loaded_at FROM archive.archives`,
    );
    await conn.run('DETACH scratch');
    await conn.run('CHECKPOINT');
    db.close();
    db = undefined;
    await chmod(temporary, 0o600);
    await rename(temporary, target);
    return 'built';
  } catch (error) {
    if (signal?.aborted) return 'stopped';
    throw error;
  } finally {
    signal?.removeEventListener('abort', interrupt);
    db?.close();
    await removeTemporaries();
  }
}

/** A build under way in the background (prepareSearchIndex(...).start()). */
export interface SearchIndexBuild {
  /** Settles when the build has ended (and, built, its connection is open): built, stopped, or failed (the failure). */
  done: Promise<unknown>;
  /** Once built: a connection to the archive with its index, for the rest of the session (openSearchIndex). */
  connection(): DuckDBConnection | undefined;
  /**
   * Stops the build if it is still running and closes the connection; resolves when both are done and what the
   * build wrote is removed. Call it when nothing reads the connection any more.
   */
  stop(): Promise<void>;
}

/**
 * A read-only connection to the cache file with its search index attached, for the session that built the index:
 * the app's own connection is locked down and cannot attach it. A second DuckDB instance of the same file (both
 * read-only, which DuckDB allows in one process), with a small memory limit: it reads the index and numbers the
 * filtered lists searched through it, in the app's time zone (`timeZone`: a filter's months are the user's).
 */
export async function openSearchIndex(cacheFile: string, timeZone: string): Promise<Database | undefined> {
  const db = await openDatabase(cacheFile, { readOnly: true });
  try {
    await db.conn.run(`SET memory_limit = '64MB'`);
    if (await attachSearchIndex(db.conn, searchIndexFile(cacheFile))) {
      await lockDown(db.conn, timeZone);
      return db;
    }
  } catch {
    // no index after all: search reads the texts
  }
  db.close();
  return undefined;
}

/**
 * Gets the app's connection its search index: attaches it when there is a valid one (call it before lockDown),
 * otherwise, for a timeline of at least `minRows` rows, returns `start`, which builds it in the background from
 * `delayMs` later (after the app's first frame and queries). Once built, the build's connection() has it for the rest
 * of the session (in `timeZone`, the app's), and the next open attaches it. A failed build leaves search as it was
 * (reading the texts); it is tried again at the next open.
 */
export async function prepareSearchIndex(
  conn: DuckDBConnection,
  cacheFile: string,
  options: { minRows?: number; delayMs?: number; timeZone?: string } = {},
): Promise<{ start(): SearchIndexBuild } | undefined> {
  try {
    if (await attachSearchIndex(conn, searchIndexFile(cacheFile))) return undefined;
    const rows = Number((await conn.runAndReadAll('SELECT count(*) FROM timeline_order')).getRows()[0]?.[0] ?? 0);
    if (rows < (options.minRows ?? SEARCH_INDEX_MIN_ROWS)) return undefined;
  } catch {
    return undefined; // the cache folder unreadable, say: search reads the texts
  }
  return {
    start() {
      const stopper = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      let settle: (value: unknown) => void = () => undefined;
      let index: Database | undefined;
      const build = async () => {
        const outcome = await buildSearchIndex(cacheFile, stopper.signal);
        if (outcome === 'built' && !stopper.signal.aborted) index = await openSearchIndex(cacheFile, options.timeZone ?? 'UTC');
        return outcome;
      };
      const done = new Promise<unknown>((resolve) => {
        settle = resolve;
        timer = setTimeout(() => {
          timer = undefined;
          build().then(resolve, resolve);
        }, options.delayMs ?? 1000);
      });
      return {
        done,
        connection: () => index?.conn,
        async stop() {
          if (timer) {
            clearTimeout(timer);
            timer = undefined;
            settle('stopped');
          }
          stopper.abort();
          await done;
          index?.close();
          index = undefined;
        },
      };
    },
  };
}
