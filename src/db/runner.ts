/**
 * Runs one user query (the --sql mode and the SQL pane share this) and turns DuckDB values into plain JSON-able
 * cells: big integers become numbers when safe (strings otherwise), times become ISO 8601 UTC strings, lists and
 * structs become arrays and objects.
 */
import {
  type DuckDBConnection,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBArrayValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  type DuckDBValue,
} from '@duckdb/node-api';
import { UserError } from '../errors.js';

export type Cell = null | string | number | boolean | Cell[] | { [key: string]: Cell };

export interface Column {
  name: string;
  /** DuckDB's name of the type, e.g. VARCHAR, BIGINT, TIMESTAMP WITH TIME ZONE, VARCHAR[] */
  type: string;
}

export interface QueryResult {
  columns: Column[];
  rows: Cell[][];
  /** More rows exist than were read. */
  truncated: boolean;
  elapsedMs: number;
}

export const DEFAULT_MAX_ROWS = 10_000;

/** A DuckDB error as one readable line: "Parser Error: syntax error at or near "x" (line 1, column 8)". */
export function describeSqlError(error: unknown, sql: string): string {
  const raw = error instanceof Error ? error.message : String(error);
  const firstLine = raw.split('\n')[0]!.trim();
  const position = /position[": ]+(\d+)/i.exec(raw)?.[1];
  if (position === undefined) return firstLine;
  const offset = Number(position);
  const before = sql.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `${firstLine} (line ${line}, column ${column})`;
}

export async function runQuery(
  conn: DuckDBConnection,
  sql: string,
  options: { maxRows?: number } = {},
): Promise<QueryResult> {
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  const started = performance.now();
  try {
    const extracted = await conn.extractStatements(sql);
    const count = extracted.count;
    if (count === 0) throw new UserError('SQL: the query is empty', 2);
    for (let i = 0; i < count - 1; i++) {
      await (await extracted.prepare(i)).run();
    }
    const prepared = await extracted.prepare(count - 1);
    const reader = await prepared.streamAndReadUntil(maxRows + 1);
    const columns = reader.columnNames().map((name, i) => ({ name, type: reader.columnType(i).toString() }));
    const all = reader.getRows();
    const rows = all.slice(0, maxRows).map((row) => row.map(toCell));
    return { columns, rows, truncated: all.length > maxRows, elapsedMs: performance.now() - started };
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`SQL: ${describeSqlError(error, sql)}`);
  }
}

function microsToIso(micros: bigint): string {
  const ms = Number(micros / 1000n);
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return String(micros);
  return date.toISOString().replace('.000Z', 'Z');
}

export function toCell(value: DuckDBValue): Cell {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  }
  if (value instanceof DuckDBTimestampTZValue || value instanceof DuckDBTimestampValue) return microsToIso(value.micros);
  if (value instanceof DuckDBDateValue) return value.toString();
  if (value instanceof DuckDBDecimalValue) return value.toDouble();
  if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue) return value.items.map(toCell);
  if (value instanceof DuckDBStructValue) {
    const out: { [key: string]: Cell } = {};
    for (const [k, v] of Object.entries(value.entries)) out[k] = toCell(v);
    return out;
  }
  if (value instanceof DuckDBMapValue) {
    const out: { [key: string]: Cell } = {};
    for (const { key, value: v } of value.entries) out[String(toCell(key))] = toCell(v);
    return out;
  }
  return String(value);
}
