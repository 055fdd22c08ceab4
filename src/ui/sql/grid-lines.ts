/**
 * The SQL pane's results as screen lines: the grid (header, separator, rows, the selected cell marked, NULL dimmed
 * so it stands apart from ''), and any text (other modes, .help) scrolled sideways. Pure.
 */
import { sanitizeText } from '../../content/sanitize.js';
import { graphemeWidth, graphemes } from '../../content/width.js';
import { displayCell } from '../../db/format.js';
import type { QueryResult } from '../../db/runner.js';
import { columnsThatFit, fitCell, isNumericColumn } from '../../sql/grid.js';
import { seg, type Line } from '../text.js';

export interface GridView {
  result: QueryResult;
  widths: number[];
  timeZone: string;
  /** Selected row and column. */
  row: number;
  col: number;
  /** First row and column on screen. */
  top: number;
  left: number;
  /** Whether the grid has the focus (the selection is drawn only then). */
  focused: boolean;
}

const SEPARATOR = ' │ ';

/** How many columns fit from `left` in `width` cells, with the separators. */
export function gridColumnsThatFit(widths: readonly number[], left: number, width: number): number {
  // Each separator takes 3 cells: count it into the column widths.
  return columnsThatFit(widths.map((w) => w + 2), left, width);
}

/** Header, rule and `rows` data rows; the selected row's index among the returned lines is 2 + (row - top). */
export function gridLines(view: GridView, width: number, rows: number): Line[] {
  const { result, widths, timeZone } = view;
  const count = gridColumnsThatFit(widths, view.left, width);
  const columns = Array.from({ length: count }, (_, i) => view.left + i);
  const lines: Line[] = [];
  const more = view.left + count < widths.length;
  const header: Line = [];
  columns.forEach((c, i) => {
    if (i > 0) header.push(seg(SEPARATOR, 'dim'));
    header.push(seg(fitCell(sanitizeText(result.columns[c]!.name), widths[c]!), 'bold'));
  });
  if (view.left > 0) header.unshift(seg('‹', 'dim'));
  if (more) header.push(seg(' ›', 'dim'));
  lines.push(header);
  lines.push([seg((view.left > 0 ? '─' : '') + columns.map((c) => '─'.repeat(widths[c]!)).join('─┼─'), 'dim')]);
  const end = Math.min(result.rows.length, view.top + rows);
  for (let r = view.top; r < end; r++) {
    const values = result.rows[r]!;
    const line: Line = [];
    if (view.left > 0) line.push(seg(' ', 'dim'));
    columns.forEach((c, i) => {
      if (i > 0) line.push(seg(SEPARATOR, 'dim'));
      const column = result.columns[c]!;
      const cell = values[c] ?? null;
      const text = fitCell(displayCell(cell, column, timeZone), widths[c]!, isNumericColumn(column));
      const selectedCell = view.focused && r === view.row && c === view.col;
      line.push(seg(text, selectedCell ? 'match' : cell === null ? 'dim' : 'text'));
    });
    lines.push(line);
  }
  if (result.rows.length === 0) lines.push([seg('(no rows)', 'dim')]);
  return lines;
}

/** A line of text from column `left` on (for wide text results scrolled sideways). */
export function sliceColumns(text: string, left: number): string {
  if (left <= 0) return text;
  let skipped = 0;
  let out = '';
  for (const { segment } of graphemes(text)) {
    if (skipped < left) {
      skipped += graphemeWidth(segment);
      continue;
    }
    out += segment;
  }
  return out;
}

/** Text (sanitised line by line) from row `top` and column `left`. */
export function textLines(text: string[], top: number, left: number, rows: number, style: 'text' | 'dim' = 'text'): Line[] {
  return text.slice(top, top + rows).map((l) => [seg(sliceColumns(sanitizeText(l), left), style)]);
}
