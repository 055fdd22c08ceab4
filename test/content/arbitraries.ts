/** fast-check generators shared by the content tests. */
import fc from 'fast-check';

const code = (min: number, max: number): fc.Arbitrary<string> =>
  fc.integer({ min, max }).map((c) => String.fromCharCode(c));

/** One UTF-16 unit or code point, biased towards what a terminal could act on. */
export const hostileChar: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), // any code point, astral ones included
  code(0, 0xffff), // any UTF-16 unit: lone surrogates included
  code(0, 0x9f), // C0, ASCII, DEL, C1
  fc.constantFrom('\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069',
    '\u200E', '\u200F', '\u061C', '\x1b', '\x07', '\x9b', '\r\n'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }), // CJK, emoji, combining sequences
);

/** Full-Unicode strings with controls, bidi, lone surrogates, CJK and emoji mixed in. */
export const hostileString: fc.Arbitrary<string> = fc.string({ unit: hostileChar, maxLength: 60 });

const tagName = fc.constantFrom('p', 'br', 'a', 'span', 'b', 'strong', 'i', 'em', 'del', 'code', 'pre',
  'blockquote', 'ul', 'ol', 'li', 'h1', 'h3', 'h6', 'div', 'img', 'script', 'style', 'table', 'tr', 'td', 'x-y');
const attr = fc.oneof(
  fc.constant(' class="invisible"'),
  fc.constant(' class="ellipsis"'),
  fc.constant(' class="h-card"'),
  fc.constant(' class="u-url mention"'),
  fc.constant(' class="mention hashtag" rel="tag"'),
  fc.constant(' href="https://example.com/x"'),
  fc.constant(' alt=":blob:" class="emoji"'),
  hostileString.map((s) => ` href="${s}"`),
  hostileString.map((s) => ` title='${s}'`),
);

/** Random tag soup: unbalanced and misnested tags, entities, raw controls, text in many scripts. */
export const tagSoup: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      { weight: 4, arbitrary: hostileString },
      { weight: 3, arbitrary: fc.tuple(tagName, fc.array(attr, { maxLength: 2 })).map(([t, a]) => `<${t}${a.join('')}>`) },
      { weight: 3, arbitrary: tagName.map((t) => `</${t}>`) },
      { weight: 1, arbitrary: fc.constantFrom('&amp;', '&lt;', '&#39;', '&#27;', '&#x9b;', '&#x202e;', '&#0;',
        '&#xD800;', '&nbsp;', '&bogus;', '&', '<', '>', '<!-- c -->', '<![CDATA[x]]>', '<br />', ':blob:') },
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));
