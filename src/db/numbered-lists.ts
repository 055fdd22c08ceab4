/**
 * Lists numbered once in the reader's two orders, so that a page is a range of positions instead of a sort.
 *
 * The whole timeline is numbered at load time (timeline_order, load.ts). A filtered list (posts only, one month,
 * DMs...) is numbered the first time a page of it is asked for, into a temporary table of the connection with the
 * same columns; its pages, month list and search positions then read from that table. Sorting the filtered rows for
 * every page instead took 36-95 ms a page at 1M items, growing with the offset. Measured on the 1M bench archive
 * (2 cores, best of 5): numbering 24 ms (40k DMs) to 250 ms (723k posts), once; then 3.2-3.8 ms a page anywhere in
 * the list. A subset (the posts of an SQL result opened as a list, at most 10,000) is numbered in its own order the
 * same way, its rows' list columns stored with it (timeline-lists.ts subsetSource).
 *
 * Temporary tables belong to their connection (the SQL pane, on a connection of its own, does not see them) and go
 * when it closes. At most MAX_NUMBERED_LISTS are kept per connection (each holds its list's keys: about 40 MB for
 * 720k rows); the least recently used is dropped first, never one that a query is reading or that is being made.
 */
import type { DuckDBConnection } from './duckdb.js';

/**
 * SELECT of `source`'s rows (columns archive_id, kind, id, created_at) numbered in the newest-first order (pos:
 * created_at DESC, id DESC) and the oldest-first one (oldest_pos), in pos order: timeline_order's columns. One sort:
 * oldest_pos is pos counted from the end, except that rows without a time come last in both orders (DuckDB sorts
 * NULLs last either way), so those are counted from the end of their own block.
 */
export function numberedRowsSql(source: string): string {
  return `SELECT archive_id, pos,
       (CASE WHEN created_at IS NULL THEN dated + total - 1 - pos ELSE dated - 1 - pos END)::INTEGER AS oldest_pos,
       kind, id, created_at
     FROM (
       SELECT archive_id, kind, id, created_at,
         (row_number() OVER (ORDER BY created_at DESC, id DESC) - 1)::INTEGER AS pos,
         count(*) OVER () AS total, count(created_at) OVER () AS dated
       FROM (${source})
     )
     ORDER BY pos`;
}

export const MAX_NUMBERED_LISTS = 3;

/**
 * What a list is: the SELECT of its numbered rows (at least timeline_order's columns, as numberedRowsSql gives them)
 * with its parameters, and a key naming it.
 */
export interface ListSource {
  key: string;
  sql: string;
  params: Record<string, unknown>;
  types: Record<string, unknown>;
}

interface NumberedList {
  table: string;
  ready: Promise<void>;
  settled: boolean;
  readers: number;
  lastUsed: number;
}

const listsOf = new WeakMap<DuckDBConnection, Map<string, NumberedList>>();
let tablesMade = 0;
let useClock = 0;

/**
 * Runs `read` with the name of the temporary table numbering `source`, made first if the connection has none.
 * With `ifAbsent`, a list not numbered yet is not made: `ifAbsent` answers instead (counting the rows of a filter
 * being edited should not number them).
 */
export async function withNumberedList<T>(
  conn: DuckDBConnection,
  source: ListSource,
  read: (table: string) => Promise<T>,
  ifAbsent?: () => Promise<T>,
): Promise<T> {
  let lists = listsOf.get(conn);
  if (!lists) {
    lists = new Map();
    listsOf.set(conn, lists);
  }
  let list = lists.get(source.key);
  if (!list) {
    if (ifAbsent) return ifAbsent();
    list = makeList(conn, lists, source);
  }
  list.readers += 1;
  list.lastUsed = ++useClock;
  try {
    await list.ready;
    return await read(list.table);
  } finally {
    list.readers -= 1;
    dropUnused(conn, lists);
  }
}

function makeList(conn: DuckDBConnection, lists: Map<string, NumberedList>, source: ListSource): NumberedList {
  const table = `mastotui_list_${++tablesMade}`;
  const list: NumberedList = { table, ready: Promise.resolve(), settled: false, readers: 0, lastUsed: 0 };
  list.ready = conn
    .run(`CREATE TEMP TABLE ${table} AS ${source.sql}`, source.params as never, source.types as never)
    .then(
      () => {
        list.settled = true;
      },
      (error: unknown) => {
        // Interrupted or failed: forget it, so that the next page tries again.
        list.settled = true;
        if (lists.get(source.key) === list) lists.delete(source.key);
        throw error;
      },
    );
  lists.set(source.key, list);
  return list;
}

/** Drops the least recently used lists beyond MAX_NUMBERED_LISTS that nothing is reading or making. */
function dropUnused(conn: DuckDBConnection, lists: Map<string, NumberedList>): void {
  while (lists.size > MAX_NUMBERED_LISTS) {
    let oldest: [string, NumberedList] | undefined;
    for (const entry of lists) {
      const l = entry[1];
      if (l.readers === 0 && l.settled && (!oldest || l.lastUsed < oldest[1].lastUsed)) oldest = entry;
    }
    if (!oldest) return;
    lists.delete(oldest[0]);
    void conn.run(`DROP TABLE IF EXISTS ${oldest[1].table}`).catch(() => undefined);
  }
}

/** The names of the numbered lists a connection holds now (for tests). */
export function numberedListTables(conn: DuckDBConnection): string[] {
  return [...(listsOf.get(conn)?.values() ?? [])].map((l) => l.table);
}
