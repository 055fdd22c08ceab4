/**
 * The queries of the reader's list (the timeline and its filtered lists: count, pages, search, months). Post, boost
 * and thread details, the header and the filter form's choices are in reader-detail-queries.ts, the profile and its
 * lists in profile-queries.ts; what a list is (its filter, and the SQL of its rows) in timeline-lists.ts. All are
 * parameterised; the only SQL assembled at run time is the choice between
 * constant ORDER BY clauses and table and column names. Lists are paged by position, in constant time whatever the
 * archive's length: the whole timeline (no filter, no subset: what the reader opens on) in timeline_order, numbered
 * at load time, a filtered list in a table numbered on its first page (numbered-lists.ts). A subset (the posts of an
 * SQL result, at most 10,000) keeps its own order, and is numbered on its first page too, with its rows' list
 * columns. Only the rows on screen are ever read in full, and counts, month offsets and search-match positions come
 * from one query each.
 *
 * Times are returned as ISO 8601 UTC strings (format them with the user's zone in the UI); the date-range filter
 * and month grouping run inside DuckDB in the session TimeZone, which the app sets to the user's zone.
 */
import { BIGINT, type DuckDBConnection, VARCHAR } from './duckdb.js';
import { withNumberedList } from './numbered-lists.js';
import { indexedHits, indexedTermKind, indexedTimelinePositions, type IndexedTerm } from './search-index.js';
import { type Cell, toCell } from './runner.js';
import {
  FILTERED,
  isWholeTimeline,
  LISTED_COLUMNS,
  listSource,
  orderOf,
  type Params,
  POSITION,
  ROW_COLUMNS,
  subsetSource,
  type TimelineQuery,
  timelineParams,
} from './timeline-lists.js';

export {
  isWholeTimeline,
  NO_FILTER,
  type Params,
  TIMELINE_TYPES,
  type TimelineFilter,
  type TimelineQuery,
  type TimelineType,
  VISIBILITIES,
  type Visibility,
} from './timeline-lists.js';

/** The parameter types of the queries on a numbered table. */
const ORDER_PARAMS = { archive: VARCHAR };

export interface TimelineRow {
  kind: 'post' | 'boost';
  id: string;
  createdAt: string;
  visibility: string | null;
  cw: string | null;
  /** The first 300 characters of the text (raw: sanitise before rendering). */
  text: string | null;
  replyTo: string | null;
  replyToSelf: boolean;
  mediaCount: number;
  isPoll: boolean;
  language: string | null;
  boostedUri: string | null;
}

/** Runs a parameterised query; rows of plain cells (see runner.toCell). */
export async function query(conn: DuckDBConnection, sql: string, params: Params = {}, types: Params = {}): Promise<Cell[][]> {
  const result = await conn.runAndReadAll(sql, params as never, types as never);
  return result.getRows().map((row) => row.map(toCell));
}

export const str = (c: Cell | undefined): string | null => (c === null || c === undefined ? null : String(c));
export const num = (c: Cell | undefined): number => (typeof c === 'number' ? c : Number(c ?? 0));

/**
 * Answers a question about q's list from the table that numbers it (`byPosition`, given the table's name and
 * whether it holds the list columns too): the whole timeline's timeline_order, or a filtered list's or a subset's
 * numbered table, made first unless `make` is false. A list not numbered when `make` is false is answered by `sorted`.
 */
async function answer<T>(
  conn: DuckDBConnection,
  q: TimelineQuery,
  byPosition: (table: string, withColumns: boolean) => Promise<T>,
  sorted: () => Promise<T>,
  make = true,
): Promise<T> {
  if (q.ids === undefined && isWholeTimeline(q)) return byPosition('timeline_order', false);
  const subset = q.ids !== undefined;
  return withNumberedList(
    conn,
    subset ? subsetSource(q) : listSource(q),
    (table) => byPosition(table, subset),
    make ? undefined : sorted,
  );
}

/** The number of rows in the list; a filter being edited is counted without numbering its rows. */
export async function countTimeline(conn: DuckDBConnection, q: TimelineQuery): Promise<number> {
  // From timeline_order: 1.7 ms against 2.4 ms through FILTERED at 1M items, 0.9 against 1.4 at 100k.
  const byPosition = async (table: string) =>
    num((await query(conn, `SELECT count(*) FROM ${table} WHERE archive_id = $archive`, { archive: q.archiveId }, ORDER_PARAMS))[0]?.[0]);
  return answer(conn, q, byPosition, () => countSorted(conn, q), false);
}

