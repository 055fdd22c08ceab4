/**
 * The outbox producer (src/ingest/outbox-batches.ts): what waits in memory is bounded by the flow control, not by the
 * size of the outbox; packed rows read back exactly as they were written.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BATCH_COLUMNS, type CellKind, type OutboxBatch, PIECE_CHARS, RowPacker, RowReader, produceOutbox,
} from '../../src/ingest/outbox-batches.js';

const ACTOR = 'https://example.social/users/ada';
const ctx = { actorId: ACTOR, followersUri: `${ACTOR}/followers`, localDomain: 'example.social', resolveMedia: () => undefined };

function item(n: number): string {
  const id = `${ACTOR}/statuses/${n}`;
  if (n % 7 === 3) {
    return JSON.stringify({ id: `${id}/activity`, type: 'Announce', actor: ACTOR, published: '2024-01-01T00:00:00Z', object: `https://other.example/notes/${n}` });
  }
  return JSON.stringify({
    id: `${id}/activity`,
    type: 'Create',
    object: { id, type: 'Note', published: '2024-01-01T00:00:00Z', content: `<p>post ${n} déjà 東京 🥳</p>`, tag: [{ type: 'Hashtag', name: '#t' }] },
  });
}

/** An outbox of `count` items, delivered in chunks of `chunkBytes`. */
async function* outbox(count: number, chunkBytes: number): AsyncGenerator<Uint8Array> {
  const text = `{"type":"OrderedCollection","totalItems":${count},"orderedItems":[${Array.from({ length: count }, (_, i) => item(i)).join(',')}]}`;
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += chunkBytes) yield bytes.subarray(i, i + chunkBytes);
}

/**
 * Runs the producer against a consumer that writes one batch per macrotask and holds the producer back while
 * `maxInFlight` batches are waiting. Returns the most items that were ever produced and not yet written.
 */
async function maxWaiting(count: number, batchItems: number, maxInFlight: number, chunkBytes: number, flowControl = true) {
  const waiting: OutboxBatch[] = [];
  let most = 0;
  let written = 0;
  let wake: (() => void) | undefined;
  const drain = setInterval(() => {
    const batch = waiting.shift();
    if (batch !== undefined) written += batch.items;
    if (waiting.length < maxInFlight) {
      const w = wake;
      wake = undefined;
      w?.();
    }
  }, 0);
  try {
    const summary = await produceOutbox(outbox(count, chunkBytes), ctx, {
      batchItems,
      onBatch(batch) {
        waiting.push(batch);
        most = Math.max(most, waiting.reduce((n, b) => n + b.items, 0));
      },
      waitForRoom() {
        if (!flowControl || waiting.length < maxInFlight) return undefined;
        return new Promise<void>((resolve) => {
          wake = resolve;
        });
      },
    });
    while (waiting.length > 0) await new Promise((r) => setTimeout(r, 1));
    expect(summary.positions).toBe(count);
    expect(written).toBe(count);
    return most;
  } finally {
    clearInterval(drain);
  }
}

