/** Query rows -> tile data. Pure: no database, no rendering. */
import { STATS_QUERIES } from '../db/stats-queries.js';
import { monthRange, periodMonths, type Period } from './period.js';
import type {
  Breakdown,
  Count,
  Heatmap,
  Highlights,
  MonthCount,
  QueryRows,
  Row,
  StatsData,
  StatsTiles,
  TopList,
  YearSummary,
} from './types.js';

const num = (v: unknown): number => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : 0;
  return Number.isFinite(n) ? n : 0;
};
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

function topList(rows: Row[], nameColumn: string, countColumn: string, distinctColumn: string, totalColumn: string): TopList {
  const first = rows[0];
  return {
    items: rows.map((r) => ({ name: String(r[nameColumn] ?? ''), count: num(r[countColumn]) })),
    distinct: first ? num(first[distinctColumn]) : 0,
    total: first ? num(first[totalColumn]) : 0,
  };
}

function breakdown(rows: Row[], nameColumn: string, countColumn: string, always: readonly string[] = []): Breakdown {
  const items: Count[] = always.map((name) => ({ name, count: 0 }));
  for (const r of rows) {
    const name = String(r[nameColumn] ?? 'unknown');
    const known = items.find((i) => i.name === name);
    if (known) known.count += num(r[countColumn]);
    else items.push({ name, count: num(r[countColumn]) });
  }
  return { items, total: items.reduce((s, i) => s + i.count, 0) };
}

/** Months of the chart: a year shows all twelve; otherwise from the first to the last month with activity. */
export function fillMonths(rows: readonly MonthCount[], period: Period): MonthCount[] {
  const byMonth = new Map(rows.map((r) => [r.month, r]));
  let months: string[];
  if (period.kind === 'year' || period.kind === 'month') {
    months = periodMonths(period) ?? [];
  } else if (rows.length === 0) {
    months = [];
  } else {
    const sorted = rows.map((r) => r.month).sort();
    months = monthRange(sorted[0]!, sorted[sorted.length - 1]!);
  }
  return months.map((month) => byMonth.get(month) ?? { month, posts: 0, boosts: 0 });
}

export function yearSummaries(months: readonly MonthCount[]): YearSummary[] {
  const years: YearSummary[] = [];
  for (const m of months) {
    const year = m.month.slice(0, 4);
    let y = years[years.length - 1];
    if (!y || y.year !== year) {
      y = { year, posts: 0, boosts: 0, months: 0, busiestMonth: null, busiestMonthPosts: 0 };
      years.push(y);
    }
    y.posts += m.posts;
    y.boosts += m.boosts;
    y.months += 1;
    if (m.posts > y.busiestMonthPosts) {
      y.busiestMonth = m.month;
      y.busiestMonthPosts = m.posts;
    }
  }
  return years;
}

function heatmap(rows: Row[]): Heatmap {
  const cells = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  let max = 0;
  let total = 0;
  let busiest: Heatmap['busiest'] = null;
  for (const r of rows) {
    const d = num(r.weekday) - 1;
    const h = num(r.hour);
    if (d < 0 || d > 6 || h < 0 || h > 23) continue;
    const n = num(r.posts);
    cells[d]![h]! += n;
  }
  for (let d = 0; d < 7; d++) {
    for (let h = 0; h < 24; h++) {
      const n = cells[d]![h]!;
      total += n;
      if (n > max) {
        max = n;
        busiest = { weekday: d, hour: h, posts: n };
      }
    }
  }
  return { cells, max, total, busiest };
}

function highlights(row: Row | undefined): Highlights {
  const r = row ?? {};
  const ref = (prefix: string) =>
    r[`${prefix}_at`] == null
      ? null
      : { at: String(r[`${prefix}_at`]), id: str(r[`${prefix}_id`]), text: str(r[`${prefix}_text`]) };
  return {
    posts: num(r.posts),
    boosts: num(r.boosts),
    activeDays: num(r.active_days),
    firstPost: ref('first_post'),
    latestPost: ref('latest_post'),
    busiestMonth: r.busiest_month == null ? null : { month: String(r.busiest_month), posts: num(r.busiest_month_posts) },
    busiestDay: r.busiest_day == null ? null : { day: String(r.busiest_day), posts: num(r.busiest_day_posts) },
    longestStreak:
      r.longest_streak_days == null
        ? null
        : { days: num(r.longest_streak_days), from: String(r.longest_streak_from), to: String(r.longest_streak_to) },
  };
}

