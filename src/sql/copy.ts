/**
 * What `y` copies from a result (the App puts it on the clipboard with OSC 52). Copied text is stripped of terminal
 * controls like everything shown, since it will be pasted into a terminal sooner or later. Pure.
 */
import { sanitizeText } from '../content/sanitize.js';
import { formatResult, type OutputFormat } from '../db/format.js';
import type { Cell, QueryResult } from '../db/runner.js';

/** Terminals drop larger OSC 52 payloads; past this the copy is refused rather than cut. */
export const COPY_LIMIT = 100_000;

function plain(cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell === 'object') return JSON.stringify(cell);
  return String(cell);
}

/** One cell's value as text: NULL is empty, lists and structs are JSON. */
export function cellCopyText(cell: Cell): string {
  return sanitizeText(plain(cell), { keepNewlines: true });
}

/**
 * One row in the current mode: table mode copies tab-separated values (ready to paste into a spreadsheet); csv,
 * json and markdown copy what `.export` would write for that row alone (without the header for csv).
 */
export function rowCopyText(result: QueryResult, row: number, mode: OutputFormat, timeZone: string): string {
  const values = result.rows[row] ?? [];
  if (mode === 'table') return values.map((v) => sanitizeText(plain(v))).join('\t');
  const one: QueryResult = { ...result, rows: [values], truncated: false };
  let text = formatResult(one, mode, timeZone).replace(/\n$/, '');
  if (mode === 'csv') text = text.split('\n').slice(1).join('\n');
  if (mode === 'json') text = JSON.stringify(JSON.parse(text)[0]);
  if (mode === 'markdown') text = text.split('\n').slice(2).join('\n');
  return sanitizeText(text, { keepNewlines: true });
}