async function countSorted(conn: DuckDBConnection, q: TimelineQuery): Promise<number> {
  const [p, t] = timelineParams(q);
  return num((await query(conn, `SELECT count(*) FROM (${FILTERED})`, p, t))[0]?.[0]);
}

/** A page's bounds as whole numbers: fractions are cut off, negative numbers and NaN count as 0. */
function pageBounds(offset: number, limit: number): { offset: number; limit: number } {
  const whole = (n: number) => Math.min(Number.MAX_SAFE_INTEGER, Math.max(0, Math.trunc(n) || 0));
  return { offset: whole(offset), limit: whole(limit) };
}

/** One page of the list, by position in its numbered table. */
export async function timelinePage(conn: DuckDBConnection, q: TimelineQuery, offset: number, limit: number): Promise<TimelineRow[]> {
  return answer(
    conn,
    q,
    (table, withColumns) => (withColumns ? pageOfColumns : pageByPosition)(conn, table, q, offset, limit),
    () => pageSorted(conn, q, offset, limit),
  );
}

/** A page of a numbered table that holds the list columns (a subset's): its rows at positions [offset, offset + limit). */
async function pageOfColumns(
  conn: DuckDBConnection,
  table: string,
  q: TimelineQuery,
  offset: number,
  limit: number,
): Promise<TimelineRow[]> {
  const pos = POSITION[q.order];
  const rows = await query(
    conn,
    `SELECT ${LISTED_COLUMNS} FROM ${table} WHERE archive_id = $archive AND ${pos} >= $offset AND ${pos} < $end ORDER BY ${pos}`,
    ...positionRange(q, offset, limit),
  );
  return rows.map(timelineRow);
}

/** The parameters ($archive, $offset, $end) and their types of the positions [offset, offset + limit) of q's list. */
function positionRange(q: TimelineQuery, offset: number, limit: number): [Params, Params] {
  const b = pageBounds(offset, limit);
  return [
    { archive: q.archiveId, offset: b.offset, end: Math.min(Number.MAX_SAFE_INTEGER, b.offset + b.limit) },
    { archive: VARCHAR, offset: BIGINT, end: BIGINT },
  ];
}

/**
 * A page of a numbered list: the keys at positions [offset, offset + limit) of its table (timeline_order or a
 * numbered filtered list: a range of the table, which is stored in pos order), then their columns from the timeline
 * view. Joining the view on (kind, id) alone scans every post (21 ms at 1M items); bounding its created_at by the page's earliest and latest time lets
 * DuckDB skip every row group outside them (it pushes the subqueries' values into the scans as filters), because
 * posts and boosts are stored in outbox order, which is about chronological. Were they not, the page would still be
 * right, only slower. Rows without a time cannot be bounded: they are found by the second branch (about 0.6 ms a page).
 *
 * Measured through this function (2 cores, best of 9, 24 rows at the top / middle / end of the list), against
 * sorting (pageSorted):
 *   100k items, newest first 4.9 / 4.6 / 4.4 ms (sorting 8.4 / 13.5 / 14.4), oldest first 4.5 / 4.6 / 4.4 (6.8 / 12.6 / 13.5)
 *   1M items, newest first 4.8 / 4.9 / 4.3 ms (sorting 35 / 73 / 90), oldest first 4.7 / 5.1 / 4.3 (26 / 63 / 80)
 * Tried at 1M, in a bare script where this query took 3.4-4.5 ms: joining the view on (kind, id) without the time
 * bounds 21 ms; the same in two queries (keys, then the fetch with the bounds as parameters) 4.4-5.2 ms; keys then
 * `rowid IN (...)` of the 24 rows 2.7-3.1 ms, not used because DuckDB may renumber rowids when a checkpoint compacts
 * a table with deleted rows (the loader deletes superseded items).
 */
async function pageByPosition(
  conn: DuckDBConnection,
  table: string,
  q: TimelineQuery,
  offset: number,
  limit: number,
): Promise<TimelineRow[]> {
  const pos = POSITION[q.order];
  const rows = await query(
    conn,
    `WITH page AS (
       SELECT kind, id, created_at, ${pos} AS n FROM ${table}
       WHERE archive_id = $archive AND ${pos} >= $offset AND ${pos} < $end
     ),
     found AS (
       SELECT page.n, t.* FROM page JOIN timeline t ON t.archive_id = $archive AND t.kind = page.kind AND t.id = page.id
         AND t.created_at BETWEEN (SELECT min(created_at) FROM page) AND (SELECT max(created_at) FROM page)
       UNION ALL
       SELECT page.n, t.* FROM page JOIN timeline t ON t.archive_id = $archive AND t.kind = page.kind AND t.id = page.id
         AND page.created_at IS NULL AND t.created_at IS NULL
     )
     SELECT ${ROW_COLUMNS} FROM found t ORDER BY t.n`,
    ...positionRange(q, offset, limit),
  );
  return rows.map(timelineRow);
}

