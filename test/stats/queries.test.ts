/** The stats queries on small hand-made databases: time zones, periods, empty and one-post archives, SQL text. */
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/connection.js';
import { runQuery } from '../../src/db/runner.js';
import { STATS_QUERIES, statsQuery, statsQueryText } from '../../src/db/stats-queries.js';
import { statsJson } from '../../src/stats/json.js';
import { ALL_TIME, parsePeriod, periodParams } from '../../src/stats/period.js';
import { renderStatsText } from '../../src/stats/render.js';
import { loadStats, printStats } from '../../src/stats/run.js';
import { ACTOR, emptyDatabase, insertBoost, insertPosts, widestLine } from './helpers.js';

let db: Database | undefined;
afterEach(() => {
  db?.close();
  db = undefined;
});

describe('stats queries', () => {
  it('every tile has a distinct name, a title and SQL; period queries take $from and $to', () => {
    const names = STATS_QUERIES.map((q) => q.name);
    expect(new Set(names).size).toBe(names.length);
    for (const q of STATS_QUERIES) {
      expect(q.title).not.toBe('');
      expect(q.usesPeriod).toBe(q.sql.includes('$from') && q.sql.includes('$to'));
    }
    expect(statsQuery('top_hashtags')?.usesPeriod).toBe(true);
    expect(statsQuery('likes_by_server')?.usesPeriod).toBe(false);
  });

  it('an empty archive gives every tile, empty, and renders', async () => {
    db = await emptyDatabase();
    const data = await loadStats(db.conn);
    expect(data.tiles.highlights).toMatchObject({ posts: 0, boosts: 0, firstPost: null, latestPost: null, longestStreak: null });
    expect(data.tiles.posts_per_month.months).toEqual([]);
    expect(data.years).toEqual([]);
    expect(data.tiles.following.available).toBe(false);
    for (const width of [80, 120, 40, 20]) {
      for (const color of [false, true]) {
        const text = renderStatsText(data, { width, color });
        expect(widestLine(text)).toBeLessThanOrEqual(width);
        if (width >= 80) {
          expect(text).toContain('The archive holds no posts and no boosts.');
          expect(text).toContain('No likes in the archive.');
        }
      }
    }
    const json = JSON.parse(await printStats(db.conn, { format: 'json' }));
    expect(Object.keys(json.tiles).sort()).toEqual(STATS_QUERIES.map((q) => q.name).sort());
  });

  it('a one-post archive renders every tile without errors', async () => {
    db = await emptyDatabase();
    await insertPosts(db, [{ id: '1', at: '2024-05-06T07:08:09Z', text: 'Hello world', tags: ['Hello'] }]);
    const data = await loadStats(db.conn);
    const h = data.tiles.highlights;
    expect(h.posts).toBe(1);
    expect(h.firstPost).toEqual({ at: '2024-05-06T07:08:09Z', id: '1', text: 'Hello world' });
    expect(h.latestPost).toEqual(h.firstPost);
    expect(h.longestStreak).toEqual({ days: 1, from: '2024-05-06', to: '2024-05-06' });
    expect(data.tiles.posts_per_month.months).toEqual([{ month: '2024-05', posts: 1, boosts: 0 }]);
    expect(data.tiles.heatmap.busiest).toEqual({ weekday: 0, hour: 7, posts: 1 });
    for (const width of [80, 120]) {
      for (const color of [false, true]) {
        const text = renderStatsText(data, { width, color });
        expect(widestLine(text)).toBeLessThanOrEqual(width);
        expect(text).toContain('#Hello');
        expect(text).toContain('2024-05-06 07:08');
      }
    }
  });

  it('months, days, weekdays and hours follow the session time zone', async () => {
    // 2024-02-29 23:30 UTC is 2024-03-01 12:30 (Friday) in Auckland (UTC+13 in summer).
    db = await emptyDatabase('Pacific/Auckland');
    await insertPosts(db, [{ id: '1', at: '2024-02-29T23:30:00Z' }]);
    const data = await loadStats(db.conn);
    expect(data.timeZone).toBe('Pacific/Auckland');
    expect(data.tiles.posts_per_month.months).toEqual([{ month: '2024-03', posts: 1, boosts: 0 }]);
    expect(data.tiles.highlights.busiestDay).toEqual({ day: '2024-03-01', posts: 1 });
    expect(data.tiles.heatmap.busiest).toEqual({ weekday: 4, hour: 12, posts: 1 });
    expect(renderStatsText(data, { width: 80 })).toContain('2024-03-01 12:30');
    // The period is the user's March, not UTC's.
    // Two connections (the instance's second one shares the global TimeZone) give the same tiles.
    expect(await loadStats(db.conn, { instance: db.instance })).toEqual(data);
    const march = await loadStats(db.conn, { period: parsePeriod('2024-03') });
    expect(march.tiles.highlights.posts).toBe(1);
    const february = await loadStats(db.conn, { period: parsePeriod('2024-02') });
    expect(february.tiles.highlights.posts).toBe(0);
  });

  it('a period includes its first day and excludes the day after its end', async () => {
    db = await emptyDatabase();
    await insertPosts(db, [
      { id: '1', at: '2023-12-31T23:59:59Z' },
      { id: '2', at: '2024-01-01T00:00:00Z' },
      { id: '3', at: '2024-12-31T23:59:59Z' },
      { id: '4', at: '2025-01-01T00:00:00Z' },
    ]);
    await insertBoost(db, 'b1', '2024-06-01T00:00:00Z', 'https://other.example/users/bob/statuses/9', 'https://other.example/users/bob');
    const year = await loadStats(db.conn, { period: parsePeriod('2024') });
    expect(year.tiles.highlights.posts).toBe(2);
    expect(year.tiles.highlights.boosts).toBe(1);
    expect(year.tiles.posts_per_month.months.map((m) => m.month)).toEqual([
      '2024-01', '2024-02', '2024-03', '2024-04', '2024-05', '2024-06',
      '2024-07', '2024-08', '2024-09', '2024-10', '2024-11', '2024-12',
    ]);
    const all = await loadStats(db.conn, { period: ALL_TIME });
    expect(all.tiles.highlights.posts).toBe(4);
    expect(all.years).toEqual([2023, 2024, 2025]);
    expect(all.tiles.posts_per_month.years.map((y) => [y.year, y.posts, y.boosts])).toEqual([
      ['2023', 1, 0],
      ['2024', 2, 1],
      ['2025', 1, 0],
    ]);
  });

  it('finds the busiest day and the longest run of days, and breaks posts down by kind', async () => {
    db = await emptyDatabase();
    await insertPosts(db, [
      { id: '1', at: '2024-01-01T10:00:00Z' },
      { id: '2', at: '2024-01-03T10:00:00Z', replyTo: `${ACTOR}/statuses/1`, replyToSelf: true },
      { id: '3', at: '2024-01-04T10:00:00Z', replyTo: 'https://other.example/users/bob/statuses/5' },
      { id: '4', at: '2024-01-05T10:00:00Z', visibility: 'direct', mentions: ['bob@other.example'] },
      { id: '5', at: '2024-01-05T11:00:00Z', cw: 'food', isPoll: true, mediaCount: 2, editedAt: '2024-01-05T11:00:30Z' },
      { id: '6', at: '2024-01-09T10:00:00Z', visibility: 'private', language: null, links: ['https://www.example.org/a'] },
    ]);
    await insertBoost(db, 'b1', '2024-01-02T00:00:00Z', 'https://other.example/users/bob/statuses/9', 'https://other.example/users/bob');
    await insertBoost(db, 'b2', '2024-01-02T01:00:00Z', 'https://misskey.example/notes/abc', 'https://misskey.example/users/9tq3k2x8ab');
    await insertBoost(db, 'b3', '2024-01-02T02:00:00Z', 'https://other.example/@bob/10', null);
    const t = (await loadStats(db.conn)).tiles;
    expect(t.highlights.longestStreak).toEqual({ days: 3, from: '2024-01-03', to: '2024-01-05' });
    expect(t.highlights.busiestDay).toEqual({ day: '2024-01-05', posts: 2 });
    expect(t.highlights.activeDays).toBe(5);
    expect(t.post_types.items).toEqual([
      { name: 'original', count: 4 },
      { name: 'self-reply', count: 1 },
      { name: 'reply to others', count: 1 },
      { name: 'boost', count: 3 },
    ]);
    expect(t.visibility.items).toEqual([
      { name: 'public', count: 4 },
      { name: 'unlisted', count: 0 },
      { name: 'private', count: 1 },
      { name: 'direct', count: 1 },
    ]);
    expect(t.languages.items).toEqual([
      { name: 'en', count: 5 },
      { name: 'unknown', count: 1 },
    ]);
    expect(t.post_features).toMatchObject({ posts: 6, withMedia: 1, withCw: 1, polls: 1, edited: 1 });
    expect(t.edits.items).toEqual([{ name: 'within a minute', count: 1 }]);
    expect(t.top_boosted_accounts.items).toEqual([
      { name: '(unknown)', count: 1 },
      { name: '9tq3k2x8ab@misskey.example', count: 1 },
      { name: 'bob@other.example', count: 1 },
    ]);
    expect(t.top_boosted_servers.items).toEqual([
      { name: 'other.example', count: 2 },
      { name: 'misskey.example', count: 1 },
    ]);
    expect(t.top_mentions.items).toEqual([{ name: 'bob@other.example', count: 1 }]);
    expect(t.top_linked_sites.items).toEqual([{ name: 'www.example.org', count: 1 }]);
  });

  it('shows following, lists and never-mentioned accounts once the CSV exports are loaded', async () => {
    db = await emptyDatabase();
    await insertPosts(db, [{ id: '1', at: '2024-01-01T10:00:00Z', mentions: ['Bob@other.example'] }]);
    await db.conn.run(`INSERT INTO following (archive_id, acct) VALUES ('a', 'bob@other.example'), ('a', 'carol@example.social'), ('a', 'dan@x.example')`);
    await db.conn.run(`INSERT INTO lists VALUES ('a', 'Friends', 'bob@other.example'), ('a', 'Friends', 'carol@example.social'), ('a', 'Work', 'dan@x.example')`);
    const data = await loadStats(db.conn);
    expect(data.tiles.following).toEqual({ available: true, following: 3, lists: 2, listMemberships: 3, neverMentioned: 2 });
    expect(data.tiles.lists.items).toEqual([
      { name: 'Friends', count: 2 },
      { name: 'Work', count: 1 },
    ]);
    expect(data.tiles.never_mentioned.accounts).toEqual(['carol@example.social', 'dan@x.example']);
    const text = renderStatsText(data, { width: 80 });
    expect(text).toContain('carol@example.social, dan@x.example');
    expect(text).toMatch(/Friends +2 █/);
  });

  it('with lists.csv alone, does not claim you mentioned everyone you follow', async () => {
    db = await emptyDatabase();
    await db.conn.run(`INSERT INTO lists VALUES ('a', 'Friends', 'bob@other.example')`);
    const t = (await loadStats(db.conn)).tiles;
    expect(t.following.available).toBe(true);
    expect(t.lists.available).toBe(true);
    expect(t.never_mentioned.available).toBe(false);
    expect(renderStatsText(await loadStats(db.conn), { width: 80 })).not.toContain('Followed, never mentioned');
  });

  it('gives each query as text for the SQL pane, which returns what the dashboard used', async () => {
    db = await emptyDatabase('Europe/Paris');
    await insertPosts(db, [
      { id: '1', at: '2024-01-01T10:00:00Z', tags: ['a', 'b'] },
      { id: '2', at: '2025-01-01T10:00:00Z', tags: ['b'] },
    ]);
    const period = parsePeriod('2024');
    const text = statsQueryText(statsQuery('top_hashtags')!, { ...periodParams(period), label: period.label });
    expect(text).not.toContain('$from');
    expect(text).toContain(`'2024-01-01'::TIMESTAMPTZ`);
    expect(text.split('\n')[0]).toBe('-- Top hashtags · 2024');
    const result = await runQuery(db.conn, text);
    expect(result.rows.map((r) => r[0])).toEqual(['a', 'b']);
    for (const q of STATS_QUERIES) {
      await expect(runQuery(db.conn, statsQueryText(q, periodParams(ALL_TIME)))).resolves.toBeDefined();
    }
    expect(() => statsQueryText(statsQuery('heatmap')!, { from: "2024-01-01'; DROP TABLE posts; --", to: 'infinity' })).toThrow();
  });

  it('the JSON form parses and holds every tile', async () => {
    db = await emptyDatabase();
    await insertPosts(db, [{ id: '1', at: '2024-05-06T07:08:09Z' }]);
    const out = await printStats(db.conn, { format: 'json', period: '2024' });
    const json = JSON.parse(out);
    expect(Object.keys(json.tiles).sort()).toEqual(STATS_QUERIES.map((q) => q.name).sort());
    expect(Object.keys(json.titles).sort()).toEqual(STATS_QUERIES.map((q) => q.name).sort());
    expect(json.period).toEqual({ spec: '2024', label: '2024', from: '2024-01-01', to: '2025-01-01' });
    expect(json.timeZone).toBe('UTC');
    expect(statsJson(await loadStats(db.conn)).tiles.highlights.posts).toBe(1);
  });

  it('refuses a bad period as a usage error', async () => {
    db = await emptyDatabase();
    await expect(printStats(db.conn, { period: '2024-13' })).rejects.toMatchObject({ exitCode: 2 });
  });
});
