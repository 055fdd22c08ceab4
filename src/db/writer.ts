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
  timestampTZValue,
} from '@duckdb/node-api';

type Append = (appender: DuckDBAppender, value: unknown) => void;

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
      return (a, v) => {
        const micros = typeof v === 'string' ? isoToMicros(v) : null;
        if (micros === null) a.appendNull();
        else a.appendTimestampTZ(timestampTZValue(micros));
      };
    case DuckDBTypeId.LIST:
      return orNull((a, v) => a.appendList(toDuckValue(type, v) as never, type as DuckDBListType));
    default:
      throw new Error(`column ${where}: type ${type.toString()} has no appender`);
  }
}
