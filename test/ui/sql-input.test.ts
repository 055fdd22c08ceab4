import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanInput, inputRows, isInsertion, replayEdit, typedLine } from '../../src/ui/sql/QueryInput.js';

describe('query input helpers', () => {
  it('replays an edit made on an older value at the end of the current one', () => {
    expect(replayEdit('', 'x', 'select 1')).toBe('select 1x');
    expect(replayEdit('abc', 'abcd', 'select 1')).toBe('select 1d');
    expect(replayEdit('abc', 'ab', 'select 1')).toBe('select ');
    expect(replayEdit('abc', 'abXYc', 'q')).toBe('qXY');
    expect(replayEdit('', 'pasted text', '')).toBe('pasted text');
  });

  it('recognises a key typed into the input', () => {
    expect(isInsertion('select', 'selectr', 'r')).toBe(true);
    expect(isInsertion('select', 'serlect', 'r')).toBe(true);
    expect(isInsertion('select', 'select\n', '\n')).toBe(true);
    expect(isInsertion('select', 'selects', 'r')).toBe(false);
    expect(isInsertion('select', 'select', 'r')).toBe(false);
    expect(isInsertion('select', 'sealect')).toBe(true);
    expect(isInsertion('select', 'selectab')).toBe(false);
  });

  it('keeps line breaks and drops terminal controls from pasted text', () => {
    expect(cleanInput('a\r\nb\rc\td\u001b[31me\u0007')).toBe('a\nb\nc  d[31me');
    expect(cleanInput('x\u202Ey')).toBe('xy');
  });

  it('counts the rows a value takes', () => {
    expect(inputRows('', 10)).toBe(1);
    expect(inputRows('123456789', 10)).toBe(1);
    expect(inputRows('1234567890', 10)).toBe(2);
    expect(inputRows('a\nb\nc', 10)).toBe(3);
  });

  it('takes one line of text followed by a carriage return, inserted anywhere, as typed text and Enter (property)', () => {
    const noBreak = fc.string({ unit: 'grapheme', maxLength: 20 }).map((t) => t.replace(/[\r\n]/g, ''));
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }).map((t) => t.replace(/\r/g, '')), fc.nat(), noBreak.filter((t) => t.length > 0), (before, at, text) => {
        const i = at % (before.length + 1);
        expect(typedLine(before, before.slice(0, i) + text + '\r' + before.slice(i))).toBe(before.slice(0, i) + text + before.slice(i));
      }),
      { numRuns: 500 },
    );
  });

  it('leaves pastes with line breaks inside, lone keys and other edits to the input', () => {
    expect(typedLine('', 'select 1\r')).toBe('select 1');
    expect(typedLine('select', 'select 1\r')).toBe('select 1');
    expect(typedLine('', 'select\n1\r')).toBeUndefined();
    expect(typedLine('', 'select\r1\r')).toBeUndefined();
    expect(typedLine('', 'select 1\r\n')).toBeUndefined();
    expect(typedLine('', '\r')).toBeUndefined();
    expect(typedLine('abc', 'abcd')).toBeUndefined();
    expect(typedLine('abc', 'xbc\r')).toBeUndefined();
  });
});
