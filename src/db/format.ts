/**
 * Query results as text: table (box drawing, for people), csv (RFC 4180), json (an array of row objects) and
 * markdown. Pure. Table and markdown output are for terminals, so every string is sanitised. json keeps the data
 * exactly and is still safe on a terminal: JSON.stringify escapes C0 controls and lone surrogates, and the C1 and
 * bidi controls are escaped here as \uXXXX. csv cannot escape anything: it keeps the data as it is for pipes and
 * files, and is sanitised like the table when it goes to a terminal (FormatOptions.terminal).
 */
import stringWidth from 'string-width';
import { sanitizeText } from '../content/sanitize.js';
import type { Cell, Column, QueryResult } from './runner.js';

export const OUTPUT_FORMATS = ['table', 'csv', 'json', 'markdown'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

const TIME_TYPES = new Set(['TIMESTAMP WITH TIME ZONE', 'TIMESTAMP']);
const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL)/;

/** One formatter per time zone: building an Intl.DateTimeFormat costs far more than using one. */
const timeFormatters = new Map<string, Intl.DateTimeFormat>();

function timeFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = timeFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    });
    timeFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/** "2024-07-23T18:39:06Z" in a time zone as "2024-07-23 20:39:06 +02:00" (or UTC's "+00:00"). */
export function formatLocalTime(iso: string, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const parts = Object.fromEntries(
    timeFormatter(timeZone)
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  const offset = (parts.timeZoneName ?? 'GMT').replace('GMT', '') || '+00:00';
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second} ${offset}`;
}

/** One cell as display text (table, markdown, the SQL pane's grid). NULL is shown apart from ''. */
export function displayCell(cell: Cell, column: Column, timeZone: string): string {
  if (cell === null) return 'NULL';
  if (typeof cell === 'string') {
    if (TIME_TYPES.has(column.type)) return formatLocalTime(cell, timeZone);
    return sanitizeText(cell);
  }
  if (typeof cell === 'number' || typeof cell === 'boolean') return String(cell);
  return sanitizeText(JSON.stringify(cell));
}

export interface FormatOptions {
  /** The text is printed to a terminal: csv fields are sanitised (newlines and tabs kept), as csv cannot escape. */
  terminal?: boolean;
}

function csvField(cell: Cell, terminal: boolean): string {
  if (cell === null) return '';
  const raw = typeof cell === 'object' ? JSON.stringify(cell) : String(cell);
  const text = terminal ? sanitizeText(raw, { keepNewlines: true }) : raw;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export function formatCsv(result: QueryResult, options: FormatOptions = {}): string {
  const field = (cell: Cell) => csvField(cell, options.terminal === true);
  const lines = [result.columns.map((c) => field(c.name)).join(',')];
  for (const row of result.rows) lines.push(row.map(field).join(','));
  return lines.join('\n') + '\n';
}

/** The C1 controls and bidi controls, which JSON.stringify leaves as they are (the C0 ones it escapes itself). */
const JSON_UNESCAPED_CONTROLS = /[\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

export function formatJson(result: QueryResult): string {
  const objects = result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c.name, row[i] ?? null])));
  // Outside strings JSON holds only ASCII punctuation, digits and letters: each match is inside a string.
  const text = JSON.stringify(objects).replace(JSON_UNESCAPED_CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return text + '\n';
}

function truncateToWidth(text: string, width: number): string {
  if (stringWidth(text) <= width) return text;
  let out = '';
  for (const ch of text) {
    if (stringWidth(out + ch) > width - 1) break;
    out += ch;
  }
  return out + '…';
}

function pad(text: string, width: number, right: boolean): string {
  const gap = ' '.repeat(Math.max(0, width - stringWidth(text)));
  return right ? gap + text : text + gap;
}

export function formatTable(result: QueryResult, options: { timeZone: string; maxCellWidth?: number }): string {
  const maxCell = options.maxCellWidth ?? 60;
  const header = result.columns.map((c) => sanitizeText(c.name));
  const body = result.rows.map((row) =>
    row.map((cell, i) => truncateToWidth(displayCell(cell, result.columns[i]!, options.timeZone), maxCell)),
  );
  const numeric = result.columns.map((c) => NUMERIC.test(c.type));
  const widths = header.map((h, i) => Math.max(stringWidth(h), ...body.map((r) => stringWidth(r[i]!)), 1));
  const rule = (l: string, m: string, r: string) => l + widths.map((w) => '─'.repeat(w + 2)).join(m) + r;
  const line = (cells: string[], alignNumbers: boolean) =>
    '│' + cells.map((c, i) => ` ${pad(c, widths[i]!, alignNumbers && numeric[i]!)} `).join('│') + '│';
  const out = [rule('┌', '┬', '┐'), line(header, false), rule('├', '┼', '┤')];
  for (const row of body) out.push(line(row, true));
  out.push(rule('└', '┴', '┘'));
  const count = result.rows.length;
  out.push(`${count} ${count === 1 ? 'row' : 'rows'}${result.truncated ? ` (more exist; only the first ${count} are shown)` : ''}`);
  return out.join('\n') + '\n';
}

function markdownCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
}

export function formatMarkdown(result: QueryResult, options: { timeZone: string }): string {
  const header = result.columns.map((c) => markdownCell(sanitizeText(c.name)));
  const numeric = result.columns.map((c) => NUMERIC.test(c.type));
  const out = [`| ${header.join(' | ')} |`, `| ${numeric.map((n) => (n ? '---:' : '---')).join(' | ')} |`];
  for (const row of result.rows) {
    out.push(`| ${row.map((cell, i) => markdownCell(displayCell(cell, result.columns[i]!, options.timeZone))).join(' | ')} |`);
  }
  return out.join('\n') + '\n';
}

export function formatResult(result: QueryResult, format: OutputFormat, timeZone: string, options: FormatOptions = {}): string {
  switch (format) {
    case 'csv':
      return formatCsv(result, options);
    case 'json':
      return formatJson(result);
    case 'markdown':
      return formatMarkdown(result, { timeZone });
    default:
      return formatTable(result, { timeZone });
  }
}