describe('outbox producer', () => {
  it('holds at most maxInFlight batches plus one chunk of items, however long the outbox', async () => {
    const chunkBytes = 2048;
    const itemsPerChunk = Math.ceil(chunkBytes / Buffer.byteLength(item(0), 'utf8')) + 1;
    const bound = 3 * 8 + itemsPerChunk;
    const small = await maxWaiting(400, 8, 3, chunkBytes);
    const large = await maxWaiting(4000, 8, 3, chunkBytes);
    expect(small).toBeLessThanOrEqual(bound);
    expect(large).toBeLessThanOrEqual(bound);
    // The same consumer without flow control lets the whole outbox pile up: the bound above is the flow control's.
    expect(await maxWaiting(4000, 8, 3, chunkBytes, false)).toBeGreaterThan(10 * bound);
  }, 30_000);

  it('hands over every item once, in order, in batches of the asked size', async () => {
    const positions: number[] = [];
    const sizes: number[] = [];
    await produceOutbox(outbox(100, 333), ctx, {
      batchItems: 16,
      onBatch(batch) {
        sizes.push(batch.items);
        const reader = new RowReader(batch.tables.outbox_items);
        for (let r = 0; r < batch.tables.outbox_items.rows; r++) {
          positions.push(reader.number());
          for (let c = 1; c < BATCH_COLUMNS.outbox_items.length; c++) {
            if (BATCH_COLUMNS.outbox_items[c]![1] === 'text') reader.text();
            else reader.number();
          }
        }
      },
    });
    expect(positions).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(sizes.slice(0, -1).every((n) => n === 16)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(100);
  });
});

describe('packed rows', () => {
  const columns: ReadonlyArray<readonly [string, CellKind]> = [
    ['a', 'text'], ['n', 'number'], ['b', 'bool'], ['t', 'time'], ['z', 'text'],
  ];
  const text = fc.option(fc.string({ unit: 'binary', maxLength: 20 }), { nil: null });
  const row = fc.record({
    a: text,
    n: fc.option(fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })), { nil: null }),
    b: fc.option(fc.boolean(), { nil: null }),
    t: fc.option(fc.date({ noInvalidDate: true, min: new Date(-1e14), max: new Date(1e14) }).map((d) => d.toISOString()), { nil: null }),
    z: text,
  });

  it('read back cell by cell as written (property)', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 30 }), (rows) => {
        const packer = new RowPacker(columns);
        for (const r of rows) packer.add(r);
        const packed = packer.finish();
        expect(packed.rows).toBe(rows.length);
        const reader = new RowReader(packed);
        for (const r of rows) {
          expect(reader.text()).toBe(r.a);
          const n = reader.number();
          if (r.n === null) expect(n).toBeNaN();
          else expect(n).toBe(r.n);
          const b = reader.number();
          if (r.b === null) expect(b).toBeNaN();
          else expect(b).toBe(r.b ? 1 : 0);
          const t = reader.number();
          if (r.t === null) expect(t).toBeNaN();
          else expect(t).toBe(Date.parse(r.t));
          expect(reader.text()).toBe(r.z);
        }
      }),
    );
  });

  it('keeps one-byte strings apart from wider ones', () => {
    const packer = new RowPacker([['a', 'text']]);
    for (const a of ['plain', 'déjà', '東京', '🥳', '']) packer.add({ a });
    const packed = packer.finish();
    expect(packed.text).toEqual(['plaindéjà']);
    expect(packed.wide).toEqual(['東京🥳']);
  });

  it('cuts the text into pieces of about PIECE_CHARS characters, never inside a string (property)', () => {
    const long = fc.oneof(
      fc.constantFrom(0, 1, PIECE_CHARS - 1, PIECE_CHARS, PIECE_CHARS + 1, 2 * PIECE_CHARS + 3),
      fc.integer({ min: 0, max: PIECE_CHARS / 4 }),
    );
    const cell = fc.tuple(long, fc.boolean(), fc.integer({ min: 0, max: 25 })).map(([length, wide, letter]) =>
      String.fromCharCode((wide ? 0x4e00 : 0x61) + letter).repeat(length),
    );
    fc.assert(
      fc.property(fc.array(fc.option(cell, { nil: null }), { maxLength: 40 }), (cells) => {
        const packer = new RowPacker([['a', 'text']]);
        for (const a of cells) packer.add({ a });
        const packed = packer.finish();
        for (const piece of [...packed.text, ...packed.wide]) {
          expect(piece.length).toBeGreaterThan(0);
        }
        // Every piece but a string longer than PIECE_CHARS itself stays under twice the size.
        const longest = Math.max(0, ...cells.map((c) => c?.length ?? 0));
        for (const piece of [...packed.text, ...packed.wide]) {
          expect(piece.length).toBeLessThan(Math.max(2 * PIECE_CHARS, longest + PIECE_CHARS));
        }
        expect(packed.text.join('')).toBe(cells.filter((c) => c !== null && c.charCodeAt(0) < 0x100).join(''));
        const reader = new RowReader(packed);
        for (const a of cells) expect(reader.text()).toBe(a);
      }),
      { numRuns: 200 },
    );
  });
});
