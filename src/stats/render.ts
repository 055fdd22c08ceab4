/**
 * The dashboard as lines of text: one block per tile, each headed by a title rule. The same lines feed
 * `mastotui --stats` (renderStatsText) and the Stats view (renderStatsLines). Pure; every line fits `width`.
 */
import { formatLocalTime } from '../db/format.js';
import { statsQuery } from '../db/stats-queries.js';
import { textWidth } from '../content/width.js';
import {
  bar,
  barRows,
  clip,
  fit,
  fmt,
  lineToString,
  MAX_BAR,
  padEnd,
  padStart,
  pct,
  plural,
  s,
  titleLine,
  wrapWords,
  type BarRow,
  type ChartLine,
} from './chart.js';
import { TILE_NAMES } from './compute.js';
import type { Breakdown, StatsData, TileName, TopList } from './types.js';

export interface RenderOptions {
  width: number;
  color?: boolean;
}

/** Where each tile starts and ends in the rendered lines (end excluded). */
export interface TileSpan {
  name: TileName;
  title: string;
  start: number;
  end: number;
}

export interface RenderedStats {
  lines: ChartLine[];
  tiles: TileSpan[];
}

export const MONTH_ABBREVIATIONS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** The narrowest layout drawn; below it lines are cut. */
const MIN_WIDTH = 40;
const INDENT = 1;

const note = (text: string): ChartLine[] => [[s(' '.repeat(INDENT) + text, 'dim')]];
const NO_POSTS = 'No posts in this period.';

/** '2024-03-04T08:12:09Z' in the zone as '2024-03-04 09:12'. */
function localMinute(iso: string, timeZone: string): string {
  return formatLocalTime(iso, timeZone).slice(0, 16);
}

function monthLabel(month: string): string {
  return MONTH_ABBREVIATIONS[Number(month.slice(5, 7)) - 1] ?? month;
}

interface TileRender {
  note: string;
  body: ChartLine[];
}

function highlights(data: StatsData, cols: number): TileRender {
  const h = data.tiles.highlights;
  if (h.posts === 0 && h.boosts === 0) {
    return { note: '', body: note(data.period.kind === 'all' ? 'The archive holds no posts and no boosts.' : 'No posts and no boosts in this period.') };
  }
  const labelCols = 16;
  const row = (label: string, value: ChartLine): ChartLine => [s(' '.repeat(INDENT) + padEnd(label, labelCols)), ...value];
  const textCols = cols - INDENT - labelCols;
  const post = (label: string, ref: typeof h.firstPost): ChartLine | undefined => {
    if (!ref) return undefined;
    const when = localMinute(ref.at, data.timeZone);
    const room = textCols - when.length - 2;
    const text = (ref.text ?? '').replace(/\s+/g, ' ').trim();
    return row(label, [s(when, 'bold'), ...(text && room >= 8 ? [s('  ' + clip(text, room), 'dim')] : [])]);
  };
  const body: (ChartLine | undefined)[] = [
    row('Posts', [
      s(fmt(h.posts), 'bold'),
      s(` · ${plural(h.boosts, 'boost')} · posted on ${plural(h.activeDays, 'day')}`),
    ]),
    post('First post', h.firstPost),
    post('Latest post', h.latestPost),
    h.busiestMonth ? row('Busiest month', [s(h.busiestMonth.month, 'bold'), s(` · ${plural(h.busiestMonth.posts, 'post')}`)]) : undefined,
    h.busiestDay ? row('Busiest day', [s(h.busiestDay.day, 'bold'), s(` · ${plural(h.busiestDay.posts, 'post')}`)]) : undefined,
    h.longestStreak
      ? row('Longest streak', [
          s(plural(h.longestStreak.days, 'day'), 'bold'),
          s(h.longestStreak.days > 1 ? ` in a row · ${h.longestStreak.from} – ${h.longestStreak.to}` : ` · ${h.longestStreak.from}`),
        ])
      : undefined,
  ];
  return { note: '', body: body.filter((l): l is ChartLine => l !== undefined) };
}

