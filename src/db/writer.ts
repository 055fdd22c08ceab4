/**
 * Appends normaliser rows (plain objects keyed by column name) to a table through a DuckDB appender. Column order and
 * types come from the table itself, so schema.sql stays the one source of the schema.
 */
import {
  type DuckDBAppender,
  type DuckDBConnection,
  DuckDBListType,
  type DuckDBType,
  DuckDBTypeId,
  type DuckDBValue,
  listValue,
  structValue,
  timestampValue,
} from './duckdb.js';
import { type CellKind, type PackedRows, RowReader } from '../ingest/outbox-batches.js';

type Append = (appender: DuckDBAppender, value: unknown) => void;

// Cell codes of writePacked.
const P_ARCHIVE = 0, P_TEXT = 1, P_INTEGER = 2, P_BIGINT = 3, P_DOUBLE = 4, P_BOOLEAN = 5, P_TIME = 6;

export class TableWriter {
  private constructor(
    readonly table: string,
    private readonly appender: DuckDBAppender,
    private readonly columns: { name: string; append: Append }[],
    private readonly archiveId: string,
  ) {}

  static async open(conn: DuckDBConnection, table: string, archiveId: string): Promise<TableWriter> {
    const appender = await conn.createAppender(table);
    const names = (
      await conn.runAndReadAll(
        'SELECT column_name FROM duckdb_columns() WHERE table_name = $1 AND schema_name = current_schema() ORDER BY column_index',
        [table],
      )
    )
      .getRows()
      .map((r) => String(r[0]));
    const columns = names.map((name, i) => ({ name, append: appendFor(appender.columnType(i), `${table}.${name}`) }));
    return new TableWriter(table, appender, columns, archiveId);
  }

  rows = 0;

  /**
   * Appends packed rows (src/ingest/outbox-batches.ts) whose columns are `columns`, which must be the table's columns
   * in order (archive_id aside). Decodes cell by cell straight into the appender: no row objects are rebuilt.
   */
  writePacked(packed: PackedRows, columns: ReadonlyArray<readonly [string, CellKind]>): void {
    const codes = (this.packedCodes ??= this.packedPlan(columns));
    const a = this.appender;
    const reader = new RowReader(packed);
    const archiveId = this.archiveId;
    for (let r = 0; r < packed.rows; r++) {
      for (let c = 0; c < codes.length; c++) {
        switch (codes[c]) {
          case P_ARCHIVE:
            a.appendVarchar(archiveId);
            break;
          case P_TEXT: {
            const v = reader.text();
            if (v === null) a.appendNull();
            else a.appendVarchar(v);
            break;
          }
          case P_INTEGER: {
            const v = reader.number();
            if (Number.isNaN(v)) a.appendNull();
            else a.appendInteger(v);
            break;
          }
          case P_BIGINT: {
            const v = reader.number();
            if (Number.isNaN(v)) a.appendNull();
            else a.appendBigInt(BigInt(v));
            break;
          }
          case P_DOUBLE: {
            const v = reader.number();
            if (Number.isNaN(v)) a.appendNull();
            else a.appendDouble(v);
            break;
          }
          case P_BOOLEAN: {
            const v = reader.number();
            if (Number.isNaN(v)) a.appendNull();
            else a.appendBoolean(v !== 0);
            break;
          }
          case P_TIME: {
            const v = reader.number();
            if (Number.isNaN(v)) a.appendNull();
            else a.appendTimestamp(timestampValue(BigInt(v) * 1000n));
            break;
          }
        }
      }
      a.endRow();
    }
    this.rows += packed.rows;
  }

  private packedCodes: number[] | undefined;

