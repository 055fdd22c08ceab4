/** The stats dashboard's data: what the queries return, shaped per tile. Plain JSON-able objects. */
import type { Period } from './period.js';

/** One result row of a stats query, by column name (cells as runner.toCell gives them). */
export type Row = Record<string, null | string | number | boolean | unknown[] | Record<string, unknown>>;

/** Rows of every stats query, by query name. */
export type QueryRows = Record<string, Row[]>;

export interface Count {
  name: string;
  count: number;
}

export interface TopList {
  items: Count[];
  /** Distinct names in the whole list (the tile shows the first ten). */
  distinct: number;
  /** Sum of all counts, shown or not. */
  total: number;
}

export interface Breakdown {
  items: Count[];
  total: number;
}

export interface MonthCount {
  /** 'YYYY-MM' in the user's time zone. */
  month: string;
  posts: number;
  boosts: number;
}

export interface YearSummary {
  year: string;
  posts: number;
  boosts: number;
  /** Months of the year inside the chart (fewer than 12 for the first and last year). */
  months: number;
  busiestMonth: string | null;
  busiestMonthPosts: number;
}

export interface PostRef {
  /** ISO 8601 UTC. */
  at: string;
  id: string | null;
  /** The start of the text, raw (sanitise before display). */
  text: string | null;
}

export interface Highlights {
  posts: number;
  boosts: number;
  activeDays: number;
  firstPost: PostRef | null;
  latestPost: PostRef | null;
  busiestMonth: { month: string; posts: number } | null;
  busiestDay: { day: string; posts: number } | null;
  longestStreak: { days: number; from: string; to: string } | null;
}

export interface Heatmap {
  /** cells[weekday][hour]: weekday 0 = Monday ... 6 = Sunday, hour 0..23, in the user's time zone. */
  cells: number[][];
  max: number;
  total: number;
  busiest: { weekday: number; hour: number; posts: number } | null;
}

export interface PostFeatures {
  posts: number;
  withMedia: number;
  withCw: number;
  sensitive: number;
  polls: number;
  quotes: number;
  edited: number;
}

export interface MediaKinds {
  kinds: { kind: string; media: number; withoutAltText: number; missingFiles: number }[];
  total: number;
  withoutAltText: number;
  missingFiles: number;
}

export interface Following {
  /** False when no following_accounts.csv or lists.csv was loaded. */
  available: boolean;
  following: number;
  lists: number;
  listMemberships: number;
  neverMentioned: number;
}

export interface StatsTiles {
  highlights: Highlights;
  posts_per_month: { months: MonthCount[]; years: YearSummary[]; maxCount: number };
  heatmap: Heatmap;
  post_types: Breakdown;
  visibility: Breakdown;
  languages: Breakdown;
  post_features: PostFeatures;
  post_length: Breakdown & { medianChars: number | null; maxChars: number | null };
  edits: Breakdown & { posts: number; medianSeconds: number | null };
  media_kinds: MediaKinds;
  top_hashtags: TopList & { display: Record<string, string> };
  top_mentions: TopList;
  top_boosted_accounts: TopList;
  top_boosted_servers: TopList;
  top_linked_sites: TopList;
  likes_by_server: TopList;
  bookmarks_by_server: TopList;
  following: Following;
  lists: Breakdown & { available: boolean };
  /** Available when following_accounts.csv was loaded. */
  never_mentioned: { available: boolean; accounts: string[]; total: number };
}

export type TileName = keyof StatsTiles;

export interface StatsData {
  period: Period;
  /** The zone the database session used for months, days and hours. */
  timeZone: string;
  /** Years with posts or boosts (all time), for the period switcher. */
  years: number[];
  tiles: StatsTiles;
}
