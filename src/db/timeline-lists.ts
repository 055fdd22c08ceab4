/**
 * What a list of the reader is: the filter and the query types, and the SQL of its rows (the filtered timeline, its
 * orders, and the sources that numbered-lists.ts numbers). The questions asked of a list are in reader-queries.ts.
 */
import { createHash } from 'node:crypto';
import { LIST, VARCHAR, listValue } from './duckdb.js';
import { type ListSource, numberedRowsSql } from './numbered-lists.js';

export type Params = Record<string, unknown>;

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
 * The filtered timeline as a subquery, with the given columns of the timeline view `t` and `s.subset_pos`, the place
 * of the row in TimelineQuery.ids (the first, if an id is there twice), found by a hash join with the list unnested:
 * list_position and list_contains on every row scanned the whole list each time, 620-670 ms a page for a subset of
 * 10k ids at 100k items.
 */
const filteredSql = (columns: string) => `
  SELECT ${columns}
  FROM timeline t
  LEFT JOIN (
    SELECT id, min(pos) AS subset_pos FROM (SELECT unnest($ids) AS id, generate_subscripts($ids, 1) AS pos) GROUP BY id
  ) s ON s.id = t.id
  WHERE t.archive_id = $archive
    AND ($vis IS NULL OR t.visibility = $vis)
    AND ($lang IS NULL OR coalesce(t.language, '') = $lang)
    AND ($from IS NULL OR t.created_at >= CAST($from AS TIMESTAMPTZ))
    AND ($to IS NULL OR t.created_at < CAST($to AS TIMESTAMPTZ))
    AND ($ids IS NULL OR s.subset_pos IS NOT NULL)
    AND CASE $type
      WHEN 'posts' THEN t.kind = 'post' AND t.reply_to IS NULL
      WHEN 'replies' THEN t.kind = 'post' AND t.reply_to IS NOT NULL
      WHEN 'boosts' THEN t.kind = 'boost'
      WHEN 'media' THEN t.media_count > 0
      WHEN 'polls' THEN t.is_poll
      WHEN 'dms' THEN t.visibility = 'direct'
      ELSE TRUE END`;

/** The filtered timeline's keys and sort columns only, so that sorting stays cheap. */
export const FILTERED = filteredSql('t.archive_id, t.kind, t.id, t.created_at, s.subset_pos');

/** The two orders, each with and without a subset (a subset keeps its own order). Constants only. */
const ORDERS = {
  newest: 'ORDER BY created_at DESC, id DESC',
  oldest: 'ORDER BY created_at ASC, id ASC',
  'newest-subset': 'ORDER BY subset_pos ASC, created_at DESC, id DESC',
  'oldest-subset': 'ORDER BY subset_pos DESC, created_at ASC, id ASC',
} as const;

export function orderOf(q: TimelineQuery): string {
  return ORDERS[q.ids ? (`${q.order}-subset` as const) : q.order];
}

export function timelineParams(q: TimelineQuery): [Params, Params] {
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

/**
 * Whether the query is the whole timeline, which timeline_order holds numbered in both orders: no subset and no
 * filter (month bounds that monthBound ignores count as none, as they do in FILTERED).
 */
export function isWholeTimeline(q: TimelineQuery): boolean {
  const f = q.filter;
  return (
    q.ids === undefined &&
    f.type === 'all' &&
    f.visibility === null &&
    f.language === null &&
    monthBound(f.from, false) === null &&
    monthBound(f.to, true) === null
  );
}

/** The position column of a numbered table (timeline_order's columns) for each order (constants). */
export const POSITION = { newest: 'pos', oldest: 'oldest_pos' } as const;

/** A filtered list's rows, to be numbered (numbered-lists.ts); the key names the filter, not the order. */
export function listSource(q: TimelineQuery): ListSource {
  const [params, types] = timelineParams({ ...q, ids: undefined });
  const f = q.filter;
  return {
    key: JSON.stringify([q.archiveId, f.type, f.visibility, f.language, params.from, params.to]),
    sql: numberedRowsSql(FILTERED),
    params,
    types,
  };
}

/**
 * A subset's rows numbered in its two orders, with the list columns of each row (at most 10,000 rows, about 4 MB):
 * its pages then read only the table. Sorted for every page instead, a subset of 10k ids took 25-31 ms a page at 100k
 * items; numbered with its keys only, its pages took 24-40 ms when the ids were spread over the years, as reading
 * the page's columns back from the timeline could then skip no row group.
 */
export function subsetSource(q: TimelineQuery): ListSource {
  const [params, types] = timelineParams(q);
  const f = q.filter;
  const ids = idsDigest(q.ids ?? []);
  return {
    key: JSON.stringify(['subset', q.archiveId, f.type, f.visibility, f.language, params.from, params.to, ids]),
    sql: `SELECT archive_id,
            (row_number() OVER (${ORDERS['newest-subset']}) - 1)::INTEGER AS pos,
            (row_number() OVER (${ORDERS['oldest-subset']}) - 1)::INTEGER AS oldest_pos,
            ${LISTED_COLUMNS}
          FROM (${filteredSql(`t.archive_id, s.subset_pos, ${ROW_COLUMNS}`)})
          ORDER BY pos`,
    params,
    types,
  };
}

const digests = new WeakMap<readonly string[], string>();

/**
 * A digest naming a subset's ids, remembered for the array: the reader asks for every page with the same array, and
 * hashing 10k ids took 1.3 ms of a 2.2-2.5 ms page.
 */
function idsDigest(ids: readonly string[]): string {
  let digest = digests.get(ids);
  if (digest === undefined) {
    digest = createHash('sha256').update(JSON.stringify(ids)).digest('hex');
    digests.set(ids, digest);
  }
  return digest;
}

/** The columns of a list row, read from the timeline view as `t`, named as LISTED_COLUMNS. */
export const ROW_COLUMNS = `t.kind, t.id, t.created_at, t.visibility, t.cw, left(t.text, 300) AS text, t.reply_to,
       coalesce(t.reply_to_self, false) AS reply_to_self, coalesce(t.media_count, 0) AS media_count,
       coalesce(t.is_poll, false) AS is_poll, t.language, t.boosted_uri`;
/** The names of ROW_COLUMNS, as a subset's table holds them. */
export const LISTED_COLUMNS = `kind, id, created_at, visibility, cw, text, reply_to, reply_to_self, media_count, is_poll, language,
       boosted_uri`;
