/**
 * On every archive of ../shared/corpus, with the session in UTC, the dashboard's posts per month, top hashtags
 * (ties by name), visibility breakdown and first/latest post equal what archive-facts.py computes independently.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArchiveDatabase, type OpenedArchive } from '../../src/db/cache.js';
import { lockDown } from '../../src/db/connection.js';
import { yearPeriod } from '../../src/stats/period.js';
import { renderStatsText } from '../../src/stats/render.js';
import { loadStats, printStats } from '../../src/stats/run.js';
import type { StatsData } from '../../src/stats/types.js';
import { CORPUS } from '../helpers/archives.js';
import { type Facts, oracleFacts } from '../helpers/facts.js';
import { widestLine } from './helpers.js';

const samples = readdirSync(CORPUS, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

const nonZero = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).filter(([, n]) => n > 0));

describe.each(samples)('stats of corpus %s', (sample) => {
  const folder = join(CORPUS, sample);
  let facts: Facts;
  let opened: OpenedArchive;
  let stats: StatsData;

  beforeAll(async () => {
    facts = oracleFacts(folder);
    opened = await openArchiveDatabase(folder, { cache: false });
    await lockDown(opened.db.conn, 'UTC');
    stats = await loadStats(opened.db.conn);
  });

  afterAll(async () => {
    await opened?.close();
  });

  it('counts posts per month as archive-facts.py does', () => {
    const months = Object.fromEntries(stats.tiles.posts_per_month.months.map((m) => [m.month, m.posts]));
    expect(nonZero(months)).toEqual(facts.posts_per_month);
    const boosts = stats.tiles.posts_per_month.months.reduce((a, m) => a + m.boosts, 0);
    expect(boosts).toBe(facts.boosts);
  });

  it('ranks hashtags as archive-facts.py does (ties by name)', () => {
    expect(stats.tiles.top_hashtags.items.slice(0, 5).map((t) => t.name)).toEqual(facts.top_hashtags);
    expect(stats.tiles.top_hashtags.total).toBe(facts.hashtag_uses);
    expect(stats.tiles.top_hashtags.distinct).toBe(facts.distinct_hashtags);
  });

  it('breaks visibility down as archive-facts.py does', () => {
    const vis = Object.fromEntries(stats.tiles.visibility.items.map((i) => [i.name, i.count]));
    expect(nonZero(vis)).toEqual(facts.visibility);
  });

  it('finds the first and latest post archive-facts.py finds', () => {
    expect(stats.tiles.highlights.firstPost?.at ?? null).toBe(facts.first_post);
    expect(stats.tiles.highlights.latestPost?.at ?? null).toBe(facts.last_post);
  });

  it('agrees on the other totals', () => {
    const t = stats.tiles;
    expect(t.highlights.posts).toBe(facts.posts);
    expect(t.highlights.boosts).toBe(facts.boosts);
    expect(t.post_features.polls).toBe(facts.polls);
    expect(t.post_features.withCw).toBe(facts.with_cw);
    expect(t.post_features.edited).toBe(facts.edited);
    expect(t.edits.total).toBe(facts.edited);
    expect(t.media_kinds.total).toBe(facts.media);
    expect(t.top_mentions.total).toBe(facts.mentions);
    expect(t.likes_by_server.total).toBe(facts.likes);
    expect(t.bookmarks_by_server.total).toBe(facts.bookmarks);
    const types = Object.fromEntries(t.post_types.items.map((i) => [i.name, i.count]));
    expect(types['self-reply']! + types['reply to others']!).toBe(facts.replies);
    expect(types.boost).toBe(facts.boosts);
    expect(t.heatmap.total).toBe(facts.posts);
  });

  it('limits every tile to one year', async () => {
    const years = Object.keys(facts.posts_per_month).map((m) => Number(m.slice(0, 4)));
    const year = years[years.length - 1]!;
    const one = await loadStats(opened.db.conn, { period: yearPeriod(year) });
    const expected = Object.fromEntries(Object.entries(facts.posts_per_month).filter(([m]) => m.startsWith(`${year}-`)));
    const months = Object.fromEntries(one.tiles.posts_per_month.months.map((m) => [m.month, m.posts]));
    expect(one.tiles.posts_per_month.months).toHaveLength(12);
    expect(nonZero(months)).toEqual(expected);
    const total = Object.values(expected).reduce((a, b) => a + b, 0);
    expect(one.tiles.highlights.posts).toBe(total);
    expect(one.tiles.visibility.total).toBe(total);
    expect(one.tiles.heatmap.total).toBe(total);
    expect(stats.years).toContain(year);
  });

  it('renders at 80 and 120 columns and as JSON', async () => {
    for (const width of [80, 120]) {
      for (const color of [false, true]) {
        expect(widestLine(renderStatsText(stats, { width, color }))).toBeLessThanOrEqual(width);
      }
    }
    const json = JSON.parse(await printStats(opened.db.conn, { format: 'json', period: 'all' }));
    expect(json.tiles.highlights.posts).toBe(facts.posts);
  });
});
