/**
 * Fuzzing the item splitter and the normalisers with fast-check: seeded (reproducible: a failure prints its seed
 * and path) and bounded (a fixed number of runs, with a time guard), a few seconds in all.
 *
 * test/ingest/splitter.property.test.ts checks the splitter on valid documents and their truncations; here it gets
 * damaged documents and raw bytes. The normalisers get items, actors and CSV files of any shape, and what they return
 * must fit the columns of src/db/schema.sql exactly as the appenders need (the kind of bug this found: a width of
 * 1e12 stopped a whole load, "number out of int32 range").
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildMediaIndex, matchMediaUrl } from '../../src/archive/index.js';
import { createSchema, openDatabase } from '../../src/db/connection.js';
import { normaliseActor } from '../../src/ingest/actor.js';
import { type CsvTable, detectCsvTable, parseCsvExport } from '../../src/ingest/csv-exports.js';
import { normaliseItem, type OutboxContext } from '../../src/ingest/outbox.js';
import type { ItemRows } from '../../src/ingest/rows.js';
import { ItemSplitter, SplitError } from '../../src/ingest/splitter.js';

/** Each property stops after this long even if its runs are not done (a guard for slow machines, not the plan). */
const GUARD = { interruptAfterTimeLimit: 4000, markInterruptAsFailure: false } as const;

// ---------------------------------------------------------------------------------------------------------------
// Column types from the schema itself

type ColumnTypes = Record<string, Record<string, string>>;
let columns: ColumnTypes;

beforeAll(async () => {
  const db = await openDatabase(':memory:');
  try {
    await createSchema(db.conn);
    const rows = (await db.conn.runAndReadAll(`SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE NOT internal`)).getRows();
    columns = {};
    for (const [table, column, type] of rows) (columns[String(table)] ??= {})[String(column)] = String(type);
  } finally {
    db.close();
  }
});

const INT32 = [-(2 ** 31), 2 ** 31 - 1] as const;
/** DuckDB's TIMESTAMPTZ range is wider than JavaScript's Date range, so any time Date can hold fits. */
const fitsTime = (v: string) => !Number.isNaN(Date.parse(v));

/** Why `value` cannot go into a column of DuckDB type `type` the way the appenders write it; undefined when it can. */
function misfit(type: string, value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  switch (type) {
    case 'VARCHAR':
      return typeof value === 'string' ? undefined : `${typeof value} in a VARCHAR column`;
    case 'BOOLEAN':
      return typeof value === 'boolean' ? undefined : `${typeof value} in a BOOLEAN column`;
    case 'INTEGER':
      return Number.isInteger(value) && (value as number) >= INT32[0] && (value as number) <= INT32[1] ? undefined : `${String(value)} in an INTEGER column`;
    case 'BIGINT':
      return Number.isSafeInteger(value) ? undefined : `${String(value)} in a BIGINT column`;
    case 'DOUBLE':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : `${String(value)} in a DOUBLE column`;
    case 'TIMESTAMP WITH TIME ZONE':
      return typeof value === 'string' && fitsTime(value) ? undefined : `${JSON.stringify(value)} in a TIMESTAMPTZ column`;
    case 'VARCHAR[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string') ? undefined : `${JSON.stringify(value)} in a VARCHAR[] column`;
    case 'STRUCT("name" VARCHAR, "value" VARCHAR)[]':
      return Array.isArray(value) && value.every((v) => typeof v?.name === 'string' && typeof v?.value === 'string')
        ? undefined
        : `${JSON.stringify(value)} in a STRUCT list column`;
    default:
      return `no check for type ${type}`;
  }
}

