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
  type StatementType,
} from './duckdb.js';
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

/** Where and why a query failed, from DuckDB's message. `line` and `column` count from 1. */
export interface SqlErrorDetails {
  /** The first line of DuckDB's message, e.g. 'Parser Error: syntax error at or near "x"'. */
  message: string;
  /** DuckDB's suggestion lines ('Did you mean "posts"?', 'Candidate bindings: ...'), if any. */
  hint?: string;
  line?: number;
  column?: number;
  /** The query was cancelled with conn.interrupt(). */
  interrupted: boolean;
}

/** Offset in `sql` of 1-based (line, column). */
function offsetOf(sql: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = sql.indexOf('\n', offset);
    if (next < 0) break;
    offset = next + 1;
  }
  return offset + column - 1;
}

function positionOf(sql: string, offset: number): { line: number; column: number } {
  const before = sql.slice(0, offset);
  return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
}

/**
 * DuckDB marks the failing token with "LINE n: <text>" and a line holding '^' under it. Its column can be off when
 * the query holds characters of several UTF-8 bytes, so when the message names the token ("at or near "x"",
 * column "x", name x), the occurrence of that token nearest to DuckDB's mark is taken instead.
 */
function caretPosition(raw: string, sql: string): { line: number; column: number } | undefined {
  const m = /^LINE (\d+): (.*)\n( *)\^/m.exec(raw);
  if (!m) return undefined;
  const line = Number(m[1]);
  const prefix = `LINE ${m[1]}: `.length;
  let shown = m[2]!;
  let column = m[3]!.length - prefix;
  const source = sql.split('\n')[line - 1];
  if (source === undefined) return { line, column: column + 1 };
  if (shown.startsWith('...')) {
    shown = shown.slice(3);
    column -= 3;
    if (shown.endsWith('...')) shown = shown.slice(0, -3);
    const at = source.indexOf(shown);
    if (at >= 0) column += at;
  }
  column = Math.max(1, Math.min(column + 1, source.length + 1));
  const firstLine = raw.split('\n')[0]!;
  const token = /at or near "([^"]+)"|"([^"]+)"|with name (\S+?)!? does not exist/.exec(firstLine);
  const name = token?.[1] ?? token?.[2] ?? token?.[3];
  if (name && /[^\x00-\x7f]/.test(sql)) {
    let marked = offsetOf(sql, line, column);
    if (/^Parser Error/.test(firstLine)) {
      // The parser's mark falls short by the extra UTF-8 bytes of the characters before it.
      const base = marked;
      for (let i = 0; i < 3; i++) marked = base + Buffer.byteLength(sql.slice(0, marked)) - sql.slice(0, marked).length;
    }
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const pattern = new RegExp(/^\w/.test(name) ? `(?<![\\w$])${escaped}(?![\\w$])` : escaped, 'gi');
    let best: number | undefined;
    for (const found of sql.matchAll(pattern)) {
      if (best === undefined || Math.abs(found.index - marked) < Math.abs(best - marked)) best = found.index;
    }
    if (best !== undefined) return positionOf(sql, best);
  }
  return { line, column };
}

/** Details of a DuckDB error: first line, hint lines, and the position in `sql` when DuckDB gives one. */
export function sqlErrorDetails(error: unknown, sql: string): SqlErrorDetails {
  const raw = (error instanceof Error ? error.message : String(error)).replace(/^Failed to extract statements: /, '');
  const lines = raw.split('\n');
  const message = lines[0]!.trim();
  const interrupted = /^INTERRUPT Error/i.test(message);
  const hintLines: string[] = [];
  for (const l of lines.slice(1)) {
    if (l.trim() === '' || l.startsWith('LINE ')) break;
    hintLines.push(l.trim());
  }
  const hint = hintLines.length > 0 ? hintLines.join(' ') : undefined;
  const position = /position[": ]+(\d+)/i.exec(raw)?.[1];
  if (position !== undefined) return { message, hint, ...positionOf(sql, Number(position)), interrupted };
  if (/at end of input/.test(message)) return { message, hint, ...positionOf(sql, sql.trimEnd().length), interrupted };
  return { message, hint, ...caretPosition(raw, sql), interrupted };
}

/** A DuckDB error as one readable line: "Parser Error: syntax error at or near "x" (line 1, column 8)". */
export function describeSqlError(error: unknown, sql: string): string {
  const details = sqlErrorDetails(error, sql);
  if (details.line === undefined) return details.message;
  return `${details.message} (line ${details.line}, column ${details.column})`;
}

/** A failed query: a UserError (one line for the CLI) that keeps the details for the SQL pane. */
export class SqlError extends UserError {
  constructor(readonly details: SqlErrorDetails) {
    super(
      details.line === undefined
        ? `SQL: ${details.message}`
        : `SQL: ${details.message} (line ${details.line}, column ${details.column})`,
    );
    this.name = 'SqlError';
  }
}

export interface RunOptions {
  /** Rows to keep (default 10,000); `truncated` tells whether more exist. */
  maxRows?: number;
  /**
   * Called with each statement's type before it runs; a returned string refuses the statement (it becomes the
   * error message) and nothing of it runs. Statements before it in the same text have run.
   */
  checkStatement?: (type: StatementType) => string | undefined;
}

export async function runQuery(
  conn: DuckDBConnection,
  sql: string,
  options: RunOptions = {},
): Promise<QueryResult> {
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  const started = performance.now();
  try {
    const extracted = await conn.extractStatements(sql);
    const count = extracted.count;
    if (count === 0) throw new UserError('SQL: the query is empty', 2);
    const prepare = async (i: number) => {
      const statement = await extracted.prepare(i);
      const refusal = options.checkStatement?.(statement.statementType);
      if (refusal !== undefined) throw new SqlError({ message: refusal, interrupted: false });
      return statement;
    };
    for (let i = 0; i < count - 1; i++) {
      await (await prepare(i)).run();
    }
    const prepared = await prepare(count - 1);
    const reader = await prepared.streamAndReadUntil(maxRows + 1);
    const columns = reader.columnNames().map((name, i) => ({ name, type: reader.columnType(i).toString() }));
    const all = reader.getRows();
    const rows = all.slice(0, maxRows).map((row) => row.map(toCell));
    return { columns, rows, truncated: all.length > maxRows, elapsedMs: performance.now() - started };
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new SqlError(sqlErrorDetails(error, sql));
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