  /** One code per table column; throws when the packed columns are not the table's, in order. */
  private packedPlan(columns: ReadonlyArray<readonly [string, CellKind]>): number[] {
    const names = this.columns.map((c) => c.name).filter((n) => n !== 'archive_id');
    const packedNames = columns.map(([n]) => n);
    if (names.join(',') !== packedNames.join(',')) {
      throw new Error(`${this.table}: packed columns (${packedNames.join(', ')}) are not the table's (${names.join(', ')})`);
    }
    const kinds = new Map(columns.map(([n, k]) => [n, k] as const));
    return this.columns.map((column, i) => {
      if (column.name === 'archive_id') return P_ARCHIVE;
      const kind = kinds.get(column.name)!;
      const type = this.appender.columnType(i).typeId;
      const where = `${this.table}.${column.name}`;
      if (kind === 'text' && type === DuckDBTypeId.VARCHAR) return P_TEXT;
      if (kind === 'time' && type === DuckDBTypeId.TIMESTAMP_TZ) return P_TIME;
      if (kind === 'bool' && type === DuckDBTypeId.BOOLEAN) return P_BOOLEAN;
      if (kind === 'number' && type === DuckDBTypeId.INTEGER) return P_INTEGER;
      if (kind === 'number' && type === DuckDBTypeId.BIGINT) return P_BIGINT;
      if (kind === 'number' && type === DuckDBTypeId.DOUBLE) return P_DOUBLE;
      throw new Error(`column ${where}: packed ${kind} cells cannot go into ${this.appender.columnType(i).toString()}`);
    });
  }

  write(row: object): void {
    const a = this.appender;
    const values = row as Record<string, unknown>;
    for (const column of this.columns) {
      if (column.name === 'archive_id') a.appendVarchar(this.archiveId);
      else column.append(a, values[column.name]);
    }
    a.endRow();
    this.rows++;
  }

  /** Hands the rows appended so far to the table (and so to DuckDB's memory management). */
  flush(): void {
    this.appender.flushSync();
  }

  close(): void {
    this.appender.flushSync();
    this.appender.closeSync();
  }
}

/** Microseconds since the epoch of an ISO time string; null when it does not parse. */
export function isoToMicros(value: string): bigint | null {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : BigInt(ms) * 1000n;
}

function toDuckValue(type: DuckDBType, value: unknown): DuckDBValue {
  if (value === null || value === undefined) return null;
  switch (type.typeId) {
    case DuckDBTypeId.LIST: {
      const child = (type as DuckDBListType).valueType;
      return listValue((value as unknown[]).map((v) => toDuckValue(child, v)));
    }
    case DuckDBTypeId.STRUCT: {
      const entries: Record<string, DuckDBValue> = {};
      const struct = type as unknown as { entryNames: string[]; entryTypes: DuckDBType[] };
      struct.entryNames.forEach((name, i) => {
        entries[name] = toDuckValue(struct.entryTypes[i]!, (value as Record<string, unknown>)[name]);
      });
      return structValue(entries);
    }
    case DuckDBTypeId.VARCHAR:
      return String(value);
    default:
      return value as DuckDBValue;
  }
}

function appendFor(type: DuckDBType, where: string): Append {
  const orNull =
    (f: Append): Append =>
    (a, v) =>
      v === null || v === undefined ? a.appendNull() : f(a, v);
  switch (type.typeId) {
    case DuckDBTypeId.VARCHAR:
      return orNull((a, v) => a.appendVarchar(String(v)));
    case DuckDBTypeId.BOOLEAN:
      return orNull((a, v) => a.appendBoolean(Boolean(v)));
    case DuckDBTypeId.INTEGER:
      return orNull((a, v) => a.appendInteger(Number(v)));
    case DuckDBTypeId.BIGINT:
      return orNull((a, v) => a.appendBigInt(BigInt(v as number)));
    case DuckDBTypeId.DOUBLE:
      return orNull((a, v) => a.appendDouble(Number(v)));
    case DuckDBTypeId.TIMESTAMP_TZ:
      // A plain TIMESTAMP of the UTC instant: the appender stores it in a TIMESTAMPTZ column as the same instant
      // whatever the session TimeZone (checked), and the native call is 5x faster than appendTimestampTZ, which
      // goes through a generic value (300k cells: 65 ms against 315 ms).
      return (a, v) => {
        const micros = typeof v === 'string' ? isoToMicros(v) : null;
        if (micros === null) a.appendNull();
        else a.appendTimestamp(timestampValue(micros));
      };
    case DuckDBTypeId.LIST:
      return orNull((a, v) => a.appendList(toDuckValue(type, v) as never, type as DuckDBListType));
    default:
      throw new Error(`column ${where}: type ${type.toString()} has no appender`);
  }
}