/** Every key of the row is a column of the table and every value fits its column. */
function expectFits(table: string, row: object): void {
  const types = columns[table];
  if (!types) throw new Error(`no table ${table}`);
  for (const [key, value] of Object.entries(row)) {
    if (key === 'url' && !(key in types)) continue; // MediaRow.url is kept for the caller, not stored
    const type = types[key];
    expect(type, `${table}.${key} is not a column`).toBeDefined();
    const problem = misfit(type!, value);
    if (problem !== undefined) throw new Error(`${table}.${key}: ${problem}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Arbitraries: Mastodon-shaped JSON with any field replaced by anything

const oddNumbers = fc.constantFrom(1e300, -1e300, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 2, 1.5, -0, 0, 8.64e15, 1e21);
const oddStrings = fc.constantFrom(
  '',
  ' ',
  '2024-01-01T00:00:00Z',
  '2024-01-01T00:00:00',
  '+275760-09-13T00:00:00.000Z',
  '-271821-04-20T00:00:00Z',
  '99999-01-01',
  '2024-13-45T99:99:99Z',
  '1',
  'yesterday',
  '12345',
  'PT1M3S',
  'P',
  'NaN',
  '1e10',
  '__proto__',
  'constructor',
  'https://x.example/users/a/statuses/1',
  'https://x.example/users/a/followers',
  'https://www.w3.org/ns/activitystreams#Public',
  'tag:x.example,2017:objectId=1:objectType=Status',
  '/media_attachments/files/000/000/001/original/a.png',
  '/media_attachments/../../../etc/passwd',
  '\u001b]52;c;cHduZWQ=\u0007',
  '\u202egnp.exe',
  '\ud800',
  '<p>a <a href="https://e.example/x">link</a> <span class="h-card"><a class="u-url mention" href="https://o.example/@b">@b</a></span></p>',
);
const anything: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 2, arbitrary: oddNumbers },
  { weight: 3, arbitrary: oddStrings },
  { weight: 1, arbitrary: fc.array(oddStrings, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('id', 'href', 'url', 'type', 'name', 'totalItems', '__proto__'), fc.oneof(oddStrings, oddNumbers), { maxKeys: 3 }) },
);
/** A realistic value most of the time, anything otherwise. */
const or = <T>(realistic: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof({ weight: 3, arbitrary: realistic }, { weight: 1, arbitrary: anything });

const ACTOR = 'https://x.example/users/a';
const uri = fc.nat({ max: 9 }).map((n) => `${ACTOR}/statuses/${n}`);
const time = fc.date({ min: new Date('2010-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
const addressing = fc.array(fc.constantFrom('https://www.w3.org/ns/activitystreams#Public', `${ACTOR}/followers`, 'https://o.example/users/b'), { maxLength: 3 });
const tag = fc.record(
  {
    type: or(fc.constantFrom('Hashtag', 'Mention', 'Emoji')),
    name: or(fc.constantFrom('#Tag', '@b@o.example', '@c', ':blob:')),
    href: or(fc.constant('https://o.example/users/b')),
    icon: or(fc.record({ url: or(fc.constant('https://x.example/e.png')) })),
  },
  { requiredKeys: [] },
);
const attachment = fc.record(
  {
    type: or(fc.constantFrom('Document', 'Image', 'Link')),
    mediaType: or(fc.constantFrom('image/png', 'video/mp4', 'audio/mpeg')),
    url: or(fc.constantFrom('/media_attachments/files/000/000/001/original/a.png', 'https://cdn.example/b.jpg', '')),
    name: anything,
    width: or(fc.integer({ min: 0, max: 10_000 })),
    height: anything,
    duration: or(fc.constantFrom('PT12.5S', 'PT1M3S', 12.5)),
    blurhash: anything,
  },
  { requiredKeys: [] },
);
const pollOption = fc.record({ type: or(fc.constant('Note')), name: anything, replies: or(fc.record({ totalItems: or(fc.nat()) })) }, { requiredKeys: [] });
const note = fc.record(
  {
    id: or(uri),
    type: or(fc.constantFrom('Note', 'Question')),
    content: anything,
    contentMap: or(fc.dictionary(fc.constantFrom('en', 'de', 'ja', '__proto__'), fc.string(), { maxKeys: 2 })),
    published: or(time),
    updated: or(time),
    url: anything,
    summary: anything,
    sensitive: anything,
    inReplyTo: or(uri),
    to: or(addressing),
    cc: or(addressing),
    tag: or(fc.array(tag, { maxLength: 4 })),
    attachment: or(fc.array(attachment, { maxLength: 3 })),
    likes: or(fc.record({ totalItems: anything })),
    shares: or(fc.record({ totalItems: anything })),
    oneOf: or(fc.array(pollOption, { maxLength: 3 })),
    anyOf: or(fc.array(pollOption, { maxLength: 3 })),
    votersCount: anything,
    endTime: or(time),
    closed: anything,
    quote: anything,
    context: anything,
    conversation: anything,
  },
  { requiredKeys: [] },
);
const activity = fc.record(
  {
    id: or(uri.map((u) => `${u}/activity`)),
    type: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('Create', 'Announce') }, { weight: 1, arbitrary: anything }),
    published: or(time),
    to: or(addressing),
    cc: or(addressing),
    object: fc.oneof({ weight: 4, arbitrary: note }, { weight: 1, arbitrary: or(uri) }),
    signature: anything,
  },
  { requiredKeys: [] },
);
/** Items as the loader hands them over: parsed JSON. */
const item = fc.oneof({ weight: 6, arbitrary: activity }, { weight: 1, arbitrary: anything }).map((v) => JSON.parse(JSON.stringify(v) ?? 'null') as unknown);

const mediaIndex = buildMediaIndex([
  { name: 'media_attachments/files/000/000/001/original/a.png', bytes: 10 },
  { name: 'other/b.jpg', bytes: 20 },
]);
const contexts = fc.record({
  actorId: fc.constantFrom(ACTOR, null),
  followersUri: fc.constantFrom(`${ACTOR}/followers`, null),
  localDomain: fc.constantFrom('x.example', null),
});

const TABLE_OF: Record<keyof Omit<ItemRows, 'post' | 'boost' | 'issues'>, string> = {
  media: 'media',
  hashtags: 'hashtags',
  mentions: 'mentions',
  links: 'links',
  emojis: 'emojis',
  pollOptions: 'poll_options',
};

describe('normalisers, fuzzed', () => {
  it('normaliseItem never throws, and every row fits its table as the appenders write it', () => {
    fc.assert(
      fc.property(item, fc.nat({ max: 1_000_000 }), contexts, (it, position, c) => {
        const ctx: OutboxContext = { ...c, resolveMedia: (url) => matchMediaUrl(mediaIndex, url) };
        const rows = normaliseItem(it, position, ctx);
        expect(rows.post === undefined || rows.boost === undefined).toBe(true);
        if (rows.post) {
          expectFits('posts', rows.post);
          expect(rows.post.id).not.toBe('');
          expect(['public', 'unlisted', 'private', 'direct']).toContain(rows.post.visibility);
          expect(rows.post.media_count).toBe(rows.media.length);
          expect(rows.post.position).toBe(position);
        }
        if (rows.boost) {
          expectFits('boosts', rows.boost);
          expect(['public', 'unlisted', 'private', 'direct']).toContain(rows.boost.visibility);
        }
        for (const [key, table] of Object.entries(TABLE_OF)) {
          for (const row of rows[key as keyof typeof TABLE_OF]) {
            expectFits(table, row);
            expect(row.post_id).toBe(rows.post!.id);
          }
        }
        for (const issue of rows.issues) expectFits('load_issues', issue);
        if (!rows.post && !rows.boost) expect(rows.issues.length).toBeGreaterThan(0);
        // Pure: the same item gives the same rows.
        expect(normaliseItem(it, position, ctx)).toEqual(rows);
      }),
      { seed: 20241123, numRuns: 1500, ...GUARD },
    );
  });

  it('normaliseActor never throws and gives an account row that fits', () => {
    const actor = fc.oneof(
      fc.record(
        {
          id: or(fc.constant(ACTOR)),
          type: or(fc.constantFrom('Person', 'Service', 'Group')),
          preferredUsername: anything,
          name: anything,
          summary: anything,
          url: anything,
          published: or(time),
          icon: or(fc.record({ url: or(fc.constantFrom('avatar.png', '/avatar.png', '../../etc/passwd')) })),
          image: anything,
          movedTo: anything,
          alsoKnownAs: anything,
          attachment: or(fc.array(fc.record({ type: or(fc.constant('PropertyValue')), name: anything, value: anything }), { maxLength: 3 })),
          followers: anything,
          manuallyApprovesFollowers: anything,
          discoverable: anything,
          suspended: anything,
        },
        { requiredKeys: [] },
      ),
      anything,
    );
    const names = new Set(['avatar.png', 'header.jpg', 'outbox.json']);
    fc.assert(
      fc.property(actor.map((v) => JSON.parse(JSON.stringify(v) ?? 'null') as unknown), (a) => {
        const row = normaliseActor(a, names);
        expectFits('account', row);
        if (row.avatar_path !== null) expect(names.has(row.avatar_path)).toBe(true);
        if (row.header_path !== null) expect(names.has(row.header_path)).toBe(true);
      }),
      { seed: 20241124, numRuns: 600, ...GUARD },
    );
  });

  it('parseCsvExport never throws, for any text in any table, and its rows fit', () => {
    const cell = fc.oneof(
      fc.constantFrom('a@b.example', '@c@d.example', 'true', 'false', 'en, de', 'Close friends', 'example.com', '', ' '),
      fc.string({ unit: fc.constantFrom('a', '"', ',', '\n', '\r', ' ', '\u0000', '\ufeff', 'é', '\ufffd', '#', '@'), maxLength: 8 }),
    );
    const text = fc.oneof(
      fc
        .tuple(fc.array(fc.array(cell, { minLength: 1, maxLength: 6 }), { maxLength: 8 }), fc.constantFrom('\n', '\r\n'))
        .map(([rows, eol]) => rows.map((r) => r.join(',')).join(eol)),
      fc.string({ unit: 'binary', maxLength: 80 }),
    );
    const tables: CsvTable[] = ['following', 'followers', 'lists', 'blocks', 'mutes', 'domain_blocks', 'bookmarks'];
    fc.assert(
      fc.property(text, fc.constantFrom(...tables), fc.boolean(), (t, table, header) => {
        const input = (header ? 'Account address,Show boosts,Notify on new posts,Languages\n' : '') + t;
        const parsed = parseCsvExport(`${table}.csv`, input, table);
        expect(parsed.table).toBe(table);
        for (const row of parsed.rows) {
          if (table === 'bookmarks') expectFits('bookmarks', row);
          else expectFits(table, row);
          const first = Object.values(row)[0];
          expect(typeof first === 'string' && first.trim() !== '').toBe(true);
        }
        for (const issue of parsed.issues) expectFits('load_issues', issue);
        expect(() => detectCsvTable(`${table}.csv`, input)).not.toThrow();
      }),
      { seed: 20241125, numRuns: 800, ...GUARD },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The splitter on damaged input

interface Outcome {
  /** json, index, byte offset, occurrence of the array */
  items: [string, number, number, number][];
  starts: number[];
  error?: { message: string; offset: number };
  topLevel?: Record<string, unknown>;
}

/** Feeds `bytes` in chunks cut at `cuts`; anything thrown but a SplitError fails the property. */
function split(bytes: Uint8Array, cuts: number[], maxItemBytes?: number): Outcome {
  const out: Outcome = { items: [], starts: [] };
  const splitter = new ItemSplitter(
    'orderedItems',
    {
      onItem: (json, index, offset) => out.items.push([json, index, offset, out.starts.length - 1]),
      onArrayStart: (n) => out.starts.push(n),
    },
    { maxItemBytes },
  );
  try {
    let from = 0;
    for (const cut of [...cuts, bytes.length]) {
      splitter.write(bytes.subarray(from, cut));
      from = cut;
    }
    out.topLevel = splitter.end().topLevel;
  } catch (error) {
    if (!(error instanceof SplitError)) throw error;
    out.error = { message: error.message, offset: error.byteOffset };
  }
  return out;
}

const TRICKY_BYTES = [0x5b, 0x5d, 0x7b, 0x7d, 0x22, 0x5c, 0x2c, 0x3a, 0x20, 0x0a, 0x00, 0xff, 0xc3, 0xe2, 0xef, 0x61];

/** A small outbox in Mastodon's shape with a few items, then damaged by a few edits. */
const damaged = fc
  .record({
    items: fc.array(fc.oneof(activity, anything), { maxLength: 5 }),
    edits: fc.array(
      fc.record({
        kind: fc.constantFrom('set', 'insert', 'delete', 'duplicate', 'truncate'),
        at: fc.nat(),
        length: fc.integer({ min: 1, max: 40 }),
        byte: fc.constantFrom(...TRICKY_BYTES),
      }),
      { minLength: 1, maxLength: 4 },
    ),
  })
  .map(({ items, edits }) => {
    let bytes = Buffer.from(JSON.stringify({ '@context': 'https://www.w3.org/ns/activitystreams', type: 'OrderedCollection', totalItems: items.length, orderedItems: items }));
    for (const e of edits) {
      const at = e.at % (bytes.length + 1);
      if (e.kind === 'set' && at < bytes.length) bytes[at] = e.byte;
      else if (e.kind === 'insert') bytes = Buffer.concat([bytes.subarray(0, at), Buffer.alloc(e.length, e.byte), bytes.subarray(at)]);
      else if (e.kind === 'delete') bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + e.length)]);
      else if (e.kind === 'duplicate') bytes = Buffer.concat([bytes.subarray(0, at + e.length), bytes.subarray(at)]);
      else if (e.kind === 'truncate') bytes = bytes.subarray(0, at);
    }
    return bytes;
  });

const cutsArb = fc.array(fc.nat(), { maxLength: 12 });
const cutsFor = (raw: number[], length: number) => raw.map((c) => c % (length + 1)).sort((a, b) => a - b);

describe('the item splitter on damaged input, fuzzed', () => {
  it('a damaged outbox gives a SplitError or items, never another error, and the same for every chunking', () => {
    fc.assert(
      fc.property(damaged, cutsArb, (bytes, raw) => {
        const whole = split(bytes, []);
        expect(split(bytes, cutsFor(raw, bytes.length))).toEqual(whole);
        if (whole.error) expect(whole.error.offset).toBeLessThanOrEqual(bytes.length);
        for (const [json, , offset] of whole.items) {
          expect(offset).toBeLessThan(bytes.length);
          expect(json).toBe(json.trim());
        }
        // When the damaged text is still valid JSON (and UTF-8), the last array is what JSON.parse reads.
        const text = bytes.toString('utf8');
        if (!Buffer.from(text).equals(bytes)) return;
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          return;
        }
        expect(whole.error).toBeUndefined();
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return;
        const items = (parsed as { orderedItems?: unknown }).orderedItems;
        if (!Array.isArray(items)) return;
        const last = whole.items.filter((i) => i[3] === whole.starts.length - 1).map((i) => JSON.parse(i[0]) as unknown);
        expect(last).toEqual(items);
      }),
      { seed: 20241126, numRuns: 1500, ...GUARD },
    );
  });

  it('random bytes give a SplitError or a result, never a hang or another error, and the same for every chunking', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.concat([Buffer.from('{"orderedItems":['), b])),
      fc.array(fc.constantFrom(...TRICKY_BYTES), { maxLength: 300 }).map((b) => Buffer.concat([Buffer.from('{"orderedItems":['), Buffer.from(b)])),
    );
    fc.assert(
      fc.property(bytes, cutsArb, (b, raw) => {
        const whole = split(b, []);
        expect(split(b, cutsFor(raw, b.length))).toEqual(whole);
      }),
      { seed: 20241127, numRuns: 2000, ...GUARD },
    );
  });

  it('an item over the size limit is refused at its first byte whatever the chunking, and no more than the limit is kept', () => {
    fc.assert(
      fc.property(fc.integer({ min: 16, max: 200 }), fc.integer({ min: 1, max: 600 }), cutsArb, (limit, size, raw) => {
        const big = JSON.stringify({ content: 'x'.repeat(size) });
        const doc = Buffer.from(`{"orderedItems":[1,${big},2]}`);
        const whole = split(doc, [], limit);
        expect(split(doc, cutsFor(raw, doc.length), limit)).toEqual(whole);
        if (big.length > limit) {
          expect(whole.error).toEqual({ message: `an item is larger than ${limit} bytes`, offset: 19 });
          expect(whole.items.map((i) => i[0])).toEqual(['1']);
        } else {
          expect(whole.items.map((i) => i[0])).toEqual(['1', big, '2']);
        }
      }),
      { seed: 20241128, numRuns: 300, ...GUARD },
    );
  });
});
