/**
 * What the SQL pane knows about the database: tables and views with their columns and types (from DuckDB's own
 * catalog, so temporary tables the user creates appear too), the one-line explanations written in schema.sql, and
 * the names of functions and keywords for completion.
 */
import type { DuckDBConnection } from '../duckdb.js';
import { schemaText } from '../connection.js';

export interface CatalogColumn {
  name: string;
  type: string;
  /** The `---` comment of the column in schema.sql. */
  doc?: string;
}

export interface CatalogTable {
  name: string;
  kind: 'table' | 'view' | 'temporary';
  /** The `-- name: text` comment above the table in schema.sql. */
  doc?: string;
  columns: CatalogColumn[];
}

export interface Catalog {
  tables: CatalogTable[];
  /** Function and macro names (lower case, no operators, no internal ones). */
  functions: string[];
  /** SQL keywords (lower case). */
  keywords: string[];
}

export interface SchemaDocs {
  /** Table names in the order schema.sql declares them. */
  order: string[];
  tables: Map<string, { doc?: string; columns: Map<string, string> }>;
}

/**
 * The explanations in schema.sql: "-- name: text" (or "-- name (view): text") above a CREATE TABLE / CREATE VIEW,
 * and "--- text" after a column. Pure.
 */
export function parseSchemaDocs(schemaSql: string): SchemaDocs {
  const docs: SchemaDocs = { order: [], tables: new Map() };
  let pendingDoc: { name: string; text: string } | undefined;
  let current: { doc?: string; columns: Map<string, string> } | undefined;
  for (const line of schemaSql.split('\n')) {
    const tableDoc = /^--\s+([a-z_]+)(?:\s*\([a-z ]+\))?:\s*(.+)$/.exec(line);
    if (tableDoc) {
      pendingDoc = { name: tableDoc[1]!, text: tableDoc[2]!.trim() };
      continue;
    }
    const create = /^CREATE\s+(?:TABLE|VIEW)\s+([a-z_]+)/i.exec(line);
    if (create) {
      const name = create[1]!;
      current = { doc: pendingDoc?.name === name ? pendingDoc.text : undefined, columns: new Map() };
      docs.tables.set(name, current);
      docs.order.push(name);
      pendingDoc = undefined;
      continue;
    }
    if (/^\s*\);?\s*$/.test(line) || /^\s*$/.test(line)) {
      if (/\)/.test(line)) current = undefined;
      continue;
    }
    const column = /^\s+([a-z_]+)\s+[A-Z].*?---\s*(.+)$/.exec(line);
    if (column && current) current.columns.set(column[1]!, column[2]!.trim());
  }
  return docs;
}

let cachedDocs: SchemaDocs | undefined;

/** The explanations of the shipped schema.sql (read once). */
export function schemaDocs(): SchemaDocs {
  cachedDocs ??= parseSchemaDocs(schemaText());
  return cachedDocs;
}

async function rows(conn: DuckDBConnection, sql: string): Promise<unknown[][]> {
  return (await conn.runAndReadAll(sql)).getRows() as unknown[][];
}

/** Reads the catalog from the database: tables and views of the main schema and temporary ones. */
export async function loadCatalog(conn: DuckDBConnection, docs: SchemaDocs = schemaDocs()): Promise<Catalog> {
  const columnRows = await rows(
    conn,
    `SELECT c.table_name, c.column_name, c.data_type, c.database_name = 'temp' AS temporary,
            EXISTS (SELECT 1 FROM duckdb_views() v
                    WHERE v.view_name = c.table_name AND v.schema_name = c.schema_name
                      AND v.database_name = c.database_name) AS is_view
     FROM duckdb_columns() c
     WHERE (c.database_name = current_database() AND c.schema_name = 'main') OR c.database_name = 'temp'
     ORDER BY c.table_name, c.column_index`,
  );
  const byName = new Map<string, CatalogTable>();
  for (const [table, column, type, temporary, isView] of columnRows) {
    const name = String(table);
    let entry = byName.get(name);
    if (!entry) {
      const doc = docs.tables.get(name);
      entry = { name, kind: temporary ? 'temporary' : isView ? 'view' : 'table', doc: doc?.doc, columns: [] };
      byName.set(name, entry);
    }
    const columnName = String(column);
    entry.columns.push({ name: columnName, type: String(type), doc: docs.tables.get(name)?.columns.get(columnName) });
  }
  const rank = (name: string) => {
    const i = docs.order.indexOf(name);
    return i < 0 ? docs.order.length : i;
  };
  const tables = [...byName.values()].sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));

  const functions = (
    await rows(
      conn,
      `SELECT DISTINCT function_name FROM duckdb_functions()
       WHERE function_type IN ('scalar', 'aggregate', 'macro', 'table', 'table_macro')
         AND regexp_matches(function_name, '^[a-z][a-z0-9_]*$')
       ORDER BY 1`,
    )
  ).map((r) => String(r[0]));
  const keywords = (await rows(conn, 'SELECT DISTINCT keyword_name FROM duckdb_keywords() ORDER BY 1')).map((r) =>
    String(r[0]).toLowerCase(),
  );
  return { tables, functions, keywords };
}

/** A table by name, case-insensitively. */
export function findTable(catalog: Catalog, name: string): CatalogTable | undefined {
  const lower = name.toLowerCase();
  return catalog.tables.find((t) => t.name.toLowerCase() === lower);
}
