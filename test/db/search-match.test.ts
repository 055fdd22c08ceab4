/**
 * The reader's search matches with contains(lower(x), lower(term)) instead of x ILIKE '%term%' (with the term's %, _
 * and \ escaped), which is twice as fast: the two must agree on every text and term, whatever the case, the script
 * or the characters that mean something to a LIKE pattern.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DuckDBConnection, DuckDBInstance, VARCHAR } from '../../src/db/duckdb.js';

let instance: DuckDBInstance;
let conn: DuckDBConnection;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
});
afterAll(() => {
  conn.closeSync();
  instance.closeSync();
});

const likePattern = (term: string) => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

async function bothMatches(text: string, term: string): Promise<[unknown, unknown]> {
  const row = (
    await conn.runAndReadAll(
      `SELECT $text ILIKE $pattern ESCAPE '\\', contains(lower($text), lower($term))`,
      { text, pattern: likePattern(term), term },
      { text: VARCHAR, pattern: VARCHAR, term: VARCHAR },
    )
  ).getRows()[0]!;
  return [row[0], row[1]];
}

// Letters whose case differs, accents, scripts with case, and the characters of LIKE patterns.
const pieces = fc.constantFrom('a', 'A', 'é', 'É', 'ß', 'ẞ', 'ς', 'Σ', 'σ', 'İ', 'i', 'I', 'ı', 'Ǆ', 'ǅ', 'ǆ', 'K', 'k', '%', '_', '\\', ' ', '日本');
const mixed = fc.oneof(fc.string({ unit: pieces, maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 12 }));

describe('search matching', () => {
  it('contains(lower(text), lower(term)) agrees with ILIKE of the escaped term (property)', async () => {
    await fc.assert(
      fc.asyncProperty(mixed, mixed, fc.nat({ max: 12 }), fc.nat({ max: 12 }), async (text, other, from, length) => {
        // The term is often a piece of the text (or of its other case), so that matches are common.
        const cut = text.slice(from, from + length);
        for (const term of [cut, cut.toUpperCase(), cut.toLowerCase(), other]) {
          const [ilike, contains] = await bothMatches(text, term);
          expect(contains).toBe(ilike);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('matches across case and finds LIKE characters literally', async () => {
    expect(await bothMatches('Café au LAIT', 'café au lait')).toEqual([true, true]);
    expect(await bothMatches('100% sure', '0% s')).toEqual([true, true]);
    expect(await bothMatches('100 percent', '0%')).toEqual([false, false]);
    expect(await bothMatches('snake_case', 'e_c')).toEqual([true, true]);
    expect(await bothMatches('snakeXcase', 'e_c')).toEqual([false, false]);
  });
});
