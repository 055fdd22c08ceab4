/**
 * A lean, single-pass scanner for the plain text and external links of post HTML in the subset Mastodon itself
 * writes: <p>, <br>, <a href> and <span> (h-card, invisible, ellipsis), double- or single-quoted attributes and the
 * entities &amp; &lt; &gt; &quot; &apos; &nbsp; and numeric ones. It gives exactly what htmlToPlainText and
 * extractExternalLinks get from the full block builder (html-builder.ts), or undefined for anything outside the
 * subset (any other element, a comment, an unknown entity, a <p> that is not at the top level, a tag left open or
 * closed out of order, ...), and the caller then runs the full builder. Equality with the builder is checked on every
 * post of the shared corpus, on generated posts and on random markup (test/content/html-plain.test.ts).
 *
 * Why: the loader needs only the plain text and the links of each post, and building the whole block tree for that
 * was 1.45 s of a 6.5 s cold load of a 100k-post archive (CPU profile). On the generated posts this scanner takes
 * 3.6-4.7 µs a post against 13-16 µs for the builder, so about 0.3 s for the 85k posts (docs/PERFORMANCE.md). The
 * common tags are matched by their exact text first; attributes are read by hand (the sticky-regex version was
 * twice as slow).
 *
 * How it matches the builder (see html-builder.ts / html-tree.ts): text runs are whitespace-collapsed and sanitised
 * one run at a time; a run that starts with a space loses it at the start of a line or after a space; trailing spaces
 * of a line are dropped at a line break and at the end of a paragraph, as are leading and trailing empty lines; a lone
 * space does not open a paragraph. A link adds its full text (invisible parts included), collapsed, trimmed and
 * sanitised, and nothing when that is empty. Paragraphs are joined by a blank line and the whole is trimmed.
 */
import { collapse } from './html-rules.js';
import { sanitizeText } from './sanitize.js';

export interface PlainAnalysis {
  plainText: string;
  external: string[];
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** HTML whitespace, which ends tag and attribute names. */
function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0c || c === 0x0d;
}

/** A name with no upper-case letter, which needs no toLowerCase. */
const LOWER_NAME = /^[^A-Z]*$/;

/** Whether a space-separated attribute value holds a token: html-rules.ts hasToken, without splitting. */
function hasToken(value: string | undefined, token: string): boolean {
  if (value === undefined) return false;
  let at = value.indexOf(token);
  while (at !== -1) {
    const end = at + token.length;
    if ((at === 0 || isSpace(value.charCodeAt(at - 1))) && (end === value.length || isSpace(value.charCodeAt(end)))) return true;
    at = value.indexOf(token, at + 1);
  }
  return false;
}

/** html-rules.ts linkKind, with the token test above. */
function linkKindOf(cls: string | undefined, rel: string | undefined, inHCard: boolean): 'hashtag' | 'mention' | 'link' {
  if (hasToken(cls, 'hashtag') || hasToken(rel, 'tag')) return 'hashtag';
  if (hasToken(cls, 'mention') || (inHCard && hasToken(cls, 'u-url'))) return 'mention';
  return 'link';
}

/** Code points a numeric entity may name here: the tokenizer maps the others (NUL, C1, surrogates) specially. */
function plainCodePoint(cp: number): boolean {
  return (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0x10ffff) ||
    cp === 0x09 || cp === 0x0a;
}

/**
 * Decodes the entities of a text or attribute run; undefined when one is outside the subset. A '&' that cannot
 * start an entity (not followed by a letter or '#') stays as it is, as it does for the tokenizer.
 */
function decode(s: string): string | undefined {
  let amp = s.indexOf('&');
  if (amp === -1) return s;
  let out = '';
  let from = 0;
  while (amp !== -1) {
    const next = s.charCodeAt(amp + 1);
    const isLetter = (next >= 0x41 && next <= 0x5a) || (next >= 0x61 && next <= 0x7a);
    if (next !== 0x23 && !isLetter) {
      amp = s.indexOf('&', amp + 1);
      continue;
    }
    const semi = s.indexOf(';', amp + 1);
    if (semi === -1 || semi - amp > 10) return undefined;
    const name = s.slice(amp + 1, semi);
    let value: string | undefined;
    if (next === 0x23) {
      const m = /^#(?:([0-9]{1,7})|[xX]([0-9A-Fa-f]{1,6}))$/.exec(name);
      if (m === null) return undefined;
      const cp = m[1] !== undefined ? Number(m[1]) : parseInt(m[2]!, 16);
      if (!plainCodePoint(cp)) return undefined;
      value = String.fromCodePoint(cp);
    } else {
      value = Object.hasOwn(NAMED, name) ? NAMED[name] : undefined;
      if (value === undefined) return undefined;
    }
    out += s.slice(from, amp) + value;
    from = semi + 1;
    amp = s.indexOf('&', from);
  }
  return out + s.slice(from);
}

