import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ItemSplitter, SplitError } from '../../src/ingest/splitter.js';
import { type Json, prng, Serializer } from '../helpers/json-text.js';

/** One top-level entry: another key, or an occurrence of the array. */
type Entry = { key: string; value: Json } | { items: Json[] };

interface Doc {
  text: string;
  bytes: Buffer;
  /** The exact text of each element, per occurrence of the array. */
  occurrences: string[][];
}

function buildDoc(entries: Entry[], seed: number, bom: boolean): Doc {
  const ser = new Serializer(prng(seed));
  const occurrences: string[][] = [];
  const parts = entries.map((entry) => {
    if ('key' in entry) return ser.entry(entry.key, ser.value(entry.value));
    const texts = entry.items.map((item) => ser.value(item));
    occurrences.push(texts);
    const array = texts.length === 0 ? `[${ser.ws()}]` : `[${texts.map((t) => ser.ws() + t + ser.ws()).join(',')}]`;
    return ser.entry('orderedItems', array);
  });
  const text = `${bom ? '\ufeff' : ''}${ser.ws()}{${parts.length ? parts.join(',') : ser.ws()}}${ser.ws()}`;
  return { text, bytes: Buffer.from(text, 'utf8'), occurrences };
}

interface Got {
  occurrences: { json: string; index: number; offset: number; length: number }[][];
  topLevel: Record<string, unknown>;
  bytes: number;
}

function feed(bytes: Uint8Array, cuts: number[]): Got {
  const occurrences: Got['occurrences'] = [];
  const splitter = new ItemSplitter('orderedItems', {
    onItem(json, index, offset, length) {
      occurrences[occurrences.length - 1]!.push({ json, index, offset, length });
    },
    onArrayStart(occurrence) {
      if (occurrence !== occurrences.length) throw new Error(`occurrence ${occurrence} out of order`);
      occurrences.push([]);
    },
  });
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    splitter.write(bytes.subarray(from, cut));
    from = cut;
  }
  const result = splitter.end();
  if (result.occurrences !== occurrences.length) throw new Error('occurrences disagree');
  return { occurrences, topLevel: result.topLevel, bytes: result.bytes };
}

/** Checks a split against the serializer's element texts and against JSON.parse of the whole document. */
function check(doc: Doc, got: Got): void {
  expect(got.bytes).toBe(doc.bytes.length);
  expect(got.occurrences.map((occ) => occ.map((item) => item.json))).toEqual(doc.occurrences);
  for (const occ of got.occurrences) {
    occ.forEach((item, k) => {
      expect(item.index).toBe(k);
      expect(item.length).toBe(Buffer.byteLength(item.json));
      expect(doc.bytes.subarray(item.offset, item.offset + item.length).toString('utf8')).toBe(item.json);
    });
  }
  const parsed = JSON.parse(doc.text.replace(/^\ufeff/, '')) as Record<string, unknown>;
  const last = got.occurrences[got.occurrences.length - 1];
  if (last) expect(last.map((item) => JSON.parse(item.json) as unknown)).toEqual(parsed.orderedItems);
  else expect(parsed.orderedItems).toBeUndefined();
  const others = { ...parsed };
  delete others.orderedItems;
  expect(got.topLevel).toEqual(others);
}

// Arbitraries.

/** Strings made of the characters a byte scanner is most likely to get wrong. */
const tricky = fc.string({
  unit: fc.constantFrom('[', ']', '{', '}', ',', '"', '\\', ':', ' ', 'a', 'é', '€', '😀', '\n', '\u2028', '\ud800', '\udc00', '/', 'u'),
  maxLength: 12,
});

const element: fc.Arbitrary<Json> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' }) as fc.Arbitrary<Json> },
  { weight: 2, arbitrary: tricky },
  {
    weight: 2,
    arbitrary: fc.dictionary(tricky, fc.oneof(tricky, fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>), {
      maxKeys: 5,
    }),
  },
  { weight: 1, arbitrary: fc.array(fc.oneof(tricky, fc.array(tricky, { maxLength: 3 })), { maxLength: 4 }) },
);

const otherKey = fc
  .oneof(fc.constantFrom('@context', 'id', 'type', 'totalItems', 'orderedItem', 'first'), fc.string({ unit: 'binary', maxLength: 8 }), tricky)
  .filter((key) => key !== 'orderedItems' && key !== '__proto__');

