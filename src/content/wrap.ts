/**
 * Lays a parsed post out for a terminal of a given width: word wrap measured in columns (CJK and emoji take 2),
 * a blank line between blocks, '│ ' before quoted lines, bullets or numbers before list items, code kept
 * verbatim and cut at the width. No line is ever wider than the width.
 */
import type { Block, RenderedPost, Span } from './types.js';
import { sanitizeText } from './sanitize.js';
import { expandTabs, graphemeWidth, graphemes, textWidth } from './width.js';

export interface StyledLine {
  spans: Span[];
  /** Spaces before the prefix. */
  indent: number;
  /** Drawn after the indent, before the spans: e.g. '│ ' for quotes, '• ' or '1. ' for list items. */
  prefix?: string;
}

const QUOTE_MARK = '│ ';
const BULLETS = ['•', '◦', '▪'];
/** Characters that should not start a line (they stay with the word before them). */
const NO_BREAK_BEFORE = new Set([...'、。，．・：；？！）」』】〕〉》〗〙〛’”ー～…‥々ゝゞヽヾ,.!?:;)]}%']);
/** Characters that should not end a line (they stay with the word after them). */
const NO_BREAK_AFTER = new Set([...'（「『【〔〈《〖〘〚‘“([{']);

interface Margin {
  first: string;
  rest: string;
}

/** A grapheme with its width and the index of the span it came from. */
interface Piece {
  g: string;
  w: number;
  owner: number;
}

interface Word {
  pre: Piece[];
  preW: number;
  body: Piece[];
  bodyW: number;
  open: boolean; // a following narrow character joins the body
  opener: boolean; // the body ends with an opening bracket: whatever follows joins it
}

export function layoutPost(post: RenderedPost, width: number): StyledLine[] {
  const w = Number.isFinite(width) ? Math.max(1, Math.floor(width)) : 80;
  const out: StyledLine[] = [];
  layoutBlocks(post.blocks, { first: '', rest: '' }, w, out, 0);
  return out;
}

function layoutBlocks(blocks: Block[], margin: Margin, width: number, out: StyledLine[], listDepth: number): void {
  blocks.forEach((block, i) => {
    if (i > 0) out.push(row([], margin.rest, width));
    layoutBlock(block, i === 0 ? margin : { first: margin.rest, rest: margin.rest }, width, out, listDepth);
  });
}

function layoutBlock(block: Block, margin: Margin, width: number, out: StyledLine[], listDepth: number): void {
  const used = Math.max(textWidth(fitMargin(margin.first, width)), textWidth(fitMargin(margin.rest, width)));
  const avail = Math.max(1, width - used);
  let first = true;
  const emit = (spans: Span[]): void => {
    const m = first ? margin.first : margin.rest;
    first = false;
    out.push(row(spans, m, width));
  };
  switch (block.type) {
    case 'paragraph':
    case 'heading': {
      for (const line of block.lines) {
        const spans = block.type === 'heading'
          ? line.map((s) => (s.style === 'text' ? { ...s, style: 'strong' as const } : s))
          : line;
        const rows = wrapLine(spans, avail);
        if (rows.length === 0) emit([]);
        for (const r of rows) emit(r);
      }
      return;
    }
    case 'code': {
      for (const line of expandTabs(block.text).split('\n')) {
        const cut = cutToWidth(sanitizeText(line), avail);
        emit(cut === '' ? [] : [{ text: cut, style: 'code' }]);
      }
      return;
    }
    case 'quote': {
      const inner = { first: margin.first + QUOTE_MARK, rest: margin.rest + QUOTE_MARK };
      if (block.blocks.length === 0) emit([]);
      else layoutBlocks(block.blocks, inner, width, out, listDepth);
      return;
    }
    case 'list': {
      block.items.forEach((item, i) => {
        const marker = block.ordered ? `${i + 1}. ` : `${BULLETS[listDepth % BULLETS.length]} `;
        const lead = i === 0 ? margin.first : margin.rest;
        const inner = { first: lead + marker, rest: margin.rest + ' '.repeat(textWidth(marker)) };
        if (item.length === 0) out.push(row([], inner.first, width));
        else layoutBlocks(item, inner, width, out, listDepth + 1);
      });
      return;
    }
  }
}

/**
 * A margin cut to at most half the width, so that text always keeps room; a cut margin ends at the end of a
 * mark ('│ │ ' rather than '│ │ │').
 */