/** A page of any list: the page's keys are found on the narrow sorted scan, then their columns are read. */
async function pageSorted(conn: DuckDBConnection, q: TimelineQuery, offset: number, limit: number): Promise<TimelineRow[]> {
  const [p, t] = timelineParams(q);
  const rows = await query(
    conn,
    `WITH page AS (
       SELECT kind, id, row_number() OVER () AS n FROM (SELECT * FROM (${FILTERED}) ${orderOf(q)} LIMIT $limit OFFSET $offset)
     )
     SELECT ${ROW_COLUMNS}
     FROM page JOIN timeline t ON t.archive_id = $archive AND t.kind = page.kind AND t.id = page.id
     ORDER BY page.n`,
    { ...p, ...pageBounds(offset, limit) },
    t,
  );
  return rows.map(timelineRow);
}

function timelineRow(r: Cell[]): TimelineRow {
  return {
    kind: r[0] === 'boost' ? 'boost' : 'post',
    id: String(r[1]),
    createdAt: String(r[2]),
    visibility: str(r[3]),
    cw: str(r[4]),
    text: str(r[5]),
    replyTo: str(r[6]),
    replyToSelf: r[7] === true,
    mediaCount: num(r[8]),
    isPoll: r[9] === true,
    language: str(r[10]),
    boostedUri: str(r[11]),
  };
}

/**
 * Positions (0-based, in the list's order) of the rows that match a search: case-insensitive over the text, the
 * CW, media alt text and hashtags of posts, and the address of boosted posts. `index` is another connection to the
 * same archive with its search index attached (search-index.ts openSearchIndex), for a session whose own connection
 * has none: a search the index answers is asked there, in the whole timeline or in a filtered list (which that
 * connection numbers once for itself, as this one does: the same positions).
 */
export async function searchPositions(
  conn: DuckDBConnection,
  q: TimelineQuery,
  term: string,
  index?: DuckDBConnection,
): Promise<number[]> {
  const trimmed = term.trim();
  if (trimmed === '') return [];
  if (index && q.ids === undefined) {
    const kind = await indexedTermKind(index, trimmed);
    if (kind) return searchWith(index, q, trimmed, kind);
  }
  return searchWith(conn, q, trimmed, await indexedTermKind(conn, trimmed));
}

/** searchPositions on `conn`, whose index answers a term of `kind` (undefined: the texts are read). */
async function searchWith(conn: DuckDBConnection, q: TimelineQuery, term: string, kind: IndexedTerm | undefined): Promise<number[]> {
  const hits = kind ? indexedHits(kind, term) : scannedHits(term);
  // The whole timeline's matches straight from the index's positions; a numbered list's through its keys.
  const byPosition = async (table: string) => {
    if (table === 'timeline_order' && kind) {
      const indexed = indexedTimelinePositions(POSITION[q.order], kind, term);
      return positions(conn, indexed.sql, { archive: q.archiveId, ...indexed.params }, ORDER_PARAMS);
    }
    return matchPositions(
      conn,
      hits.sql,
      `SELECT kind, id, ${POSITION[q.order]} AS rn FROM ${table} WHERE archive_id = $archive`,
      { archive: q.archiveId, ...hits.params },
      ORDER_PARAMS,
    );
  };
  return answer(conn, q, byPosition, () => searchSorted(conn, q, term, hits));
}

async function searchSorted(conn: DuckDBConnection, q: TimelineQuery, term: string, hits?: Hits): Promise<number[]> {
  const trimmed = term.trim();
  if (trimmed === '') return [];
  const found = hits ?? scannedHits(trimmed);
  const [p, t] = timelineParams(q);
  const ordered = `SELECT kind, id, row_number() OVER (${orderOf(q)}) - 1 AS rn FROM (${FILTERED})`;
  return matchPositions(conn, found.sql, ordered, { ...p, ...found.params }, t);
}

