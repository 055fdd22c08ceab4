/** The reader's queries on the sample archive: paging, filters, search positions, months, details. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenedArchive } from '../../src/db/cache.js';
import { listCount, listPage, profileInfo } from '../../src/db/profile-queries.js';
import { postDetail, threadOf } from '../../src/db/reader-detail-queries.js';
import { countTimeline, monthOffsets, NO_FILTER, searchPositions, timelinePage, type TimelineQuery } from '../../src/db/reader-queries.js';
import { openSample } from './helpers.js';

let opened: OpenedArchive;
let q: TimelineQuery;
const conn = () => opened.db.conn;

beforeAll(async () => {
  opened = await openSample('fixtures/sample', 'Europe/Paris');
  q = { archiveId: opened.archiveId, filter: NO_FILTER, order: 'newest' };
});
afterAll(async () => {
  await opened?.close();
});

async function allIds(query: TimelineQuery): Promise<string[]> {
  const rows = await conn().runAndReadAll(
    `SELECT id FROM timeline ORDER BY created_at ${query.order === 'newest' ? 'DESC' : 'ASC'}, id ${query.order === 'newest' ? 'DESC' : 'ASC'}`,
  );
  return rows.getRows().map((r) => String(r[0]));
}

describe('reader queries', () => {
  it('pages through the whole timeline in order, whatever the page size', async () => {
    const expected = await allIds(q);
    expect(await countTimeline(conn(), q)).toBe(expected.length);
    for (const size of [1, 7, 64]) {
      const ids: string[] = [];
      for (let offset = 0; offset < expected.length; offset += size) ids.push(...(await timelinePage(conn(), q, offset, size)).map((r) => r.id));
      expect(ids).toEqual(expected);
    }
    const oldest = { ...q, order: 'oldest' as const };
    expect((await timelinePage(conn(), oldest, 0, 100)).map((r) => r.id)).toEqual(await allIds(oldest));
  });

  it('filters by type, visibility, language and months (in the user zone)', async () => {
    const count = (filter: Partial<typeof NO_FILTER>) => countTimeline(conn(), { ...q, filter: { ...NO_FILTER, ...filter } });
    const scalar = async (sql: string) => Number((await conn().runAndReadAll(sql)).getRows()[0]![0]);
    expect(await count({ type: 'boosts' })).toBe(await scalar('SELECT count(*) FROM boosts'));
    expect(await count({ type: 'dms' })).toBe(await scalar(`SELECT count(*) FROM posts WHERE visibility = 'direct'`));
    expect(await count({ type: 'polls' })).toBe(await scalar('SELECT count(*) FROM posts WHERE is_poll'));
    expect(await count({ type: 'media' })).toBe(await scalar('SELECT count(*) FROM posts WHERE media_count > 0'));
    expect(await count({ type: 'replies' })).toBe(await scalar('SELECT count(*) FROM posts WHERE reply_to IS NOT NULL'));
    expect(await count({ visibility: 'private' })).toBe(await scalar(`SELECT count(*) FROM timeline WHERE visibility = 'private'`));
    expect(await count({ language: 'de' })).toBe(1);
    expect(await count({ language: '' })).toBe(await scalar('SELECT count(*) FROM timeline WHERE language IS NULL'));
    expect(await count({ from: '2024-05', to: '2024-05' })).toBe(
      await scalar(`SELECT count(*) FROM timeline WHERE strftime(created_at, '%Y-%m') = '2024-05'`),
    );
  });

  it('keeps a given set of ids in its own order', async () => {
    const ids = (await timelinePage(conn(), q, 0, 5)).map((r) => r.id);
    const wanted = [ids[3]!, ids[0]!, ids[4]!];
    expect((await timelinePage(conn(), { ...q, ids: wanted }, 0, 10)).map((r) => r.id)).toEqual(wanted);
    expect((await timelinePage(conn(), { ...q, ids: wanted, order: 'oldest' }, 0, 10)).map((r) => r.id)).toEqual([...wanted].reverse());
  });

  it('finds search matches in text, CW, alt text and hashtags, as list positions', async () => {
    const ids = await allIds(q);
    const at = async (term: string) => (await searchPositions(conn(), q, term)).map((p) => ids[p]);
    const textHit = await at('RAMEN');
    expect(textHit).toHaveLength(1);
    expect(await at('mental health')).toHaveLength(1); // a CW
    const alt = (await conn().runAndReadAll(`SELECT post_id, alt_text FROM media WHERE alt_text <> '' LIMIT 1`)).getRows()[0]!;
    const word = String(alt[1]).split(/\s+/).find((w) => /^[a-z]{5,}$/i.test(w))!;
    expect(await at(word)).toContain(String(alt[0]));
    expect((await at('#retrocomputing')).length).toBeGreaterThan(0);
    expect(await at('50%_')).toEqual([]); // LIKE wildcards are literal
    expect(await searchPositions(conn(), q, '   ')).toEqual([]);
  });

  it('counts months in the user zone and says where each starts', async () => {
    const months = await monthOffsets(conn(), q);
    expect(months[0]!.offset).toBe(0);
    let offset = 0;
    for (const m of months) {
      expect(m.offset).toBe(offset);
      offset += m.count;
    }
    expect(offset).toBe(await countTimeline(conn(), q));
  });

  it('reads a post with everything the post view shows', async () => {
    const poll = (await conn().runAndReadAll('SELECT post_id FROM poll_options LIMIT 1')).getRows()[0]![0] as string;
    const post = (await postDetail(conn(), opened.archiveId, poll))!;
    expect(post.poll?.options.length).toBeGreaterThan(1);
    const withMedia = (await conn().runAndReadAll('SELECT post_id FROM media ORDER BY post_id LIMIT 1')).getRows()[0]![0] as string;
    expect((await postDetail(conn(), opened.archiveId, withMedia))!.media.length).toBeGreaterThan(0);
    expect(await postDetail(conn(), opened.archiveId, 'nope')).toBeNull();
  });

  it('finds the whole self-reply chain from any of its posts', async () => {
    const root = (await conn().runAndReadAll(`SELECT thread_root FROM threads ORDER BY posts DESC LIMIT 1`)).getRows()[0]![0] as string;
    const members = (await conn().runAndReadAll(`SELECT id FROM posts WHERE thread_root = '${root}' ORDER BY created_at`)).getRows().map((r) => String(r[0]));
    for (const id of members) expect((await threadOf(conn(), opened.archiveId, id)).map((p) => p.id)).toEqual(expect.arrayContaining(members));
  });

  it('lists likes, bookmarks and the CSV exports page by page', async () => {
    for (const list of ['likes', 'bookmarks', 'following', 'lists', 'blocks', 'mutes', 'domain_blocks'] as const) {
      const n = await listCount(conn(), opened.archiveId, list);
      expect(n).toBeGreaterThan(0);
      const rows = [...(await listPage(conn(), opened.archiveId, list, 0, 2)), ...(await listPage(conn(), opened.archiveId, list, 2, 1000))];
      expect(rows).toHaveLength(n);
    }
    const profile = await profileInfo(conn(), opened.archiveId);
    expect(profile.acct).toBe('ada@example.social');
    expect(profile.fields.length).toBeGreaterThan(0);
  });
});
