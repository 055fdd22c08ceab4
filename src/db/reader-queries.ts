/**
 * The queries of the reader's list (the timeline: count, pages, search, months, filter choices). Post, boost and
 * thread details are in reader-detail-queries.ts, the profile and its lists in profile-queries.ts. All are
 * parameterised; the only SQL assembled at run time is
 * the choice between two constant ORDER BY clauses. Lists are paged with LIMIT/OFFSET over an ordered scan (DuckDB
 * answers a top-N page of 100k rows in a few milliseconds), so only the rows on screen are ever read, and counts,
 * month offsets and search-match positions come from one query each.
 *
 * Times are returned as ISO 8601 UTC strings (format them with the user's zone in the UI); the date-range filter
 * and month grouping run inside DuckDB in the session TimeZone, which the app sets to the user's zone.
 */
import { type DuckDBConnection, LIST, VARCHAR, listValue } from '@duckdb/node-api';
import { type Cell, toCell } from './runner.js';

export const TIMELINE_TYPES = ['all', 'posts', 'replies', 'boosts', 'media', 'polls', 'dms'] as const;
export type TimelineType = (typeof TIMELINE_TYPES)[number];
export const VISIBILITIES = ['public', 'unlisted', 'private', 'direct'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

export interface TimelineFilter {
  type: TimelineType;
  visibility: Visibility | null;
  /** A language code, '' for posts without one, or null for any. */
  language: string | null;
  /** First month included, 'YYYY-MM' (user's zone), or null. */
  from: string | null;
  /** Last month included, 'YYYY-MM', or null. */
  to: string | null;
}

export const NO_FILTER: TimelineFilter = { type: 'all', visibility: null, language: null, from: null, to: null };

export interface TimelineQuery {
  archiveId: string;
  filter: TimelineFilter;
  order: 'newest' | 'oldest';
  /** Only these ids (posts or boosts), in this order ('newest'; 'oldest' reverses it). */
  ids?: readonly string[];
}

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

export type Params = Record<string, unknown>;

/** Runs a parameterised query; rows of plain cells (see runner.toCell). */
export async function query(conn: DuckDBConnection, sql: string, params: Params = {}, types: Params = {}): Promise<Cell[][]> {
  const result = await conn.runAndReadAll(sql, params as never, types as never);
  return result.getRows().map((row) => row.map(toCell));
}

export const str = (c: Cell | undefined): string | null => (c === null || c === undefined ? null : String(c));
export const num = (c: Cell | undefined): number => (typeof c === 'number' ? c : Number(c ?? 0));

/** 'YYYY-MM' -> the first instant of that month as text DuckDB casts in the session zone; next month for `to`. */
function monthBound(month: string | null, next: boolean): string | null {
  const m = month === null ? null : /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) return null;
  let year = Number(m[1]);
  let mon = Number(m[2]);
  if (next) {
    mon += 1;
    if (mon > 12) {
      mon = 1;
      year += 1;
    }
  }
  return `${String(year).padStart(4, '0')}-${String(mon).padStart(2, '0')}-01 00:00:00`;
}

/**
 * The filtered timeline (keys and sort columns only, so that sorting stays cheap) as a subquery. `subset_pos` is
 * the place of the row in TimelineQuery.ids.
 */
const FILTERED = `
  SELECT t.kind, t.id, t.created_at, list_position($ids, t.id) AS subset_pos
  FROM timeline t
  WHERE t.archive_id = $archive
    AND ($vis IS NULL OR t.visibility = $vis)
    AND ($lang IS NULL OR coalesce(t.language, '') = $lang)
    AND ($from IS NULL OR t.created_at >= CAST($from AS TIMESTAMPTZ))
    AND ($to IS NULL OR t.created_at < CAST($to AS TIMESTAMPTZ))
    AND ($ids IS NULL OR list_contains($ids, t.id))
    AND CASE $type
      WHEN 'posts' THEN t.kind = 'post' AND t.reply_to IS NULL
      WHEN 'replies' THEN t.kind = 'post' AND t.reply_to IS NOT NULL
      WHEN 'boosts' THEN t.kind = 'boost'
      WHEN 'media' THEN t.media_count > 0
      WHEN 'polls' THEN t.is_poll
      WHEN 'dms' THEN t.visibility = 'direct'
      ELSE TRUE END`;

/** The two orders, each with and without a subset (a subset keeps its own order). Constants only. */
const ORDERS = {
  newest: 'ORDER BY created_at DESC, id DESC',
  oldest: 'ORDER BY created_at ASC, id ASC',
  'newest-subset': 'ORDER BY subset_pos ASC, created_at DESC, id DESC',
  'oldest-subset': 'ORDER BY subset_pos DESC, created_at ASC, id ASC',
} as const;

function orderOf(q: TimelineQuery): string {
  return ORDERS[q.ids ? (`${q.order}-subset` as const) : q.order];
}

function timelineParams(q: TimelineQuery): [Params, Params] {
  const f = q.filter;
  return [
    {
      archive: q.archiveId,
      vis: f.visibility,
      lang: f.language,
      from: monthBound(f.from, false),
      to: monthBound(f.to, true),
      type: f.type,
      ids: q.ids ? listValue([...q.ids]) : null,
    },
    { archive: VARCHAR, vis: VARCHAR, lang: VARCHAR, from: VARCHAR, to: VARCHAR, type: VARCHAR, ids: LIST(VARCHAR) },
  ];
}

export async function countTimeline(conn: DuckDBConnection, q: TimelineQuery): Promise<number> {
  const [p, t] = timelineParams(q);
  return num((await query(conn, `SELECT count(*) FROM (${FILTERED})`, p, t))[0]?.[0]);
}

