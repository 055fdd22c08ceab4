import { describe, expect, it } from 'vitest';
import type { TileSpan } from '../../src/stats/render.js';
import { clampScroll, scrollTo, selectTile } from '../../src/ui/stats/scroll.js';

// Three tiles: rows 0-5, 7-29 (taller than the screen), 31-34; 35 rows in all; 10 rows on screen.
const tiles: TileSpan[] = [
  { name: 'highlights', title: 'Highlights', start: 0, end: 6 },
  { name: 'posts_per_month', title: 'Posts per month', start: 7, end: 30 },
  { name: 'heatmap', title: 'When you post', start: 31, end: 35 },
];
const total = 35;
const h = 10;

describe('Stats view scrolling', () => {
  it('keeps the scroll in the document and the selection on screen', () => {
    expect(clampScroll({ top: 99, selected: 0 }, tiles, total, h)).toEqual({ top: 25, selected: 1 });
    expect(clampScroll({ top: -3, selected: 7 }, tiles, total, h)).toEqual({ top: 0, selected: 0 });
    expect(clampScroll({ top: 0, selected: 0 }, [], 0, h)).toEqual({ top: 0, selected: 0 });
  });

  it('lets the selection stay while its tile has a row on screen', () => {
    expect(scrollTo({ top: 0, selected: 0 }, 5, tiles, total, h)).toEqual({ top: 5, selected: 0 });
    expect(scrollTo({ top: 5, selected: 0 }, 6, tiles, total, h)).toEqual({ top: 6, selected: 1 });
  });

  it('scrolls to show a newly selected tile, the last one included', () => {
    expect(selectTile({ top: 0, selected: 0 }, 1, tiles, total, h)).toEqual({ top: 7, selected: 1 });
    expect(selectTile({ top: 7, selected: 1 }, 1, tiles, total, h)).toEqual({ top: 25, selected: 2 });
    expect(selectTile({ top: 25, selected: 2 }, 1, tiles, total, h)).toEqual({ top: 25, selected: 2 });
    expect(selectTile({ top: 25, selected: 2 }, -1, tiles, total, h)).toEqual({ top: 7, selected: 1 });
    expect(selectTile({ top: 7, selected: 1 }, -1, tiles, total, h)).toEqual({ top: 0, selected: 0 });
  });
});
