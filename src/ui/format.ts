/** Small pure formatters for the screen: dates in the user's zone, sizes, durations, visibility badges. */
import { formatLocalTime } from '../db/format.js';
import type { Style } from './text.js';

/** '2024-07-23 20:39' in the zone (16 columns); the input is an ISO instant. */
export function shortDate(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return '????-??-?? ??:??';
  if (Number.isNaN(new Date(iso).getTime())) return iso.slice(0, 16);
  return formatLocalTime(iso, timeZone).slice(0, 16);
}

/** '2024-07-23 20:39:06 +02:00' */
export function longDate(iso: string | null | undefined, timeZone: string): string {
  return iso ? formatLocalTime(iso, timeZone) : '';
}

/** '2024-07-23' */
export function dayDate(iso: string | null | undefined, timeZone: string): string {
  return shortDate(iso, timeZone).slice(0, 10);
}

/** '3 years 2 months' between an instant and now. */
export function age(iso: string | null | undefined, now = new Date()): string {
  if (!iso) return '';
  const from = new Date(iso);
  if (Number.isNaN(from.getTime())) return '';
  let months = (now.getUTCFullYear() - from.getUTCFullYear()) * 12 + (now.getUTCMonth() - from.getUTCMonth());
  if (now.getUTCDate() < from.getUTCDate()) months -= 1;
  if (months < 1) {
    const days = Math.max(0, Math.floor((now.getTime() - from.getTime()) / 86_400_000));
    return `${days} ${days === 1 ? 'day' : 'days'}`;
  }
  const years = Math.floor(months / 12);
  const rest = months % 12;
  const parts: string[] = [];
  if (years > 0) parts.push(`${years} ${years === 1 ? 'year' : 'years'}`);
  if (rest > 0) parts.push(`${rest} ${rest === 1 ? 'month' : 'months'}`);
  return parts.join(' ');
}

export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '';
  const s = Math.round(seconds);
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, '0')}`;
}

export function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** The 4-column visibility badge of a list row and its style: DMs and followers-only stand out. */
export function visibilityBadge(visibility: string | null): { text: string; style: Style } {
  switch (visibility) {
    case 'direct':
      return { text: 'DM  ', style: 'dm' };
    case 'private':
      return { text: 'fol ', style: 'private' };
    case 'unlisted':
      return { text: 'unl ', style: 'dim' };
    case 'public':
      return { text: 'pub ', style: 'dim' };
    default:
      return { text: '?   ', style: 'dim' };
  }
}

/** Words for a visibility, for the post view. */
export function visibilityName(visibility: string | null): string {
  switch (visibility) {
    case 'direct':
      return 'direct message (only the people mentioned)';
    case 'private':
      return 'followers only';
    case 'unlisted':
      return 'unlisted';
    case 'public':
      return 'public';
    default:
      return visibility ?? 'unknown visibility';
  }
}

/** 'example.org/@bob/1234' from a URL: scheme dropped, for compact display. */
export function shortUrl(url: string | null | undefined): string {
  if (!url) return '';
  return url.replace(/^https?:\/\//i, '').replace(/\/$/, '');
}

/**
 * A boosted post's address made short: '@name@host' for Mastodon-style addresses (/users/name/statuses/id,
 * /@name/id), else the address without its scheme.
 */
export function boostedLabel(uri: string | null | undefined): string {
  if (!uri) return '';
  const m = /^https?:\/\/([^/]+)\/(?:users\/([^/]+)\/statuses|@([^/]+))\/[^/]+\/?$/i.exec(uri);
  if (m) return `@${m[2] ?? m[3]}@${m[1]}`;
  return shortUrl(uri);
}

/** The first line of a text, whitespace collapsed. */
export function firstLine(text: string | null | undefined): string {
  if (!text) return '';
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.replace(/\s+/g, ' ').trim();
}
