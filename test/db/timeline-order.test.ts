/**
 * The whole timeline is paged, counted and split into months from timeline_order (numbered at load time); every
 * answer must equal the one computed by sorting the timeline (sortedTimeline, what subsets use): same rows,
 * same order, same values, for any offset and limit, in both orders. Checked on the sample, on a generated archive
 * whose outbox is shuffled and full of equal and missing times, and on random small outboxes.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenedArchive, openArchiveDatabase } from '../../src/db/cache.js';
import { lockDown } from '../../src/db/connection.js';
import {
  countTimeline,
  isWholeTimeline,
  monthOffsets,
  NO_FILTER,
  sortedTimeline,
  timelinePage,
  type TimelineQuery,
} from '../../src/db/reader-queries.js';
import { REPO, tempDir } from '../helpers/archives.js';
import { ACTOR, PUBLIC, shuffledArchive } from '../helpers/shuffled-archive.js';

const ORDERS = ['newest', 'oldest'] as const;

async function open(path: string, options: { cacheDir?: string } = {}): Promise<OpenedArchive> {
  const opened = await openArchiveDatabase(path, options.cacheDir ? { cacheDir: options.cacheDir } : { cache: false });
  await lockDown(opened.db.conn, 'Europe/Paris');
  return opened;
}

function whole(opened: OpenedArchive, order: 'newest' | 'oldest'): TimelineQuery {
  return { archiveId: opened.archiveId, filter: NO_FILTER, order };
}

async function scalar(opened: OpenedArchive, sql: string): Promise<number> {
  return Number((await opened.db.conn.runAndReadAll(sql)).getRows()[0]![0]);
}

/** Pages from timeline_order equal the sorted ones for these offsets and limits; count and months too. */
async function expectSameAsSorted(opened: OpenedArchive, offsets: number[], limits: number[]): Promise<void> {
  const conn = opened.db.conn;
  for (const order of ORDERS) {
    const q = whole(opened, order);
    expect(isWholeTimeline(q)).toBe(true);
    expect(await countTimeline(conn, q)).toBe(await sortedTimeline.count(conn, q));
    expect(await monthOffsets(conn, q)).toEqual(await sortedTimeline.months(conn, q));
    for (const offset of offsets) {
      for (const limit of limits) {
        const fast = await timelinePage(conn, q, offset, limit);
        const sorted = await sortedTimeline.page(conn, q, offset, limit);
        expect(fast, `${order} offset ${offset} limit ${limit}`).toEqual(sorted);
      }
    }
  }
}

/** Every row of the whole timeline, read page by page from timeline_order, against one ORDER BY over the view. */
async function expectWholeListInOrder(opened: OpenedArchive): Promise<void> {
  for (const order of ORDERS) {
    const dir = order === 'newest' ? 'DESC' : 'ASC';
    const expected = (await opened.db.conn.runAndReadAll(`SELECT kind, id FROM timeline ORDER BY created_at ${dir}, id ${dir}`))
      .getRows()
      .map((r) => `${String(r[0])} ${String(r[1])}`);
    const got: string[] = [];
    for (let offset = 0; offset < expected.length; offset += 24) {
      got.push(...(await timelinePage(opened.db.conn, whole(opened, order), offset, 24)).map((r) => `${r.kind} ${r.id}`));
    }
    expect(got).toEqual(expected);
  }
}