/**
 * The rows (kind, id) of the archive `$archive` that contain the search term `$needle`, ignoring case, read from
 * every text. `contains(lower(x), lower(term))` is what `x ILIKE '%term%'` does with the term's % and _ escaped
 * (DuckDB's ILIKE lowers both sides; test/db/search-match.test.ts holds the two equal over random Unicode), but it
 * does not go through the pattern matcher: over the 1M bench archive's posts 177 ms against 397 ms. A one-word term
 * (or # or @ and a word) is looked up in the search index instead where there is one (search-index.ts: the same rows).
 */
function scannedHits(term: string): Hits {
  return {
    sql: `SELECT 'post' AS kind, id FROM posts
    WHERE archive_id = $archive AND (contains(lower(text), lower($needle)) OR contains(lower(cw), lower($needle)))
  UNION SELECT 'post', post_id FROM media WHERE archive_id = $archive AND contains(lower(alt_text), lower($needle))
  UNION SELECT 'post', post_id FROM hashtags WHERE archive_id = $archive AND contains(lower(tag), lower($tag))
  UNION SELECT 'boost', id FROM boosts WHERE archive_id = $archive AND contains(lower(post_uri), lower($needle))`,
    params: { needle: term, tag: term.replace(/^#/, '') },
  };
}

/** A query of the rows (kind, id) that match a search term, with its parameters (search-index.ts indexedHits too). */
interface Hits {
  sql: string;
  params: Params;
}

/** The positions (`rn` of `ordered`, a list's keys numbered in its order) of the rows in `hits`, in order. */
async function matchPositions(conn: DuckDBConnection, hits: string, ordered: string, params: Params, types: Params): Promise<number[]> {
  return positions(
    conn,
    `WITH hits AS (${hits}),
     ordered AS (${ordered})
     SELECT rn::INTEGER FROM ordered SEMI JOIN hits ON hits.kind = ordered.kind AND hits.id = ordered.id
     ORDER BY rn`,
    params,
    { ...types, needle: VARCHAR, tag: VARCHAR },
  );
}

/**
 * The values of a query's one INTEGER column. A common word has hundreds of thousands of matches at 1M posts:
 * getColumnsJS reads 234k of them in 63 ms where getRows took 130 ms.
 */
async function positions(conn: DuckDBConnection, sql: string, params: Params, types: Params): Promise<number[]> {
  const reader = await conn.runAndReadAll(sql, params as never, types as never);
  return (reader.getColumnsJS()[0] ?? []) as number[];
}

export interface MonthCount {
  month: string;
  count: number;
  /** Position of the month's first row in the list's order. */
  offset: number;
}

/** Months of the filtered list (user's zone), newest first, with where each starts in the list. */
export async function monthOffsets(conn: DuckDBConnection, q: TimelineQuery): Promise<MonthCount[]> {
  // From timeline_order: 110 ms against 160-170 ms sorting at 1M items (most of what is left is strftime in the
  // user's zone); the same 23 ms either way at 100k.
  const byPosition = async (table: string) =>
    (
      await query(
        conn,
        `SELECT strftime(created_at, '%Y-%m') AS month, count(*), min(${POSITION[q.order]})
         FROM ${table} WHERE archive_id = $archive
         GROUP BY month ORDER BY month DESC`,
        { archive: q.archiveId },
        ORDER_PARAMS,
      )
    ).map(monthCount);
  return answer(conn, q, byPosition, () => monthsSorted(conn, q));
}

async function monthsSorted(conn: DuckDBConnection, q: TimelineQuery): Promise<MonthCount[]> {
  const [p, t] = timelineParams(q);
  const rows = await query(
    conn,
    `SELECT strftime(created_at, '%Y-%m') AS month, count(*), min(rn)
     FROM (SELECT created_at, row_number() OVER (${orderOf(q)}) - 1 AS rn FROM (${FILTERED}))
     GROUP BY month ORDER BY month DESC`,
    p,
    t,
  );
  return rows.map(monthCount);
}

function monthCount(r: Cell[]): MonthCount {
  return { month: String(r[0]), count: num(r[1]), offset: num(r[2]) };
}

/**
 * The answers of countTimeline, timelinePage, monthOffsets and searchPositions computed by sorting the filtered
 * timeline, whatever the query: what a list not numbered yet is counted with. Exported so that tests can hold the
 * numbered lists' answers to them.
 */
export const sortedTimeline = { count: countSorted, page: pageSorted, months: monthsSorted, search: searchSorted };
