/**
 * The SQL pane's engine, without any UI: runs one line of input (SQL through the shared runner, or a dot command),
 * refuses statements that would change the database, cancels a running query, exports, and finds the posts a result
 * points at. It runs on its own connection, so cancelling interrupts nothing else.
 */
import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
import { type DuckDBConnection, StatementType, listValue } from '../duckdb.js';
import { UserError } from '../../errors.js';
import { OUTPUT_FORMATS, type OutputFormat } from '../format.js';
import { type QueryResult, SqlError, runQuery, toCell } from '../runner.js';
import { type Catalog, findTable } from './catalog.js';
import { exportFormatOf, resolveExportPath, writeExport } from './export.js';
import { tokenize } from '../../sql/lexer.js';

export type Outcome =
  | { kind: 'result'; result: QueryResult; title: string; sql?: string }
  | { kind: 'message'; text: string }
  | { kind: 'text'; title: string; text: string }
  | { kind: 'error'; message: string; hint?: string; line?: number; column?: number }
  | { kind: 'cancelled'; text: string };

/** Statement types the pane runs: reading ones. Everything else is refused before it runs. */
const ALLOWED = new Set<StatementType>([
  StatementType.SELECT,
  StatementType.EXPLAIN,
  StatementType.CALL,
  StatementType.SET,
  StatementType.VARIABLE_SET,
  StatementType.TRANSACTION,
]);

/**
 * Functions that change DuckDB for the whole program (logging, profiling, the parser), which the locked
 * configuration does not cover: enable_logging(storage = 'file') makes every later query of the app fail.
 */
const INSTANCE_FUNCTIONS = new Set([
  'enable_logging',
  'disable_logging',
  'truncate_duckdb_logs',
  'enable_profiling',
  'disable_profiling',
  'enable_peg_parser',
  'disable_peg_parser',
]);

/** Why the query is refused for calling one of INSTANCE_FUNCTIONS, or undefined. */
export function refusedFunction(sql: string): string | undefined {
  const tokens = tokenize(sql);
  for (let i = 0; i < tokens.length - 1; i++) {
    const t = tokens[i]!;
    if ((t.kind === 'word' || t.kind === 'quoted') && INSTANCE_FUNCTIONS.has(t.text.toLowerCase()) && tokens[i + 1]!.text === '(') {
      return `${t.text.toLowerCase()}() is refused: it would change DuckDB for the whole program`;
    }
  }
  return undefined;
}

/** Why a statement type is refused, or undefined when the pane runs it. */
export function refusal(type: StatementType): string | undefined {
  if (ALLOWED.has(type)) return undefined;
  const name = StatementType[type] ?? 'this';
  if (type === StatementType.COPY || type === StatementType.EXPORT) {
    return `${name} is refused: the SQL pane writes files only with .export FILE`;
  }
  return `${name.replace(/_/g, ' ')} statements are refused: the SQL pane only reads your archive`;
}

export const HELP_TEXT = `Dot commands
  .tables              the tables and views, with their row counts and what they hold
  .schema [TABLE]      columns, types and what each one means (all tables without TABLE)
  .mode [MODE]         how results are shown and copied: table, csv, json or markdown
  .export FILE         write the last result to FILE; the format comes from the extension:
                       .csv, .json, .parquet or .md (all rows, not only the first 10,000)
  .help                this text

Keys in the query input
  Enter, Ctrl-J, F5    run          ↑ ↓       walk the history     Ctrl-R   search the history
  Tab                  complete     Ctrl-X    edit in $EDITOR      Ctrl-E   export the result
  F2                   tables and example queries                  Esc      leave the input

Keys in the result
  arrows, h j k l      move         PgUp PgDn g G   page, first, last row
  Enter                open the post (results with an id or post_id column); otherwise show the cell
  v                    show the whole cell or record     t   read the result as a timeline
  y / Y                copy the cell / the row (OSC 52)   i   back to the input

The pane reads only: statements that change the database, COPY and ATTACH are refused, and DuckDB itself
is locked so it cannot read or write files, load extensions or reach the network.`;

