/**
 * csv and json output of query results: exact data for pipes and files, and nothing a terminal would act on where
 * the text can reach one. JSON escapes every control character (JSON.stringify the C0 ones, formatJson the C1 and
 * bidi ones) and still parses back to the same rows; csv is exact unless it is printed to a terminal, where its
 * fields are sanitised (csv cannot escape).
 */
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCsv, formatJson, formatResult } from '../../src/db/format.js';
import type { QueryResult } from '../../src/db/runner.js';

/** What a terminal could act on: C0 controls but the newline and the tab, DEL, C1, bidi controls. */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
const HOSTILE_CHARS = ['\u001b', '\u009b', '\u0085', '\u007f', '\u202e', '\u2066', '\u061c', '\u0007', '\r', '\n', '\t', '"', ',', ' ', 'a', 'é', '😀'];

/** Strings full of the characters that matter here, and any other. */
const hostileString = fc.oneof(
  fc.array(fc.constantFrom(...HOSTILE_CHARS), { maxLength: 12 }).map((a) => a.join('')),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

function result(names: string[], rows: string[][]): QueryResult {
  return { columns: names.map((name) => ({ name, type: 'VARCHAR' })), rows, truncated: false, elapsedMs: 0 };
}

const table = fc
  .uniqueArray(hostileString, { minLength: 1, maxLength: 4 })
  .chain((names) => fc.tuple(fc.constant(names), fc.array(fc.array(hostileString, { minLength: names.length, maxLength: names.length }), { maxLength: 4 })));

describe('json output', () => {
  it('escapes every control and bidi character, and parses back to the same rows (property)', () => {
    fc.assert(
      fc.property(table, ([names, rows]) => {
        const text = formatJson(result(names, rows));
        expect(text.endsWith('\n')).toBe(true);
        const body = text.slice(0, -1);
        expect(UNSAFE.test(body) || /[\n\t]/.test(body)).toBe(false);
        const parsed = JSON.parse(text) as Record<string, string>[];
        expect(parsed).toEqual(rows.map((row) => Object.fromEntries(names.map((n, i) => [n, row[i]]))));
      }),
      { numRuns: 400 },
    );
  });

  it('writes an escape sequence in a post as \\u001b and a C1 CSI as \\u009b', () => {
    expect(formatJson(result(['t'], [['\u001b[2J \u009b31m \u202e']]))).toBe('[{"t":"\\u001b[2J \\u009b31m \\u202e"}]\n');
  });
});

describe('csv output', () => {
  it('is the data as it is for pipes and files: it parses back to the same rows (property)', () => {
    fc.assert(
      fc.property(table, ([names, rows]) => {
        // Lone surrogates cannot survive any UTF-8 pipe; the property is about the CSV quoting.
        fc.pre([...names, ...rows.flat()].every((s) => !/\p{Cs}/u.test(s)));
        const parsed = parse(formatCsv(result(names, rows)), { relax_column_count: false, skip_empty_lines: false }) as string[][];
        expect(parsed).toEqual([names, ...rows]);
      }),
      { numRuns: 400 },
    );
  });

  it('printed to a terminal, holds no control or bidi character but the newlines and tabs inside fields (property)', () => {
    fc.assert(
      fc.property(table, ([names, rows]) => {
        const text = formatResult(result(names, rows), 'csv', 'UTC', { terminal: true });
        expect(UNSAFE.test(text)).toBe(false);
        expect(text).toBe(formatCsv(result(names, rows), { terminal: true }));
      }),
      { numRuns: 400 },
    );
  });

  it('printed to a terminal, shows ESC as ␛ and C1 and bidi controls as �', () => {
    expect(formatCsv(result(['t'], [['\u001b]52;c;x\u0007 \u009b \u202e']]), { terminal: true })).toBe('t\n␛]52;c;x␇ � �\n');
    expect(formatCsv(result(['t'], [['\u001b[2J']]))).toBe('t\n\u001b[2J\n');
  });
});
