/** What the HTML builder knows about elements, attributes and text: tables and small pure helpers. */
import { sanitizeText } from './sanitize.js';
import type { PostLink, SpanStyle } from './types.js';
import { expandTabs } from './width.js';

/** Elements that start and end a paragraph, without adding structure of their own. */
export const BOUNDARY = new Set([
  'p', 'div', 'section', 'article', 'header', 'footer', 'main', 'aside', 'nav', 'figure', 'figcaption',
  'details', 'summary', 'dl', 'dt', 'dd', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'caption', 'address',
  'center', 'hgroup', 'form', 'fieldset', 'legend', 'hr', 'body', 'html',
]);
/** Elements whose content is never shown. */
export const SKIP = new Set([
  'script', 'style', 'template', 'head', 'title', 'iframe', 'object', 'embed', 'svg', 'math', 'noscript',
  'select', 'textarea', 'audio', 'video', 'canvas', 'button',
]);
export const INLINE_STYLE: Record<string, SpanStyle> = {
  strong: 'strong', b: 'strong',
  em: 'em', i: 'em', cite: 'em', var: 'em', dfn: 'em',
  del: 'del', s: 'del', strike: 'del',
  code: 'code', kbd: 'code', samp: 'code', tt: 'code',
};
export const HEADING = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);

/** Runs of HTML whitespace become one space (CSS white-space: normal). */
export const collapse = (s: string): string => s.replace(/[ \t\n\r\f]+/g, ' ');

/** Whether a space-separated attribute value (class, rel) holds a token. */
export const hasToken = (value: string | undefined, token: string): boolean =>
  value !== undefined && value.split(/[ \t\n\r\f]+/).includes(token);

/**
 * What an <a href> is: a hashtag (class 'hashtag' or rel 'tag'), a mention (class 'mention', or the u-url of an
 * h-card), or a link.
 */
export function linkKind(attribs: Record<string, string>, inHCard: boolean): PostLink['kind'] {
  if (hasToken(attribs.class, 'hashtag') || hasToken(attribs.rel, 'tag')) return 'hashtag';
  if (hasToken(attribs.class, 'mention') || (inHCard && hasToken(attribs.class, 'u-url'))) return 'mention';
  return 'link';
}

/** Text cut into pieces, each flagged when it is a `:shortcode:` from the set. */
export function splitEmoji(text: string, shortcodes: ReadonlySet<string>): Array<[string, boolean]> {
  const out: Array<[string, boolean]> = [];
  const name = /[A-Za-z0-9_]+/y;
  let from = 0;
  let i = text.indexOf(':');
  while (i !== -1) {
    name.lastIndex = i + 1;
    const found = name.exec(text);
    if (found !== null && text[i + 1 + found[0].length] === ':' && shortcodes.has(found[0])) {
      if (i > from) out.push([text.slice(from, i), false]);
      const end = i + found[0].length + 2;
      out.push([text.slice(i, end), true]);
      from = end;
      i = text.indexOf(':', end);
    } else {
      i = text.indexOf(':', i + 1);
    }
  }
  if (from < text.length) out.push([text.slice(from), false]);
  return out;
}

/** The text of a <pre>: the newline right after the tag dropped, trailing blank lines dropped, tabs expanded. */
export function finishCode(raw: string): string {
  let text = raw.replace(/\r\n?/g, '\n');
  if (text.startsWith('\n')) text = text.slice(1);
  text = text.replace(/\s+$/, '');
  if (text.trim() === '') return '';
  return sanitizeText(expandTabs(text), { keepNewlines: true });
}