const otherEntry: fc.Arbitrary<Entry> = fc.record({
  key: otherKey,
  value: fc.oneof(tricky, fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' }) as fc.Arbitrary<Json>),
});

/** A document with one orderedItems array and other keys before and after it. */
const singleDoc = (maxItems: number) =>
  fc
    .record({
      before: fc.array(otherEntry, { maxLength: 3 }),
      items: fc.array(element, { maxLength: maxItems }),
      after: fc.array(otherEntry, { maxLength: 3 }),
      seed: fc.integer(),
      bom: fc.boolean(),
    })
    .map(({ before, items, after, seed, bom }) => buildDoc([...before, { items }, ...after], seed, bom));

/** Random cut positions, taken modulo the document's length + 1 (empty chunks included). */
const cutsArb = fc.array(fc.nat(), { maxLength: 24 });

function cutsFor(raw: number[], length: number): number[] {
  return raw.map((c) => c % (length + 1)).sort((a, b) => a - b);
}

describe('ItemSplitter properties', () => {
  it('splits random documents in random chunkings exactly as JSON.parse reads them', () => {
    fc.assert(
      fc.property(singleDoc(8), cutsArb, (doc, rawCuts) => {
        check(doc, feed(doc.bytes, []));
        check(doc, feed(doc.bytes, cutsFor(rawCuts, doc.bytes.length)));
      }),
      { seed: 42, numRuns: 400 },
    );
  });

  it('gives the same result for a cut at every byte, and for chunks of one byte (small documents)', () => {
    fc.assert(
      fc.property(singleDoc(4), (doc) => {
        const first = feed(doc.bytes, []);
        check(doc, first);
        const whole = JSON.stringify(first);
        for (let cut = 0; cut <= doc.bytes.length; cut++) {
          expect(JSON.stringify(feed(doc.bytes, [cut]))).toBe(whole);
        }
        const ones = Array.from({ length: doc.bytes.length }, (_, k) => k);
        expect(JSON.stringify(feed(doc.bytes, ones))).toBe(whole);
      }),
      { seed: 42, numRuns: 40 },
    );
  });

  it('reports every occurrence of a duplicated array key; the last one is what JSON.parse keeps', () => {
    const dupDoc = fc
      .record({
        occurrences: fc.array(fc.array(element, { maxLength: 5 }), { minLength: 1, maxLength: 3 }),
        others: fc.array(otherEntry, { maxLength: 3 }),
        contexts: fc.tuple(fc.constant('https://www.w3.org/ns/activitystreams'), fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>),
        shuffleSeed: fc.integer(),
        seed: fc.integer(),
        bom: fc.boolean(),
      })
      .map(({ occurrences, others, contexts, shuffleSeed, seed, bom }) => {
        const entries: Entry[] = [
          ...occurrences.map((items) => ({ items })),
          ...others,
          { key: '@context', value: contexts[0] },
          { key: '@context', value: contexts[1] },
        ];
        // Any order: check() compares the occurrences in document order and JSON.parse decides which value is last.
        const rand = prng(shuffleSeed);
        for (let k = entries.length - 1; k > 0; k--) {
          const j = Math.floor(rand() * (k + 1));
          [entries[k], entries[j]] = [entries[j]!, entries[k]!];
        }
        return { doc: buildDoc(entries, seed, bom), count: occurrences.length };
      });
    fc.assert(
      fc.property(dupDoc, cutsArb, ({ doc, count }, rawCuts) => {
        const got = feed(doc.bytes, cutsFor(rawCuts, doc.bytes.length));
        expect(got.occurrences).toHaveLength(count);
        check(doc, got);
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it('never succeeds silently on a truncated document', () => {
    fc.assert(
      fc.property(singleDoc(3), fc.boolean(), (doc, oneByteChunks) => {
        const complete = doc.bytes.lastIndexOf(0x7d) + 1;
        for (let cut = 0; cut < complete; cut++) {
          const prefix = doc.bytes.subarray(0, cut);
          const cuts = oneByteChunks ? Array.from({ length: cut }, (_, k) => k) : [];
          let error: unknown;
          try {
            feed(prefix, cuts);
          } catch (err) {
            error = err;
          }
          expect(error).toBeInstanceOf(SplitError);
          expect((error as SplitError).byteOffset).toBe(cut);
          expect((error as SplitError).message).toMatch(/truncated|empty/);
        }
        for (let cut = complete; cut <= doc.bytes.length; cut++) {
          expect(feed(doc.bytes.subarray(0, cut), []).occurrences).toHaveLength(1);
        }
      }),
      { seed: 42, numRuns: 30 },
    );
  });

  it('rejects anything but whitespace after the top-level object', () => {
    fc.assert(
      fc.property(
        singleDoc(3),
        fc.string({ minLength: 1, maxLength: 5 }).filter((s) => /[^ \t\r\n]/.test(s)),
        cutsArb,
        (doc, garbage, rawCuts) => {
          const bytes = Buffer.concat([doc.bytes, Buffer.from(garbage)]);
          const firstBad = doc.bytes.length + Buffer.from(garbage).findIndex((b) => ![0x20, 0x09, 0x0a, 0x0d].includes(b));
          let error: unknown;
          try {
            feed(bytes, cutsFor(rawCuts, bytes.length));
          } catch (err) {
            error = err;
          }
          expect(error).toBeInstanceOf(SplitError);
          expect((error as SplitError).byteOffset).toBe(firstBad);
        },
      ),
      { seed: 42, numRuns: 100 },
    );
  });
});
