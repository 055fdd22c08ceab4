// Benchmark of the item splitter (src/ingest/splitter.ts), run against the build in dist/.
//
//   npm run build && node bench/splitter.js [sizeMB]
//
// Generates an outbox-like document in memory (deterministic, ~200 MB by default: Create/Note and Announce items of
// 1-3 KB, half of them with Oj-style \u003c escapes, some non-ASCII text), feeds it in 64 KiB chunks, and prints MB/s
// (MB = 10^6 bytes) and items/s for splitting alone (the text of each item decoded to a string) and for splitting +
// JSON.parse of each item. Best of a few runs, after a warm-up run.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const built = join(here, '..', 'dist', 'ingest', 'splitter.js');
if (!existsSync(built)) {
  console.error('dist/ingest/splitter.js not found: run npm run build first');
  process.exit(1);
}
const { ItemSplitter } = await import(pathToFileURL(built).href);

const targetBytes = Math.round(Number(process.argv[2] ?? 200) * 1e6);
const CHUNK = 64 * 1024;
const RUNS = 3;

/** mulberry32: a small deterministic PRNG. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'the a of to and in is it you that he was for on are with as I his they be at one have this from or had by ' +
  'mastodon fediverse toot boost post server archive terminal viewer café déjà naïve Zürich 東京 русский 🥳 👍 ' +
  'rust typescript node duckdb json stream parse split bytes memory fast small test hard'
).split(' ');

function makeDocument(bytes) {
  const rand = prng(42);
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const actor = 'https://example.social/users/someone';
  const parts = [];
  let size = 0;
  let n = 0;
  const push = (s) => {
    const b = Buffer.from(s, 'utf8');
    parts.push(b);
    size += b.length;
  };
  push(
    '{"@context":"https://www.w3.org/ns/activitystreams","id":"outbox.json","type":"OrderedCollection",' +
      '"totalItems":0,"orderedItems":[',
  );
  let id = 109000000000000000n;
  while (size < bytes) {
    id += BigInt(1 + Math.floor(rand() * 1e9));
    const status = `${actor}/statuses/${id}`;
    const published = new Date(1.6e12 + Number(id % 100000000000n)).toISOString().replace(/\.\d+Z$/, 'Z');
    let item;
    if (rand() < 0.15) {
      item = {
        id: `${status}/activity`,
        type: 'Announce',
        actor,
        published,
        to: ['https://www.w3.org/ns/activitystreams#Public'],
        cc: ['https://other.example/users/author', `${actor}/followers`],
        object: `https://other.example/users/author/statuses/${id + 7n}`,
      };
    } else {
      const words = [];
      const count = 20 + Math.floor(rand() * 120);
      for (let k = 0; k < count; k++) words.push(pick(WORDS));
      const html = `<p>${words.join(' ')} <a href="https://example.social/tags/${pick(WORDS)}" class="mention hashtag" rel="tag">#<span>tag</span></a></p>`;
      const attachments = [];
      if (rand() < 0.3) {
        attachments.push({
          type: 'Document',
          mediaType: 'image/png',
          url: `/media_attachments/files/${String(id).slice(0, 3)}/${String(id).slice(3, 6)}/original/${id}.png`,
          name: rand() < 0.5 ? null : words.slice(0, 8).join(' '),
          blurhash: 'UBL_:rOpGG-oBUNG,qRj2so|=eE1w^n4S5NH',
          width: 1200,
          height: 800,
        });
      }
      const note = {
        id: status,
        type: 'Note',
        summary: null,
        inReplyTo: null,
        published,
        url: `https://example.social/@someone/${id}`,
        attributedTo: actor,
        to: ['https://www.w3.org/ns/activitystreams#Public'],
        cc: [`${actor}/followers`],
        sensitive: false,
        atomUri: status,
        inReplyToAtomUri: null,
        conversation: `tag:example.social,2024-01-01:objectId=${id % 1000000n}:objectType=Conversation`,
        content: html,
        contentMap: { en: html },
        attachment: attachments,
        tag: [{ type: 'Hashtag', href: 'https://example.social/tags/tag', name: '#tag' }],
        replies: {
          id: `${status}/replies`,
          type: 'Collection',
          first: { type: 'CollectionPage', next: `${status}/replies?only_other_accounts=true&page=true`, partOf: `${status}/replies`, items: [] },
        },
      };
      item = {
        id: `${status}/activity`,
        type: 'Create',
        actor,
        published,
        to: note.to,
        cc: note.cc,
        object: note,
      };
    }
    let text = JSON.stringify(item);
    // Oj.dump style (some Mastodon versions): < > & written as \u003c \u003e \u0026.
    if (rand() < 0.5) text = text.replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
    push(n === 0 ? text : `,${text}`);
    n++;
  }
  push('],"@context":["https://www.w3.org/ns/activitystreams",{"toot":"http://joinmastodon.org/ns#"}]}');
  return { doc: Buffer.concat(parts, size), items: n };
}

function run(doc, parse) {
  let count = 0;
  let chars = 0;
  const splitter = new ItemSplitter('orderedItems', {
    onItem(json) {
      count++;
      if (parse) chars += JSON.parse(json).type.length;
      else chars += json.length;
    },
  });
  const t0 = process.hrtime.bigint();
  for (let off = 0; off < doc.length; off += CHUNK) splitter.write(doc.subarray(off, off + CHUNK));
  splitter.end();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (chars === 0) throw new Error('nothing split');
  return { seconds, count };
}

const g0 = Date.now();
const { doc, items } = makeDocument(targetBytes);
console.log(
  `document: ${(doc.length / 1e6).toFixed(1)} MB, ${items} items (${Math.round(doc.length / items)} B/item), ` +
    `generated in ${((Date.now() - g0) / 1000).toFixed(1)} s; chunks of ${CHUNK / 1024} KiB`,
);

for (const [label, parse] of [
  ['split only        ', false],
  ['split + JSON.parse', true],
]) {
  run(doc, parse); // warm-up
  let best = Infinity;
  let count = 0;
  for (let r = 0; r < RUNS; r++) {
    const res = run(doc, parse);
    best = Math.min(best, res.seconds);
    count = res.count;
  }
  if (count !== items) throw new Error(`expected ${items} items, got ${count}`);
  console.log(
    `${label}: ${best.toFixed(3)} s  ${(doc.length / 1e6 / best).toFixed(0)} MB/s  ` +
      `${Math.round(count / best).toLocaleString('en-US')} items/s`,
  );
}