/** One page of the list: the page's keys are found on the narrow sorted scan, then their columns are read. */
export async function timelinePage(conn: DuckDBConnection, q: TimelineQuery, offset: number, limit: number): Promise<TimelineRow[]> {
  const [p, t] = timelineParams(q);
  const rows = await query(
    conn,
    `WITH page AS (
       SELECT kind, id, row_number() OVER () AS n FROM (SELECT * FROM (${FILTERED}) ${orderOf(q)} LIMIT $limit OFFSET $offset)
     )
     SELECT t.kind, t.id, t.created_at, t.visibility, t.cw, left(t.text, 300), t.reply_to, coalesce(t.reply_to_self, false),
       coalesce(t.media_count, 0), coalesce(t.is_poll, false), t.language, t.boosted_uri
     FROM page JOIN timeline t ON t.archive_id = $archive AND t.kind = page.kind AND t.id = page.id
     ORDER BY page.n`,
    { ...p, limit: Math.max(0, Math.trunc(limit)), offset: Math.max(0, Math.trunc(offset)) },
    t,
  );
  return rows.map((r) => ({
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
  }));
}

/** Escapes a search term for ILIKE ... ESCAPE '\\' and wraps it in %. */
export function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Positions (0-based, in the list's order) of the rows that match a search: case-insensitive over the text, the
 * CW, media alt text and hashtags of posts, and the address of boosted posts.
 */
export async function searchPositions(conn: DuckDBConnection, q: TimelineQuery, term: string): Promise<number[]> {
  const trimmed = term.trim();
  if (trimmed === '') return [];
  const [p, t] = timelineParams(q);
  const rows = await query(
    conn,
    `WITH hits AS (
       SELECT 'post' AS kind, id FROM posts
         WHERE archive_id = $archive AND (text ILIKE $pattern ESCAPE '\\' OR cw ILIKE $pattern ESCAPE '\\')
       UNION SELECT 'post', post_id FROM media WHERE archive_id = $archive AND alt_text ILIKE $pattern ESCAPE '\\'
       UNION SELECT 'post', post_id FROM hashtags WHERE archive_id = $archive AND tag ILIKE $tag ESCAPE '\\'
       UNION SELECT 'boost', id FROM boosts WHERE archive_id = $archive AND post_uri ILIKE $pattern ESCAPE '\\'
     ),
     ordered AS (SELECT kind, id, row_number() OVER (${orderOf(q)}) - 1 AS rn FROM (${FILTERED}))
     SELECT rn FROM ordered SEMI JOIN hits ON hits.kind = ordered.kind AND hits.id = ordered.id
     ORDER BY rn`,
    { ...p, pattern: likePattern(trimmed), tag: likePattern(trimmed.replace(/^#/, '')) },
    { ...t, pattern: VARCHAR, tag: VARCHAR },
  );
  return rows.map((r) => num(r[0]));
}

export interface MonthCount {
  month: string;
  count: number;
  /** Position of the month's first row in the list's order. */
  offset: number;
}

/** Months of the filtered list (user's zone), newest first, with where each starts in the list. */
export async function monthOffsets(conn: DuckDBConnection, q: TimelineQuery): Promise<MonthCount[]> {
  const [p, t] = timelineParams(q);
  const rows = await query(
    conn,
    `SELECT strftime(created_at, '%Y-%m') AS month, count(*), min(rn)
     FROM (SELECT created_at, row_number() OVER (${orderOf(q)}) - 1 AS rn FROM (${FILTERED}))
     GROUP BY month ORDER BY month DESC`,
    p,
    t,
  );
  return rows.map((r) => ({ month: String(r[0]), count: num(r[1]), offset: num(r[2]) }));
}

/** Everything the filter form offers: languages and months that occur, with counts. */
export async function filterChoices(
  conn: DuckDBConnection,
  archiveId: string,
): Promise<{ languages: { language: string; count: number }[]; months: string[] }> {
  const languages = await query(
    conn,
    `SELECT coalesce(language, '') AS l, count(*) FROM posts WHERE archive_id = $archive GROUP BY l ORDER BY 2 DESC, 1`,
    { archive: archiveId },
  );
  const months = await query(
    conn,
    `SELECT DISTINCT strftime(created_at, '%Y-%m') AS m FROM timeline WHERE archive_id = $archive ORDER BY m`,
    { archive: archiveId },
  );
  return {
    languages: languages.map((r) => ({ language: String(r[0]), count: num(r[1]) })),
    months: months.map((r) => String(r[0])),
  };
}

export interface HeaderInfo {
  acct: string | null;
  displayName: string | null;
  posts: number;
  boosts: number;
}

export async function headerInfo(conn: DuckDBConnection, archiveId: string): Promise<HeaderInfo> {
  const a = { archive: archiveId };
  const rows = await query(
    conn,
    `SELECT (SELECT acct FROM account WHERE archive_id = $archive LIMIT 1),
       (SELECT display_name FROM account WHERE archive_id = $archive LIMIT 1),
       (SELECT count(*) FROM posts WHERE archive_id = $archive),
       (SELECT count(*) FROM boosts WHERE archive_id = $archive)`,
    a,
  );
  const r = rows[0] ?? [];
  return { acct: str(r[0]), displayName: str(r[1]), posts: num(r[2]), boosts: num(r[3]) };
}

/** Whether an id is a post, a boost, or neither. */
export async function itemKind(conn: DuckDBConnection, archiveId: string, id: string): Promise<'post' | 'boost' | null> {
  const rows = await query(
    conn,
    `SELECT kind FROM timeline WHERE archive_id = $archive AND id = $id ORDER BY kind DESC LIMIT 1`,
    { archive: archiveId, id },
  );
  const kind = rows[0]?.[0];
  return kind === 'post' || kind === 'boost' ? kind : null;
}
