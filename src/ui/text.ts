/**
 * Styled lines for the screen, as plain data: a line is a list of segments, each with a semantic style that the
 * Lines component turns into colours (or, under NO_COLOR, into bold/underline/inverse). Pure helpers: fitting a
 * line to a width (cut with '…', padded), highlighting search matches, wrapping plain text.
 */
import { layoutPost, type RenderedPost, type StyledLine } from '../content/index.js';
import { graphemeWidth, graphemes, textWidth } from '../content/width.js';

export type Style =
  | 'text'
  | 'dim'
  | 'bold'
  | 'heading'
  | 'mention'
  | 'hashtag'
  | 'link'
  | 'code'
  | 'strong'
  | 'em'
  | 'del'
  | 'emoji'
  | 'match'
  | 'cw'
  | 'dm'
  | 'private'
  | 'key'
  | 'error'
  | 'bar';

export interface Segment {
  text: string;
  style?: Style;
}

export type Line = Segment[];

export const seg = (text: string, style: Style = 'text'): Segment => ({ text, style });

export function lineWidth(line: Line): number {
  let w = 0;
  for (const s of line) w += textWidth(s.text);
  return w;
}

/** The line cut to `width` columns ('…' marks a cut), and padded with spaces to exactly `width` when `pad`. */
export function fitLine(line: Line, width: number, pad = false): Line {
  const w = Math.max(0, Math.floor(width));
  const total = lineWidth(line);
  if (total <= w) {
    return pad && total < w ? [...line, { text: ' '.repeat(w - total), style: 'text' }] : line;
  }
  const out: Line = [];
  let used = 0;
  const room = Math.max(0, w - 1);
  outer: for (const s of line) {
    let text = '';
    for (const { segment } of graphemes(s.text)) {
      const gw = graphemeWidth(segment);
      if (used + gw > room) {
        if (text !== '') out.push({ ...s, text });
        break outer;
      }
      text += segment;
      used += gw;
    }
    if (text !== '') out.push({ ...s, text });
  }
  if (w > 0) out.push({ text: '…', style: 'dim' });
  used += w > 0 ? 1 : 0;
  if (pad && used < w) out.push({ text: ' '.repeat(w - used), style: 'text' });
  return out;
}

/** Segments split so that every case-insensitive occurrence of `term` has the 'match' style. */
export function highlightLine(line: Line, term: string | undefined): Line {
  const needle = term?.trim().toLowerCase();
  if (!needle) return line;
  const out: Line = [];
  for (const s of line) {
    const lower = s.text.toLowerCase();
    // Lower-casing can change lengths (rare: 'İ'); highlight only when it does not.
    if (lower.length !== s.text.length || !lower.includes(needle)) {
      out.push(s);
      continue;
    }
    let at = 0;
    for (let i = lower.indexOf(needle); i >= 0; i = lower.indexOf(needle, at)) {
      if (i > at) out.push({ ...s, text: s.text.slice(at, i) });
      out.push({ text: s.text.slice(i, i + needle.length), style: 'match' });
      at = i + needle.length;
    }
    if (at < s.text.length) out.push({ ...s, text: s.text.slice(at) });
  }
  return out;
}

/** A laid-out line of post content as a screen line. */
export function fromStyledLine(line: StyledLine, indent = 0): Line {
  const out: Line = [];
  const lead = ' '.repeat(indent + line.indent);
  if (lead !== '') out.push({ text: lead });
  if (line.prefix) out.push({ text: line.prefix, style: 'dim' });
  for (const span of line.spans) out.push({ text: span.text, style: span.style === 'text' ? 'text' : span.style });
  return out;
}

/** Plain text (already sanitised, '\n' kept) word-wrapped to `width`, one Line per screen line. */
export function wrapText(text: string, width: number, style: Style = 'text', indent = 0): Line[] {
  const post: RenderedPost = {
    blocks: [{ type: 'paragraph', lines: text.split('\n').map((l) => [{ text: l.replace(/\t/g, '    '), style: 'text' as const }]) }],
    links: [],
    plainText: text,
  };
  return layoutPost(post, Math.max(1, width - indent)).map((l) => {
    const line = fromStyledLine(l, indent);
    return line.map((s) => (s.style === 'text' ? { ...s, style } : s));
  });
}

/** Text cut into lines of at most `width` columns without looking for word breaks (JSON, paths). */
export function hardWrap(text: string, width: number, style: Style = 'text'): Line[] {
  const w = Math.max(1, Math.floor(width));
  const out: Line[] = [];
  for (const raw of text.split('\n')) {
    let cur = '';
    let used = 0;
    for (const { segment } of graphemes(raw)) {
      const gw = graphemeWidth(segment);
      if (used + gw > w && cur !== '') {
        out.push([{ text: cur, style }]);
        cur = '';
        used = 0;
      }
      cur += segment;
      used += gw;
    }
    out.push([{ text: cur, style }]);
  }
  return out;
}

/** A string cut to `width` columns with '…', for places that take plain text. */
export function truncate(text: string, width: number): string {
  return fitLine([{ text }], width)
    .map((s) => s.text)
    .join('');
}

/** Padded (or cut) to exactly `width` columns. */
export function padTo(text: string, width: number): string {
  return fitLine([{ text }], width, true)
    .map((s) => s.text)
    .join('');
}
