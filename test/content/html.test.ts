/** parsePostHtml and friends on hand-written HTML: what other servers, Markdown forks and attackers send. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  extractExternalLinks,
  htmlToPlainText,
  linkHost,
  parsePostHtml,
  type Block,
  type Span,
} from '../../src/content/html.js';
import { layoutPost } from '../../src/content/wrap.js';
import { hostileString, tagSoup } from './arbitraries.js';

const text = (t: string): Span => ({ text: t, style: 'text' });
const para = (...lines: Span[][]): Block => ({ type: 'paragraph', lines });

/** Every span of every block, in order. */
function allSpans(blocks: Block[]): Span[] {
  const out: Span[] = [];
  const walk = (bs: Block[]): void => {
    for (const b of bs) {
      if (b.type === 'paragraph' || b.type === 'heading') out.push(...b.lines.flat());
      else if (b.type === 'quote') walk(b.blocks);
      else if (b.type === 'list') b.items.forEach(walk);
    }
  };
  walk(blocks);
  return out;
}

describe('parsePostHtml', () => {
  it('decodes entities', () => {
    const post = parsePostHtml('<p>Tom &amp; Jerry &lt;3 it&#39;s &quot;fine&quot; &#x1F600; &eacute;t&eacute;&nbsp;!</p>');
    expect(post.blocks).toEqual([para([text('Tom & Jerry <3 it\'s "fine" 😀 été\u00A0!')])]);
    expect(post.plainText).toBe('Tom & Jerry <3 it\'s "fine" 😀 été\u00A0!');
  });

  it('turns an escaped tag into text, not markup', () => {
    const post = parsePostHtml('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
    expect(post.plainText).toBe('<script>alert(1)</script>');
    expect(post.links).toEqual([]);
  });

  it('reads a 4.5+ quote post (quote-inline paragraph)', () => {
    const html =
      '<p class="quote-inline">RE: <a href="https://example.social/@bob/115000000000000001" target="_blank" ' +
      'rel="nofollow noopener" translate="no"><span class="invisible">https://</span><span class="ellipsis">' +
      'example.social/@bob/1150000000</span><span class="invisible">00000001</span></a></p><p>So true.</p>';
    const post = parsePostHtml(html);
    expect(post.blocks).toEqual([
      para([
        text('RE: '),
        {
          text: 'example.social/@bob/1150000000…',
          style: 'link',
          href: 'https://example.social/@bob/115000000000000001',
          linkIndex: 1,
        },
      ]),
      para([text('So true.')]),
    ]);
    expect(post.plainText).toBe('RE: https://example.social/@bob/115000000000000001\n\nSo true.');
    expect(extractExternalLinks(html)).toEqual(['https://example.social/@bob/115000000000000001']);
  });

  it('keeps blockquotes as quote blocks, nested too', () => {
    const post = parsePostHtml('<blockquote><p>outer</p><blockquote><p>inner</p></blockquote></blockquote><p>reply</p>');
    expect(post.blocks).toEqual([
      { type: 'quote', blocks: [para([text('outer')]), { type: 'quote', blocks: [para([text('inner')])] }] },
      para([text('reply')]),
    ]);
    expect(post.plainText).toBe('outer\n\ninner\n\nreply');
  });

  it('keeps <pre><code> verbatim: newlines, indentation, entities, no styling', () => {
    const html = '<p>Try:</p><pre><code class="language-js">if (a &lt; b) {\n  go(&quot;x&quot;);\n\tdone();\n}\n</code></pre>';
    const post = parsePostHtml(html);
    expect(post.blocks).toEqual([
      para([text('Try:')]),
      { type: 'code', text: 'if (a < b) {\n  go("x");\n    done();\n}' },
    ]);
    expect(post.plainText).toBe('Try:\n\nif (a < b) {\n  go("x");\n    done();\n}');
  });

  it('drops the newline right after <pre> and keeps <br> inside it as a newline', () => {
    expect(parsePostHtml('<pre>\nline 1<br>line 2</pre>').blocks).toEqual([{ type: 'code', text: 'line 1\nline 2' }]);
  });

  it('styles inline code, strong, em and del', () => {
    const post = parsePostHtml('<p>run <code>npm  test</code>, <strong>now</strong> <b>b</b> <em>e</em> <i>i</i> <del>old</del></p>');
    expect(post.blocks).toEqual([
      para([
        text('run '),
        { text: 'npm test', style: 'code' },
        text(', '),
        { text: 'now', style: 'strong' },
        text(' '),
        { text: 'b', style: 'strong' },
        text(' '),
        { text: 'e', style: 'em' },
        text(' '),
        { text: 'i', style: 'em' },
        text(' '),
        { text: 'old', style: 'del' },
      ]),
    ]);
    expect(post.plainText).toBe('run npm test, now b e i old');
  });

  it('reads lists, ordered and unordered, nested, with whitespace between the tags', () => {
    const html = '<ul>\n  <li>one</li>\n  <li>two\n    <ol>\n      <li>a</li>\n      <li><strong>b</strong></li>\n    </ol>\n  </li>\n</ul>';
    const post = parsePostHtml(html);
    expect(post.blocks).toEqual([
      {
        type: 'list',
        ordered: false,
        items: [
          [para([text('one')])],
          [
            para([text('two')]),
            { type: 'list', ordered: true, items: [[para([text('a')])], [para([{ text: 'b', style: 'strong' }])]] },
          ],
        ],
      },
    ]);
    expect(post.plainText).toBe('- one\n- two\n  1. a\n  2. b');
  });

  it('reads headings h1 to h6', () => {
    const post = parsePostHtml('<h1>Title</h1><p>body</p><h6>small <em>print</em></h6>');
    expect(post.blocks).toEqual([
      { type: 'heading', lines: [[text('Title')]] },
      para([text('body')]),
      { type: 'heading', lines: [[text('small '), { text: 'print', style: 'em' }]] },
    ]);
  });

  it('reads text without <p> (other servers) and splits lines at <br>', () => {
    expect(parsePostHtml('hello<br>world<br/><br />again').blocks).toEqual([
      para([text('hello')], [text('world')], [], [text('again')]),
    ]);
    expect(htmlToPlainText('hello<br>world<br/><br />again')).toBe('hello\nworld\n\nagain');
  });

  it('collapses HTML whitespace and trims lines', () => {
    expect(parsePostHtml('<p>\n  a \n\n b  <br />  c  </p>').blocks).toEqual([para([text('a b')], [text('c')])]);
  });

  it('recognises Pleroma-style mentions and hashtags', () => {
    const html =
      '<span class="h-card"><a class="u-url" data-user="9x" href="https://pl.example/users/ann" rel="ugc">@<span>ann</span></a></span> ' +
      '<a class="hashtag" data-tag="cats" href="https://pl.example/tag/cats" rel="tag ugc">#cats</a> ' +
      '<a href="https://example.org/page">a page</a>';
    const post = parsePostHtml(html);
    expect(post.links.map((l) => l.kind)).toEqual(['link', 'mention', 'hashtag']);
    expect(extractExternalLinks(html)).toEqual(['https://example.org/page']);
    expect(post.plainText).toBe('@ann #cats a page');
  });

  it('lists external links once each, in order, without mentions or hashtags; numbers them first', () => {
    const html =
      '<p><a href="https://b.example/">b</a> <a href="https://m.example/@x" class="u-url mention">@x</a> ' +
      '<a href="https://a.example/">a</a> <a href="https://b.example/">b again</a> ' +
      '<a href="https://t.example/tags/x" rel="tag">#x</a><a>no href</a></p>';
    expect(extractExternalLinks(html)).toEqual(['https://b.example/', 'https://a.example/']);
    const post = parsePostHtml(html);
    const links = allSpans(post.blocks).filter((s) => s.href !== undefined);
    expect(links.map((s) => [s.text, s.linkIndex])).toEqual([
      ['b', 1],
      ['@x', 3],
      ['a', 2],
      ['b again', 1],
      ['#x', 4],
    ]);
  });

  it('keeps hrefs raw but span text safe', () => {
    const post = parsePostHtml('<p><a href="javascript:alert(1)">click\x1b]0;pwned\x07</a> &#27;[2J \x9b31m</p>');
    const spans = allSpans(post.blocks);
    expect(spans[0]).toEqual({ text: 'click␛]0;pwned␇', style: 'link', href: 'javascript:alert(1)', linkIndex: 1 });
    expect(spans[1]).toEqual(text(' ␛[2J \uFFFD31m'));
    expect(post.plainText).toBe('click␛]0;pwned␇ ␛[2J \uFFFD31m');
  });

  it('drops script and style content', () => {
    expect(htmlToPlainText('<p>a<script>alert(1)</script>b<style>p{}</style>c</p>')).toBe('abc');
  });

  it('shows image alt text, custom emoji images as emoji', () => {
    const post = parsePostHtml('<p>hi <img class="emoji" alt=":wave:" src="x.png"> <img alt="a cat"></p>');
    expect(post.blocks).toEqual([para([text('hi '), { text: ':wave:', style: 'emoji' }, text(' a cat')])]);
  });

  it('finds several emoji, adjacent ones too, and only known ones', () => {
    const post = parsePostHtml('<p>:a_1::b: :c: x:a_1:y ::a_1:</p>', { emojiShortcodes: new Set(['a_1', 'b']) });
    expect(allSpans(post.blocks)).toEqual([
      { text: ':a_1:', style: 'emoji' },
      { text: ':b:', style: 'emoji' },
      text(' :c: x'),
      { text: ':a_1:', style: 'emoji' },
      text('y :'),
      { text: ':a_1:', style: 'emoji' },
    ]);
  });

  it('does not look for emoji inside code', () => {
    const post = parsePostHtml('<p><code>:a:</code></p>', { emojiShortcodes: new Set(['a']) });
    expect(allSpans(post.blocks)).toEqual([{ text: ':a:', style: 'code' }]);
  });

  it('handles empty and odd input', () => {
    for (const html of ['', '   ', '<p></p>', '<p> <br> </p>', '</p>', '<br>', '<a href=""></a>']) {
      const post = parsePostHtml(html);
      expect(post.plainText, html).toBe('');
      expect(post.blocks, html).toEqual([]);
    }
    expect(parsePostHtml(undefined as unknown as string).plainText).toBe('');
    expect(htmlToPlainText(null as unknown as string)).toBe('');
    expect(extractExternalLinks(42 as unknown as string)).toEqual([]);
  });

  it('survives very deep nesting without overflowing the stack', () => {
    // Far deeper than a recursive walk over the document could go.
    const depth = 15_000;
    for (const tag of ['blockquote', 'b', 'ul><li', 'div']) {
      const open = `<${tag}>`.repeat(depth);
      const post = parsePostHtml(`${open}deep`);
      expect(post.plainText.endsWith('deep')).toBe(true);
      expect(layoutPost(post, 80).length).toBeGreaterThan(0);
    }
  });

  it('never throws, and its text never holds a control character (property)', () => {
    fc.assert(
      fc.property(fc.oneof(tagSoup, hostileString), fc.boolean(), (html, withEmoji) => {
        const post = parsePostHtml(html, withEmoji ? { emojiShortcodes: new Set(['blob', 'a']) } : undefined);
        expect(post.plainText).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/);
        expect(post.plainText).toBe(post.plainText.trim());
        for (const span of allSpans(post.blocks)) {
          expect(span.text).not.toBe('');
          expect(span.text).not.toMatch(/[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/);
          if (span.linkIndex !== undefined) expect(post.links[span.linkIndex - 1]!.url).toBe(span.href);
        }
        expect(htmlToPlainText(html)).toBe(post.plainText);
        expect(() => extractExternalLinks(html)).not.toThrow();
      }),
      { numRuns: 3000 },
    );
  });
});

describe('linkHost', () => {
  it('gives the lower-case host without www.', () => {
    expect(linkHost('https://www.Example.COM/path')).toBe('example.com');
    expect(linkHost('http://youtu.be/x')).toBe('youtu.be');
    expect(linkHost('https://wwwx.example/')).toBe('wwwx.example');
    expect(linkHost('https://bücher.example/')).toBe('xn--bcher-kva.example');
  });

  it('is undefined for non-URLs', () => {
    expect(linkHost('not a url')).toBeUndefined();
    expect(linkHost('/relative')).toBeUndefined();
    expect(linkHost('mailto:a@b.example')).toBeUndefined();
    expect(linkHost('')).toBeUndefined();
  });
});
