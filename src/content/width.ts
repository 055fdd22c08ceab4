/** Terminal column widths of text, measured per grapheme with string-width (CJK and emoji take 2 columns). */
import stringWidth from 'string-width';

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Widths of graphemes that are not plain ASCII, remembered (bounded) because string-width is not cheap. */
const cache = new Map<string, number>();
const CACHE_LIMIT = 4096;

/** Columns one grapheme takes. */
export function graphemeWidth(g: string): number {
  if (g.length === 1) {
    const c = g.charCodeAt(0);
    if (c >= 0x20 && c < 0x7f) return 1;
  }
  let w = cache.get(g);
  if (w === undefined) {
    w = stringWidth(g);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(g, w);
  }
  return w;
}

/** True when every character is printable ASCII, so that each is one grapheme of one column. */
export function isPlainAscii(s: string): boolean {
  return /^[\x20-\x7e]*$/.test(s);
}

/**
 * Characters that may join a neighbour into one grapheme (marks, joiners, controls, format characters, Hangul
 * jamo and syllables, the few letters that are SpacingMark or Prepend, everything outside the BMP), plus
 * unassigned ones. Two characters that are both outside this class always have a grapheme break between them
 * (no rule of UAX #29 joins them), which lets most text skip Intl.Segmenter.
 */
const JOINING =
  '\\p{M}\\p{Cc}\\p{Cf}\\p{Cn}\\p{Zl}\\p{Zp}\\u0E33\\u0EB3\\u0D4E\\uFF9E\\uFF9F\\u1100-\\u11FF\\uA960-\\uA97F\\uAC00-\\uD7FF' +
  '\\uD800-\\uDFFF\\u{10000}-\\u{10FFFF}';
const JOINING_RE = new RegExp(`[${JOINING}]`, 'gu');
const TWO_PLAIN_RE = new RegExp(`[^${JOINING}][^${JOINING}]`, 'gu');

/** The graphemes of a string, with their start offsets (the same cuts as Intl.Segmenter, found faster). */
export function* graphemes(s: string): Generator<{ segment: string; index: number }> {
  if (isPlainAscii(s)) {
    for (let i = 0; i < s.length; i++) yield { segment: s[i]!, index: i };
    return;
  }
  let i = 0;
  while (i < s.length) {
    JOINING_RE.lastIndex = i;
    const m = JOINING_RE.exec(s);
    if (m === null) {
      for (; i < s.length; i++) yield { segment: s[i]!, index: i };
      return;
    }
    // Plain characters one by one, up to the one before the joining character (which may be its base).
    const start = m.index > i ? m.index - 1 : m.index;
    for (; i < start; i++) yield { segment: s[i]!, index: i };
    // The window ends between the next two plain characters, where a break is certain.
    TWO_PLAIN_RE.lastIndex = m.index + m[0].length;
    const pair = TWO_PLAIN_RE.exec(s);
    const end = pair === null ? s.length : pair.index + 1;
    for (const { segment, index } of segmenter.segment(s.slice(start, end))) {
      yield { segment, index: start + index };
    }
    i = end;
  }
}

/** Columns a string takes. */
export function textWidth(s: string): number {
  if (isPlainAscii(s)) return s.length;
  let w = 0;
  for (const { segment } of graphemes(s)) w += graphemeWidth(segment);
  return w;
}

/** Tabs replaced by spaces up to the next multiple of `tabSize` columns, line by line. */
export function expandTabs(text: string, tabSize = 4): string {
  if (!text.includes('\t')) return text;
  return text
    .split('\n')
    .map((line) => {
      if (!line.includes('\t')) return line;
      const pieces = line.split('\t');
      let out = pieces[0]!;
      let col = textWidth(out);
      for (const piece of pieces.slice(1)) {
        const n = tabSize - (col % tabSize);
        out += ' '.repeat(n) + piece;
        col += n + textWidth(piece);
      }
      return out;
    })
    .join('\n');
}
