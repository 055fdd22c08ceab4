/**
 * Turns post HTML into blocks with one pass of htmlparser2's event parser. Nesting is kept on explicit stacks
 * (no recursion over the document), so no input, however deep or broken, can overflow the call stack.
 */
import { Parser } from 'htmlparser2';
import { sanitizeText } from './sanitize.js';
import type { Block, PostLink, Span, SpanStyle } from './types.js';
import {
  BOUNDARY, HEADING, INLINE_STYLE, SKIP, collapse, finishCode, hasToken, linkKind, splitEmoji,
} from './html-rules.js';
import { BlockTree, LinkRegistry, renumberLinks, type Container, type Flow } from './html-tree.js';

interface LinkState {
  href: string;
  kind: PostLink['kind'];
  visible: string;
  full: string;
  ellipsis: boolean;
  invisible: number;
}

const F_SKIP = 1, F_STYLE = 2, F_LINK = 4, F_INVISIBLE = 8, F_BOUNDARY = 16, F_HEADING = 32, F_PRE = 64,
  F_CELL = 128, F_HCARD = 256;

interface Frame {
  flags: number;
  container?: Container;
  heading?: Flow;
}

/**
 * How many elements may be open at once. htmlparser2 keeps its open elements in an array it grows at the front,
 * so each open tag costs time in proportion to the depth: 200,000 nested `<b>` (600 KB of HTML) took 13 s. Past
 * this depth every further tag is treated as empty (void) and closing tags are ignored, so the rest of the post
 * becomes plain text in the innermost element and the work stays linear. Real posts nest a few levels.
 */
export const MAX_OPEN_ELEMENTS = 512;

/** htmlparser2's parser with the nesting bound above. */
class BoundedParser extends Parser {
  override isVoidElement(name: string): boolean {
    const open = (this as unknown as { stack: unknown[] }).stack;
    return super.isVoidElement(name) || open.length >= MAX_OPEN_ELEMENTS;
  }
}

/**
 * How much of a post's HTML is read. Parsing costs about 20 bytes of memory per byte of HTML (a 50 MB post needed
 * over 1 GB), and no real post comes near this: Mastodon's limit is 500 characters, forks allow some 100,000.
 * The rest of a longer post is left out, and a last paragraph says how much.
 */
export const MAX_HTML_CHARS = 1024 * 1024;

export interface BuildResult {
  blocks: Block[];
  links: PostLink[];
  external: string[];
  /** Full text of link spans whose shown text is shortened (for the plain text). */
  fullText: Map<Span, string>;
}

