/**
 * Filtered lists are numbered once (a temporary table of the connection) and then paged, counted, split into months
 * and searched by position: every answer must equal the one computed by sorting the filtered timeline, for every
 * filter, in both orders. The tables are made on a list's first page (not by counting a filter being edited), reused,
 * kept to MAX_NUMBERED_LISTS per connection without dropping one in use, and forgotten when their numbering fails.
 * Subsets are numbered in their own order with their list columns: their pages and counts are held to a plain
 * ORDER BY list_position query, their months and search positions to the sorting queries'.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenedArchive, openArchiveDatabase } from '../../src/db/cache.js';
import { lockDown } from '../../src/db/connection.js';
import { MAX_NUMBERED_LISTS, numberedListTables, numberedRowsSql, withNumberedList } from '../../src/db/numbered-lists.js';
import {
  countTimeline,
  monthOffsets,
  NO_FILTER,
  searchPositions,
  sortedTimeline,
  timelinePage,
  TIMELINE_TYPES,
  type TimelineFilter,
  type TimelineQuery,
  VISIBILITIES,
} from '../../src/db/reader-queries.js';
import { tempDir } from '../helpers/archives.js';
import { shuffledArchive } from '../helpers/shuffled-archive.js';

const ORDERS = ['newest', 'oldest'] as const;
const SEARCH_TERMS = ['the', 'coffee', '#', 'short id', 'not in any post'];

let opened: OpenedArchive;

beforeAll(async () => {
  // Through the cache, locked down: a read-only connection, as the app's is.
  opened = await openArchiveDatabase(await shuffledArchive(), { cacheDir: await tempDir() });
  await lockDown(opened.db.conn, 'Europe/Paris');
});
afterAll(async () => {
  await opened?.close();
});

type Connection = Awaited<ReturnType<OpenedArchive['db']['instance']['connect']>>;

/** Runs `body` on a connection of its own (so that it starts with no numbered list), closed after. */
async function onFreshConnection(body: (conn: Connection) => Promise<void>): Promise<void> {
  const conn = await opened.db.instance.connect();
  try {
    await body(conn);
  } finally {
    conn.closeSync();
  }
}

function listQuery(filter: Partial<TimelineFilter>, order: 'newest' | 'oldest' = 'newest'): TimelineQuery {
  return { archiveId: opened.archiveId, filter: { ...NO_FILTER, ...filter }, order };
}

async function temporaryTables(conn: Connection): Promise<string[]> {
  const rows = (await conn.runAndReadAll('SELECT table_name FROM duckdb_tables() WHERE temporary ORDER BY table_name')).getRows();
  return rows.map((r) => String(r[0]));
}

/** Every answer about q's list equals the sorted one: count, months, search positions, pages at these offsets. */
async function expectSameAsSorted(q: TimelineQuery, limits: number[]): Promise<void> {
  await onFreshConnection(async (conn) => {
    const n = await sortedTimeline.count(conn, q);
    const label = `${JSON.stringify(q.filter)} ${q.order}`;
    // The first page numbers the list; count, months and search then read it.
    expect(await timelinePage(conn, q, 0, 24), label).toEqual(await sortedTimeline.page(conn, q, 0, 24));
    expect(numberedListTables(conn)).toHaveLength(1);
    expect(await countTimeline(conn, q), label).toBe(n);
    expect(await monthOffsets(conn, q), label).toEqual(await sortedTimeline.months(conn, q));
    for (const term of SEARCH_TERMS) {
      expect(await searchPositions(conn, q, term), `${label} ${term}`).toEqual(await sortedTimeline.search(conn, q, term));
    }
    const offsets = [1, 23, 24, Math.floor(n / 2), n - 25, n - 24, n - 1, n, n + 7].filter((o) => o >= 0);
    for (const offset of offsets) {
      for (const limit of limits) {
        expect(await timelinePage(conn, q, offset, limit), `${label} offset ${offset} limit ${limit}`).toEqual(
          await sortedTimeline.page(conn, q, offset, limit),
        );
      }
    }
  });
}

