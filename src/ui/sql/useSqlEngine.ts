/**
 * The SQL pane's non-visual state: its own connection to the database (so Ctrl-C interrupts only the pane's
 * query), the shell that runs input, the catalog for completion and the side list, and the history kept in the
 * user's state folder.
 */
import type { DuckDBConnection, DuckDBInstance } from '../../db/duckdb.js';
import { useCallback, useEffect, useRef, useState } from 'react';
import { type Catalog, loadCatalog } from '../../db/sql/catalog.js';
import type { OutputFormat } from '../../db/format.js';
import { type Outcome, SqlShell } from '../../db/sql/shell.js';
import { History } from '../../sql/history.js';
import { appendHistory, historyPath, loadHistory } from '../../sql/history-file.js';

export interface SqlEngine {
  shell: SqlShell | undefined;
  catalog: Catalog | undefined;
  history: History;
  /** The running query and when it started; undefined when none runs. */
  running: { sql: string; started: number } | undefined;
  /** Runs one input (recorded in the history first), once the connection is open. */
  execute(input: string): Promise<Outcome>;
  /** Cancels the running query; false when none runs. */
  cancel(): boolean;
  /** The shell's output mode (.mode) right now. */
  mode(): OutputFormat;
  /** A problem with the connection or the history file, to show once. */
  problem: string | undefined;
}

export function useSqlEngine(instance: DuckDBInstance, timeZone: string, archivePath?: string): SqlEngine {
  const [shell, setShell] = useState<SqlShell>();
  const [catalog, setCatalog] = useState<Catalog>();
  const [running, setRunning] = useState<SqlEngine['running']>();
  const [problem, setProblem] = useState<string>();
  const catalogRef = useRef<Catalog | undefined>(undefined);
  const historyRef = useRef(new History());
  const [, setHistoryVersion] = useState(0);
  const path = useRef(historyPath());
  const shellRef = useRef<SqlShell | undefined>(undefined);
  // Input typed before the connection is open waits for it.
  const ready = useRef<{ promise: Promise<SqlShell>; resolve: (s: SqlShell) => void } | undefined>(undefined);
  if (!ready.current) {
    let resolve!: (s: SqlShell) => void;
    const promise = new Promise<SqlShell>((r) => (resolve = r));
    ready.current = { promise, resolve };
  }

  useEffect(() => {
    let closed = false;
    let conn: DuckDBConnection | undefined;
    let own: SqlShell | undefined;
    instance
      .connect()
      .then(async (c) => {
        if (closed) {
          c.closeSync();
          return;
        }
        conn = c;
        own = new SqlShell(c, { timeZone, catalog: () => catalogRef.current, archivePath });
        setShell(own);
        ready.current!.resolve(own);
        shellRef.current = own;
        const loaded = await loadCatalog(c);
        if (closed) return;
        catalogRef.current = loaded;
        setCatalog(loaded);
      })
      .catch((error: unknown) => {
        if (!closed) setProblem(`SQL: cannot open a connection (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
      });
    return () => {
      closed = true;
      own?.cancel();
      try {
        conn?.closeSync();
      } catch {
        // Closing a connection twice or while DuckDB shuts down is harmless.
      }
    };
  }, [instance, timeZone, archivePath]);

  useEffect(() => {
    let cancelled = false;
    loadHistory(path.current).then((entries) => {
      if (cancelled || entries.length === 0) return;
      // Queries run before the file was read stay at the end.
      historyRef.current = new History([...entries, ...historyRef.current.entries]);
      setHistoryVersion((v) => v + 1);
    });
    return () => {
      cancelled = true;
    };
  }, []);

  const execute = useCallback(
    async (input: string) => {
      const text = input.trim();
      if (historyRef.current.add(text)) {
        appendHistory(path.current, text).catch((error: unknown) => {
          setProblem(`history not saved: ${path.current} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
        });
      }
      setRunning({ sql: text, started: Date.now() });
      try {
        return await (await ready.current!.promise).execute(text);
      } finally {
        setRunning(undefined);
      }
    },
    [],
  );

  const cancel = useCallback(() => shell?.cancel() ?? false, [shell]);

  const mode = useCallback(() => shellRef.current?.mode ?? 'table', []);
  return { shell, catalog, history: historyRef.current, running, execute, cancel, mode, problem };
}