/** Tile data from the rows of every stats query (a missing query counts as no rows). */
export function computeStats(rows: QueryRows, context: { period: Period; timeZone: string; years: number[] }): StatsData {
  const get = (name: string): Row[] => rows[name] ?? [];

  const monthRows: MonthCount[] = get('posts_per_month').map((r) => ({
    month: String(r.month),
    posts: num(r.posts),
    boosts: num(r.boosts),
  }));
  const months = fillMonths(monthRows, context.period);
  const maxCount = months.reduce((m, x) => Math.max(m, x.posts, x.boosts), 0);

  const features = get('post_features')[0] ?? {};
  const lengthRows = get('post_length');
  const editRows = get('edits');
  const mediaRows = get('media_kinds');
  const following = get('following')[0] ?? {};
  const followingCount = num(following.following);
  const listMemberships = num(following.list_memberships);
  const csvLoaded = followingCount > 0 || listMemberships > 0;
  const tags = topList(get('top_hashtags'), 'tag', 'uses', 'distinct_tags', 'total_uses');
  const neverMentioned = get('never_mentioned').map((r) => String(r.account ?? ''));

  const tiles: StatsTiles = {
    highlights: highlights(get('highlights')[0]),
    posts_per_month: { months, years: yearSummaries(months), maxCount },
    heatmap: heatmap(get('heatmap')),
    post_types: breakdown(get('post_types'), 'type', 'count', ['original', 'self-reply', 'reply to others', 'boost']),
    visibility: breakdown(get('visibility'), 'visibility', 'posts', ['public', 'unlisted', 'private', 'direct']),
    languages: breakdown(get('languages'), 'language', 'posts'),
    post_features: {
      posts: num(features.posts),
      withMedia: num(features.with_media),
      withCw: num(features.with_cw),
      sensitive: num(features.sensitive),
      polls: num(features.polls),
      quotes: num(features.quotes),
      edited: num(features.edited),
    },
    post_length: {
      ...breakdown(lengthRows, 'length', 'posts'),
      medianChars: numOrNull(lengthRows[0]?.median_chars),
      maxChars: numOrNull(lengthRows[0]?.max_chars),
    },
    edits: {
      ...breakdown(editRows, 'edited', 'posts'),
      posts: num(features.posts),
      medianSeconds: numOrNull(editRows[0]?.median_seconds),
    },
    media_kinds: {
      kinds: mediaRows.map((r) => ({
        kind: String(r.kind ?? 'other'),
        media: num(r.media),
        withoutAltText: num(r.without_alt_text),
        missingFiles: num(r.missing_files),
      })),
      total: mediaRows.reduce((s, r) => s + num(r.media), 0),
      withoutAltText: mediaRows.reduce((s, r) => s + num(r.without_alt_text), 0),
      missingFiles: mediaRows.reduce((s, r) => s + num(r.missing_files), 0),
    },
    top_hashtags: {
      ...tags,
      display: Object.fromEntries(get('top_hashtags').map((r) => [String(r.tag ?? ''), String(r.display ?? r.tag ?? '')])),
    },
    top_mentions: topList(get('top_mentions'), 'acct', 'mentions', 'distinct_accounts', 'total_mentions'),
    top_boosted_accounts: topList(get('top_boosted_accounts'), 'account', 'boosts', 'distinct_accounts', 'total_boosts'),
    top_boosted_servers: topList(get('top_boosted_servers'), 'server', 'boosts', 'distinct_servers', 'total_boosts'),
    top_linked_sites: topList(get('top_linked_sites'), 'site', 'links', 'distinct_sites', 'total_links'),
    likes_by_server: topList(get('likes_by_server'), 'server', 'likes', 'distinct_servers', 'total_likes'),
    bookmarks_by_server: topList(get('bookmarks_by_server'), 'server', 'bookmarks', 'distinct_servers', 'total_bookmarks'),
    following: {
      available: csvLoaded,
      following: followingCount,
      lists: num(following.lists),
      listMemberships,
      neverMentioned: num(following.never_mentioned),
    },
    lists: { ...breakdown(get('lists'), 'list_name', 'accounts'), available: csvLoaded },
    never_mentioned: { available: followingCount > 0, accounts: neverMentioned, total: neverMentioned.length },
  };
  return { period: context.period, timeZone: context.timeZone, years: [...context.years], tiles };
}

/** The tile names, in dashboard order (the order of STATS_QUERIES). */
export const TILE_NAMES = STATS_QUERIES.map((q) => q.name) as (keyof StatsTiles)[];
