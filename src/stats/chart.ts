/**
 * Text charts: styled segments, horizontal bars drawn with eighth blocks (▏▎▍▌▋▊▉█), rows of label · number · bar,
 * and line fitting. Pure. Every chart prints its numbers next to its bars, so it reads in monochrome; colour (a tone
 * per segment) is only an extra.
 */
import { sanitizeText } from '../content/sanitize.js';
import { graphemeWidth, graphemes, textWidth } from '../content/width.js';

/** What a segment is, for colouring: the ANSI output and the Ink view map tones to their own styles. */
export type Tone = 'text' | 'dim' | 'bold' | 'heading' | 'bar' | 'boost' | 'heat';

export interface Seg {
  text: string;
  tone?: Tone;
}

export type ChartLine = Seg[];

export const s = (text: string, tone: Tone = 'text'): Seg => ({ text, tone });

export function width(line: ChartLine): number {
  let w = 0;
  for (const seg of line) w += textWidth(seg.text);
  return w;
}

export function plain(line: ChartLine): string {
  return line.map((x) => x.text).join('');
}

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/**
 * A bar for `value` on a scale where `max` fills `cells` columns, in eighths of a column. A value above zero is
 * never invisible (at least '▏'). Returns at most `cells` columns (not padded).
 */
export function bar(value: number, max: number, cells: number): string {
  if (!(value > 0) || !(max > 0) || cells <= 0) return '';
  const eighths = Math.min(cells * 8, Math.max(1, Math.round((value / max) * cells * 8)));
  return '█'.repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8];
}

