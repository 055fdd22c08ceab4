import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { CORPUS } from '../helpers/archives.js';
import { describe, expect, it } from 'vitest';
import { splitStream, type SplitProgress } from '../../src/ingest/split-stream.js';
import { ItemSplitter, SplitError, type SplitterOptions } from '../../src/ingest/splitter.js';

interface Split {
  /** Items per occurrence of the array, in order. */
  groups: { json: string; index: number; offset: number }[][];
  topLevel: Record<string, unknown>;
  occurrences: number;
  bytes: number;
}

/** Splits `doc` fed in chunks: `chunking` is a chunk size or a list of cut positions. */
function split(
  doc: string | Uint8Array,
  chunking: number | number[] = 1 << 16,
  arrayKey = 'orderedItems',
  options?: SplitterOptions,
): Split {
  const bytes = typeof doc === 'string' ? Buffer.from(doc, 'utf8') : doc;
  const groups: Split['groups'] = [];
  let loose: Split['groups'][number] | undefined;
  const splitter = new ItemSplitter(
    arrayKey,
    {
      onItem(json, index, offset) {
        const group = groups[groups.length - 1] ?? (loose ??= []);
        group.push({ json, index, offset });
      },
      onArrayStart(occurrence) {
        expect(occurrence).toBe(groups.length);
        groups.push([]);
      },
    },
    options,
  );
  const cuts =
    typeof chunking === 'number'
      ? Array.from({ length: Math.ceil(bytes.length / chunking) - 1 }, (_, k) => (k + 1) * chunking)
      : chunking;
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    splitter.write(bytes.subarray(from, cut));
    from = cut;
  }
  const result = splitter.end();
  expect(loose).toBeUndefined();
  expect(result.occurrences).toBe(groups.length);
  return { groups, ...result };
}

function items(doc: string, chunking?: number | number[], arrayKey?: string): string[] {
  const { groups } = split(doc, chunking, arrayKey);
  return (groups[groups.length - 1] ?? []).map((item) => item.json);
}

/** The SplitError thrown while splitting `doc` (fails when there is none). */
function splitError(doc: string | Uint8Array, chunking?: number | number[], options?: SplitterOptions): SplitError {
  try {
    split(doc, chunking, 'orderedItems', options);
  } catch (err) {
    expect(err).toBeInstanceOf(SplitError);
    return err as SplitError;
  }
  throw new Error(`no SplitError for ${String(doc).slice(0, 200)}`);
}

function withoutKey(value: Record<string, unknown>, key: string): Record<string, unknown> {
  const copy = { ...value };
  delete copy[key];
  return copy;
}