const K_P = 1, K_SPAN = 2, K_LINK = 3, K_PLAIN_A = 4;

/** Deeper nesting than this (of spans and links) is left to the builder, which bounds nesting in its own way. */
const MAX_DEPTH = 64;

/**
 * A text run that needs none of: entity decoding, whitespace collapsing, sanitising (one regex test instead of three
 * passes; a surrogate pair, valid or not, also takes the slow path, which is right either way).
 */
const NEEDS_WORK = /[&\t\n\r\f\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]| {2}/;

/** The paragraphs and links found so far, and the paragraph being written. */
class PlainState {
  readonly paragraphs: string[] = [];
  readonly external: string[] = [];
  private seen: Set<string> | undefined;
  /** Whether a paragraph is open; its finished lines; the line being written. */
  open = false;
  lines: string[] = [];
  line = '';

  /** A run of text, already decoded: collapsed, sanitised, then added as the builder's pushSpan would. */
  appendText(raw: string, clean: boolean): void {
    let text = clean ? raw : collapse(raw);
    if (text === '') return;
    if (text === ' ') {
      if (this.open) this.pushText(text);
      return;
    }
    if (!clean) text = sanitizeText(text);
    this.pushText(text);
  }

  pushText(text: string): void {
    this.open = true;
    const line = this.line;
    if (text.charCodeAt(0) === 0x20 && (line === '' || line.charCodeAt(line.length - 1) === 0x20)) text = text.slice(1);
    this.line = line + text;
  }

  endLine(): void {
    const line = this.line;
    let end = line.length;
    while (end > 0 && line.charCodeAt(end - 1) === 0x20) end--;
    this.lines.push(end === line.length ? line : line.slice(0, end));
    this.line = '';
  }

  lineBreak(): void {
    this.open = true;
    this.endLine();
  }

  flush(): void {
    if (!this.open) return;
    this.endLine();
    const lines = this.lines;
    let start = 0;
    let end = lines.length;
    while (start < end && lines[start] === '') start++;
    while (end > start && lines[end - 1] === '') end--;
    if (start < end) this.paragraphs.push(end - start === 1 ? lines[start]! : lines.slice(start, end).join('\n'));
    this.open = false;
    this.lines = [];
  }

  /** A finished link: its external address recorded, its full text added. */
  addLink(href: string, kind: string, fullText: string): void {
    if (kind === 'link' && href.trim() !== '') {
      this.seen ??= new Set();
      if (!this.seen.has(href)) {
        this.seen.add(href);
        this.external.push(href);
      }
    }
    const full = sanitizeText(collapse(fullText).trim());
    if (full !== '') {
      this.open = true;
      this.line += full;
    }
  }
}

