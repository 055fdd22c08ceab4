/**
 * The search index answers a one-word search with exactly the rows that reading every text finds: for any term, in
 * both orders, for the whole timeline, a filtered list and a subset, over texts of many scripts, cases, combining
 * marks and separators. It is attached only when it was built from the same load of the archive, and a build that
 * is stopped leaves nothing behind.
 */
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateArchive, mulberry32 } from '../../fixtures/generate.js';
import { type OpenedArchive, openArchiveDatabase } from '../../src/db/cache.js';
import { type Database, lockDown, openDatabase } from '../../src/db/connection.js';
import { NO_FILTER, searchPositions, type TimelineQuery } from '../../src/db/reader-queries.js';
import type { DuckDBConnection } from '../../src/db/duckdb.js';
import {
  attachSearchIndex,
  buildSearchIndex,
  hasSearchIndex,
  openSearchIndex,
  prepareSearchIndex,
  searchesByIndex,
  searchIndexFile,
} from '../../src/db/search-index.js';
import { QueryTracker } from '../../src/ui/query-tracker.js';
import { tempDir } from '../helpers/archives.js';

// Letters that change case in odd ways, combining marks, digits, _, scripts without case, emoji, and separators
// (spaces, punctuation, #, @, the characters of URLs).
const PIECES = ['a', 'B', 'é', 'É', 'e\u0301', 'ß', 'ẞ', 'Σ', 'σ', 'ς', 'İ', 'ı', 'I', 'Ǆ', 'ǅ', 'k', 'K', '7', '_', '日本', 'кот', 'Кот', '🙂', '\u200d', ' ', ' ', '-', "'", '’', '.', ',', '#', '@', '/', ':', '\n', '%'];