describe('ItemSplitter: the outbox shape', () => {
  const doc =
    '{"@context":"https://www.w3.org/ns/activitystreams","id":"outbox.json","type":"OrderedCollection",' +
    '"totalItems":3,"orderedItems":[{"id":"a","type":"Create","object":{"content":"<p>[x] {y}, \\"z\\"</p>"}},' +
    '{"id":"b","type":"Announce","object":"https://example.org/s/1"},\n  {"id":"c","tag":[[],[{}]]}]}';

  it('gives each element exactly, with index and byte offset, and the other keys parsed', () => {
    const { groups, topLevel, occurrences, bytes } = split(doc);
    expect(occurrences).toBe(1);
    expect(bytes).toBe(Buffer.byteLength(doc));
    const parsed = JSON.parse(doc) as Record<string, unknown>;
    expect(groups[0]!.map((item) => JSON.parse(item.json))).toEqual(parsed.orderedItems);
    expect(groups[0]!.map((item) => item.index)).toEqual([0, 1, 2]);
    for (const item of groups[0]!) expect(doc.slice(item.offset, item.offset + item.json.length)).toBe(item.json);
    expect(topLevel).toEqual(withoutKey(parsed, 'orderedItems'));
  });

  it('gives the same result for every chunking, down to single bytes', () => {
    const whole = split(doc);
    expect(split(doc, 1)).toEqual(whole);
    for (let cut = 0; cut <= doc.length; cut++) expect(split(doc, [cut])).toEqual(whole);
  });

  it('handles a UTF-8 BOM, leading and trailing whitespace', () => {
    const padded = `\ufeff \r\n\t${doc}\n\n  `;
    const whole = split(padded);
    expect(whole.groups[0]!.map((item) => item.json)).toEqual(split(doc).groups[0]!.map((item) => item.json));
    expect(whole.groups[0]![0]!.offset).toBe(split(doc).groups[0]![0]!.offset + 3 + 4);
    expect(split(padded, 1)).toEqual(whole);
  });

  it('reports byte offsets, not character offsets, and keeps multi-byte characters whole across chunks', () => {
    const text = '{"x":"é😀","orderedItems":["日本語","😀",{"k":"ü"}]}';
    const bytes = Buffer.from(text);
    const { groups } = split(text, 1);
    expect(groups[0]!.map((item) => JSON.parse(item.json))).toEqual(['日本語', '😀', { k: 'ü' }]);
    for (const item of groups[0]!) {
      expect(bytes.subarray(item.offset, item.offset + Buffer.byteLength(item.json)).toString()).toBe(item.json);
    }
  });

  it('gives strings as elements (likes.json / bookmarks.json)', () => {
    const likes =
      '{"@context":"https://www.w3.org/ns/activitystreams","id":"likes.json","type":"OrderedCollection",' +
      '"orderedItems":["https://a.example/users/x/statuses/1","tag:b.example,2017-04-01:objectId=5:objectType=Status",' +
      ' "with \\"quotes\\" and \\\\ and ] , }" ]}';
    for (const chunking of [1 << 16, 1, 3]) {
      expect(items(likes, chunking).map((json) => JSON.parse(json))).toEqual(JSON.parse(likes).orderedItems);
    }
  });

  it('gives scalars and nested arrays as elements, trimmed of whitespace', () => {
    const doc2 = '{"orderedItems":[ 1 , -2.5e3,true,false , null,"",[],{} ,[[1,[2]],{"a":[]}]\n]}';
    expect(items(doc2)).toEqual(['1', '-2.5e3', 'true', 'false', 'null', '""', '[]', '{}', '[[1,[2]],{"a":[]}]']);
    expect(items(doc2, 1)).toEqual(items(doc2));
  });

  it('handles deep nesting and big elements that cross many chunks', () => {
    const deep = `${'['.repeat(3000)}"x"${']'.repeat(3000)}`;
    const big = JSON.stringify({ s: 'é\\"x'.repeat(400_000), t: ['😀'.repeat(1000)] }); // ~2.4 MB
    const medium = JSON.stringify('\\"é'.repeat(30_000));
    const doc = `{"orderedItems":[${deep},${big},${medium},1]}`;
    for (const chunking of [1 << 16, 1000, 4093]) {
      expect(items(doc, chunking)).toEqual([deep, big, medium, '1']);
    }
  });

  it('gives no element for an empty array', () => {
    expect(split('{"orderedItems":[]}').groups).toEqual([[]]);
    expect(split('{"orderedItems":[ \n ]}', 1).groups).toEqual([[]]);
    expect(split('{}').groups).toEqual([]);
    expect(split(' { } ').topLevel).toEqual({});
  });

  it('uses the given array key and only at the top level', () => {
    const doc2 = '{"a":{"orderedItems":[1]},"orderedItems":[2],"b":[{"orderedItems":[3]}]}';
    expect(items(doc2)).toEqual(['2']);
    const other = split(doc2, 1 << 16, 'b');
    expect(other.groups[0]!.map((item) => item.json)).toEqual(['{"orderedItems":[3]}']);
    expect(other.topLevel).toEqual({ a: { orderedItems: [1] }, orderedItems: [2] });
  });

  it('matches a key written with escapes, as JSON.parse does', () => {
    const doc2 = '{"ordered\\u0049tems":[1,2],"\\u0040context":"x"}';
    const result = split(doc2, 2);
    expect(result.groups[0]!.map((item) => item.json)).toEqual(['1', '2']);
    expect(result.topLevel).toEqual({ '@context': 'x' });
  });

  it('keeps a "__proto__" key as an own property, like JSON.parse', () => {
    const { topLevel } = split('{"__proto__":{"polluted":true},"orderedItems":[]}');
    expect(Object.getOwnPropertyDescriptor(topLevel, '__proto__')?.value).toEqual({ polluted: true });
    expect(Object.getPrototypeOf(topLevel)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('ItemSplitter: malformed elements', () => {
  it('gives a malformed element as its own element and its neighbours intact', () => {
    const doc = '{"orderedItems":[{"id":1,"s":"a,b"},{"a":1,,},{"id":2,"t":["]"]}]}';
    for (const chunking of [1 << 16, 1, 5]) {
      const got = items(doc, chunking);
      expect(got).toEqual(['{"id":1,"s":"a,b"}', '{"a":1,,}', '{"id":2,"t":["]"]}']);
      expect(JSON.parse(got[0]!)).toEqual({ id: 1, s: 'a,b' });
      expect(() => JSON.parse(got[1]!)).toThrow();
      expect(JSON.parse(got[2]!)).toEqual({ id: 2, t: [']'] });
    }
  });

  it('gives other grammar errors inside an element as that element only', () => {
    const doc = '{"orderedItems":[{"a" "b"}, 1 2 , tru, {"x":1}]}';
    expect(items(doc)).toEqual(['{"a" "b"}', '1 2', 'tru', '{"x":1}']);
    expect(items(doc, 1)).toEqual(items(doc));
  });

  it('gives an empty element for a stray comma, so the caller records it as bad', () => {
    expect(items('{"orderedItems":[1,,2]}')).toEqual(['1', '', '2']);
    expect(items('{"orderedItems":[1, ]}')).toEqual(['1', '']);
    expect(items('{"orderedItems":[,1]}')).toEqual(['', '1']);
  });
});

describe('ItemSplitter: duplicate keys (JSON last-wins)', () => {
  it('reports both orderedItems arrays of Mastodon 4.2.10; the last is what JSON.parse gives', () => {
    const doc =
      '{"@context":["https://www.w3.org/ns/activitystreams"],"id":"outbox.json","type":"OrderedCollection",' +
      '"totalItems":2,"orderedItems":[],"orderedItems":[{"id":"a"},{"id":"b"}]}';
    const { groups, occurrences, topLevel } = split(doc, 7);
    expect(occurrences).toBe(2);
    expect(groups[0]).toEqual([]);
    expect(groups[1]!.map((item) => JSON.parse(item.json))).toEqual(JSON.parse(doc).orderedItems);
    expect(groups[1]!.map((item) => item.index)).toEqual([0, 1]);
    expect(topLevel).toEqual(withoutKey(JSON.parse(doc), 'orderedItems'));
  });

  it('keeps the last @context of Mastodon 4.2.0 - 4.2.9', () => {
    const doc =
      '{"@context":"https://www.w3.org/ns/activitystreams","id":"outbox.json","orderedItems":[1],' +
      '"@context":["https://www.w3.org/ns/activitystreams",{"toot":"http://joinmastodon.org/ns#"}]}';
    const { topLevel } = split(doc, 1);
    expect(topLevel['@context']).toEqual(JSON.parse(doc)['@context']);
    expect(Array.isArray(topLevel['@context'])).toBe(true);
  });

  it('reports a non-array value of the array key in topLevel, as no occurrence', () => {
    expect(split('{"orderedItems":null}')).toMatchObject({ occurrences: 0, topLevel: { orderedItems: null } });
    expect(split('{"orderedItems":{"a":[1]}}')).toMatchObject({ occurrences: 0, topLevel: { orderedItems: { a: [1] } } });
    const laterNull = split('{"orderedItems":[1],"orderedItems":null}');
    expect(laterNull.occurrences).toBe(1);
    expect(laterNull.topLevel).toEqual({ orderedItems: null });
    const laterArray = split('{"orderedItems":"x","orderedItems":[1]}');
    expect(laterArray.occurrences).toBe(1);
    expect(laterArray.topLevel).toEqual({});
  });
});

describe('ItemSplitter: limits', () => {
  const item = `{"s":"${'x'.repeat(92)}"}`; // 100 bytes
  const doc = `{"orderedItems":[1,${item},2]}`;

  it('accepts an item of exactly maxItemBytes', () => {
    expect(item.length).toBe(100);
    expect(items(doc)).toEqual(['1', item, '2']);
    expect(split(doc, 3, 'orderedItems', { maxItemBytes: 100 }).groups[0]!.map((i) => i.json)).toEqual(['1', item, '2']);
  });

  it('rejects a bigger item with the offset of its first byte, whatever the chunking', () => {
    for (const chunking of [1 << 16, 1, 7, 50]) {
      const err = splitError(doc, chunking, { maxItemBytes: 99 });
      expect(err.message).toBe('an item is larger than 99 bytes');
      expect(err.byteOffset).toBe(doc.indexOf('{"s"'));
    }
  });

  it('skips a top-level value bigger than maxTopLevelValueBytes, and drops an earlier value of that key', () => {
    const big = `"${'c'.repeat(50)}"`;
    const doc2 = `{"@context":"small","id":"x","@context":${big},"orderedItems":[1],"tail":${big}}`;
    for (const chunking of [1 << 16, 1, 9]) {
      const { topLevel, groups } = split(doc2, chunking, 'orderedItems', { maxTopLevelValueBytes: 40 });
      expect(topLevel).toEqual({ id: 'x' });
      expect(groups[0]!.map((i) => i.json)).toEqual(['1']);
    }
    expect(split(doc2, 1, 'orderedItems', { maxTopLevelValueBytes: 52 }).topLevel).toEqual(
      withoutKey(JSON.parse(doc2), 'orderedItems'),
    );
  });

  it('does not count the array itself against maxTopLevelValueBytes', () => {
    const many = `{"orderedItems":[${Array.from({ length: 200 }, (_, k) => k).join(',')}]}`;
    expect(split(many, 10, 'orderedItems', { maxTopLevelValueBytes: 16 }).groups[0]).toHaveLength(200);
  });
});

describe('ItemSplitter: structural errors', () => {
  it('rejects a top level that is not an object', () => {
    for (const doc of ['[1,2]', '"orderedItems"', '12', 'null', 'true', '  [ ]', '\ufeff[]', 'x{}', '\ufeff\ufeff{}']) {
      const err = splitError(doc);
      expect(err.message).toBe('expected a JSON object at the top level');
    }
    expect(splitError('  [1]').byteOffset).toBe(2);
    expect(splitError('').message).toMatch(/^expected a JSON object at the top level/);
    expect(splitError(' \n ').message).toMatch(/^expected a JSON object at the top level/);
    expect(splitError(Buffer.from([0xef, 0xbb, 0x7b])).byteOffset).toBe(2);
  });

  it('rejects mismatched brackets, at the offending byte', () => {
    const cases: [string, string][] = [
      ['{"orderedItems":[{"a":[1}]}', '}'],
      ['{"orderedItems":[{"a":1]]}', ']'],
      ['{"orderedItems":[1}', '}'],
      ['{"orderedItems":[}', '}'],
      ['{"x":[1}', '}'],
      ['{"x":{"a":1]', ']'],
      ['{"x":1]', ']'],
      ['{"orderedItems":[[1,2}]}', '}'],
    ];
    for (const [doc, bad] of cases) {
      for (const chunking of [1 << 16, 1]) {
        const err = splitError(doc, chunking);
        expect(err.message).toMatch(/^mismatched bracket/);
        expect(err.byteOffset).toBe(doc.indexOf(bad));
      }
    }
  });

  it('rejects data after the top-level object, but not whitespace', () => {
    for (const [doc, at] of [
      ['{"orderedItems":[]}}', 19],
      ['{} x', 3],
      ['{}{}', 2],
      ['{"a":1}\n,', 8],
      ['{"a":1} \u0000', 8],
    ] as const) {
      const err = splitError(doc, 1);
      expect(err.message).toMatch(/^unexpected data after the top-level object/);
      expect(err.byteOffset).toBe(at);
    }
    expect(split('{"a":1} \n\t\r\n ').topLevel).toEqual({ a: 1 });
  });

  it('rejects broken top-level syntax', () => {
    expect(splitError('{"a" 1}').message).toMatch(/expected ':'/);
    expect(splitError('{a:1}').message).toMatch(/expected a key string/);
    expect(splitError('{"a":1,}').message).toMatch(/expected a key string/);
    expect(splitError('{"a":,"b":1}').message).toMatch(/expected a value/);
    expect(splitError('{"a":1 "b":2}').message).toMatch(/not valid JSON/);
    expect(splitError('{"orderedItems":[1] "b":2}').message).toMatch(/expected ',' or '}'/);
    expect(splitError('{"a\\x":1}').message).toMatch(/key/);
  });

  it('rejects a document cut at any byte, unless the cut is after the complete object', () => {
    const doc =
      '\ufeff {"@context":["x",{"a":"b"}],"id":"outbox.json","totalItems":-1.5e2,"orderedItems":[],' +
      '"orderedItems":[ {"s":"\\"q\\\\ \\u00e9 é 😀 ]}","n":[1,[true,null]]} , "str" ,3],"last":{"k":[]}}  \n';
    const bytes = Buffer.from(doc);
    const complete = bytes.lastIndexOf('}'.charCodeAt(0)) + 1;
    const whole = split(bytes);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const prefix = bytes.subarray(0, cut);
      if (cut >= complete) {
        expect(split(prefix, 5)).toEqual({ ...whole, bytes: cut });
        continue;
      }
      for (const chunking of [1 << 16, 1]) {
        const err = splitError(prefix, chunking);
        expect(err.byteOffset).toBe(cut);
        expect(err.message).toBe(
          // Cuts 0, 3 and 4 leave nothing but the BOM and whitespace.
          [0, 3, 4].includes(cut)
            ? 'expected a JSON object at the top level (the file is empty)'
            : 'unexpected end of file (the file looks truncated)',
        );
      }
    }
  });

  it('stays failed after an error', () => {
    const splitter = new ItemSplitter('orderedItems', { onItem() {} });
    expect(() => splitter.write(Buffer.from('[1]'))).toThrow(SplitError);
    expect(() => splitter.write(Buffer.from('{}'))).toThrow(SplitError);
    expect(() => splitter.end()).toThrow(SplitError);
  });

  it('passes on an error thrown by a handler', () => {
    const splitter = new ItemSplitter('orderedItems', {
      onItem() {
        throw new RangeError('stop');
      },
    });
    expect(() => splitter.write(Buffer.from('{"orderedItems":[1,2]}'))).toThrow(RangeError);
  });
});

describe('splitStream', () => {
  function chunks(bytes: Uint8Array, size: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let off = 0; off < bytes.length; off += size) out.push(bytes.subarray(off, off + size));
    return out;
  }

  const doc = Buffer.from(
    `{"id":"outbox.json","orderedItems":[${Array.from({ length: 3000 }, (_, k) => JSON.stringify({ id: k, s: 'x'.repeat(k % 200) })).join(',')}]}`,
  );

  it('splits a stream and reports progress at most every ~64 KiB', async () => {
    const seen: number[] = [];
    const progress: SplitProgress[] = [];
    let starts = 0;
    const handlers = {
      prefix: 'h',
      onItem(json: string, index: number) {
        expect(JSON.parse(json)).toMatchObject({ id: index });
        seen.push(index);
      },
      onArrayStart(this: { prefix: string }) {
        expect(this.prefix).toBe('h');
        starts++;
      },
    };
    const result = await splitStream(Readable.from(chunks(doc, 1000)), 'orderedItems', handlers, (p) => progress.push(p));
    expect(result).toEqual({ topLevel: { id: 'outbox.json' }, occurrences: 1, bytes: doc.length });
    expect(seen).toHaveLength(3000);
    expect(starts).toBe(1);
    expect(progress.length).toBeGreaterThan(2);
    for (let k = 1; k < progress.length - 1; k++) {
      expect(progress[k]!.bytes - progress[k - 1]!.bytes).toBeGreaterThanOrEqual(64 * 1024);
      expect(progress[k]!.items).toBeGreaterThanOrEqual(progress[k - 1]!.items);
    }
    expect(progress[progress.length - 1]).toEqual({ bytes: doc.length, items: 3000 });
  });

  it('works without progress and with an async generator', async () => {
    async function* gen(): AsyncGenerator<Uint8Array> {
      for (const c of chunks(doc, 333)) yield c;
    }
    let count = 0;
    const result = await splitStream(gen(), 'orderedItems', { onItem: () => count++ });
    expect(count).toBe(3000);
    expect(result.bytes).toBe(doc.length);
  });

  it('rejects with the SplitError of a truncated stream', async () => {
    const cut = doc.subarray(0, 50_000);
    await expect(splitStream(Readable.from(chunks(cut, 4096)), 'orderedItems', { onItem() {} })).rejects.toMatchObject({
      name: 'SplitError',
      byteOffset: 50_000,
      message: 'unexpected end of file (the file looks truncated)',
    });
  });

  it('passes options on, and rejects text chunks', async () => {
    await expect(
      splitStream(Readable.from([doc]), 'orderedItems', { onItem() {} }, undefined, { maxItemBytes: 100 }),
    ).rejects.toBeInstanceOf(SplitError);
    await expect(splitStream(Readable.from(['{}']) as AsyncIterable<never>, 'orderedItems', { onItem() {} })).rejects.toThrow(
      TypeError,
    );
  });
});

const corpus = `${CORPUS}/`;

describe('ItemSplitter on the real archive samples', () => {
  const folders = existsSync(corpus)
    ? readdirSync(corpus, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
    : [];

  it('finds the samples', () => {
    expect(folders.length).toBeGreaterThan(0);
  });

  for (const folder of folders) {
    for (const file of ['outbox.json', 'likes.json', 'bookmarks.json']) {
      const path = `${corpus}${folder}/${file}`;
      if (!existsSync(path)) continue;
      it(`${folder}/${file}: the same elements as JSON.parse`, () => {
        const bytes = readFileSync(path);
        const text = bytes.toString('utf8').replace(/^\ufeff/, '');
        const parsed = JSON.parse(text) as Record<string, unknown>;
        const whole = split(bytes);
        const last = whole.groups[whole.groups.length - 1] ?? [];
        expect(last.map((item) => JSON.parse(item.json))).toEqual(parsed.orderedItems);
        expect(whole.topLevel).toEqual(withoutKey(parsed, 'orderedItems'));
        for (const item of last) {
          expect(bytes.subarray(item.offset, item.offset + Buffer.byteLength(item.json)).toString()).toBe(item.json);
        }
        for (const chunking of [4093, 17]) expect(split(bytes, chunking)).toEqual(whole);
      });
    }
  }
});

describe('item byte lengths', () => {
  it('are the bytes of the input, also where the input is not valid UTF-8', () => {
    const doc = Buffer.concat([Buffer.from('{"orderedItems":[{"a":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}, {"b":"é"}]}')]);
    const items: [string, number, number][] = [];
    const splitter = new ItemSplitter('orderedItems', { onItem: (json, _i, offset, length) => items.push([json, offset, length]) });
    for (let i = 0; i < doc.length; i += 3) splitter.write(doc.subarray(i, i + 3));
    splitter.end();
    expect(items.map(([, offset, length]) => [offset, length])).toEqual([
      [17, 10],
      [29, 10],
    ]);
    expect(Buffer.byteLength(items[0]![0])).not.toBe(10); // each bad byte decodes to U+FFFD, three bytes
    expect(doc.subarray(29, 39).toString('utf8')).toBe(items[1]![0]);
  });
});