/** The column that holds post ids: 'post_id', else 'id'. */
export function postIdColumn(result: QueryResult): number | undefined {
  const names = result.columns.map((c) => c.name.toLowerCase());
  for (const wanted of ['post_id', 'id']) {
    const i = names.indexOf(wanted);
    if (i >= 0 && /^(VARCHAR|BIGINT|UBIGINT|HUGEINT)$/.test(result.columns[i]!.type)) return i;
  }
  return undefined;
}

export class SqlShell {
  mode: OutputFormat = 'table';
  /** The last result shown, and the query that made it (undefined for dot commands). */
  last?: { result: QueryResult; sql?: string; title: string };
  private running = false;
  private cancelled = false;

  constructor(
    readonly conn: DuckDBConnection,
    readonly options: {
      timeZone: string;
      catalog: () => Catalog | undefined;
      maxRows?: number;
      /** The archive's path as opened now, if it may differ from the one recorded at its first load (it moved). */
      archivePath?: string;
    },
  ) {}

  get busy(): boolean {
    return this.running;
  }

  /** Interrupts the running query; false when none runs. */
  cancel(): boolean {
    if (!this.running) return false;
    this.cancelled = true;
    this.conn.interrupt();
    return true;
  }

  /** Runs one input: a dot command or SQL. Never throws for the user's mistakes: they come back as 'error'. */
  async execute(input: string): Promise<Outcome> {
    const text = input.trim();
    if (text === '') return { kind: 'message', text: 'type a query, or .help' };
    try {
      if (text.startsWith('.')) return await this.dot(text);
      const result = await this.run(text, this.options.maxRows);
      this.last = { result, sql: text, title: firstLine(text) };
      return { kind: 'result', result, title: this.last.title, sql: text };
    } catch (error) {
      if (error instanceof SqlError && error.details.interrupted) {
        return { kind: 'cancelled', text: this.cancelled ? error.details.message : 'the query was interrupted' };
      }
      if (error instanceof SqlError) {
        const { message, line, column } = error.details;
        const hint = /^Permission Error/.test(message)
          ? 'the SQL pane cannot read or write files; .export FILE writes the last result'
          : error.details.hint;
        return { kind: 'error', message, hint, line, column };
      }
      if (error instanceof UserError) return { kind: 'error', message: error.message };
      return { kind: 'error', message: (error instanceof Error ? error.message : String(error)).split('\n')[0]! };
    }
  }

  /** SQL through the shared runner, with the pane's refusals; cancellable. */
  private async run(sql: string, maxRows?: number): Promise<QueryResult> {
    if (this.running) throw new UserError('a query is still running (Ctrl-C cancels it)');
    this.running = true;
    this.cancelled = false;
    const started = performance.now();
    try {
      const refused = refusedFunction(sql);
      if (refused) throw new SqlError({ message: refused, interrupted: false });
      return await runQuery(this.conn, sql, { maxRows, checkStatement: refusal });
    } catch (error) {
      if (this.cancelled) {
        throw new SqlError({ message: `cancelled after ${((performance.now() - started) / 1000).toFixed(1)} s`, interrupted: true });
      }
      throw error;
    } finally {
      this.running = false;
    }
  }

