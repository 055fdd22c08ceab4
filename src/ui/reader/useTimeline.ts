/**
 * Virtual lists: the row count of a query and a cache of fixed-size pages, fetched only for what is on screen
 * (plus one page either side, so that scrolling rarely waits). Replies that arrive for an older query are dropped.
 */
import type { DuckDBConnection } from '../../db/duckdb.js';
import { useCallback, useEffect, useRef, useState } from 'react';
import { countTimeline, timelinePage, type TimelineQuery, type TimelineRow } from '../../db/reader-queries.js';

export const PAGE_SIZE = 64;

export interface PagedData<T> {
  /** null while counting. */
  count: number | null;
  error: string | null;
  rowAt(index: number): T | undefined;
  /** Asks for the rows [from, from + n) and a page either side. */
  ensure(from: number, n: number): void;
}

/**
 * A paged list identified by `key`: when the key changes, the count and pages are fetched again with the latest
 * `countRows` and `pageRows`.
 */
export function usePaged<T>(
  key: string,
  countRows: () => Promise<number>,
  pageRows: (offset: number, limit: number) => Promise<T[]>,
): PagedData<T> {
  const [count, setCount] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [, setVersion] = useState(0);
  const generation = useRef(0);
  const pages = useRef(new Map<number, T[]>());
  const pending = useRef(new Set<number>());
  const fns = useRef({ countRows, pageRows });
  fns.current = { countRows, pageRows };
  const countRef = useRef<number | null>(null);

  useEffect(() => {
    const gen = ++generation.current;
    pages.current = new Map();
    pending.current = new Set();
    countRef.current = null;
    setCount(null);
    setError(null);
    fns.current.countRows().then(
      (n) => {
        if (gen !== generation.current) return;
        countRef.current = n;
        setCount(n);
      },
      (e: unknown) => {
        if (gen === generation.current) setError(e instanceof Error ? e.message : String(e));
      },
    );
  }, [key]);

  const fetchPage = useCallback((page: number) => {
    if (page < 0 || pages.current.has(page) || pending.current.has(page)) return;
    if (countRef.current !== null && page * PAGE_SIZE >= countRef.current) return;
    const gen = generation.current;
    pending.current.add(page);
    fns.current.pageRows(page * PAGE_SIZE, PAGE_SIZE).then(
      (rows) => {
        if (gen !== generation.current) return;
        pending.current.delete(page);
        pages.current.set(page, rows);
        // Memory stays bounded: pages far from the one just read are dropped.
        if (pages.current.size > 24) {
          for (const p of pages.current.keys()) if (Math.abs(p - page) > 8) pages.current.delete(p);
        }
        setVersion((v) => v + 1);
      },
      (e: unknown) => {
        if (gen !== generation.current) return;
        pending.current.delete(page);
        setError(e instanceof Error ? e.message : String(e));
      },
    );
  }, []);

  const ensure = useCallback(
    (from: number, n: number) => {
      const first = Math.floor(Math.max(0, from) / PAGE_SIZE);
      const last = Math.floor(Math.max(0, from + Math.max(1, n) - 1) / PAGE_SIZE);
      for (let p = first; p <= last; p++) fetchPage(p);
      fetchPage(last + 1);
      if (first > 0) fetchPage(first - 1);
    },
    [fetchPage],
  );

  const rowAt = useCallback((index: number) => pages.current.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE], []);

  return { count, error, rowAt, ensure };
}

export function queryKey(q: TimelineQuery): string {
  return JSON.stringify([q.archiveId, q.filter, q.order, q.ids ?? null]);
}

/** A number for each connection seen, so that a list is fetched again when the database is swapped. */
const connectionIds = new WeakMap<object, number>();
let connectionsSeen = 0;
function connectionId(conn: DuckDBConnection): number {
  let id = connectionIds.get(conn);
  if (id === undefined) {
    id = ++connectionsSeen;
    connectionIds.set(conn, id);
  }
  return id;
}

export function useTimeline(conn: DuckDBConnection, q: TimelineQuery): PagedData<TimelineRow> {
  return usePaged(
    `${connectionId(conn)}:${queryKey(q)}`,
    () => countTimeline(conn, q),
    (offset, limit) => timelinePage(conn, q, offset, limit),
  );
}
