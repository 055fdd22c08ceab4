/**
 * Which tile of the Stats view is selected while the dashboard scrolls: pure helpers. The selection stays on its
 * tile while any row of the tile is on screen; when scrolling takes it away, the first tile with a row on screen
 * takes over. Moving the selection scrolls just enough to show the tile's title (and as much of the tile as fits).
 */
import type { TileSpan } from '../../stats/render.js';

export interface StatsScroll {
  top: number;
  /** Index into the tile spans. */
  selected: number;
}

const maxTop = (total: number, height: number) => Math.max(0, total - Math.max(1, height));

const visible = (tile: TileSpan, top: number, height: number) => tile.start < top + height && tile.end > top;

/** The scroll clamped to the document, with a selection that has a row on screen. */
export function clampScroll(s: StatsScroll, tiles: readonly TileSpan[], total: number, height: number): StatsScroll {
  const top = Math.min(Math.max(0, s.top), maxTop(total, height));
  if (tiles.length === 0) return { top, selected: 0 };
  let selected = Math.min(Math.max(0, s.selected), tiles.length - 1);
  if (!visible(tiles[selected]!, top, height)) {
    const first = tiles.findIndex((t) => visible(t, top, height));
    if (first >= 0) selected = first;
  }
  return { top, selected };
}

/** After the view scrolled to `top`: the selection follows if its tile left the screen. */
export function scrollTo(s: StatsScroll, top: number, tiles: readonly TileSpan[], total: number, height: number): StatsScroll {
  return clampScroll({ ...s, top }, tiles, total, height);
}

/** Selects the tile `delta` away (no wrap), scrolling so that its title is on screen and as much of it as fits. */
export function selectTile(s: StatsScroll, delta: number, tiles: readonly TileSpan[], total: number, height: number): StatsScroll {
  if (tiles.length === 0) return { top: 0, selected: 0 };
  const h = Math.max(1, height);
  const selected = Math.min(Math.max(0, s.selected + delta), tiles.length - 1);
  const tile = tiles[selected]!;
  let top = s.top;
  if (tile.start < top) top = tile.start;
  else if (tile.end > top + h) top = Math.min(tile.start, tile.end - h);
  return { top: Math.min(Math.max(0, top), maxTop(total, h)), selected };
}