/** An average: one decimal below 10 ('1.7'), whole numbers above ('85'). */
function perMonth(n: number): string {
  return n < 10 ? String(Math.round(n * 10) / 10) : fmt(n);
}

function postsPerMonth(data: StatsData, cols: number): TileRender {
  const { months, years, maxCount } = data.tiles.posts_per_month;
  if (months.length === 0) return { note: '', body: note(NO_POSTS) };
  const anyBoosts = months.some((m) => m.boosts > 0);
  const numberCols = Math.max(1, fmt(maxCount).length);
  const labelCols = INDENT + 6; // ' ' + '  Mar '
  const barCols = anyBoosts
    ? Math.max(3, Math.min(MAX_BAR, Math.floor((cols - labelCols - 2 * (numberCols + 1) - 2) / 2)))
    : Math.max(3, Math.min(MAX_BAR, cols - labelCols - numberCols - 1));
  const body: ChartLine[] = [];
  const header: ChartLine = [s(' '.repeat(labelCols) + padEnd('posts', numberCols + 1 + barCols), 'dim')];
  if (anyBoosts) header.push(s('  boosts', 'dim'));
  body.push(header);
  let yearIndex = -1;
  for (const m of months) {
    const year = m.month.slice(0, 4);
    if (yearIndex < 0 || years[yearIndex]!.year !== year) {
      yearIndex = years.findIndex((y) => y.year === year);
      const y = years[yearIndex]!;
      const parts = [plural(y.posts, 'post')];
      if (anyBoosts) parts.push(plural(y.boosts, 'boost'));
      if (y.months > 1) parts.push(`${perMonth(y.posts / y.months)}/month`);
      if (y.busiestMonth && y.months > 1) parts.push(`busiest ${monthLabel(y.busiestMonth)} (${fmt(y.busiestMonthPosts)})`);
      body.push([s(' '.repeat(INDENT) + year, 'bold'), s(' · ' + parts.join(' · '), 'dim')]);
    }
    const postBar = bar(m.posts, maxCount, barCols);
    const line: ChartLine = [
      s(' '.repeat(INDENT) + '  ' + padEnd(monthLabel(m.month), 4)),
      s(padStart(fmt(m.posts), numberCols), m.posts > 0 ? 'bold' : 'dim'),
      s(' '),
      s(padEnd(postBar, barCols), 'bar'),
    ];
    if (anyBoosts) {
      line.push(s('  '), s(padStart(fmt(m.boosts), numberCols), m.boosts > 0 ? 'bold' : 'dim'), s(' '), s(bar(m.boosts, maxCount, barCols), 'boost'));
    }
    body.push(line);
  }
  const total = months.reduce((a, m) => a + m.posts, 0);
  const totalBoosts = months.reduce((a, m) => a + m.boosts, 0);
  return {
    note: anyBoosts ? `${plural(total, 'post')} · ${plural(totalBoosts, 'boost')}` : `${plural(total, 'post')} · no boosts`,
    body,
  };
}

