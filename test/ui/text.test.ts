import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { textWidth } from '../../src/content/index.js';
import { boostedLabel, bytes, shortDate } from '../../src/ui/format.js';
import { clampList, moveList } from '../../src/ui/components/navigation.js';
import { threadTree } from '../../src/ui/reader/thread-tree.js';
import { fitLine, hardWrap, highlightLine, lineWidth, wrapText, type Line } from '../../src/ui/text.js';

const text = fc.string({ unit: 'grapheme', maxLength: 60 });
const line = fc.array(fc.record({ text, style: fc.constantFrom('text' as const, 'dim' as const, 'link' as const) }), { maxLength: 5 });

describe('screen lines', () => {
  it('never come out wider than the width, and padded ones exactly as wide', () => {
    fc.assert(
      fc.property(line, fc.integer({ min: 0, max: 100 }), (l: Line, w) => {
        expect(lineWidth(fitLine(l, w))).toBeLessThanOrEqual(w);
        expect(lineWidth(fitLine(l, w, true))).toBe(w);
      }),
    );
  });

  it('keep their text when highlighting, and mark each match', () => {
    fc.assert(
      fc.property(line, text, (l: Line, term) => {
        const joined = (x: Line) => x.map((s) => s.text).join('');
        expect(joined(highlightLine(l, term))).toBe(joined(l));
      }),
    );
    const marked = highlightLine([{ text: 'Shell history in the shell' }], 'SHELL');
    expect(marked.filter((s) => s.style === 'match').map((s) => s.text)).toEqual(['Shell', 'shell']);
  });

  it('wrap to the width, CJK counted as two columns', () => {
    for (const l of wrapText('端末で日本語を表示するテストです。全角文字は二列ぶんの幅を使います。', 20)) {
      expect(lineWidth(l)).toBeLessThanOrEqual(20);
    }
    for (const l of hardWrap('{"a": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"}', 10)) expect(lineWidth(l)).toBeLessThanOrEqual(10);
  });
});

describe('formatting', () => {
  it('shows dates in the given time zone', () => {
    expect(shortDate('2024-07-23T18:39:06Z', 'Europe/Paris')).toBe('2024-07-23 20:39');
    expect(shortDate('2024-07-23T18:39:06Z', 'UTC')).toBe('2024-07-23 18:39');
    expect(shortDate('2024-07-23T18:39:06Z', 'Asia/Tokyo')).toBe('2024-07-24 03:39');
  });

  it('shortens sizes and boosted addresses', () => {
    expect(bytes(78)).toBe('78 B');
    expect(bytes(2048)).toBe('2.0 KB');
    expect(boostedLabel('https://piaille.fr/users/alice/statuses/1132')).toBe('@alice@piaille.fr');
    expect(boostedLabel('https://pleroma.example.com/objects/5f1c')).toBe('pleroma.example.com/objects/5f1c');
    expect(textWidth(boostedLabel('https://a.example/@bob/12'))).toBe('@bob@a.example'.length);
  });
});

describe('list positions', () => {
  it('keep the selection inside the list and on screen', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.constantFrom('down' as const, 'up' as const, 'pagedown' as const, 'pageup' as const, 'top' as const, 'bottom' as const), { maxLength: 30 }),
        (count, height, moves) => {
          let pos = clampList({ selected: 0, top: 0 }, count, height);
          for (const m of moves) {
            pos = moveList(pos, m, count, height);
            if (count === 0) expect(pos).toEqual({ selected: 0, top: 0 });
            else {
              expect(pos.selected).toBeGreaterThanOrEqual(0);
              expect(pos.selected).toBeLessThan(count);
              expect(pos.selected).toBeGreaterThanOrEqual(pos.top);
              expect(pos.selected).toBeLessThan(pos.top + height);
            }
          }
        },
      ),
    );
  });
});

describe('thread tree', () => {
  const post = (id: string, replyTo: string | null) => ({
    id,
    uri: `u/${id}`,
    replyTo: replyTo === null ? null : replyTo.startsWith('http') ? replyTo : `u/${replyTo}`,
    replyToSelf: replyTo !== null && !replyTo.startsWith('http'),
    createdAt: '2024-01-01T00:00:00Z',
    visibility: 'public',
    cw: null,
    text: id,
  });

  it('indents replies under their parent and marks replies to other people', () => {
    const nodes = threadTree([post('a', null), post('b', 'a'), post('c', 'b'), post('d', 'a'), post('e', 'https://other.example/1')]);
    expect(nodes.map((n) => [n.post.id, n.depth, n.guide, n.replyToOther])).toEqual([
      ['a', 0, '', false],
      ['b', 1, '├─ ', false],
      ['c', 2, '│  └─ ', false],
      ['d', 1, '└─ ', false],
      ['e', 0, '', true],
    ]);
  });
});