function fitMargin(margin: string, width: number): string {
  const max = Math.floor(width / 2);
  if (textWidth(margin) <= max) return margin;
  const cut = cutToWidth(margin, max);
  return cut.endsWith(' ') ? cut : cut.slice(0, cut.lastIndexOf(' ') + 1);
}

function row(spans: Span[], margin: string, width: number): StyledLine {
  const fitted = fitMargin(margin, width);
  const m = spans.length === 0 ? fitted.trimEnd() : fitted;
  const trimmed = m.replace(/^ +/, '');
  const line: StyledLine = { spans, indent: m.length - trimmed.length };
  if (trimmed !== '') line.prefix = trimmed;
  return line;
}

/** The longest start of `text` that fits in `width` columns, cut between graphemes. */
function cutToWidth(text: string, width: number): string {
  if (textWidth(text) <= width) return text;
  let used = 0;
  let end = 0;
  for (const { segment, index } of graphemes(text)) {
    const w = graphemeWidth(segment);
    if (used + w > width) break;
    used += w;
    end = index + segment.length;
  }
  return text.slice(0, end);
}

/** One line of spans word-wrapped to `avail` columns; each row is a list of spans with their styles kept. */
function wrapLine(line: Span[], avail: number): Span[][] {
  // Parsed posts are already safe; this keeps the promise for spans made elsewhere.
  const spans = line.map((s) => {
    const safe = sanitizeText(s.text);
    return safe === s.text ? s : { ...s, text: safe };
  });
  const words = toWords(spans);
  const rows: Piece[][] = [];
  let cur: Piece[] = [];
  let curW = 0;
  const newRow = (): void => {
    if (cur.length > 0) rows.push(cur);
    cur = [];
    curW = 0;
  };
  for (const word of words) {
    if (cur.length > 0 && curW + word.preW + word.bodyW > avail) newRow();
    if (cur.length > 0) {
      cur.push(...word.pre);
      curW += word.preW;
    }
    if (word.bodyW <= avail - curW) {
      cur.push(...word.body);
      curW += word.bodyW;
      continue;
    }
    // Longer than a whole line: break inside the word.
    for (const p of word.body) {
      if (curW + p.w > avail) newRow();
      const piece = p.w > avail ? { g: '…', w: 1, owner: p.owner } : p;
      cur.push(piece);
      curW += piece.w;
    }
  }
  newRow();
  return rows.map((r) => toSpans(r, spans));
}

function toWords(spans: Span[]): Word[] {
  // Graphemes are cut from the whole line, so that one that straddles two spans (a letter and its combining
  // mark, an emoji and its variation selector) is measured as one; it belongs to the span where it starts.
  const text = spans.map((s) => s.text).join('');
  const ends: number[] = [];
  let offset = 0;
  for (const s of spans) ends.push((offset += s.text.length));
  const words: Word[] = [];
  let pre: Piece[] = [];
  let preW = 0;
  let word: Word | undefined;
  let owner = 0;
  for (const { segment, index } of graphemes(text)) {
    while (owner < ends.length - 1 && index >= ends[owner]!) owner++;
    const piece: Piece = { g: segment, w: graphemeWidth(segment), owner };
    if (/^\s+$/u.test(segment)) {
      word = undefined;
      pre.push(piece);
      preW += piece.w;
      continue;
    }
    const wide = piece.w >= 2;
    const glue = word !== undefined && (word.opener || (word.open && !wide) || NO_BREAK_BEFORE.has(segment));
    if (glue && word !== undefined) {
      word.body.push(piece);
      word.bodyW += piece.w;
    } else {
      word = { pre, preW, body: [piece], bodyW: piece.w, open: true, opener: false };
      words.push(word);
      pre = [];
      preW = 0;
    }
    // A wide character (CJK, emoji) ends its word: a line may break after it, unless it opens a bracket.
    word.opener = NO_BREAK_AFTER.has(segment);
    word.open = !wide;
  }
  return words;
}

function toSpans(pieces: Piece[], source: Span[]): Span[] {
  const out: Span[] = [];
  let owner = -1;
  let text = '';
  const flush = (): void => {
    if (owner >= 0 && text !== '') out.push({ ...source[owner]!, text });
  };
  for (const p of pieces) {
    if (p.owner !== owner) {
      flush();
      owner = p.owner;
      text = '';
    }
    text += p.g;
  }
  flush();
  return out;
}