function heatmap(data: StatsData, cols: number): TileRender {
  const hm = data.tiles.heatmap;
  if (hm.total === 0) return { note: '', body: note(NO_POSTS) };
  const labelCols = INDENT + 4;
  const totalCols = Math.max(5, fmt(Math.max(...hm.cells.map((r) => r.reduce((a, b) => a + b, 0)))).length + 1);
  const cell = Math.max(1, Math.min(3, Math.floor((cols - labelCols - totalCols - 1) / 24)));
  const step = cell >= 3 ? 2 : cell === 2 ? 3 : 6;
  let header = ' '.repeat(labelCols);
  for (let h = 0; h < 24; h += step) header += padEnd(String(h).padStart(2, '0'), step * cell);
  const body: ChartLine[] = [[s(header.trimEnd(), 'dim')]];
  const level = (n: number) => (n <= 0 ? 0 : Math.min(4, Math.max(1, Math.ceil((n / hm.max) * 4))));
  const glyphs = ['·', '░', '▒', '▓', '█'];
  for (let d = 0; d < 7; d++) {
    const row = hm.cells[d]!;
    let cells = '';
    for (const n of row) {
      const l = level(n);
      cells += l === 0 ? padEnd(cell >= 3 ? ' ·' : '·', cell) : glyphs[l]!.repeat(cell);
    }
    const sum = row.reduce((a, b) => a + b, 0);
    body.push([
      s(' '.repeat(INDENT) + padEnd(WEEKDAYS[d]!, 4)),
      s(cells, 'heat'),
      s(' ' + padStart(fmt(sum), totalCols - 1), 'bold'),
    ]);
  }
  // Legend: what each shade stands for, in posts per hour slot.
  const legend: string[] = ['· 0'];
  for (let l = 1; l <= 4; l++) {
    const lo = Math.floor((hm.max * (l - 1)) / 4) + 1;
    const hi = Math.floor((hm.max * l) / 4);
    if (lo > hi) continue;
    legend.push(`${glyphs[l]} ${lo === hi ? fmt(lo) : `${fmt(lo)}–${fmt(hi)}`}`);
  }
  const legendText = ' '.repeat(INDENT) + legend.join('  ');
  const busiest = hm.busiest
    ? `busiest: ${WEEKDAYS[hm.busiest.weekday]} ${String(hm.busiest.hour).padStart(2, '0')}:00–${String(hm.busiest.hour).padStart(2, '0')}:59 (${plural(hm.busiest.posts, 'post')})`
    : '';
  if (textWidth(legendText) + 3 + textWidth(busiest) <= cols) {
    body.push([s(legendText + '   ' + busiest, 'dim')]);
  } else {
    body.push([s(legendText, 'dim')]);
    if (busiest) body.push([s(' '.repeat(INDENT) + busiest, 'dim')]);
  }
  return { note: `weekday × hour · ${data.timeZone}`, body };
}

const VISIBILITY_LABELS: Record<string, string> = {
  public: 'public',
  unlisted: 'unlisted',
  private: 'followers only',
  direct: 'direct',
};

function breakdownRows(b: Breakdown, cols: number, label: (name: string) => string = (n) => n, max = 8): ChartLine[] {
  let items = b.items;
  if (items.length > max) {
    const rest = items.slice(max - 1);
    items = [...items.slice(0, max - 1), { name: `${rest.length} others`, count: rest.reduce((a, i) => a + i.count, 0) }];
  }
  return barRows(
    items.map((i) => ({ label: label(i.name), value: i.count })),
    cols,
    { total: b.total, indent: INDENT },
  );
}

function breakdownTile(b: Breakdown, cols: number, unit: string, label?: (name: string) => string): TileRender {
  if (b.total === 0) return { note: '', body: note(NO_POSTS) };
  return { note: plural(b.total, unit), body: breakdownRows(b, cols, label) };
}

function topTile(t: TopList, cols: number, unit: [string, string], empty: string, label: (name: string) => string = (n) => n): TileRender {
  if (t.items.length === 0) return { note: '', body: note(empty) };
  const shown = t.items.length < t.distinct ? `top ${t.items.length} of ${fmt(t.distinct)}` : plural(t.distinct, unit[0]);
  return {
    note: `${shown} · ${plural(t.total, unit[1])}`,
    body: barRows(
      t.items.map((i) => ({ label: label(i.name), value: i.count })),
      cols,
      { total: t.total, indent: INDENT, maxLabel: 36 },
    ),
  };
}

function postFeatures(data: StatsData, cols: number): TileRender {
  const f = data.tiles.post_features;
  if (f.posts === 0) return { note: '', body: note(NO_POSTS) };
  const rows: BarRow[] = [
    { label: 'with media', value: f.withMedia },
    { label: 'with a content warning', value: f.withCw },
    { label: 'marked sensitive', value: f.sensitive },
    { label: 'polls', value: f.polls },
    { label: 'quoting a post', value: f.quotes },
    { label: 'edited', value: f.edited },
  ];
  return {
    note: `of ${plural(f.posts, 'post')}`,
    body: barRows(rows, cols, { total: f.posts, scale: f.posts, indent: INDENT }),
  };
}

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86400) return `${Math.round((seconds / 3600) * 10) / 10} h`;
  return `${Math.round((seconds / 86400) * 10) / 10} days`;
}

