/**
 * The result grid's layout, without Ink: column widths fitted to content, which columns fit from a scroll
 * position, cells cut to a width, and the full text of a cell or record for the viewer. Pure.
 */
import { displayCell, formatLocalTime } from '../db/format.js';
import type { Cell, Column, QueryResult } from '../db/runner.js';
import { sanitizeText } from '../content/sanitize.js';
import { graphemeWidth, graphemes, textWidth } from '../content/width.js';

/** Rows looked at to fit the widths (the first ones; enough to judge, cheap at 10,000 rows). */
export const WIDTH_SAMPLE = 1000;
export const MAX_COLUMN_WIDTH = 40;

/** Widths for each column: the widest of the header and the sampled cells, at most `max`, at least 1. */
export function columnWidths(result: QueryResult, timeZone: string, max = MAX_COLUMN_WIDTH): number[] {
  const sample = result.rows.slice(0, WIDTH_SAMPLE);
  return result.columns.map((column, i) => {
    let width = textWidth(sanitizeText(column.name));
    for (const row of sample) {
      if (width >= max) break;
      width = Math.max(width, textWidth(displayCell(row[i] ?? null, column, timeZone)));
    }
    return Math.max(1, Math.min(width, max));
  });
}

/** How many columns, starting at `first`, fit in `available` cells (one space between columns); at least one. */
export function columnsThatFit(widths: readonly number[], first: number, available: number): number {
  let used = 0;
  let count = 0;
  for (let i = first; i < widths.length; i++) {
    const need = widths[i]! + (count > 0 ? 1 : 0);
    if (count > 0 && used + need > available) break;
    used += need;
    count++;
  }
  return count;
}

/** The first column to show so that `selected` is visible, moving as little as possible from `first`. */
export function scrollColumns(widths: readonly number[], first: number, selected: number, available: number): number {
  if (selected < first) return selected;
  let start = first;
  while (start < selected && start + columnsThatFit(widths, start, available) <= selected) start++;
  return start;
}

/** Text cut to `width` columns (with '…' when cut) and padded to exactly `width`; numbers to the right. */
export function fitCell(text: string, width: number, alignRight = false): string {
  let shown = text;
  if (textWidth(text) > width) {
    shown = '';
    let used = 0;
    for (const { segment } of graphemes(text)) {
      const w = graphemeWidth(segment);
      if (used + w > width - 1) break;
      shown += segment;
      used += w;
    }
    shown += '…';
  }
  const gap = ' '.repeat(Math.max(0, width - textWidth(shown)));
  return alignRight ? gap + shown : shown + gap;
}

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL)/;

export function isNumericColumn(column: Column): boolean {
  return NUMERIC.test(column.type);
}

/** A cell in full for the viewer: text with its line breaks, lists and structs as indented JSON, times both ways. */
export function cellDetail(cell: Cell, column: Column, timeZone: string): string {
  if (cell === null) return 'NULL';
  if (typeof cell === 'string') {
    if (/^TIMESTAMP/.test(column.type)) return `${formatLocalTime(cell, timeZone)}  (${sanitizeText(cell)})`;
    return cell === '' ? "'' (empty text)" : sanitizeText(cell, { keepNewlines: true });
  }
  if (typeof cell === 'object') return sanitizeText(JSON.stringify(cell, null, 2), { keepNewlines: true });
  return String(cell);
}

/** A whole row for the viewer: one "column: value" block per column. */
export function recordDetail(result: QueryResult, row: number, timeZone: string): string {
  const values = result.rows[row] ?? [];
  return result.columns
    .map((column, i) => {
      const value = cellDetail(values[i] ?? null, column, timeZone);
      const name = sanitizeText(column.name);
      return value.includes('\n') ? `${name}:\n${value.replace(/^/gm, '  ')}` : `${name}: ${value}`;
    })
    .join('\n');
}
