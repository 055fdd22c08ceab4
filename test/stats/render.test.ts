/** Charts as text: bars, numbers next to them, widths at 80 and 120 columns, colour only as an extra, safety. */
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { bar, fit, fmt, pct, s, width, wrapWords } from '../../src/stats/chart.js';
import { computeStats } from '../../src/stats/compute.js';
import { ALL_TIME, parsePeriod } from '../../src/stats/period.js';
import { renderStatsLines, renderStatsText } from '../../src/stats/render.js';
import type { QueryRows } from '../../src/stats/types.js';
import { stripAnsi, widestLine } from './helpers.js';

describe('chart primitives', () => {
  it('draws bars in eighths, never wider than asked, never invisible above zero', () => {
    expect(bar(10, 10, 4)).toBe('████');
    expect(bar(5, 10, 4)).toBe('██');
    expect(bar(1, 16, 2)).toBe('▏');
    expect(bar(3, 16, 2)).toBe('▍');
    expect(bar(1, 1_000_000, 10)).toBe('▏');
    expect(bar(0, 10, 4)).toBe('');
    expect(bar(5, 0, 4)).toBe('');
    for (let v = 0; v <= 37; v++) expect(stringWidth(bar(v, 37, 9))).toBeLessThanOrEqual(9);
  });

  it('formats numbers and shares', () => {
    expect(fmt(1234567)).toBe('1,234,567');
    expect(fmt(999)).toBe('999');
    expect(fmt(-1200)).toBe('-1,200');
    expect(pct(1, 3)).toBe('33%');
    expect(pct(1, 1000)).toBe('<1%');
    expect(pct(0, 10)).toBe('0%');
    expect(pct(1, 0)).toBe('');
  });

  it('cuts lines and wraps words to the width, wide characters counted as two columns', () => {
    const line = [s('猫猫猫猫猫'), s(' tail', 'dim')];
    expect(width(fit(line, 6))).toBeLessThanOrEqual(6);
    expect(fit(line, 100)).toBe(line);
    for (const l of wrapWords(['alpha@example.social', 'béta@x.example', 'γ@日本.example'], 22)) expect(stringWidth(l)).toBeLessThanOrEqual(22);
  });
});

/** Query rows of a busy two-year archive, with hostile and wide strings where the archive supplies text. */
function rows(): QueryRows {
  const months = [];
  for (let m = 1; m <= 12; m++) months.push({ month: `2023-${String(m).padStart(2, '0')}`, posts: m * 97, boosts: m * 13 });
  months.push({ month: '2024-02', posts: 1, boosts: 0 });
  const heat = [];
  for (let d = 1; d <= 7; d++) for (let h = 0; h < 24; h += d) heat.push({ weekday: d, hour: h, posts: d * h + 1 });
  const evil = 'evil\u001b]52;c;aGk=\u0007\u001b[2J\u202Eboom';
  const top = (col: string, names: string[], extra: Record<string, string>) =>
    names.map((name, i) => ({ [col]: name, [extra.count!]: 100 - i * 9, [extra.distinct!]: 40, [extra.total!]: 2000 }));
  return {
    highlights: [
      {
        posts: 7573, boosts: 1014, active_days: 300,
        first_post_at: '2023-01-01T00:30:00Z', first_post_id: '1', first_post_text: `Hello ${evil} 世界 `.repeat(5),
        latest_post_at: '2024-02-10T12:00:00Z', latest_post_id: '2', latest_post_text: 'Bye',
        busiest_month: '2023-12', busiest_month_posts: 1164, busiest_day: '2023-12-24', busiest_day_posts: 99,
        longest_streak_days: 45, longest_streak_from: '2023-11-01', longest_streak_to: '2023-12-15',
      },
    ],
    posts_per_month: months,
    heatmap: heat,
    post_types: [{ type: 'original', count: 5000 }, { type: 'self-reply', count: 2000 }, { type: 'reply to others', count: 573 }, { type: 'boost', count: 1014 }],
    visibility: [{ visibility: 'public', posts: 7000 }, { visibility: 'direct', posts: 573 }],
    languages: ['en', 'de', 'fr', 'ja', 'zh', 'es', 'it', 'pt', 'nl', evil].map((language, i) => ({ language, posts: 1000 - i * 90 })),
    post_features: [{ posts: 7573, with_media: 1000, with_cw: 300, sensitive: 200, polls: 3, quotes: 0, edited: 90 }],
    post_length: [
      { length: 'no text', posts: 3, median_chars: 120.5, max_chars: 500 },
      { length: '1–49', posts: 3000, median_chars: 120.5, max_chars: 500 },
      { length: '500+', posts: 12, median_chars: 120.5, max_chars: 500 },
    ],
    edits: [{ edited: 'within a minute', posts: 80, median_seconds: 40 }, { edited: 'later', posts: 10, median_seconds: 40 }],
    media_kinds: [{ kind: 'image', media: 900, without_alt_text: 300, missing_files: 2 }, { kind: 'video', media: 100, without_alt_text: 100, missing_files: 0 }],
    top_hashtags: top('tag', ['verylonghashtagthatgoesonandonandonforeverandever', 'café', '日本語のハッシュタグ', evil], { count: 'uses', distinct: 'distinct_tags', total: 'total_uses' }).map((r) => ({ ...r, display: r.tag })),
    top_mentions: top('acct', ['someone.with.a.long.name@a.very.long.server.example.org', `x${evil}@y.example`], { count: 'mentions', distinct: 'distinct_accounts', total: 'total_mentions' }),
    top_boosted_accounts: top('account', ['bob@other.example', '(unknown)'], { count: 'boosts', distinct: 'distinct_accounts', total: 'total_boosts' }),
    top_boosted_servers: top('server', ['other.example'], { count: 'boosts', distinct: 'distinct_servers', total: 'total_boosts' }),
    top_linked_sites: top('site', ['example.org', evil], { count: 'links', distinct: 'distinct_sites', total: 'total_links' }),
    likes_by_server: top('server', ['mastodon.social'], { count: 'likes', distinct: 'distinct_servers', total: 'total_likes' }),
    bookmarks_by_server: [],
    following: [{ following: 120, distinct_following: 120, lists: 2, list_memberships: 30, never_mentioned: 45 }],
    lists: [{ list_name: `Friends ${evil}`, accounts: 20 }, { list_name: 'Work', accounts: 10 }],
    never_mentioned: Array.from({ length: 45 }, (_, i) => ({ account: `person${i}@server${i % 7}.example` })),
  };
}