function edits(data: StatsData, cols: number): TileRender {
  const e = data.tiles.edits;
  if (e.posts === 0) return { note: '', body: note(NO_POSTS) };
  if (e.total === 0) return { note: '', body: note('No edited posts.') };
  const body = breakdownRows(e, cols);
  if (e.medianSeconds !== null) body.push(...note(`half of the edits came within ${duration(e.medianSeconds)} of posting`));
  return { note: `${plural(e.total, 'edited post')} · ${pct(e.total, e.posts)} of posts`, body };
}

function postLength(data: StatsData, cols: number): TileRender {
  const l = data.tiles.post_length;
  if (l.total === 0) return { note: '', body: note(NO_POSTS) };
  const body = breakdownRows(l, cols, (n) => (n === 'no text' ? n : `${n} chars`), 10);
  const median = l.medianChars === null ? '' : `median ${plural(Math.round(l.medianChars), 'character')}`;
  const longest = l.maxChars === null ? '' : `longest ${fmt(l.maxChars)}`;
  return { note: [median, longest].filter(Boolean).join(' · '), body };
}

function mediaKinds(data: StatsData, cols: number): TileRender {
  const m = data.tiles.media_kinds;
  if (m.total === 0) return { note: '', body: note(data.tiles.highlights.posts === 0 ? NO_POSTS : 'No media attached to posts.') };
  const body = barRows(
    m.kinds.map((k) => ({ label: k.kind, value: k.media })),
    cols,
    { total: m.total, indent: INDENT },
  );
  body.push(...note(`${plural(m.withoutAltText, 'attachment')} without alt text (${pct(m.withoutAltText, m.total)})`));
  if (m.missingFiles > 0) body.push(...note(`${plural(m.missingFiles, 'file')} missing from the archive`));
  return { note: plural(m.total, 'attachment'), body };
}

const CSV_HINT = 'Give following_accounts.csv and lists.csv after the archive to see who you follow.';

function following(data: StatsData, cols: number): TileRender {
  const f = data.tiles.following;
  if (!f.available) return { note: '', body: note(CSV_HINT) };
  const parts = [
    `following ${plural(f.following, 'account')}`,
    `${plural(f.lists, 'list')} (${plural(f.listMemberships, 'member')})`,
    `${fmt(f.neverMentioned)} followed, never mentioned`,
  ];
  return {
    note: 'all time',
    body: wrapWords(parts, cols - INDENT, ' · ').map((t) => [s(' '.repeat(INDENT) + t)]),
  };
}

function lists(data: StatsData, cols: number): TileRender | undefined {
  const l = data.tiles.lists;
  if (!l.available) return undefined;
  if (l.items.length === 0) return { note: '', body: note('No lists.') };
  return {
    note: plural(l.items.length, 'list'),
    body: barRows(
      l.items.map((i) => ({ label: i.name, value: i.count })),
      cols,
      { indent: INDENT, maxLabel: 36 },
    ),
  };
}

const NEVER_MENTIONED_SHOWN = 30;

function neverMentioned(data: StatsData, cols: number): TileRender | undefined {
  const n = data.tiles.never_mentioned;
  if (!n.available) return undefined;
  if (n.total === 0) return { note: '', body: note('You have mentioned everyone you follow.') };
  const shown = n.accounts.slice(0, NEVER_MENTIONED_SHOWN);
  const body = wrapWords(shown, cols - INDENT).map((t) => [s(' '.repeat(INDENT) + t)]);
  if (n.total > shown.length) body.push(...note(`… and ${fmt(n.total - shown.length)} more (the never_mentioned query lists them all)`));
  return { note: plural(n.total, 'account'), body };
}

type Renderer = (data: StatsData, cols: number) => TileRender | undefined;

