import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newestItems } from '../../src/ingest/outbox-tail.js';
import { type Json, prng, Serializer } from '../helpers/json-text.js';

/** Strings full of the characters that could pass for structure when a tail starts inside them. */
const tricky = fc.string({
  unit: fc.constantFrom('[', ']', '{', '}', ',', '"', '\\', ':', ' ', 'a', 't', 'r', 'u', 'e', '1', 'é', '😀', '\n', '/'),
  maxLength: 16,
});

const value: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' }) as fc.Arbitrary<Json> },
  { weight: 3, arbitrary: tricky },
  { weight: 1, arbitrary: fc.array(fc.dictionary(tricky, tricky, { maxKeys: 3 }), { maxLength: 3 }) },
);

/** Items are objects, as in an outbox (activities). */
const item: fc.Arbitrary<Record<string, Json>> = fc.dictionary(
  tricky.filter((k) => k !== '__proto__'),
  value,
  { maxKeys: 6 },
);

interface Outbox {
  text: string;
  items: string[];
  /** Index in `text` of the `[` or `,` before each item. */
  separators: number[];
}

/** An outbox with other keys first and orderedItems last, with random whitespace and escapes. */
function outbox(before: Array<[string, Json]>, items: Array<Record<string, Json>>, seed: number): Outbox {
  const ser = new Serializer(prng(seed));
  let text = `${ser.ws()}{`;
  for (const [key, v] of before) text += `${ser.entry(key, ser.value(v))},`;
  text += `${ser.ws()}${ser.string('orderedItems')}${ser.ws()}:${ser.ws()}`;
  const texts: string[] = [];
  const separators: number[] = [];
  if (items.length === 0) text += `[${ser.ws()}]`;
  items.forEach((it, k) => {
    separators.push(text.length);
    text += `${k === 0 ? '[' : ','}${ser.ws()}`;
    const t = ser.value(it);
    texts.push(t);
    text += `${t}${ser.ws()}`;
  });
  if (items.length > 0) text += ']';
  text += `${ser.ws()}}${ser.ws()}`;
  return { text, items: texts, separators };
}

const outboxes = fc.record({
  before: fc.array(fc.tuple(tricky.filter((k) => k !== 'orderedItems' && k !== '__proto__'), value), { maxLength: 3 }),
  items: fc.array(item, { maxLength: 12 }),
  seed: fc.integer(),
});

describe('newestItems', () => {
  it('finds exactly the last items that lie whole in any tail of an outbox, newest last', () => {
    fc.assert(
      fc.property(outboxes, fc.nat(), fc.integer({ min: 1, max: 20 }), ({ before, items, seed }, cutSeed, max) => {
        const doc = outbox(before, items, seed);
        const cut = cutSeed % (doc.text.length + 1);
        const got = newestItems(doc.text.slice(cut), max);
        const whole = doc.separators.filter((s) => s >= cut).length;
        if (items.length === 0 && doc.text.slice(cut).includes('[')) {
          expect(got).toEqual([]);
        } else if (whole === 0) {
          // Nothing whole: no item to show, and nothing made up.
          expect(got === null || got.length === 0).toBe(true);
        } else {
          expect(got).toEqual(doc.items.slice(doc.items.length - Math.min(max, whole)));
        }
      }),
      { numRuns: 600 },
    );
  });

  it('never returns anything that is not a suffix of the real items, however the tail starts', () => {
    fc.assert(
      fc.property(outboxes, fc.nat(), ({ before, items, seed }, cutSeed) => {
        const doc = outbox(before, items, seed);
        const cut = cutSeed % (doc.text.length + 1);
        const got = newestItems(doc.text.slice(cut), 1000);
        if (got === null) return;
        expect(got).toEqual(doc.items.slice(doc.items.length - got.length));
      }),
      { numRuns: 600 },
    );
  });

  it('gives null, not a guess, when orderedItems is not the last key', () => {
    const text = JSON.stringify({ orderedItems: [{ id: 1 }, { id: 2 }], totalItems: 2 });
    expect(newestItems(text, 10)).toBeNull();
    expect(newestItems(JSON.stringify({ orderedItems: [{ id: 1 }], next: { id: 'x' } }), 10)).toBeNull();
  });

  it('asks the caller whether each item is an item: an array of other objects last is refused', () => {
    const text = JSON.stringify({ orderedItems: [{ type: 'Create' }], other: [{ kind: 'x' }, { kind: 'y' }] });
    expect(newestItems(text, 10)).toEqual(['{"kind":"x"}', '{"kind":"y"}']);
    expect(newestItems(text, 10, (v) => typeof v.type === 'string')).toBeNull();
  });

  it('reads a whole small outbox and a truncated or damaged end as no preview', () => {
    const text = JSON.stringify({ id: 'o', orderedItems: [{ a: 1 }, { b: [{ c: 2 }] }] });
    expect(newestItems(text, 10)).toEqual(['{"a":1}', '{"b":[{"c":2}]}']);
    expect(newestItems(text, 1)).toEqual(['{"b":[{"c":2}]}']);
    expect(newestItems(text.slice(0, -1), 10)).toBeNull();
    // A damaged older item does not hide the whole newer ones after it.
    expect(newestItems(text.replace('{"a":1}', '{"a":1'), 10)).toEqual(['{"b":[{"c":2}]}']);
    expect(newestItems('', 10)).toBeNull();
  });

  it('never throws on arbitrary text and returns only JSON objects', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('{', '}', '[', ']', ',', '"', '\\', 'a', '1', ' ', ':'), maxLength: 200 }), (text) => {
        const got = newestItems(`${text}]}`, 50);
        for (const t of got ?? []) {
          const v: unknown = JSON.parse(t);
          expect(typeof v === 'object' && v !== null && !Array.isArray(v)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('gives up within its budget on a tail of nested openings instead of taking quadratic time', () => {
    const text = `${',{"a":'.repeat(50_000)}1]}`;
    expect(newestItems(text, 10)).toBeNull();
  });
});