  private async dot(text: string): Promise<Outcome> {
    const [command, ...rest] = text.split(/\s+/);
    const argument = text.slice(command!.length).trim();
    switch (command!.toLowerCase()) {
      case '.help':
        return { kind: 'text', title: '.help', text: HELP_TEXT };
      case '.tables':
        return this.show('.tables', await this.tables());
      case '.schema':
        return this.show(`.schema${argument ? ` ${argument}` : ''}`, this.schema(rest[0]));
      case '.mode': {
        if (!argument) return { kind: 'message', text: `mode ${this.mode} (choose table, csv, json or markdown)` };
        const mode = argument.toLowerCase() === 'md' ? 'markdown' : argument.toLowerCase();
        if (!OUTPUT_FORMATS.includes(mode as OutputFormat)) {
          throw new UserError(`.mode: expected table, csv, json or markdown, got "${argument}"`);
        }
        this.mode = mode as OutputFormat;
        return { kind: 'message', text: `mode ${this.mode}` };
      }
      case '.export':
        return { kind: 'message', text: await this.export(argument) };
      default:
        throw new UserError(`${command}: unknown command (try .help)`);
    }
  }

  private show(title: string, result: QueryResult): Outcome {
    this.last = { result, title };
    return { kind: 'result', result, title };
  }

  private catalog(): Catalog {
    const catalog = this.options.catalog();
    if (!catalog) throw new UserError('the list of tables is still loading; try again in a moment');
    return catalog;
  }

  private async tables(): Promise<QueryResult> {
    const started = performance.now();
    const rows: QueryResult['rows'] = [];
    for (const table of this.catalog().tables) {
      const count = (await this.conn.runAndReadAll(`SELECT count(*) FROM "${table.name.replace(/"/g, '""')}"`)).getRows()[0]![0];
      rows.push([table.name, table.kind, toCell(count ?? null), table.doc ?? null]);
    }
    return {
      columns: [
        { name: 'name', type: 'VARCHAR' },
        { name: 'kind', type: 'VARCHAR' },
        { name: 'rows', type: 'BIGINT' },
        { name: 'holds', type: 'VARCHAR' },
      ],
      rows,
      truncated: false,
      elapsedMs: performance.now() - started,
    };
  }

  private schema(name?: string): QueryResult {
    const catalog = this.catalog();
    let tables = catalog.tables;
    if (name !== undefined) {
      const table = findTable(catalog, name.replace(/;$/, ''));
      if (!table) throw new UserError(`.schema: no table or view named "${name}" (see .tables)`);
      tables = [table];
    }
    const rows = tables.flatMap((t) => t.columns.map((c) => [t.name, c.name, c.type, c.doc ?? null]));
    return {
      columns: [
        { name: 'table', type: 'VARCHAR' },
        { name: 'column', type: 'VARCHAR' },
        { name: 'type', type: 'VARCHAR' },
        { name: 'meaning', type: 'VARCHAR' },
      ],
      rows,
      truncated: false,
      elapsedMs: 0,
    };
  }

  /** `.export FILE`: all rows of the last result (a query is run again when only its first rows are held). */
  async export(file: string): Promise<string> {
    if (!file) throw new UserError('.export: name the file, e.g. .export posts.csv (or .json, .parquet, .md)');
    const format = exportFormatOf(file);
    if (!format) throw new UserError(`.export: ${file}: use a name ending in .csv, .json, .parquet or .md`);
    if (!this.last) throw new UserError('.export: run a query first; .export writes its result');
    const path = resolveExportPath(file);
    await this.refuseOwnFiles(path);
    let { result } = this.last;
    if (result.truncated && this.last.sql) result = await this.run(this.last.sql, Number.MAX_SAFE_INTEGER);
    await writeExport(result, path, format, this.options.timeZone);
    const count = result.rows.length;
    const note = await this.visibilityNote(result, this.last.sql);
    return `wrote ${count.toLocaleString('en')} ${count === 1 ? 'row' : 'rows'} to ${path}${note ? ` · ${note}` : ''}`;
  }