/** 1234567 -> '1,234,567'. */
export function fmt(n: number): string {
  const r = Math.round(n);
  const sign = r < 0 ? '-' : '';
  return sign + String(Math.abs(r)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Share of a total: '42%', '<1%' for a small non-zero share, '' when the total is zero. */
export function pct(n: number, total: number): string {
  if (!(total > 0)) return '';
  if (n > 0 && (n / total) * 100 < 1) return '<1%';
  return `${Math.round((n / total) * 100)}%`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${fmt(n)} ${n === 1 ? one : many}`;
}

/** Text cut to `cols` columns with '…' when cut. Archive text is sanitised first. */
export function clip(text: string, cols: number): string {
  const clean = sanitizeText(text);
  if (cols <= 0) return '';
  if (textWidth(clean) <= cols) return clean;
  let out = '';
  let used = 0;
  for (const { segment } of graphemes(clean)) {
    const w = graphemeWidth(segment);
    if (used + w > cols - 1) break;
    out += segment;
    used += w;
  }
  return `${out}…`;
}

export function padEnd(text: string, cols: number): string {
  return text + ' '.repeat(Math.max(0, cols - textWidth(text)));
}

export function padStart(text: string, cols: number): string {
  return ' '.repeat(Math.max(0, cols - textWidth(text))) + text;
}

/** The line cut to `cols` columns ('…' marks a cut). */
export function fit(line: ChartLine, cols: number): ChartLine {
  const w = Math.max(0, Math.floor(cols));
  if (width(line) <= w) return line;
  const out: ChartLine = [];
  let used = 0;
  const room = Math.max(0, w - 1);
  outer: for (const seg of line) {
    let text = '';
    for (const { segment } of graphemes(seg.text)) {
      const gw = graphemeWidth(segment);
      if (used + gw > room) {
        if (text !== '') out.push({ ...seg, text });
        break outer;
      }
      text += segment;
      used += gw;
    }
    if (text !== '') out.push({ ...seg, text });
  }
  if (w > 0) out.push(s('…', 'dim'));
  return out;
}

/** Words joined with `sep`, wrapped into lines of at most `cols` columns (a word wider than a line is clipped). */
export function wrapWords(words: readonly string[], cols: number, sep = ', '): string[] {
  const lines: string[] = [];
  let current = '';
  for (let i = 0; i < words.length; i++) {
    const word = clip(words[i]!, cols - sep.trimEnd().length) + (i < words.length - 1 ? sep.trimEnd() : '');
    const candidate = current === '' ? word : `${current} ${word}`;
    if (current !== '' && textWidth(candidate) > cols) {
      lines.push(current);
      current = word;
    } else {
      current = candidate;
    }
  }
  if (current !== '') lines.push(current);
  return lines;
}

/** Bars longer than this do not read better, they only push the eye away from the numbers. */
export const MAX_BAR = 60;

export interface BarRow {
  label: string;
  value: number;
  /** Text after the bar (e.g. ' 12 without alt text'). */
  after?: string;
  tone?: Tone;
}

/**
 * Rows of `label  count  share  bar`, the bars on one scale (the largest value, or `scale` when given), labels
 * clipped to a column that leaves the bar at least a third of the width. `total` > 0 adds a share column.
 */
export function barRows(
  rows: readonly BarRow[],
  cols: number,
  options: { total?: number; scale?: number; indent?: number; maxLabel?: number } = {},
): ChartLine[] {
  if (rows.length === 0) return [];
  const indent = ' '.repeat(options.indent ?? 1);
  const total = options.total ?? 0;
  const scale = options.scale ?? Math.max(...rows.map((r) => r.value));
  const labels = rows.map((r) => sanitizeText(r.label));
  const numberCols = Math.max(...rows.map((r) => fmt(r.value).length));
  const shareCols = total > 0 ? 4 : 0;
  const afterCols = Math.max(0, ...rows.map((r) => textWidth(r.after ?? '')));
  const fixed = indent.length + 2 + numberCols + (shareCols ? 1 + shareCols : 0) + 1 + afterCols;
  const maxLabel = Math.min(options.maxLabel ?? 28, Math.max(...labels.map(textWidth), 1));
  const labelCols = Math.max(4, Math.min(maxLabel, Math.floor((cols - fixed) * 0.45)));
  const barCols = Math.max(1, Math.min(MAX_BAR, cols - fixed - labelCols));
  return rows.map((r, i) => {
    const line: ChartLine = [
      s(indent + padEnd(clip(labels[i]!, labelCols), labelCols) + '  '),
      s(padStart(fmt(r.value), numberCols), 'bold'),
    ];
    if (shareCols) line.push(s(' ' + padStart(pct(r.value, total), shareCols), 'dim'));
    const drawn = bar(r.value, scale, barCols);
    line.push(s(' '), s(drawn, r.tone ?? 'bar'));
    if (r.after) line.push(s(' '.repeat(barCols - textWidth(drawn)) + r.after, 'dim'));
    return line;
  });
}

/** A tile's title rule: '── Title ────────── note ──', the note dropped when there is no room for it. */
export function titleLine(title: string, note: string, cols: number, marker = '──'): ChartLine {
  const head = `${marker} ${title} `;
  const tail = note ? ` ${sanitizeText(note)} ──` : '';
  const room = cols - textWidth(head) - textWidth(tail);
  if (tail && room >= 2) return [s(head, 'heading'), s('─'.repeat(room), 'dim'), s(tail, 'dim')];
  const rest = Math.max(0, cols - textWidth(head));
  return fit([s(head, 'heading'), s('─'.repeat(rest), 'dim')], cols);
}

const SGR: Record<Tone, string> = {
  text: '',
  dim: '\u001b[2m',
  bold: '\u001b[1m',
  heading: '\u001b[1;36m',
  bar: '\u001b[32m',
  boost: '\u001b[35m',
  heat: '\u001b[33m',
};

/** A line as a string: plain, or with ANSI colours when `color`. */
export function lineToString(line: ChartLine, color: boolean): string {
  if (!color) return plain(line).replace(/\s+$/, '');
  let out = '';
  for (const seg of line) {
    const code = SGR[seg.tone ?? 'text'];
    out += code && seg.text.trim() !== '' ? `${code}${seg.text}\u001b[0m` : seg.text;
  }
  return out.replace(/\s+$/, '');
}
