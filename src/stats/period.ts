/**
 * The period the stats dashboard covers: all time, a year, a month, a day, or a range of any of these. Pure.
 *
 * Syntax (the --period flag and the view's period switcher share it):
 *   all | (empty)              everything
 *   2024                       a calendar year
 *   2024-03                    a month
 *   2024-03-15                 a day
 *   A..B                       from the start of A to the end of B, both ends included, e.g. 2023-03..2024-02,
 *                              2022..2023 or 2024-01-15..2024-02-10; either end may be left out (2023.. or ..2022-06)
 *
 * Bounds are local dates ('YYYY-MM-DD') in the user's time zone: DuckDB casts them to TIMESTAMPTZ in the session
 * TimeZone, so "2024" means the user's 2024, not UTC's.
 */
import { UserError } from '../errors.js';

export interface Period {
  kind: 'all' | 'year' | 'month' | 'day' | 'range';
  /** The canonical spelling, as accepted by parsePeriod: 'all', '2024', '2023-03..2024-02'. */
  spec: string;
  /** For people: 'all time', '2024', 'March 2024', '2023-03 – 2024-02'. */
  label: string;
  /** First day included, 'YYYY-MM-DD', or null for no lower bound. */
  from: string | null;
  /** First day NOT included, 'YYYY-MM-DD', or null for no upper bound. */
  to: string | null;
}

export const ALL_TIME: Period = { kind: 'all', spec: 'all', label: 'all time', from: null, to: null };

export const PERIOD_SYNTAX = 'all, 2024, 2024-03, 2024-03-15, or a range like 2023-03..2024-02 (either end may be left out)';

const MONTH_NAMES = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
];

interface Bound {
  /** What was written. */
  text: string;
  precision: 'year' | 'month' | 'day';
  /** First day it covers. */
  start: string;
  /** First day after it. */
  end: string;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const ymd = (y: number, m: number, d: number) => `${pad(y, 4)}-${pad(m)}-${pad(d)}`;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The day after y-m-d, as 'YYYY-MM-DD'. */
function nextDay(y: number, m: number, d: number): string {
  const t = new Date(Date.UTC(y, m - 1, d + 1));
  return ymd(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

function parseBound(text: string, flag: string): Bound {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(text);
  if (!m) throw new UserError(`${flag}: "${text}" is not a year, month or day (expected ${PERIOD_SYNTAX})`, 2);
  const year = Number(m[1]);
  if (year < 1) throw new UserError(`${flag}: "${text}": the year must be 0001 or later`, 2);
  if (m[2] === undefined) {
    return { text, precision: 'year', start: ymd(year, 1, 1), end: ymd(year + 1, 1, 1) };
  }
  const month = Number(m[2]);
  if (month < 1 || month > 12) throw new UserError(`${flag}: "${text}": there is no month ${m[2]}`, 2);
  if (m[3] === undefined) {
    const end = month === 12 ? ymd(year + 1, 1, 1) : ymd(year, month + 1, 1);
    return { text, precision: 'month', start: ymd(year, month, 1), end };
  }
  const day = Number(m[3]);
  if (day < 1 || day > daysInMonth(year, month)) throw new UserError(`${flag}: "${text}": there is no such day`, 2);
  return { text, precision: 'day', start: ymd(year, month, day), end: nextDay(year, month, day) };
}

function singleLabel(b: Bound): string {
  if (b.precision === 'month') return `${MONTH_NAMES[Number(b.text.slice(5, 7)) - 1]} ${b.text.slice(0, 4)}`;
  return b.text;
}

/** Parses the --period syntax (see the file comment). Throws a UserError (exit code 2) naming `flag` when invalid. */
export function parsePeriod(input: string | undefined, flag = '--period'): Period {
  const text = (input ?? '').trim();
  if (text === '' || text.toLowerCase() === 'all') return ALL_TIME;
  const range = /^([^.]*)\.\.([^.]*)$/.exec(text);
  if (!range) {
    const b = parseBound(text, flag);
    return { kind: b.precision, spec: b.text, label: singleLabel(b), from: b.start, to: b.end };
  }
  const left = range[1]!.trim();
  const right = range[2]!.trim();
  if (left === '' && right === '') return ALL_TIME;
  const a = left === '' ? undefined : parseBound(left, flag);
  const b = right === '' ? undefined : parseBound(right, flag);
  if (a && b && a.start >= b.end) {
    throw new UserError(`${flag}: "${text}" ends before it starts`, 2);
  }
  const spec = `${a?.text ?? ''}..${b?.text ?? ''}`;
  const label = a && b ? `${a.text} – ${b.text}` : a ? `since ${a.text}` : `until ${b!.text}`;
  return { kind: 'range', spec, label, from: a?.start ?? null, to: b?.end ?? null };
}

/** The period of one calendar year. */
export function yearPeriod(year: number): Period {
  return parsePeriod(pad(year, 4));
}

/**
 * The period before (delta -1) or after (+1) `current` in the switcher's cycle: all time, then each year that has
 * posts or boosts, oldest first. A period not in the cycle (a month, a range) steps to the nearest year.
 */
export function stepPeriod(current: Period, delta: -1 | 1, years: readonly number[]): Period {
  const cycle: Period[] = [ALL_TIME, ...[...years].sort((x, y) => x - y).map(yearPeriod)];
  let index = cycle.findIndex((p) => p.spec === current.spec);
  if (index < 0) {
    // A month, day or range: go to the year it starts in (or the first/last year) and step from there.
    const startYear = current.from ? Number(current.from.slice(0, 4)) : undefined;
    const at = startYear === undefined ? -1 : cycle.findIndex((p) => p.kind === 'year' && p.spec === pad(startYear, 4));
    if (at >= 0) return cycle[at]!;
    index = 0;
  }
  const next = (index + delta + cycle.length) % cycle.length;
  return cycle[next]!;
}

/** Values for the $from and $to parameters of the stats queries (unbounded ends are ±infinity). */
export function periodParams(period: Period): { from: string; to: string } {
  return { from: period.from ?? '-infinity', to: period.to ?? 'infinity' };
}

/** The months ('YYYY-MM') a bounded period covers, or undefined when an end is open. */
export function periodMonths(period: Period): string[] | undefined {
  if (period.from === null || period.to === null) return undefined;
  return monthRange(period.from.slice(0, 7), monthBefore(period.to));
}

/** The month containing the day before `day` ('YYYY-MM-DD' -> 'YYYY-MM'). */
function monthBefore(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d - 1));
  return `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}`;
}

/** Every month from `first` to `last` ('YYYY-MM'), both included; empty when last < first. */
export function monthRange(first: string, last: string): string[] {
  const out: string[] = [];
  let y = Number(first.slice(0, 4));
  let m = Number(first.slice(5, 7));
  const endY = Number(last.slice(0, 4));
  const endM = Number(last.slice(5, 7));
  while (y < endY || (y === endY && m <= endM)) {
    out.push(`${pad(y, 4)}-${pad(m)}`);
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
    if (out.length > 12 * 1000) break; // a range of more than a thousand years is not a real archive
  }
  return out;
}