  /**
   * The archive and the database file are never overwritten, nor anything inside an extracted archive folder: the
   * archive where it was first loaded from (archives.path) and where it is now (options.archivePath). Paths are
   * compared after resolving symbolic links (the file to write need not exist yet: its folder is resolved).
   */
  private async refuseOwnFiles(path: string): Promise<void> {
    const real = async (p: string) => {
      try {
        return await realpath(p);
      } catch {
        try {
          return join(await realpath(dirname(p)), basename(p));
        } catch {
          return p;
        }
      }
    };
    const target = await real(path);
    const rows = (
      await this.conn.runAndReadAll(
        `SELECT path, NULL FROM duckdb_databases() WHERE path IS NOT NULL
         UNION ALL SELECT path, container FROM archives WHERE path IS NOT NULL`,
      )
    ).getRows();
    const current = this.options.archivePath;
    if (current !== undefined) {
      const isFolder = await stat(current).then((s) => s.isDirectory(), () => false);
      rows.push([current, isFolder ? 'folder' : null]);
    }
    for (const [own, container] of rows) {
      const ownPath = await real(resolveExportPath(String(own)));
      const inside = container === 'folder' && target.startsWith(ownPath + sep);
      if (ownPath === target || `${ownPath}.wal` === target || inside) {
        throw new UserError(`.export: ${path} is your archive or its database; choose another name`);
      }
    }
  }

  /** What visibility of posts an export holds (DESIGN: say so for anything that could leave the machine). */
  async visibilityNote(result: QueryResult, sql?: string): Promise<string | undefined> {
    const names = result.columns.map((c) => c.name.toLowerCase());
    let counts = new Map<string, number>();
    const visibility = names.indexOf('visibility');
    const idColumn = postIdColumn(result);
    if (visibility >= 0) {
      for (const row of result.rows) {
        const v = String(row[visibility] ?? 'unknown');
        counts.set(v, (counts.get(v) ?? 0) + 1);
      }
    } else if (idColumn !== undefined) {
      const ids = [...new Set(result.rows.map((r) => r[idColumn]).filter((v) => v !== null).map(String))];
      const rows = (
        await this.conn.runAndReadAll(
          'SELECT visibility, count(*) FROM timeline WHERE id IN (SELECT unnest($1::VARCHAR[])) GROUP BY 1',
          [listValue(ids)],
        )
      ).getRows();
      counts = new Map(rows.map(([v, n]) => [String(v), Number(n)]));
    } else {
      let tables: readonly string[] = [];
      try {
        tables = sql ? this.conn.getTableNames(sql, false) : [];
      } catch {
        // A query DuckDB cannot take apart again: say nothing rather than guess.
      }
      const private_ = ['posts', 'timeline', 'threads', 'mentions', 'hashtags', 'media', 'links', 'emojis', 'poll_options', 'outbox_items'];
      if (tables.some((t) => private_.includes(t.toLowerCase()))) {
        return 'may hold followers-only posts and DMs: check before sharing';
      }
      return undefined;
    }
    if (counts.size === 0) return undefined;
    const order = ['public', 'unlisted', 'private', 'direct'];
    const parts = [...counts].sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0])).map(([v, n]) => `${v} ${n}`);
    const sensitive = counts.has('private') || counts.has('direct');
    return `visibility: ${parts.join(', ')}${sensitive ? ' (holds followers-only posts or DMs: check before sharing)' : ''}`;
  }

  /** Of these ids, the ones that are posts or boosts of the archive, in the given order without repeats. */
  async timelineIds(ids: readonly string[]): Promise<string[]> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return [];
    const rows = (
      await this.conn.runAndReadAll('SELECT id FROM timeline WHERE id IN (SELECT unnest($1::VARCHAR[]))', [listValue(unique)])
    ).getRows();
    const known = new Set(rows.map((r) => String(r[0])));
    return unique.filter((id) => known.has(id));
  }

  /** True when `id` is one of the archive's own posts. */
  async isPost(id: string): Promise<boolean> {
    const rows = (await this.conn.runAndReadAll('SELECT 1 FROM posts WHERE id = $1 LIMIT 1', [id])).getRows();
    return rows.length > 0;
  }
}

function firstLine(sql: string): string {
  const line = sql.split('\n').find((l) => l.trim() !== '') ?? sql;
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}
