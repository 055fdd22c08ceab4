/**
 * Moving through lists and documents with the same keys everywhere (j/k and arrows, PgUp/PgDn/Space, g/G/Home/End):
 * pure state functions, plus the commands that bind them, ready for useCommands.
 */
import { useCallback, useState } from 'react';
import type { RunnableCommand } from '../commands.js';

export interface ListPosition {
  selected: number;
  top: number;
}

/** Clamps a selection and keeps it visible in a window of `height` rows. */
export function clampList(pos: ListPosition, count: number, height: number): ListPosition {
  const h = Math.max(1, height);
  if (count <= 0) return { selected: 0, top: 0 };
  const selected = Math.min(Math.max(0, pos.selected), count - 1);
  let top = Math.min(Math.max(0, pos.top), Math.max(0, count - h));
  if (selected < top) top = selected;
  if (selected >= top + h) top = selected - h + 1;
  return { selected, top };
}

export type Move = 'down' | 'up' | 'pagedown' | 'pageup' | 'top' | 'bottom';

export function moveList(pos: ListPosition, move: Move, count: number, height: number): ListPosition {
  const h = Math.max(1, height);
  switch (move) {
    case 'down':
      return clampList({ ...pos, selected: pos.selected + 1 }, count, h);
    case 'up':
      return clampList({ ...pos, selected: pos.selected - 1 }, count, h);
    case 'pagedown':
      return clampList({ selected: pos.selected + h, top: pos.top + h }, count, h);
    case 'pageup':
      return clampList({ selected: pos.selected - h, top: pos.top - h }, count, h);
    case 'top':
      return clampList({ selected: 0, top: 0 }, count, h);
    case 'bottom':
      return clampList({ selected: count - 1, top: count - h }, count, h);
  }
}

/** A scroll offset for a document of `total` lines shown `height` at a time. */
export function moveDoc(top: number, move: Move, total: number, height: number): number {
  const h = Math.max(1, height);
  const max = Math.max(0, total - h);
  const next =
    move === 'down' ? top + 1
    : move === 'up' ? top - 1
    : move === 'pagedown' ? top + Math.max(1, h - 1)
    : move === 'pageup' ? top - Math.max(1, h - 1)
    : move === 'top' ? 0
    : max;
  return Math.min(Math.max(0, next), max);
}

const MOVES: { move: Move; keys: string[]; list: string; doc: string; hint?: boolean }[] = [
  { move: 'down', keys: ['j', 'down'], list: 'next row', doc: 'scroll down' },
  { move: 'up', keys: ['k', 'up'], list: 'previous row', doc: 'scroll up' },
  { move: 'pagedown', keys: ['pagedown', 'space', 'ctrl+f'], list: 'next page', doc: 'next page' },
  { move: 'pageup', keys: ['pageup', 'b', 'ctrl+b'], list: 'previous page', doc: 'previous page' },
  { move: 'top', keys: ['g', 'home'], list: 'first row', doc: 'top' },
  { move: 'bottom', keys: ['G', 'end'], list: 'last row', doc: 'bottom' },
];

/** The six movement commands of a scope, for a list (selection) or a document (scroll). */
export function movementCommands(scope: string, kind: 'list' | 'doc', apply: (move: Move) => void): RunnableCommand[] {
  return MOVES.map((m) => ({
    id: `${scope}.${m.move}`,
    keys: m.keys,
    description: kind === 'list' ? m.list : m.doc,
    scope,
    run: () => apply(m.move),
  }));
}

/** Selection state of a simple in-memory list. */
export function useListPosition(count: number, height: number): [ListPosition, (move: Move) => void, (index: number) => void] {
  const [pos, setPos] = useState<ListPosition>({ selected: 0, top: 0 });
  const current = clampList(pos, count, height);
  const move = useCallback((m: Move) => setPos((p) => moveList(clampList(p, count, height), m, count, height)), [count, height]);
  const select = useCallback(
    (index: number) => setPos((p) => clampList({ selected: index, top: p.top }, count, height)),
    [count, height],
  );
  return [current, move, select];
}

/** Scroll state of a document. */
export function useDocScroll(total: number, height: number): [number, (move: Move) => void, (top: number) => void] {
  const [top, setTop] = useState(0);
  const max = Math.max(0, total - Math.max(1, height));
  const current = Math.min(top, max);
  const move = useCallback((m: Move) => setTop((t) => moveDoc(Math.min(t, max), m, total, height)), [total, height, max]);
  return [current, move, setTop];
}
