/**
 * The lean plain-text scanner (src/content/html-plain.ts) must give exactly what the block builder gives, whenever it
 * gives anything: on every post of the shared corpus, of the bundled sample, of a generated archive, and on random
 * markup, both Mastodon-shaped (so the lean path is the one taken) and tag soup (so the fall-back is exercised).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { generateArchive } from '../../fixtures/generate.js';
import { analyseWithBuilder, extractExternalLinks, htmlToPlainText } from '../../src/content/html.js';
import { analysePlain } from '../../src/content/html-plain.js';
import { hostileString, tagSoup } from './arbitraries.js';
import { CORPUS_FOLDERS, corpusNotes } from './corpus.js';

/** Checks one HTML string; true when the lean path handled it. */
function same(html: string): boolean {
  const lean = analysePlain(html);
  const full = analyseWithBuilder(html);
  // The public functions agree with the builder whichever path they take.
  expect(htmlToPlainText(html)).toBe(full.plainText);
  expect(extractExternalLinks(html)).toEqual(full.external);
  if (lean === undefined) return false;
  expect(lean.plainText).toBe(full.plainText);
  expect(lean.external).toEqual(full.external);
  return true;
}

function outboxContents(path: string): string[] {
  const outbox = JSON.parse(readFileSync(path, 'utf8')) as { orderedItems: Array<{ object?: unknown }> };
  const out: string[] = [];
  for (const item of outbox.orderedItems) {
    const o = item.object as { content?: unknown } | null | undefined;
    if (typeof o === 'object' && o !== null && typeof o.content === 'string') out.push(o.content);
  }
  return out;
}

describe('lean plain-text scanner', () => {
  it('equals the builder on every corpus post, and handles nearly all of them', () => {
    let total = 0;
    let lean = 0;
    for (const folder of CORPUS_FOLDERS) {
      for (const note of corpusNotes(folder)) {
        total++;
        if (same(note.content)) lean++;
      }
    }
    expect(total).toBeGreaterThan(1000);
    expect(lean / total).toBeGreaterThan(0.95);
  });

  it('equals the builder on the bundled sample', () => {
    for (const html of outboxContents(new URL('../../fixtures/sample/outbox.json', import.meta.url).pathname)) same(html);
  });

  const dir = mkdtempSync(join(tmpdir(), 'mastotui-plain-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('equals the builder on every post of a generated archive, and handles all of them', async () => {
    const out = join(dir, 'archive');
    await generateArchive({ posts: 3000, mediaBytes: 0, out, format: 'folder' });
    const contents = outboxContents(join(out, 'outbox.json'));
    expect(contents.length).toBeGreaterThan(2000);
    let lean = 0;
    for (const html of contents) if (same(html)) lean++;
    expect(lean).toBe(contents.length);
  }, 60_000);

  it('equals the builder on tag soup (property)', () => {
    fc.assert(fc.property(tagSoup, (html) => void same(html)), { numRuns: 3000 });
  });

  // Markup in the subset: paragraphs, line breaks, links with invisible/ellipsis spans, h-card mentions,
  // hashtags, entities, odd whitespace and hostile text.
  const word = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('hello', 'world', 'déjà', '東京', '🥳', 'a', ' ', '  ', '\n', '\t', '\u00a0') },
    { weight: 2, arbitrary: fc.constantFrom('&amp;', '&lt;', '&gt;', '&quot;', '&#39;', '&apos;', '&nbsp;', '&#x1F600;', '&#8364;', '& ', '&#x9b;', '&copy;') },
    { weight: 1, arbitrary: hostileString.map((s) => s.replace(/[<&]/g, '')) },
  );
  const text = fc.array(word, { maxLength: 6 }).map((w) => w.join(''));
  const attrValue = fc.constantFrom('https://example.com/a?b=1&amp;c=2', 'https://x.example/', '', ' ', 'mailto:a@b.c', 'https://example.com/a', '&#39;');
  const inLink = fc.array(
    fc.oneof(
      text,
      text.map((t) => `<span class="invisible">${t}</span>`),
      text.map((t) => `<span class="ellipsis">${t}</span>`),
      text.map((t) => `<span>${t}</span>`),
      fc.constant('<br>'),
      fc.constant('<br />'),
    ),
    { maxLength: 4 },
  ).map((p) => p.join(''));
  const link = fc
    .tuple(
      attrValue,
      fc.constantFrom('', ' class="mention"', ' class="u-url mention"', ' class="mention hashtag" rel="tag"', ' rel="nofollow noopener"', " class='hashtag'", ' CLASS="mention" class="x"'),
      inLink,
    )
    .map(([href, attrs, inner]) => `<a href="${href}"${attrs} target="_blank">${inner}</a>`);
  const inline = fc.array(
    fc.oneof(
      { weight: 3, arbitrary: text },
      { weight: 2, arbitrary: link },
      { weight: 1, arbitrary: link.map((l) => `<span class="h-card" translate="no">${l}</span>`) },
      { weight: 1, arbitrary: fc.constantFrom('<br>', '<br/>', '<br />', '<BR>') },
      { weight: 1, arbitrary: text.map((t) => `<a>${t}</a>`) },
    ),
    { maxLength: 6 },
  ).map((p) => p.join(''));
  const post = fc
    .array(fc.oneof({ weight: 4, arbitrary: inline.map((t) => `<p>${t}</p>`) }, { weight: 1, arbitrary: inline }), { maxLength: 5 })
    .map((p) => p.join(''));

  it('equals the builder on Mastodon-shaped markup, and handles most of it (property)', () => {
    let lean = 0;
    let runs = 0;
    fc.assert(
      fc.property(post, (html) => {
        runs++;
        if (same(html)) lean++;
      }),
      { numRuns: 5000 },
    );
    expect(lean / runs).toBeGreaterThan(0.3);
  });

  it('falls back outside the subset', () => {
    for (const html of ['<p>a<b>b</b></p>', '<p>a<p>b</p>', '<p>a', 'a</p>', '<!-- x -->', 'AT&T; x', '<p>1 <3</p>', '<img alt="x">']) {
      expect(analysePlain(html)).toBeUndefined();
      same(html);
    }
  });
});