function randomText(rand: () => number, pieces: number): string {
  let text = '';
  for (let i = 0; i < pieces; i++) text += PIECES[Math.floor(rand() * PIECES.length)];
  return text;
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A generated archive whose posts' texts, CWs, alt texts and hashtags are random strings of PIECES. */
async function randomTextArchive(): Promise<string> {
  const dir = join(await tempDir(), 'archive');
  await generateArchive({ posts: 600, out: dir, format: 'folder', seed: 23 });
  const outboxPath = join(dir, 'outbox.json');
  const outbox = JSON.parse(await readFile(outboxPath, 'utf8')) as { orderedItems: Array<Record<string, unknown>> };
  const rand = mulberry32(9);
  for (const item of outbox.orderedItems) {
    const object = item.object;
    if (typeof object !== 'object' || object === null) continue;
    const o = object as Record<string, unknown>;
    o.content = `<p>${escapeHtml(randomText(rand, 3 + Math.floor(rand() * 25)))}</p>`;
    if (rand() < 0.2) o.summary = randomText(rand, 1 + Math.floor(rand() * 6));
    for (const attachment of (o.attachment as Array<Record<string, unknown>> | undefined) ?? []) {
      if (rand() < 0.7) attachment.name = randomText(rand, 1 + Math.floor(rand() * 8));
    }
    for (const tag of (o.tag as Array<Record<string, unknown>> | undefined) ?? []) {
      if (tag.type === 'Hashtag') tag.name = `#${randomText(rand, 1 + Math.floor(rand() * 3)).replace(/[#\s]/g, '')}x`;
    }
  }
  await writeFile(outboxPath, JSON.stringify(outbox));
  return dir;
}

let cacheDir: string;
let opened: OpenedArchive;
let indexed: Database;
let texts: string[];

beforeAll(async () => {
  cacheDir = await tempDir();
  opened = await openArchiveDatabase(await randomTextArchive(), { cacheDir });
  expect(await buildSearchIndex(opened.dbPath)).toBe('built');
  indexed = await openDatabase(opened.dbPath, { readOnly: true });
  expect(await attachSearchIndex(indexed.conn, searchIndexFile(opened.dbPath))).toBe(true);
  await lockDown(indexed.conn, 'UTC');
  await lockDown(opened.db.conn, 'UTC');
  const rows = await opened.db.conn.runAndReadAll(
    `SELECT text FROM posts UNION ALL SELECT cw FROM posts UNION ALL SELECT alt_text FROM media
     UNION ALL SELECT tag FROM hashtags UNION ALL SELECT post_uri FROM boosts`,
  );
  texts = rows.getRows().flatMap((r) => (typeof r[0] === 'string' && r[0] !== '' ? [r[0]] : []));
}, 60_000);
afterAll(async () => {
  indexed?.close();
  await opened?.close();
});

function queries(): TimelineQuery[] {
  const base = { archiveId: opened.archiveId };
  return [
    { ...base, filter: NO_FILTER, order: 'newest' },
    { ...base, filter: NO_FILTER, order: 'oldest' },
    { ...base, filter: { ...NO_FILTER, type: 'posts' }, order: 'newest' },
    { ...base, filter: { ...NO_FILTER, visibility: 'public' }, order: 'oldest' },
  ];
}

describe('search index', () => {
  it('finds the same rows as reading the texts, for any term (property)', async () => {
    let byIndex = 0;
    let withHits = 0;
    const cut = fc
      .tuple(fc.nat(), fc.nat({ max: 40 }), fc.integer({ min: 1, max: 8 }), fc.constantFrom('same', 'upper', 'lower'))
      .map(([which, from, length, kase]) => {
        const text = texts[which % texts.length]!;
        const piece = text.slice(from % text.length, (from % text.length) + length);
        return kase === 'upper' ? piece.toUpperCase() : kase === 'lower' ? piece.toLowerCase() : piece;
      });
    // Cuts of the texts, # or @ before a cut (hashtags, mentions, and the hashtags' own words), random strings.
    const tagged = fc.tuple(fc.constantFrom('#', '@', '#'), cut).map(([mark, piece]) => mark + piece);
    const term = fc.oneof(cut, cut, tagged, fc.string({ unit: fc.constantFrom(...PIECES), minLength: 1, maxLength: 4 }));
    await fc.assert(
      fc.asyncProperty(term, async (t) => {
        if (await searchesByIndex(indexed.conn, t.trim())) byIndex++;
        for (const q of queries()) {
          const expected = await searchPositions(opened.db.conn, q, t);
          if (expected.length > 0) withHits++;
          expect(await searchPositions(indexed.conn, q, t), `${JSON.stringify(t)} ${JSON.stringify(q.filter)} ${q.order}`).toEqual(expected);
        }
      }),
      { numRuns: 200 },
    );
    // The property means something only if many terms went through the index and found rows.
    expect(byIndex).toBeGreaterThan(50);
    expect(withHits).toBeGreaterThan(100);
  }, 120_000);

  it('finds the same rows in a subset (an SQL result opened as a list)', async () => {
    const ids = (await opened.db.conn.runAndReadAll('SELECT id FROM timeline_order ORDER BY hash(id) LIMIT 200')).getRows().map((r) => String(r[0]));
    const q: TimelineQuery = { archiveId: opened.archiveId, filter: NO_FILTER, order: 'newest', ids };
    for (const word of texts.slice(0, 60).flatMap((t) => t.split(/[^\p{L}\p{N}]+/u).filter(Boolean))) {
      expect(await searchPositions(indexed.conn, q, word), word).toEqual(await searchPositions(opened.db.conn, q, word));
    }
  });

  it('is read through another connection in the session that built it, for the whole timeline and filtered lists', async () => {
    // A connection without the index (the app's, locked down before the index existed) and one with it.
    const counted = (conn: DuckDBConnection) => {
      const counter = { queries: 0 };
      const proxy = new Proxy(conn, {
        get(target, prop) {
          const value = Reflect.get(target, prop, target) as unknown;
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            if (prop === 'runAndReadAll' || prop === 'run') counter.queries++;
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
      return { proxy, counter };
    };
    const index = counted(indexed.conn);
    const app = counted(opened.db.conn);
    expect(await hasSearchIndex(index.proxy)).toBe(true); // asked once per connection object, then known
    const words = [...new Set(texts.slice(0, 80).flatMap((t) => t.split(/[^\p{L}\p{N}\p{M}_]+/u).filter(Boolean)))].slice(0, 30);
    expect(words.length).toBeGreaterThan(20);
    for (const q of queries()) {
      for (const word of [...words, ...words.slice(0, 5).map((w) => `#${w}`), 'two words', '#a b']) {
        const [indexBefore, appBefore] = [index.counter.queries, app.counter.queries];
        const found = await searchPositions(app.proxy, q, word, index.proxy);
        const [indexRead, appRead] = [index.counter.queries - indexBefore, app.counter.queries - appBefore];
        expect(found, `${word} ${JSON.stringify(q.filter)} ${q.order}`).toEqual(await searchPositions(opened.db.conn, q, word));
        // A term the index answers is searched on the other connection alone; any other reads the texts on the app's.
        const oneWord = /^[#@]?[\p{L}\p{N}\p{M}_]+$/u.test(word);
        if (oneWord) {
          expect(indexRead, word).toBeGreaterThan(1);
          expect(appRead, word).toBe(0);
        } else {
          expect(indexRead, word).toBe(1);
          expect(appRead, word).toBeGreaterThan(0);
        }
      }
    }
  });

  it("numbers a filtered list in the app's time zone when it is searched through the second connection", async () => {
    // Kiritimati is 14 hours ahead of UTC: posts near a month's end are in the next month there.
    const zone = 'Pacific/Kiritimati';
    const app = await openDatabase(opened.dbPath, { readOnly: true });
    const second = await openSearchIndex(opened.dbPath, zone);
    const inUtc = await openSearchIndex(opened.dbPath, 'UTC');
    try {
      await lockDown(app.conn, zone);
      const months = (await app.conn.runAndReadAll(`SELECT DISTINCT strftime(created_at, '%Y-%m') AS m FROM timeline ORDER BY m`))
        .getRows()
        .map((r) => String(r[0]));
      const word = 'a';
      let differsInUtc = 0;
      for (const month of months) {
        const q: TimelineQuery = { archiveId: opened.archiveId, filter: { ...NO_FILTER, from: month, to: month }, order: 'newest' };
        const expected = await searchPositions(app.conn, q, word);
        expect(await searchPositions(app.conn, q, word, second!.conn), month).toEqual(expected);
        if (JSON.stringify(await searchPositions(app.conn, q, word, inUtc!.conn)) !== JSON.stringify(expected)) differsInUtc++;
      }
      // The zone matters for these months: numbered in UTC, some would give other positions.
      expect(differsInUtc).toBeGreaterThan(0);
    } finally {
      second?.close();
      inUtc?.close();
      app.close();
    }
  });

  it('is read for one word only, and only where it is attached', async () => {
    expect(await hasSearchIndex(indexed.conn)).toBe(true);
    expect(await hasSearchIndex(opened.db.conn)).toBe(false);
    expect(await searchesByIndex(indexed.conn, 'Kot')).toBe(true);
    expect(await searchesByIndex(indexed.conn, 'e\u0301t_7')).toBe(true);
    expect(await searchesByIndex(indexed.conn, '#Tag')).toBe(true);
    expect(await searchesByIndex(indexed.conn, '@ada_7')).toBe(true);
    for (const t of ['two words', '#', '#a b', '##tag', '@@x', 'a#b', 'a-b', "don't", '🙂', 'x.y']) {
      expect(await searchesByIndex(indexed.conn, t), t).toBe(false);
    }
    expect(await searchesByIndex(opened.db.conn, 'kot')).toBe(false);
    // The app holds its connection through the query tracker's proxy, another object: the index is found all the same.
    const tracked = new QueryTracker().track(indexed.conn);
    expect(await searchesByIndex(tracked, 'kot')).toBe(true);
    expect(await hasSearchIndex(tracked)).toBe(true);
  });

  it('is not attached when built from another load of the archive, or damaged: it is removed', async () => {
    const file = searchIndexFile(opened.dbPath);
    const other = await openArchiveDatabase(await randomTextArchive(), { cacheDir: await tempDir(), rebuild: true });
    try {
      // The index of this archive beside a load of the same archive made later (another load time).
      const misplaced = searchIndexFile(other.dbPath);
      await writeFile(misplaced, await readFile(file));
      const db = await openDatabase(other.dbPath, { readOnly: true });
      try {
        expect(await attachSearchIndex(db.conn, misplaced)).toBe(false);
        expect(await hasSearchIndex(db.conn)).toBe(false);
      } finally {
        db.close();
      }
      await expect(readFile(misplaced)).rejects.toThrow();
      await writeFile(misplaced, 'not a database');
      const again = await openDatabase(other.dbPath, { readOnly: true });
      try {
        expect(await attachSearchIndex(again.conn, misplaced)).toBe(false);
      } finally {
        again.close();
      }
      await expect(readFile(misplaced)).rejects.toThrow();
    } finally {
      await other.close();
    }
  });

  it('is built in the background for a long enough timeline, and a stopped build leaves nothing', async () => {
    const dir = await tempDir();
    const own = await openArchiveDatabase(await randomTextArchive(), { cacheDir: dir });
    try {
      const rows = Number((await own.db.conn.runAndReadAll('SELECT count(*) FROM timeline_order')).getRows()[0]![0]);
      expect(await prepareSearchIndex(own.db.conn, own.dbPath, { minRows: rows + 1 })).toBeUndefined();

      const stopped = await buildSearchIndex(own.dbPath, AbortSignal.abort());
      expect(stopped).toBe('stopped');
      const early = (await prepareSearchIndex(own.db.conn, own.dbPath, { minRows: rows, delayMs: 60_000 }))!.start();
      await early.stop();
      expect(await early.done).toBe('stopped');
      const during = (await prepareSearchIndex(own.db.conn, own.dbPath, { minRows: rows, delayMs: 0 }))!.start();
      await new Promise((resolve) => setTimeout(resolve, 20));
      await during.stop();
      const outcome = await during.done;
      expect(['stopped', 'built']).toContain(outcome);
      const left = (await readdir(dir)).filter((n) => n.includes('.search.duckdb'));
      expect(left).toHaveLength(outcome === 'built' ? 1 : 0);
      expect(left.filter((n) => n.includes('.tmp-'))).toEqual([]);
      await rm(searchIndexFile(own.dbPath), { force: true });

      const build = (await prepareSearchIndex(own.db.conn, own.dbPath, { minRows: rows, delayMs: 0 }))!.start();
      expect(build.connection()).toBeUndefined();
      expect(await build.done).toBe('built');
      // For the rest of this session, a connection with the new index.
      const connection = build.connection()!;
      expect(await hasSearchIndex(connection)).toBe(true);
      expect(await hasSearchIndex(own.db.conn)).toBe(false);
      await build.stop();
      expect(build.connection()).toBeUndefined();
      const names = await readdir(dir);
      expect(names.filter((n) => n.includes('.search.duckdb'))).toEqual([`${own.dbPath.split('/').pop()!.replace('.duckdb', '')}.search.duckdb`]);
      // Next time, it is attached, and nothing is built.
      const reopened = await openDatabase(own.dbPath, { readOnly: true });
      try {
        expect(await prepareSearchIndex(reopened.conn, own.dbPath, { minRows: 0 })).toBeUndefined();
        expect(await hasSearchIndex(reopened.conn)).toBe(true);
      } finally {
        reopened.close();
      }
    } finally {
      await own.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