const RENDERERS: Record<TileName, Renderer> = {
  highlights,
  posts_per_month: postsPerMonth,
  heatmap,
  post_types: (d, c) => {
    const t = breakdownTile(d.tiles.post_types, c, 'item');
    return d.tiles.post_types.total === 0 ? t : { ...t, note: `${fmt(d.tiles.post_types.total)} posts and boosts` };
  },
  visibility: (d, c) => breakdownTile(d.tiles.visibility, c, 'post', (n) => VISIBILITY_LABELS[n] ?? n),
  languages: (d, c) => breakdownTile(d.tiles.languages, c, 'post'),
  post_features: postFeatures,
  post_length: postLength,
  edits,
  media_kinds: mediaKinds,
  top_hashtags: (d, c) =>
    topTile(d.tiles.top_hashtags, c, ['tag', 'use'], 'No hashtags in this period.', (n) => `#${d.tiles.top_hashtags.display[n] ?? n}`),
  top_mentions: (d, c) => topTile(d.tiles.top_mentions, c, ['account', 'mention'], 'No mentions in this period.', (n) => `@${n}`),
  top_boosted_accounts: (d, c) =>
    topTile(d.tiles.top_boosted_accounts, c, ['account', 'boost'], 'No boosts in this period.', (n) => (n.includes('@') && !n.includes('/') ? `@${n}` : n)),
  top_boosted_servers: (d, c) => topTile(d.tiles.top_boosted_servers, c, ['server', 'boost'], 'No boosts in this period.'),
  top_linked_sites: (d, c) => topTile(d.tiles.top_linked_sites, c, ['site', 'link'], 'No links in this period.'),
  likes_by_server: (d, c) => topTile(d.tiles.likes_by_server, c, ['server', 'like'], 'No likes in the archive.'),
  bookmarks_by_server: (d, c) => topTile(d.tiles.bookmarks_by_server, c, ['server', 'bookmark'], 'No bookmarks in the archive.'),
  following,
  lists,
  never_mentioned: neverMentioned,
};

/** Titles of tiles whose note should say they ignore the period. */
const ALL_TIME_TILES = new Set<TileName>(['likes_by_server', 'bookmarks_by_server', 'lists', 'never_mentioned']);

export function tileTitle(name: TileName): string {
  return statsQuery(name)?.title ?? name;
}

/**
 * Every tile's lines, with where each tile starts. `selected` marks one tile's title (for the Stats view).
 * Tiles that do not apply (lists without lists.csv) are left out.
 */
export function renderStatsLines(data: StatsData, options: { width: number; selected?: TileName }): RenderedStats {
  const cols = Math.max(MIN_WIDTH, Math.floor(options.width));
  const lines: ChartLine[] = [];
  const tiles: TileSpan[] = [];
  const empty = data.tiles.highlights.posts === 0 && data.tiles.highlights.boosts === 0;
  for (const name of TILE_NAMES) {
    // A period without posts or boosts: the highlights say so once, and only the tiles that ignore the period follow.
    if (empty && name !== 'highlights' && statsQuery(name)?.usesPeriod) continue;
    const rendered = RENDERERS[name](data, cols);
    if (!rendered) continue;
    if (lines.length > 0) lines.push([]);
    const start = lines.length;
    const title = tileTitle(name);
    const noteText = ALL_TIME_TILES.has(name) && data.period.kind !== 'all' ? [rendered.note, 'all time'].filter(Boolean).join(' · ') : rendered.note;
    lines.push(titleLine(title, noteText, cols, name === options.selected ? '▶─' : '──'));
    lines.push(...rendered.body);
    tiles.push({ name, title, start, end: lines.length });
  }
  const width = Math.max(1, Math.floor(options.width));
  return { lines: lines.map((l) => fit(l, width)), tiles };
}

/** The dashboard's first line: the period and the time zone. */
export function statsHeading(data: StatsData): string {
  return `Stats · ${data.period.label} · times in ${data.timeZone}`;
}

/** The whole dashboard as text (for --stats), every line at most `width` columns; ANSI colours when `color`. */
export function renderStatsText(data: StatsData, options: RenderOptions): string {
  const width = Math.max(1, Math.floor(options.width));
  const color = options.color ?? false;
  const heading = fit([s(clip(statsHeading(data), width), 'bold')], width);
  const { lines } = renderStatsLines(data, { width });
  return [heading, [], ...lines].map((l) => lineToString(l, color)).join('\n') + '\n';
}
