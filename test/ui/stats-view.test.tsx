/** The Stats view on the sample archive: size, scrolling, period switching, Enter to the SQL view. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArchiveDatabase, type OpenedArchive } from '../../src/db/cache.js';
import { lockDown } from '../../src/db/connection.js';
import { emptyDatabase, stripAnsi } from '../stats/helpers.js';
import { KEY, renderStatsView } from '../stats/view-harness.js';
import stringWidth from 'string-width';

let opened: OpenedArchive;

beforeAll(async () => {
  opened = await openArchiveDatabase('fixtures/sample', { cache: false });
  await lockDown(opened.db.conn, 'UTC');
});

afterAll(async () => {
  await opened?.close();
});

function expectFits(frame: string, width: number, height: number) {
  const lines = frame.split('\n');
  expect(lines.length).toBeLessThanOrEqual(height);
  for (const line of lines) expect(stringWidth(stripAnsi(line))).toBeLessThanOrEqual(width);
}

const ready = (f: string) => f.includes('Highlights') && !f.includes('loading…') && !f.includes('computing…');

describe('Stats view', () => {
  it('draws the dashboard within its size, at 80 and 120 columns, with and without colour', async () => {
    for (const [width, height, color] of [[80, 22, false], [120, 40, true], [80, 8, true], [40, 5, false]] as const) {
      const v = renderStatsView(opened.db, { width, height, color });
      const frame = await v.until(ready);
      expectFits(frame, width, height);
      expect(frame).toContain('all time');
      v.unmount();
    }
  });

  it('scrolls when the terminal is small, and never grows taller', async () => {
    const v = renderStatsView(opened.db, { width: 80, height: 10 });
    const first = await v.until(ready);
    expect(first).toContain('▶─ Highlights');
    await v.press('j', 'j');
    const scrolled = v.frame();
    expect(scrolled).not.toEqual(first);
    expectFits(scrolled, 80, 10);
    await v.press('G');
    const bottom = v.frame();
    expect(bottom).toContain('gwen@example.social');
    expectFits(bottom, 80, 10);
    // The selection followed the scroll to a tile on screen.
    expect(bottom).toMatch(/▶─ /);
    await v.press('g');
    expect(v.frame()).toContain('Highlights');
    v.rerender({ width: 60, height: 6 });
    await v.until((f) => f.split('\n').length <= 6);
    expectFits(v.frame(), 60, 6);
    v.unmount();
  });

  it('steps through the periods with ←/→ and [ ]', async () => {
    const v = renderStatsView(opened.db, { width: 80, height: 24 });
    await v.until(ready);
    await v.press(KEY.right);
    let frame = await v.until((f) => f.includes('◂ 2024 ▸') && ready(f));
    expect(frame).toMatch(/Posts +17 · 3 boosts/);
    await v.press(']');
    frame = await v.until((f) => f.includes('◂ 2025 ▸') && ready(f));
    expect(frame).toMatch(/Posts +9 · 1 boost/);
    await v.press(']');
    await v.until((f) => f.includes('◂ all time ▸') && ready(f));
    await v.press(KEY.left);
    await v.until((f) => f.includes('◂ 2025 ▸') && ready(f));
    await v.press('[', 'a');
    frame = await v.until((f) => f.includes('◂ all time ▸') && ready(f));
    expect(frame).toMatch(/Posts +26 · 4 boosts/);
    v.unmount();
  });

  it("opens the selected tile's query, with the period written in, in the SQL view", async () => {
    const v = renderStatsView(opened.db, { width: 80, height: 24 });
    await v.until(ready);
    await v.press(KEY.enter);
    expect(v.sql).toHaveLength(1);
    expect(v.sql[0]!.split('\n')[0]).toBe('-- Highlights · all time');
    await v.press('n', KEY.enter);
    expect(v.sql[1]!.split('\n')[0]).toBe('-- Posts per month · all time');
    expect(v.frame()).toContain('▶─ Posts per month');
    await v.press(KEY.right);
    await v.until((f) => f.includes('◂ 2024 ▸') && ready(f));
    await v.press('n', 'n', KEY.enter);
    expect(v.sql[2]).toContain("'2024-01-01'::TIMESTAMPTZ");
    expect(v.sql[2]!.split('\n')[0]).toBe('-- When you post · 2024');
    expect(v.info.at(-1)).toBe('3/20 When you post');
    v.unmount();
  });

  it('ignores keys while another view is active', async () => {
    const v = renderStatsView(opened.db, { width: 80, height: 24, active: false });
    const frame = await v.until(ready);
    await v.press(KEY.right, 'G', KEY.enter);
    expect(v.frame()).toEqual(frame);
    expect(v.sql).toEqual([]);
    v.unmount();
  });

  it('shows an empty archive', async () => {
    const db = await emptyDatabase();
    try {
      const v = renderStatsView(db, { width: 80, height: 12 });
      const frame = await v.until(ready);
      expect(frame).toContain('The archive holds no posts and no boosts.');
      expectFits(frame, 80, 12);
      await v.press(KEY.right, 'G', KEY.enter);
      expectFits(v.frame(), 80, 12);
      v.unmount();
    } finally {
      db.close();
    }
  });
});