/** Plain text and external links of `html`, or undefined when it is outside the subset this scanner handles. */
export function analysePlain(html: string): PlainAnalysis | undefined {
  const st = new PlainState();
  // Open elements, innermost last; h-card flags of the open spans.
  const stack: number[] = [];
  const hcards: boolean[] = [];
  let hcard = 0;
  let inLink = false;
  let linkHref = '';
  let linkKind = '';
  let linkText = '';

  const n = html.length;
  let i = 0;
  while (i < n) {
    const lt = html.indexOf('<', i);
    if (lt !== i) {
      const raw = lt === -1 ? html.slice(i) : html.slice(i, lt);
      const clean = !NEEDS_WORK.test(raw);
      const decoded = clean ? raw : decode(raw);
      if (decoded === undefined || decoded.includes('\0')) return undefined;
      if (inLink) linkText += decoded;
      else st.appendText(decoded, clean);
      if (lt === -1) break;
    }
    i = lt + 1;

    // The tags Mastodon writes most, without attributes.
    const c0 = html.charCodeAt(i);
    if (c0 === 0x2f /* / */) {
      const c1 = html.charCodeAt(i + 1);
      if (c1 === 0x70 /* p */ && html.charCodeAt(i + 2) === 0x3e) {
        if (stack.pop() !== K_P) return undefined;
        st.flush();
        i += 3;
        continue;
      }
      if (c1 === 0x73 /* s */ && html.startsWith('span>', i + 1)) {
        if (stack.pop() !== K_SPAN) return undefined;
        if (hcards.pop()) hcard--;
        i += 6;
        continue;
      }
      if (c1 === 0x61 /* a */ && html.charCodeAt(i + 2) === 0x3e) {
        const kind = stack.pop();
        if (kind === K_LINK) {
          inLink = false;
          st.addLink(linkHref, linkKind, linkText);
        } else if (kind !== K_PLAIN_A) return undefined;
        i += 3;
        continue;
      }
    } else if (c0 === 0x70 /* p */ && html.charCodeAt(i + 1) === 0x3e) {
      if (stack.length > 0) return undefined;
      st.flush();
      stack.push(K_P);
      i += 2;
      continue;
    } else if (c0 === 0x62 /* b */ && html.startsWith('r />', i + 1)) {
      if (inLink) linkText += ' ';
      else st.lineBreak();
      i += 5;
      continue;
    }

    const closing = c0 === 0x2f;
    if (closing) i++;
    // Tag name: a letter, then anything up to whitespace, '/' or '>'. '<!--', '<?', '< ' and '</>' fall back.
    const nameStart = i;
    let c = html.charCodeAt(i);
    if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a))) return undefined;
    do c = html.charCodeAt(++i);
    while (i < n && !isSpace(c) && c !== 0x2f && c !== 0x3e);
    const rawName = html.slice(nameStart, i);
    const name = LOWER_NAME.test(rawName) ? rawName : rawName.toLowerCase();

    // Attributes: name = "value" or name = 'value'. Unquoted values, valueless attributes and anything odd fall back.
    let href: string | undefined;
    let cls: string | undefined;
    let rel: string | undefined;
    let selfClosing = false;
    for (;;) {
      while (isSpace(c)) c = html.charCodeAt(++i);
      if (c === 0x3e) {
        i++;
        break;
      }
      if (c === 0x2f && html.charCodeAt(i + 1) === 0x3e) {
        selfClosing = true;
        i += 2;
        break;
      }
      if (closing || i >= n) return undefined;
      const attrStart = i;
      while (i < n && !isSpace(c) && c !== 0x2f && c !== 0x3e && c !== 0x3d && c !== 0x22 && c !== 0x27 && c !== 0x3c) {
        c = html.charCodeAt(++i);
      }
      if (i === attrStart) return undefined;
      const attrEnd = i;
      while (isSpace(c)) c = html.charCodeAt(++i);
      if (c !== 0x3d) return undefined; // valueless attribute
      c = html.charCodeAt(++i);
      while (isSpace(c)) c = html.charCodeAt(++i);
      if (c !== 0x22 && c !== 0x27) return undefined;
      const endQuote = html.indexOf(c === 0x22 ? '"' : "'", i + 1);
      if (endQuote === -1) return undefined;
      const valueStart = i + 1;
      i = endQuote + 1;
      c = html.charCodeAt(i);
      if (c !== 0x3e && c !== 0x2f && !isSpace(c)) return undefined;
      const length = attrEnd - attrStart;
      if (length !== 3 && length !== 4 && length !== 5) continue;
      const rawAttr = html.slice(attrStart, attrEnd);
      const attr = LOWER_NAME.test(rawAttr) ? rawAttr : rawAttr.toLowerCase();
      if (attr !== 'href' && attr !== 'class' && attr !== 'rel') continue;
      const value = decode(html.slice(valueStart, endQuote));
      if (value === undefined) return undefined;
      // The first of repeated attributes wins, as in the parser.
      if (attr === 'href') href ??= value;
      else if (attr === 'class') cls ??= value;
      else rel ??= value;
    }

    if (closing) {
      const kind = stack.pop();
      const expected = name === 'p' ? K_P : name === 'span' ? K_SPAN : name === 'a' ? (kind === K_LINK ? K_LINK : K_PLAIN_A) : 0;
      if (kind === undefined || kind !== expected) return undefined;
      if (kind === K_P) st.flush();
      else if (kind === K_SPAN) {
        if (hcards.pop()) hcard--;
      } else if (kind === K_LINK) {
        inLink = false;
        st.addLink(linkHref, linkKind, linkText);
      }
      continue;
    }
    if (name === 'br') {
      if (inLink) linkText += ' ';
      else st.lineBreak();
      continue;
    }
    if (selfClosing) return undefined;
    if (name === 'p') {
      if (stack.length > 0) return undefined;
      st.flush();
      stack.push(K_P);
    } else if (name === 'span') {
      // The builder's parser treats elements past a nesting bound as empty; stay well inside it.
      if (stack.length >= MAX_DEPTH) return undefined;
      const isHCard = hasToken(cls, 'h-card');
      if (isHCard) hcard++;
      hcards.push(isHCard);
      stack.push(K_SPAN);
    } else if (name === 'a') {
      if (inLink || stack.length >= MAX_DEPTH) return undefined;
      if (href === undefined) stack.push(K_PLAIN_A);
      else {
        inLink = true;
        linkHref = href;
        linkKind = linkKindOf(cls, rel, hcard > 0);
        linkText = '';
        stack.push(K_LINK);
      }
    } else {
      return undefined;
    }
  }
  if (stack.length > 0) return undefined;
  st.flush();
  const paragraphs = st.paragraphs;
  const plainText = paragraphs.length === 1 ? paragraphs[0]!.trim() : paragraphs.join('\n\n').trim();
  return { plainText, external: st.external };
}