const data = computeStats(rows(), { period: ALL_TIME, timeZone: 'Europe/Paris', years: [2023, 2024] });

describe('the dashboard as text', () => {
  it.each([80, 120])('fits %i columns, with and without colour', (cols) => {
    const mono = renderStatsText(data, { width: cols, color: false });
    const colour = renderStatsText(data, { width: cols, color: true });
    expect(widestLine(mono)).toBeLessThanOrEqual(cols);
    expect(widestLine(colour)).toBeLessThanOrEqual(cols);
    // Monochrome has no escape at all; colour only adds SGR sequences to the same text.
    expect(mono).not.toContain('\u001b');
    expect(colour).toMatch(/\u001b\[[0-9;]*m/);
    expect(stripAnsi(colour)).toBe(mono);
  });

  it('never lets archive strings reach the terminal raw', () => {
    const text = renderStatsText(data, { width: 120, color: false });
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(text).toContain('␛');
  });

  it('prints the number next to every bar', () => {
    const text = renderStatsText(data, { width: 80 });
    for (const line of text.split('\n')) {
      if (!/[█▏▎▍▌▋▊▉]/.test(line) || /[░▒▓]/.test(line) || /·/.test(line)) continue;
      expect(line, line).toMatch(/\d[\d,]*(?: +(?:\d+|<1)%)? +[█▏▎▍▌▋▊▉]/);
    }
  });

  it('draws posts per month with a summary line per year, own posts and boosts apart', () => {
    const text = renderStatsText(data, { width: 80 });
    expect(text).toMatch(/ 2023 · 7,566 posts · 1,014 boosts · 631\/month · busiest Dec \(1,164\)/);
    expect(text).toMatch(/ 2024 · 1 post · 0 boosts · 0\.5\/month · busiest Feb \(1\)/);
    expect(text).toMatch(/ {3}Dec 1,164 █+ +156 █+/);
    // The gap month is drawn, empty.
    expect(text).toMatch(/ {3}Jan {5}0 +0\n {3}Feb {5}1 ▏/);
  });

  it('draws the weekday × hour heatmap with totals and a legend in numbers', () => {
    for (const cols of [80, 120]) {
      const text = renderStatsText(data, { width: cols });
      for (const day of ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']) expect(text).toMatch(new RegExp(`\\n ${day} [·░▒▓█ ]+ +[\\d,]+\\n`));
      expect(text).toMatch(/· 0 {2}░ 1–\d+ {2}▒ \d+–\d+ {2}▓ \d+–\d+ {2}█ \d+–\d+/);
    }
  });

  it('shows a period label, the tiles in order, and skips period tiles of an empty period', () => {
    const empty = computeStats({}, { period: parsePeriod('2019'), timeZone: 'UTC', years: [] });
    const text = renderStatsText(empty, { width: 80 });
    expect(text.split('\n')[0]).toBe('Stats · 2019 · times in UTC');
    expect(text).toContain('No posts and no boosts in this period.');
    expect(text).not.toContain('Posts per month');
    expect(text).toContain('Likes by server');
    const { tiles } = renderStatsLines(data, { width: 80 });
    expect(tiles[0]!.name).toBe('highlights');
    expect(tiles.map((t) => t.start)).toEqual([...tiles.map((t) => t.start)].sort((a, b) => a - b));
  });

  it('lists followed accounts never mentioned, cut with a count of the rest', () => {
    const text = renderStatsText(data, { width: 80 });
    expect(text).toContain('person0@server0.example, person1@server1.example');
    expect(text).toContain('… and 15 more');
  });
});