export function buildBlocks(html: string, emoji: ReadonlySet<string> | undefined): BuildResult {
  const tree = new BlockTree();
  const registry = new LinkRegistry();
  const frames: Frame[] = [];
  const styles: SpanStyle[] = [];
  const fullText = new Map<Span, string>();
  let skip = 0;
  let hcard = 0;
  let pre = 0;
  let preText = '';
  let link: LinkState | null = null;

  function appendText(raw: string, style: SpanStyle): void {
    const text = collapse(raw);
    if (text === '') return;
    if (text === ' ') {
      if (tree.inParagraph()) tree.pushSpan({ text, style });
      return;
    }
    const safe = sanitizeText(text);
    if (emoji === undefined || emoji.size === 0 || style === 'code' || !safe.includes(':')) {
      tree.pushSpan({ text: safe, style });
      return;
    }
    for (const [piece, isEmoji] of splitEmoji(safe, emoji)) {
      tree.pushSpan({ text: piece, style: isEmoji ? 'emoji' : style });
    }
  }

  function finishLink(l: LinkState): void {
    const visible = sanitizeText(collapse(l.visible).trim());
    const full = sanitizeText(collapse(l.full).trim());
    const shown = visible !== '' ? visible + (l.ellipsis ? '…' : '') : full;
    const index = registry.register(l.href, l.kind, shown);
    if (shown === '') return;
    const span: Span = { text: shown, style: l.kind, href: l.href };
    if (index !== undefined) span.linkIndex = index;
    if (full !== shown && full !== '') fullText.set(span, full);
    tree.pushSpan(span);
  }

  function imageText(attribs: Record<string, string>): void {
    const alt = collapse(attribs.alt ?? attribs.title ?? '').trim();
    if (alt === '') return;
    if (link !== null) {
      link.full += alt;
      if (link.invisible === 0) link.visible += alt;
      return;
    }
    const isEmoji = hasToken(attribs.class, 'emoji') || hasToken(attribs.class, 'custom-emoji') ||
      /^:[A-Za-z0-9_]+:$/.test(alt);
    if (isEmoji) tree.pushSpan({ text: sanitizeText(alt), style: 'emoji' });
    else appendText(alt, styles[styles.length - 1] ?? 'text');
  }

  function onopentag(name: string, attribs: Record<string, string>): void {
    const frame: Frame = { flags: 0 };
    frames.push(frame);
    if (skip > 0 || SKIP.has(name)) {
      frame.flags = F_SKIP;
      skip++;
      return;
    }
    if (name === 'span' && hasToken(attribs.class, 'h-card')) {
      frame.flags |= F_HCARD;
      hcard++;
    }
    if (pre > 0) {
      if (name === 'br') preText += '\n';
      else if (name === 'a' && attribs.href !== undefined) registry.register(attribs.href, linkKind(attribs, hcard > 0), '');
      return;
    }
    if (link !== null) {
      if (name === 'span') {
        if (hasToken(attribs.class, 'invisible')) {
          frame.flags |= F_INVISIBLE;
          link.invisible++;
        }
        if (hasToken(attribs.class, 'ellipsis')) link.ellipsis = true;
      } else if (name === 'br') {
        link.full += ' ';
        link.visible += ' ';
      } else if (name === 'img') imageText(attribs);
      return;
    }
    if (name === 'br') return tree.lineBreak();
    if (name === 'img') return imageText(attribs);
    if (name === 'a') {
      if (attribs.href !== undefined) {
        frame.flags |= F_LINK;
        const kind = linkKind(attribs, hcard > 0);
        link = { href: attribs.href, kind, visible: '', full: '', ellipsis: false, invisible: 0 };
      }
      return;
    }
    const style = INLINE_STYLE[name];
    if (style !== undefined) {
      frame.flags |= F_STYLE;
      styles.push(style);
      return;
    }
    if (name === 'pre') {
      tree.flushInline(tree.flow());
      frame.flags |= F_PRE;
      pre = 1;
      preText = '';
      return;
    }
    if (HEADING.has(name)) {
      const f = tree.flow();
      tree.flushInline(f);
      f.heading++;
      frame.flags |= F_HEADING;
      frame.heading = f;
      return;
    }
    const structural = name === 'blockquote' || name === 'ul' || name === 'ol' || name === 'li';
    if (structural) {
      frame.container = name === 'li' ? tree.openItem() : tree.open(name === 'blockquote' ? 'quote' : name);
      if (frame.container !== undefined) return;
    }
    if (structural || BOUNDARY.has(name)) {
      tree.flushTop();
      frame.flags |= F_BOUNDARY;
      return;
    }
    if (name === 'td' || name === 'th') frame.flags |= F_CELL;
  }

  function onclosetag(): void {
    const frame = frames.pop();
    if (frame === undefined) return;
    const flags = frame.flags;
    if (flags & F_SKIP) {
      skip--;
      return;
    }
    if (flags & F_HCARD) hcard--;
    if (flags & F_INVISIBLE && link !== null) link.invisible--;
    if (flags & F_LINK && link !== null) {
      const l = link;
      link = null;
      finishLink(l);
    }
    if (flags & F_STYLE) styles.pop();
    if (flags & F_PRE) {
      pre = 0;
      const text = finishCode(preText);
      preText = '';
      if (text !== '') tree.addBlock({ type: 'code', text });
    }
    if (flags & F_HEADING && frame.heading !== undefined) {
      tree.flushInline(frame.heading);
      frame.heading.heading--;
    }
    if (flags & F_BOUNDARY) tree.flushTop();
    if (flags & F_CELL) appendText(' ', 'text');
    if (frame.container !== undefined) tree.close(frame.container);
  }

  function ontext(data: string): void {
    if (skip > 0) return;
    if (pre > 0) {
      preText += data;
      return;
    }
    if (link !== null) {
      link.full += data;
      if (link.invisible === 0) link.visible += data;
      return;
    }
    appendText(data, styles[styles.length - 1] ?? 'text');
  }

  const cut = html.length > MAX_HTML_CHARS;
  try {
    const parser = new BoundedParser({ onopentag, onclosetag, ontext }, { decodeEntities: true });
    parser.end(cut ? html.slice(0, MAX_HTML_CHARS) : html);
  } catch {
    // A parser failure keeps what was built so far; the rest of the post is dropped.
  }
  // The parser closes every open element at the end; this only matters if it stopped early.
  if (link !== null) finishLink(link as LinkState);
  if (pre > 0) {
    const text = finishCode(preText);
    if (text !== '') tree.addBlock({ type: 'code', text });
  }
  const blocks = tree.finish();
  renumberLinks(blocks, registry.externalFirst());
  if (cut) {
    const more = (html.length - MAX_HTML_CHARS).toLocaleString('en-US');
    blocks.push({ type: 'paragraph', lines: [[{ text: `[post cut here: ${more} more characters of HTML not shown]`, style: 'text' }]] });
  }
  return { blocks, links: registry.links, external: registry.external, fullText };
}
