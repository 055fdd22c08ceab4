/** Turning an entry name into a single file name that is safe to create inside a folder the caller owns. */

const FALLBACK = 'file';
const MAX_UTF8_BYTES = 200;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
// C0/C1 controls, zero-width and bidi controls, line/paragraph separators, BOM.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u206f\ufeff]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function cleanSegment(segment: string): string {
  return segment
    .replace(LONE_SURROGATE, '_')
    .replace(INVISIBLE, '')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/^[.\s]+/, '') // no '.', '..' or hidden files
    .replace(/[.\s]+$/, ''); // Windows drops trailing dots and spaces
}

/** Cuts to at most `max` UTF-8 bytes without splitting a character. */
function clampUtf8(text: string, max: number): string {
  let bytes = 0;
  let out = '';
  for (const ch of text) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (bytes + size > max) break;
    bytes += size;
    out += ch;
  }
  return out;
}

/**
 * The last meaningful path segment of `name`, cleaned: no '/', '\\', NUL or other control characters, never '.', '..',
 * a hidden name or empty, at most 200 UTF-8 bytes (the extension is kept), and not a reserved Windows device name.
 */
export function safeFileName(name: string): string {
  const segments = name.split(/[/\\]/);
  let base = '';
  for (let i = segments.length - 1; i >= 0 && base === ''; i--) base = cleanSegment(segments[i] ?? '');
  if (base === '') return FALLBACK;
  if (Buffer.byteLength(base, 'utf8') > MAX_UTF8_BYTES) {
    const dot = base.lastIndexOf('.');
    const ext = dot > 0 && base.length - dot <= 16 ? base.slice(dot) : '';
    base = cleanSegment(clampUtf8(base.slice(0, base.length - ext.length), MAX_UTF8_BYTES - Buffer.byteLength(ext, 'utf8'))) + ext;
    if (base === ext) base = FALLBACK + ext;
  }
  if (WINDOWS_RESERVED.test(base)) base = `_${base}`;
  return base;
}