describe('the whole timeline from timeline_order', () => {
  describe('on the sample archive', () => {
    let opened: OpenedArchive;
    beforeAll(async () => {
      opened = await open(join(REPO, 'fixtures/sample'));
    });
    afterAll(async () => {
      await opened?.close();
    });

    it('numbers every timeline row once in each order', async () => {
      const n = await scalar(opened, 'SELECT count(*) FROM timeline');
      expect(n).toBeGreaterThan(20);
      expect(await scalar(opened, 'SELECT count(*) FROM timeline_order')).toBe(n);
      for (const column of ['pos', 'oldest_pos']) {
        expect(await scalar(opened, `SELECT count(DISTINCT ${column}) FROM timeline_order WHERE ${column} BETWEEN 0 AND ${n - 1}`)).toBe(n);
      }
    });

    it('gives the same pages, count and months as sorting, for every offset and limit', async () => {
      const n = await scalar(opened, 'SELECT count(*) FROM timeline');
      const offsets = Array.from({ length: n + 3 }, (_, i) => i);
      await expectSameAsSorted(opened, [...offsets, 1000, 2 ** 40], [0, 1, 2, 7, 24, n + 10]);
      await expectWholeListInOrder(opened);
    });

    it('treats odd bounds as the sorted query does: negative, fractional, NaN', async () => {
      const conn = opened.db.conn;
      for (const order of ORDERS) {
        const q = whole(opened, order);
        for (const [offset, limit] of [[-5, 3], [2.7, 3.9], [0, -1], [Number.NaN, 4]] as const) {
          expect(await timelinePage(conn, q, offset, limit)).toEqual(await sortedTimeline.page(conn, q, offset, limit));
        }
      }
    });

    it('is used only for the whole timeline (a filter gets a numbered list of its own, a subset sorts)', () => {
      const q = whole(opened, 'newest');
      expect(isWholeTimeline({ ...q, filter: { ...NO_FILTER, type: 'posts' } })).toBe(false);
      expect(isWholeTimeline({ ...q, filter: { ...NO_FILTER, visibility: 'public' } })).toBe(false);
      expect(isWholeTimeline({ ...q, filter: { ...NO_FILTER, language: '' } })).toBe(false);
      expect(isWholeTimeline({ ...q, filter: { ...NO_FILTER, from: '2024-05' } })).toBe(false);
      expect(isWholeTimeline({ ...q, filter: { ...NO_FILTER, to: '2024-05' } })).toBe(false);
      expect(isWholeTimeline({ ...q, ids: [] })).toBe(false);
      // Month bounds that are not months filter nothing in the sorted query either.
      expect(isWholeTimeline({ ...q, filter: { ...NO_FILTER, from: 'soon' } })).toBe(true);
    });
  });

  describe('on a shuffled outbox with equal and missing times', () => {
    let opened: OpenedArchive;
    let n: number;
    beforeAll(async () => {
      const dir = await shuffledArchive();
      // Through the cache: the order table is read back from a checkpointed, read-only file.
      opened = await open(dir, { cacheDir: await tempDir() });
      n = await scalar(opened, 'SELECT count(*) FROM timeline');
    });
    afterAll(async () => {
      await opened?.close();
    });

    it('has what the test needs: ties, rows without a time, posts and boosts, storage out of order', async () => {
      expect(n).toBeGreaterThan(1400);
      expect(await scalar(opened, 'SELECT count(*) FROM timeline WHERE created_at IS NULL')).toBeGreaterThan(20);
      expect(await scalar(opened, 'SELECT count(*) - count(DISTINCT created_at) FROM timeline')).toBeGreaterThan(1000);
      expect(await scalar(opened, 'SELECT count(*) FROM boosts')).toBeGreaterThan(50);
      expect(await scalar(opened, 'SELECT count(*) FROM posts p JOIN posts q ON q.position = p.position + 1 WHERE q.created_at < p.created_at')).toBeGreaterThan(100);
    });

    it('reads the whole list in the order of ORDER BY created_at, id', async () => {
      await expectWholeListInOrder(opened);
    });

    it('gives the same pages, count and months as sorting, at the edges and around the undated rows', async () => {
      const dated = await scalar(opened, 'SELECT count(created_at) FROM timeline');
      const around = (x: number) => [x - 25, x - 24, x - 23, x - 1, x, x + 1, x + 23].filter((o) => o >= 0);
      const offsets = [0, 1, 2, 23, 24, 25, 500, 777, ...around(dated), ...around(n), n + 100];
      await expectSameAsSorted(opened, offsets, [0, 1, 24, 25, 100, n]);
    });

    it('gives the same page as sorting for any offset and limit (property)', async () => {
      const conn = opened.db.conn;
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...ORDERS), fc.nat({ max: n + 40 }), fc.nat({ max: 80 }), async (order, offset, limit) => {
          const q = whole(opened, order);
          expect(await timelinePage(conn, q, offset, limit)).toEqual(await sortedTimeline.page(conn, q, offset, limit));
        }),
        { numRuns: 150 },
      );
    });
  });

  it('gives the same answers as sorting for random small outboxes (property)', async () => {
    const times = ['2024-01-01T00:00:00Z', '2024-01-01T00:00:01Z', '2024-02-29T23:30:00Z', '2024-03-01T00:30:00Z'];
    const item = fc.record({
      boost: fc.boolean(),
      time: fc.option(fc.constantFrom(...times), { nil: undefined, freq: 4 }),
    });
    const root = await tempDir();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: 5000 }), { maxLength: 40 }), fc.array(item, { minLength: 40, maxLength: 40 }), async (ids, kinds) => {
        const orderedItems = ids.map((id, i) => {
          const { boost, time } = kinds[i]!;
          const uri = `${ACTOR}/statuses/${id}`;
          return boost
            ? { id: `${uri}/activity`, type: 'Announce', actor: ACTOR, published: time, to: [PUBLIC], object: `https://other.example/notes/${id}` }
            : { id: `${uri}/activity`, type: 'Create', actor: ACTOR, published: time, to: [PUBLIC], object: { id: uri, type: 'Note', published: time, content: `<p>${id}</p>`, to: [PUBLIC] } };
        });
        const path = join(root, `outbox-${run++}.json`);
        await writeFile(path, JSON.stringify({ type: 'OrderedCollection', totalItems: orderedItems.length, orderedItems }));
        const opened = await open(path);
        try {
          const limits = [0, 1, 3, 24];
          await expectSameAsSorted(opened, Array.from({ length: ids.length + 2 }, (_, i) => i), limits);
        } finally {
          await opened.close();
        }
      }),
      { numRuns: 12, endOnFailure: true },
    );
  });
});
