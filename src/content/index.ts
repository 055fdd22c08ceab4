/** Post HTML -> terminal text: parsing, sanitising and layout. Pure functions, no I/O. */
export { sanitizeText, safeLinkTarget } from './sanitize.js';
export { parsePostHtml, htmlToPlainText, extractExternalLinks, linkHost } from './html.js';
export type { Block, PostLink, RenderedPost, Span, SpanStyle } from './types.js';
export { layoutPost, type StyledLine } from './wrap.js';
export { textWidth } from './width.js';
