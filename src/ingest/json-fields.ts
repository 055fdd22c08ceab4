/**
 * Tolerant readers for fields of archive JSON. Archives come from many server versions and other software, so a
 * field can be missing, null, a single value where an array is expected, or a number written as a string.
 */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * A whole number that fits the database's INTEGER columns (32-bit), or null: counts, sizes and votes from another
 * server (or a damaged file) can be any JSON number, and one out of range must not stop the load.
 */
export function int(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) return null;
  const whole = Math.trunc(n);
  return whole >= INT32_MIN && whole <= INT32_MAX ? whole : null;
}

export function num(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

export function bool(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return null;
}

/** An array, a single object promoted to a one-element array, or empty. */
export function list(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value === null || value === undefined) return [];
  return [value];
}

export function objects(value: unknown): JsonObject[] {
  return list(value).filter(isObject);
}

/** The id of a linked object: the string itself, or the `id` of an inlined object. */
export function linkId(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (isObject(value)) return str(value.id) ?? str(value.href);
  return null;
}

/** An ISO 8601 date, optionally with a time and an offset: what ActivityPub servers write. */
const ISO_TIME = /^[+-]?\d{4,6}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:[.,]\d+)?)?(?:Z|[+-]\d\d(?::?\d\d)?)?)?$/i;
const HAS_OFFSET = /(?:Z|[+-]\d\d(?::?\d\d)?)$/i;

/**
 * A timestamp as an ISO string when it is an ISO 8601 date or date-time that parses, else null. Date.parse alone
 * is far too lenient ("1" is the year 2001, "12345" the year 12345, "May 5" a date in 2001), so the shape is
 * checked first. A date-time without an offset is taken as UTC ('Z' is added), as archive times are UTC, rather
 * than as the local time of whoever loads the archive.
 */
export function isoTime(value: unknown): string | null {
  if (typeof value !== 'string' || !ISO_TIME.test(value)) return null;
  const text = value.includes(':') && !HAS_OFFSET.test(value) ? `${value}Z` : value;
  return Number.isNaN(Date.parse(text)) ? null : text;
}

/** Host of a URL in lower case, without a leading "www."; null for anything that is not a URL with a host. */
export function hostOf(uri: string | null | undefined): string | null {
  if (!uri) return null;
  if (uri.startsWith('tag:')) {
    // tag:host,date:objectId=...  (OStatus-era ids)
    const host = uri.slice(4).split(/[,:]/)[0];
    return host ? host.toLowerCase() : null;
  }
  try {
    const host = new URL(uri).hostname.toLowerCase();
    return host ? host.replace(/^www\./, '') : null;
  } catch {
    return null;
  }
}

/**
 * The short status id of a post or activity URI: `…/statuses/<id>`, `objectId=<id>` of a tag: URI, or the last
 * number of the web URL; the whole URI when none of these is found.
 */
export function statusIdOf(uri: string, url?: string | null): string {
  const m = /\/statuses\/([^/?#]+)/.exec(uri) ?? /objectId=([^:;]+)/.exec(uri) ?? (url ? /\/(\d+)\/?$/.exec(url) : null);
  return m ? m[1]! : uri;
}
