/**
 * Running the stats dashboard: every named query of src/db/stats-queries.ts over the connection, for one period,
 * turned into tile data (loadStats), and the text or JSON that `mastotui ARCHIVE --stats` prints (printStats).
 */
import type { DuckDBConnection, DuckDBInstance } from '../db/duckdb.js';
import { STATS_QUERIES, STATS_YEARS_SQL } from '../db/stats-queries.js';
import { toCell } from '../db/runner.js';
import { computeStats } from './compute.js';
import { statsJson } from './json.js';
import { ALL_TIME, parsePeriod, periodParams, type Period } from './period.js';
import { renderStatsText } from './render.js';
import type { QueryRows, Row, StatsData } from './types.js';

async function readRows(conn: DuckDBConnection, sql: string, params?: Record<string, string>): Promise<Row[]> {
  const reader = await conn.runAndReadAll(sql, params);
  const names = reader.columnNames();
  return reader.getRows().map((values) => {
    const row: Row = {};
    names.forEach((name, i) => {
      row[name] = toCell(values[i]!);
    });
    return row;
  });
}

/** The session's time zone (the one months, days and hours are computed in). */
async function sessionTimeZone(conn: DuckDBConnection): Promise<string | undefined> {
  const rows = await readRows(conn, `SELECT current_setting('TimeZone') AS tz`);
  const tz = rows[0]?.tz;
  return typeof tz === 'string' && tz !== '' ? tz : undefined;
}

/** Years from the first to the last with a post or a boost (in the session time zone). */
async function activeYears(conn: DuckDBConnection): Promise<number[]> {
  const row = (await readRows(conn, STATS_YEARS_SQL))[0];
  const first = Number(row?.first_year);
  const last = Number(row?.last_year);
  if (row?.first_year == null || row?.last_year == null || !Number.isInteger(first) || !Number.isInteger(last)) return [];
  const years: number[] = [];
  for (let y = first; y <= last && years.length < 1000; y++) years.push(y);
  return years;
}

/**
 * Rows of every stats query for the period, by query name. With `instance`, a second connection runs half of the
 * queries alongside `conn` (DuckDB runs one query of a small table on one thread; two connections use two cores).
 * Session settings such as TimeZone must then be GLOBAL ones, as lockDown sets them.
 */
export async function runStatsQueries(conn: DuckDBConnection, period: Period, instance?: DuckDBInstance): Promise<QueryRows> {
  const params = periodParams(period);
  const out: QueryRows = {};
  const queue = [...STATS_QUERIES];
  const worker = async (c: DuckDBConnection) => {
    for (let query = queue.shift(); query; query = queue.shift()) {
      out[query.name] = await readRows(c, query.sql, query.usesPeriod ? params : undefined);
    }
  };
  const extra = instance ? await instance.connect() : undefined;
  try {
    await Promise.all([worker(conn), ...(extra ? [worker(extra)] : [])]);
  } finally {
    extra?.closeSync();
  }
  return out;
}

/**
 * Every tile's data for a period (default all time). Months, days, weekdays and hours follow the connection's
 * TimeZone setting (the CLI and the app set it, globally, to the user's zone or --tz). Give the connection's
 * `instance` to run the queries on two connections at once.
 */
export async function loadStats(
  conn: DuckDBConnection,
  options: { period?: Period; instance?: DuckDBInstance; fallbackTimeZone?: string } = {},
): Promise<StatsData> {
  const period = options.period ?? ALL_TIME;
  const timeZone = (await sessionTimeZone(conn)) ?? options.fallbackTimeZone ?? 'UTC';
  const years = await activeYears(conn);
  const rows = await runStatsQueries(conn, period, options.instance);
  return computeStats(rows, { period, timeZone, years });
}

export interface PrintStatsOptions {
  /** The connection's instance: lets the queries run on two connections at once (faster on big archives). */
  instance?: DuckDBInstance;
  /** The zone the connection was locked down with; used only when the connection does not report one. */
  timeZone?: string;
  format?: 'text' | 'json';
  /** A Period, or the --period flag's text (see src/stats/period.ts); default all time. */
  period?: Period | string;
  /** Columns of the text output (default 80). */
  width?: number;
  /** ANSI colours in the text output. */
  color?: boolean;
}

/** What `mastotui ARCHIVE --stats [--period P] [--format json]` prints. Throws a UserError for a bad period. */
export async function printStats(conn: DuckDBConnection, options: PrintStatsOptions = {}): Promise<string> {
  const period = typeof options.period === 'string' || options.period === undefined ? parsePeriod(options.period) : options.period;
  const data = await loadStats(conn, { period, instance: options.instance, fallbackTimeZone: options.timeZone });
  if (options.format === 'json') return JSON.stringify(statsJson(data), null, 2) + '\n';
  return renderStatsText(data, { width: options.width ?? 80, color: options.color ?? false });
}
