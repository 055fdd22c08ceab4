import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePostHtml, type Block, type RenderedPost, type Span } from '../../src/content/html.js';
import { layoutPost, type StyledLine } from '../../src/content/wrap.js';
import { graphemes, textWidth } from '../../src/content/width.js';
import stringWidth from 'string-width';
import { hostileString, tagSoup } from './arbitraries.js';
import { CORPUS_FOLDERS, corpusNotes } from './corpus.js';

const post = (...blocks: Block[]): RenderedPost => ({ blocks, links: [], plainText: '' });
const para = (...lines: Span[][]): Block => ({ type: 'paragraph', lines });
const text = (t: string): Span => ({ text: t, style: 'text' });

/** A laid-out line as the terminal shows it. */
const render = (l: StyledLine): string => ' '.repeat(l.indent) + (l.prefix ?? '') + l.spans.map((s) => s.text).join('');
const show = (lines: StyledLine[]): string[] => lines.map(render);

describe('layoutPost', () => {
  it('wraps words and puts a blank line between paragraphs', () => {
    const p = post(para([text('the quick brown fox jumps over the lazy dog')]), para([text('second')]));
    expect(show(layoutPost(p, 15))).toEqual(['the quick brown', 'fox jumps over', 'the lazy dog', '', 'second']);
  });

  it('keeps <br> lines and blank lines inside a paragraph', () => {
    const p = parsePostHtml('<p>one<br>two<br><br>three</p>');
    expect(show(layoutPost(p, 40))).toEqual(['one', 'two', '', 'three']);
  });

  it('keeps span styles across a wrap', () => {
    const href = 'https://example.com/a';
    const p = post(
      para([
        text('see '),
        { text: 'this very important', style: 'strong' },
        text(' and '),
        { text: 'example.com/a-very-long-path-segment', style: 'link', href, linkIndex: 1 },
      ]),
    );
    const lines = layoutPost(p, 12);
    expect(show(lines)).toEqual(['see this', 'very', 'important', 'and', 'example.com/', 'a-very-long-', 'path-segment']);
    expect(lines[0]!.spans).toEqual([text('see '), { text: 'this', style: 'strong' }]);
    expect(lines[1]!.spans).toEqual([{ text: 'very', style: 'strong' }]);
    expect(lines[2]!.spans).toEqual([{ text: 'important', style: 'strong' }]);
    for (const line of lines.slice(4)) {
      expect(line.spans).toHaveLength(1);
      expect(line.spans[0]).toMatchObject({ style: 'link', href, linkIndex: 1 });
    }
  });

  it('does not break between a word and punctuation in another span', () => {
    const p = post(para([text('aaaa ('), { text: '@someone', style: 'mention', href: 'x', linkIndex: 1 }, text('),')]));
    expect(show(layoutPost(p, 10))).toEqual(['aaaa', '(@someone)', ',']);
    expect(show(layoutPost(p, 11))).toEqual(['aaaa', '(@someone),']);
  });

  it('counts CJK and emoji as two columns', () => {
    const p = post(para([text('漢字かなカナ한국어😀😀 ok')]));
    const lines = show(layoutPost(p, 6));
    expect(lines).toEqual(['漢字か', 'なカナ', '한국어', '😀😀', 'ok']);
    for (const l of lines) expect(stringWidth(l)).toBeLessThanOrEqual(6);
  });

  it('keeps CJK closing punctuation with the character before it', () => {
    const lines = show(layoutPost(post(para([text('一二三。四五')])), 6));
    expect(lines).toEqual(['一二', '三。四', '五']);
  });

  it('prefixes quotes and keeps the prefix on blank lines', () => {
    const p = parsePostHtml('<blockquote><p>quoted text here</p><p>more</p></blockquote><p>reply</p>');
    const lines = layoutPost(p, 12);
    expect(show(lines)).toEqual(['│ quoted', '│ text here', '│', '│ more', '', 'reply']);
    expect(lines[0]).toEqual({ spans: [text('quoted')], indent: 0, prefix: '│ ' });
  });

  it('draws list bullets and numbers, with hanging indents', () => {
    const p = parsePostHtml('<ul><li>first item wraps</li><li>second<ol><li>a</li><li>b</li></ol></li></ul>');
    const lines = layoutPost(p, 12);
    expect(show(lines)).toEqual(['• first item', '  wraps', '• second', '', '  1. a', '  2. b']);
    expect(lines[0]).toMatchObject({ indent: 0, prefix: '• ' });
    expect(lines[1]).toMatchObject({ indent: 2 });
    expect(lines[1]!.prefix).toBeUndefined();
    expect(lines[4]).toMatchObject({ indent: 2, prefix: '1. ' });
  });

  it('cuts code lines instead of wrapping them', () => {
    const p = parsePostHtml('<pre><code>short\nthis line is far too long\n\n  indented</code></pre>');
    const lines = layoutPost(p, 10);
    expect(show(lines)).toEqual(['short', 'this line ', '', '  indented']);
    expect(lines[1]!.spans).toEqual([{ text: 'this line ', style: 'code' }]);
    expect(lines[2]!.spans).toEqual([]);
  });

  it('shows headings in bold', () => {
    const lines = layoutPost(parsePostHtml('<h2>Title <em>x</em></h2>'), 20);
    expect(lines[0]!.spans).toEqual([{ text: 'Title ', style: 'strong' }, { text: 'x', style: 'em' }]);
  });

  it('breaks a word only when it is longer than the line', () => {
    expect(show(layoutPost(post(para([text('ab abcdefghijklmnop cd')])), 8))).toEqual([
      'ab',
      'abcdefgh',
      'ijklmnop',
      'cd',
    ]);
  });

  it('keeps margins to half the width when nesting is deep', () => {
    const deep = parsePostHtml(`${'<blockquote>'.repeat(10)}<p>deep text</p>`);
    for (const line of layoutPost(deep, 10)) expect(stringWidth(render(line))).toBeLessThanOrEqual(10);
    expect(show(layoutPost(deep, 10))).toEqual(['│ │ deep', '│ │ text']);
  });

  it('makes spans built elsewhere safe too, and expands tabs in code', () => {
    const p = post(
      para([text('a\x1b]52;c;eA==\x07 b\tc\u202E')]),
      { type: 'code', text: '\tx\x1b[2J' },
    );
    const lines = show(layoutPost(p, 40));
    expect(lines).toEqual(['a␛]52;c;eA==␇ b c\uFFFD', '', '    x␛[2J']);
  });

  it('survives tiny and odd widths', () => {
    const p = post(para([text('漢字 abc')]));
    for (const w of [0, 1, 2, 3, -5, 2.7, Number.NaN]) {
      const lines = layoutPost(p, w);
      expect(lines.length).toBeGreaterThan(0);
      const limit = Number.isFinite(w) ? Math.max(1, Math.floor(w)) : 80;
      for (const l of lines) expect(stringWidth(render(l))).toBeLessThanOrEqual(limit);
    }
  });
});