describe('filtered lists, numbered once', () => {
  it('give the same pages, count, months and search positions as sorting, for every type and visibility', async () => {
    for (const order of ORDERS) {
      for (const type of TIMELINE_TYPES.filter((t) => t !== 'all')) await expectSameAsSorted(listQuery({ type }, order), [0, 1, 24]);
      for (const visibility of VISIBILITIES) await expectSameAsSorted(listQuery({ visibility }, order), [1, 24]);
    }
  });

  it('give the same answers as sorting for months, languages and combined filters, around the undated rows', async () => {
    for (const order of ORDERS) {
      await expectSameAsSorted(listQuery({ from: '2023-03', to: '2023-07' }, order), [1, 24]);
      await expectSameAsSorted(listQuery({ from: '2023-11' }, order), [24]);
      await expectSameAsSorted(listQuery({ language: '' }, order), [24]);
      await expectSameAsSorted(listQuery({ type: 'boosts', visibility: 'public', to: '2023-06' }, order), [1, 24]);
    }
    await onFreshConnection(async (conn) => {
      // Undated rows are in the lists that have no month bound: they come last in both orders.
      const q = listQuery({ type: 'posts' }, 'oldest');
      const n = await countTimeline(conn, q);
      const undated = Number((await conn.runAndReadAll("SELECT count(*) FROM timeline WHERE kind = 'post' AND reply_to IS NULL AND created_at IS NULL")).getRows()[0]![0]);
      expect(undated).toBeGreaterThan(5);
      for (const offset of [n - undated - 1, n - undated, n - undated + 1]) {
        expect(await timelinePage(conn, q, offset, 3)).toEqual(await sortedTimeline.page(conn, q, offset, 3));
      }
    });
  });

  it('give the same page as sorting for any filter, offset and limit (property)', async () => {
    const months = [null, '2023-01', '2023-04', '2023-09', '2023-12'];
    await onFreshConnection(async (conn) => {
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            type: fc.constantFrom(...TIMELINE_TYPES),
            visibility: fc.constantFrom(null, ...VISIBILITIES),
            language: fc.constantFrom(null, '', 'en', 'xx'),
            from: fc.constantFrom(...months),
            to: fc.constantFrom(...months),
          }),
          fc.constantFrom(...ORDERS),
          fc.nat({ max: 1600 }),
          fc.nat({ max: 60 }),
          async (filter, order, offset, limit) => {
            const q = listQuery(filter, order);
            expect(await timelinePage(conn, q, offset, limit)).toEqual(await sortedTimeline.page(conn, q, offset, limit));
            expect(numberedListTables(conn).length).toBeLessThanOrEqual(MAX_NUMBERED_LISTS);
          },
        ),
        { numRuns: 120 },
      );
    });
  });

  it('are numbered by the first page, not by counting, and reused for the other order and later pages', async () => {
    await onFreshConnection(async (conn) => {
      const posts = listQuery({ type: 'posts' });
      await countTimeline(conn, posts);
      await countTimeline(conn, listQuery({ type: 'dms' }));
      expect(await temporaryTables(conn)).toEqual([]);
      await timelinePage(conn, posts, 0, 24);
      const [table] = numberedListTables(conn);
      expect(await temporaryTables(conn)).toEqual([table]);
      await timelinePage(conn, { ...posts, order: 'oldest' }, 100, 24);
      await searchPositions(conn, posts, 'coffee');
      await monthOffsets(conn, posts);
      expect(await temporaryTables(conn)).toEqual([table]);
      // The whole timeline reads timeline_order: it numbers no list.
      await timelinePage(conn, listQuery({}), 0, 24);
      expect(await temporaryTables(conn)).toEqual([table]);
      // Another connection has lists of its own.
      await onFreshConnection(async (other) => {
        expect(await temporaryTables(other)).toEqual([]);
      });
    });
  });

  it(`keep at most ${MAX_NUMBERED_LISTS} lists a connection, dropping the least recently used`, async () => {
    await onFreshConnection(async (conn) => {
      const tableOf: Record<string, string> = {};
      const page = async (type: TimelineFilter['type'], offset = 0) => {
        await timelinePage(conn, listQuery({ type }), offset, 24);
        tableOf[type] ??= numberedListTables(conn).at(-1)!;
      };
      // A list is dropped after the page that pushed it out has been read, without waiting: poll for the drop.
      const tables = () => temporaryTables(conn).then((t) => t.sort());
      for (const type of ['posts', 'replies', 'boosts'] as const) await page(type);
      expect(await tables()).toEqual([tableOf.posts, tableOf.replies, tableOf.boosts].sort());
      await page('posts', 24); // posts is now the most recently used, replies the least
      await page('media');
      expect(numberedListTables(conn).sort()).toEqual([tableOf.posts, tableOf.boosts, tableOf.media].sort());
      await expect.poll(tables).toEqual([tableOf.posts, tableOf.boosts, tableOf.media].sort());
      await page('polls');
      expect(numberedListTables(conn).sort()).toEqual([tableOf.posts, tableOf.media, tableOf.polls].sort());
      await expect.poll(tables).toEqual([tableOf.posts, tableOf.media, tableOf.polls].sort());
      // A dropped list is numbered again when it is asked for, with the same answers.
      const replies = listQuery({ type: 'replies' });
      expect(await timelinePage(conn, replies, 30, 24)).toEqual(await sortedTimeline.page(conn, replies, 30, 24));
      expect(await temporaryTables(conn)).not.toContain(tableOf.replies);
    });
  });

  it('never drop a list while it is being read', async () => {
    await onFreshConnection(async (conn) => {
      const posts = listQuery({ type: 'posts' });
      const rows = await withNumberedList(
        conn,
        { key: 'held', sql: numberedRowsSql("SELECT archive_id, kind, id, created_at FROM timeline WHERE kind = 'post'"), params: {}, types: {} },
        async (table) => {
          for (const type of ['replies', 'boosts', 'media', 'polls', 'dms'] as const) await timelinePage(conn, listQuery({ type }), 0, 24);
          expect(await temporaryTables(conn)).toContain(table);
          return Number((await conn.runAndReadAll(`SELECT count(*) FROM ${table}`)).getRows()[0]![0]);
        },
      );
      expect(rows).toBe(Number((await conn.runAndReadAll("SELECT count(*) FROM timeline WHERE kind = 'post'")).getRows()[0]![0]));
      // Once it is no longer read, the limit holds again.
      expect(await temporaryTables(conn)).toHaveLength(MAX_NUMBERED_LISTS);
      expect(await timelinePage(conn, posts, 0, 24)).toEqual(await sortedTimeline.page(conn, posts, 0, 24));
    });
  });

  it('forget a list whose numbering failed, so that the next page tries again', async () => {
    await onFreshConnection(async (conn) => {
      const source = { key: 'k', sql: numberedRowsSql('SELECT archive_id, kind, id, created_at FROM no_such_table'), params: {}, types: {} };
      await expect(withNumberedList(conn, source, async () => 'read')).rejects.toThrow(/no_such_table/);
      expect(numberedListTables(conn)).toEqual([]);
      const fixed = { ...source, sql: numberedRowsSql('SELECT archive_id, kind, id, created_at FROM timeline') };
      expect(await withNumberedList(conn, fixed, async (table) => table)).toMatch(/^mastotui_list_\d+$/);
      expect(await temporaryTables(conn)).toHaveLength(1);
    });
  });
});

