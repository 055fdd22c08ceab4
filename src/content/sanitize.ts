/**
 * Terminal safety for every string that comes out of an archive.
 *
 * A post, a bio, a file name or a poll option can hold raw escape sequences (OSC 52 clipboard writes, title
 * changes, cursor moves), C1 controls that some terminals treat as CSI, or bidi overrides that reorder what the
 * screen shows. None of them may reach the terminal: each is replaced by a visible, harmless character.
 */

/**
 * Everything that is replaced when newlines are NOT kept: all C0 controls (including '\n' and '\t'), DEL, C1,
 * the bidi controls, and lone surrogates (with the `u` flag a surrogate range only matches unpaired halves).
 */
const UNSAFE_ALL = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\uD800-\uDFFF]/u;
const UNSAFE_ALL_G = /\r\n|[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\uD800-\uDFFF]/gu;

/** The same, but '\t' and '\n' are allowed, and '\r' only when it is not part of a '\r\n' pair. */
const UNSAFE_KEEP = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\uD800-\uDFFF]/u;
const UNSAFE_KEEP_G = /\r\n|[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\uD800-\uDFFF]/gu;

/** One replacement, for a single match of the patterns above. */
function replacement(match: string, keepNewlines: boolean): string {
  if (match === '\r\n') return keepNewlines ? '\n' : ' ';
  const code = match.charCodeAt(0);
  if (code === 0x0a || code === 0x09) return keepNewlines ? match : ' ';
  if (code < 0x20) return String.fromCharCode(0x2400 + code); // control pictures: ␀ ... ␟, ESC -> ␛
  if (code === 0x7f) return '\u2421'; // ␡
  return '\uFFFD'; // C1, bidi controls, lone surrogates
}

const replaceAll = (m: string): string => replacement(m, false);
const replaceKeep = (m: string): string => replacement(m, true);

/**
 * Makes a string from an archive harmless for a terminal: C0 controls (except '\n' and '\t' when keepNewlines),
 * DEL, C1 controls (U+0080–U+009F) and the bidi controls that reorder the screen (U+202A–U+202E, U+2066–U+2069,
 * U+200E, U+200F, U+061C) become visible harmless text: C0 -> the Unicode control picture (ESC -> '␛'),
 * DEL -> '␡', C1, bidi controls and lone surrogates -> '�'.
 *
 * Without keepNewlines (the default), '\n', '\t' and a '\r\n' pair each become one space. With keepNewlines,
 * '\r\n' becomes '\n' (a lone '\r' is still shown as '␍').
 *
 * A string with nothing to replace is returned as it is, after a single regex test.
 */
export function sanitizeText(s: string, options?: { keepNewlines?: boolean }): string {
  if (typeof s !== 'string') return '';
  if (options?.keepNewlines === true) {
    // '\r' alone is in UNSAFE_KEEP, so a '\r\n' pair also fails the fast path and is normalised below.
    if (!UNSAFE_KEEP.test(s)) return s;
    return s.replace(UNSAFE_KEEP_G, replaceKeep);
  }
  if (!UNSAFE_ALL.test(s)) return s;
  return s.replace(UNSAFE_ALL_G, replaceAll);
}

const SAFE_SCHEMES = new Set(['http:', 'https:', 'mailto:']);

/**
 * A URL that is safe to place in an OSC 8 hyperlink or to hand to an opener: only http:, https: and mailto:,
 * absolute, parsed with the WHATWG URL parser. Returns the parser's serialisation (percent-encoded, so it
 * holds no spaces, controls or non-ASCII characters), or undefined for anything else: other schemes
 * (javascript:, data:, file:, ...), relative references, strings holding any control, bidi or whitespace
 * character, http(s) URLs without a host, mailto: without an address.
 */
export function safeLinkTarget(url: string): string | undefined {
  if (typeof url !== 'string' || url.length === 0 || url.length > 8192) return undefined;
  // Any control character or whitespace at all: refuse rather than let the URL parser strip or encode it.
  if (UNSAFE_ALL.test(url) || /\s/u.test(url)) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (!SAFE_SCHEMES.has(parsed.protocol)) return undefined;
  if (parsed.protocol === 'mailto:' ? parsed.pathname === '' : parsed.hostname === '') return undefined;
  const href = parsed.href;
  // Belt and braces: the serialisation is ASCII without controls; check anyway before it goes to a terminal.
  if (!/^[\x21-\x7e]+$/.test(href)) return undefined;
  return href;
}