const nonSpace = (s: string): string => s.replace(/\s+/gu, '');

function spansOf(blocks: Block[]): string {
  let out = '';
  for (const b of blocks) {
    if (b.type === 'paragraph' || b.type === 'heading') out += b.lines.flat().map((s) => s.text).join('');
    else if (b.type === 'quote') out += spansOf(b.blocks);
    else if (b.type === 'list') out += b.items.map(spansOf).join('');
  }
  return out;
}

const cjkOrEmoji = fc.string({
  unit: fc.oneof(
    fc.constantFrom('漢', '字', '。', '，', '「', '」', '😀', '👨‍👩‍👧', '🇫🇷', 'é', 'e\u0301', '한', ' ', ' ', 'a', 'bc', '\u200B'),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 200,
});
const postHtml = fc.oneof(
  tagSoup,
  hostileString,
  cjkOrEmoji.map((s) => `<p>${s}</p>`),
  fc.array(cjkOrEmoji, { maxLength: 4 }).map((ss) => `<ul><li>${ss.join('</li><li><blockquote>')}</li></ul>`),
);

describe('layoutPost (properties)', () => {
  it('never makes a line wider than the width, 10 to 120 columns', () => {
    fc.assert(
      fc.property(postHtml, fc.integer({ min: 10, max: 120 }), (html, width) => {
        for (const line of layoutPost(parsePostHtml(html), width)) {
          expect(stringWidth(render(line))).toBeLessThanOrEqual(width);
          expect(line.indent).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('loses no text when there is no code to cut', () => {
    fc.assert(
      fc.property(postHtml, fc.integer({ min: 10, max: 120 }), (html, width) => {
        const p = parsePostHtml(html);
        fc.pre(!JSON.stringify(p.blocks).includes('"type":"code"'));
        const laid = layoutPost(p, width)
          .map((l) => l.spans.map((s) => s.text).join(''))
          .join('');
        expect(nonSpace(laid)).toBe(nonSpace(spansOf(p.blocks)));
      }),
      { numRuns: 1000 },
    );
  });

  it('lays out every corpus post within 10 to 120 columns', () => {
    const posts = CORPUS_FOLDERS.flatMap((f) => corpusNotes(f)).map((n) => parsePostHtml(n.content));
    fc.assert(
      fc.property(fc.constantFrom(...posts), fc.integer({ min: 10, max: 120 }), (p, width) => {
        for (const line of layoutPost(p, width)) expect(stringWidth(render(line))).toBeLessThanOrEqual(width);
      }),
      { numRuns: 500 },
    );
  });
});

describe('graphemes', () => {
  it('cuts exactly where Intl.Segmenter does', () => {
    const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    fc.assert(
      fc.property(fc.oneof(hostileString, cjkOrEmoji, fc.string({ unit: 'grapheme' })), (s) => {
        const ours = [...graphemes(s)].map((g) => [g.segment, g.index]);
        const theirs = [...segmenter.segment(s)].map((g) => [g.segment, g.index]);
        expect(ours).toEqual(theirs);
      }),
      { numRuns: 3000 },
    );
  });

  it('measures like string-width', () => {
    fc.assert(
      fc.property(fc.oneof(cjkOrEmoji, fc.string({ unit: 'grapheme' })), (s) => {
        expect(textWidth(s)).toBe(stringWidth(s));
      }),
    );
  });
});