describe('subsets (the posts of an SQL result) keep their own order', () => {
  it('give, page by page, the rows of the listed ids in the list\'s order, the first place of an id counting (property)', async () => {
    const all = (await opened.db.conn.runAndReadAll('SELECT DISTINCT id FROM timeline ORDER BY id')).getRows().map((r) => String(r[0]));
    await onFreshConnection(async (conn) => {
      await fc.assert(
        fc.asyncProperty(
          // A small pool too, so that ids come twice.
          fc.array(fc.oneof(fc.constantFrom(...all.slice(0, 20)), fc.constantFrom(...all), fc.constant('not-an-id')), { maxLength: 60 }),
          fc.constantFrom(...ORDERS),
          fc.nat({ max: 70 }),
          fc.integer({ min: 1, max: 30 }),
          async (ids, order, offset, limit) => {
            const dir = order === 'newest' ? 'ASC' : 'DESC';
            const time = order === 'newest' ? 'DESC' : 'ASC';
            const expected = (
              await conn.runAndReadAll(
                `SELECT kind, id FROM timeline WHERE archive_id = $1 AND list_contains($2::VARCHAR[], id)
                 ORDER BY list_position($2::VARCHAR[], id) ${dir}, created_at ${time}, id ${time} LIMIT ${limit} OFFSET ${offset}`,
                [opened.archiveId, `[${ids.map((i) => `'${i}'`).join(',')}]`],
              )
            ).getRows().map((r) => `${String(r[0])} ${String(r[1])}`);
            const q = { ...listQuery({}, order), ids };
            expect((await timelinePage(conn, q, offset, limit)).map((r) => `${r.kind} ${r.id}`)).toEqual(expected);
            expect(await countTimeline(conn, q)).toBe(Number((await conn.runAndReadAll(
              'SELECT count(*) FROM timeline WHERE archive_id = $1 AND list_contains($2::VARCHAR[], id)',
              [opened.archiveId, `[${ids.map((i) => `'${i}'`).join(',')}]`],
            )).getRows()[0]![0]));
          },
        ),
        { numRuns: 150 },
      );
    });
  });

  it('give the same months and search positions as sorting them, with a filter or without (property)', async () => {
    const all = (await opened.db.conn.runAndReadAll('SELECT DISTINCT id FROM timeline ORDER BY id')).getRows().map((r) => String(r[0]));
    await onFreshConnection(async (conn) => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.oneof(fc.constantFrom(...all.slice(0, 20)), fc.constantFrom(...all)), { maxLength: 80 }),
          fc.constantFrom(...ORDERS),
          fc.constantFrom<Partial<TimelineFilter>>({}, { type: 'posts' }, { type: 'boosts' }, { visibility: 'public' }),
          fc.constantFrom(...SEARCH_TERMS),
          async (ids, order, filter, term) => {
            const q = { ...listQuery(filter, order), ids };
            expect(await timelinePage(conn, q, 0, 100)).toEqual(await sortedTimeline.page(conn, q, 0, 100));
            expect(await monthOffsets(conn, q)).toEqual(await sortedTimeline.months(conn, q));
            expect(await searchPositions(conn, q, term)).toEqual(await sortedTimeline.search(conn, q, term));
            expect(await countTimeline(conn, q)).toBe(await sortedTimeline.count(conn, q));
          },
        ),
        { numRuns: 60 },
      );
    });
  });

  it('are numbered once, on their first page, with their rows\' list columns', async () => {
    const ids = (await opened.db.conn.runAndReadAll('SELECT id FROM timeline ORDER BY id DESC LIMIT 40')).getRows().map((r) => String(r[0]));
    await onFreshConnection(async (conn) => {
      const q = { ...listQuery({}), ids };
      await countTimeline(conn, q);
      expect(numberedListTables(conn)).toEqual([]);
      const first = await timelinePage(conn, q, 0, 24);
      const [table] = numberedListTables(conn);
      expect(table).toBeDefined();
      await timelinePage(conn, { ...q, order: 'oldest' }, 0, 24);
      expect(numberedListTables(conn)).toEqual([table]);
      // The rows come from the table alone: emptied, the list is empty.
      await conn.run(`DELETE FROM ${table}`);
      expect(first).toHaveLength(24);
      expect(await timelinePage(conn, q, 0, 24)).toEqual([]);
    });
  });
});

