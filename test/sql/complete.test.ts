import { describe, expect, it } from 'vitest';
import { applyCompletion, commonPrefix, complete, tabInsert, tableReferences, type CompletionCatalog } from '../../src/sql/complete.js';
import { insideLiteral, tokenize } from '../../src/sql/lexer.js';

const catalog: CompletionCatalog = {
  tables: [
    { name: 'posts', columns: [{ name: 'id' }, { name: 'text' }, { name: 'created_at' }, { name: 'visibility' }] },
    { name: 'poll_options', columns: [{ name: 'post_id' }, { name: 'title' }, { name: 'votes' }] },
    { name: 'mentions', columns: [{ name: 'post_id' }, { name: 'acct' }] },
    { name: 'hashtags', columns: [{ name: 'post_id' }, { name: 'tag' }] },
  ],
  functions: ['count', 'strftime', 'string_agg', 'strip_accents', 'tan'],
  keywords: ['select', 'from', 'where', 'set', 'table', 'order'],
};

/** Completes at the '|' in the text. */
function at(textWithCursor: string) {
  const cursor = textWithCursor.indexOf('|');
  const text = textWithCursor.replace('|', '');
  return { text, cursor, completion: complete(text, cursor, catalog) };
}
const texts = (s: string) => at(s).completion.candidates.map((c) => c.text);

describe('completion', () => {
  it('offers tables after FROM and JOIN, and in a FROM list', () => {
    expect(texts('select * from p|')).toEqual(['posts', 'poll_options']);
    expect(texts('SELECT * FROM |')).toEqual(['posts', 'poll_options', 'mentions', 'hashtags']);
    expect(texts('select * from posts p join m|')).toEqual(['mentions']);
    expect(texts('select * from posts, h|')).toEqual(['hashtags']);
  });

  it('offers the columns of the tables in the query first, then functions, then keywords', () => {
    expect(at('select t| from posts').completion.candidates).toEqual([
      { text: 'text', kind: 'column' },
      { text: 'tan', kind: 'function' },
      { text: 'table', kind: 'keyword' },
    ]);
    expect(texts('select * from mentions where a|')).toEqual(['acct']);
    expect(texts('select p| from hashtags')).toEqual(['post_id']);
  });

  it('offers all tables and columns while the query names no table yet', () => {
    expect(texts('select vo|')).toEqual(['votes']);
    expect(texts('select * from (select p|')).toContain('poll_options');
  });

  it('completes columns of a table or alias after a dot', () => {
    expect(texts('select p.| from posts p')).toEqual(['id', 'text', 'created_at', 'visibility']);
    expect(texts('select m.a|, p.id from posts p join mentions m on m.post_id = p.id')).toEqual(['acct']);
    expect(texts('select posts.cr| from posts')).toEqual(['created_at']);
  });

  it('completes functions and keywords in the case typed', () => {
    expect(texts('select str|')).toEqual(['strftime', 'string_agg', 'strip_accents']);
    expect(texts('SEL|')).toEqual(['SELECT']);
    expect(texts('sel|')).toEqual(['select']);
  });

  it('offers nothing inside strings and comments, or with nothing typed outside a table position', () => {
    expect(texts("select * from posts where text = 'se|")).toEqual([]);
    expect(texts('select 1 -- se|')).toEqual([]);
    expect(texts('select |')).toEqual([]);
  });

  it('completes dot commands, modes and tables of .schema', () => {
    expect(texts('.s|')).toEqual(['.schema']);
    expect(texts('.|')).toEqual(['.tables', '.schema', '.mode', '.export', '.help']);
    expect(texts('.mode c|')).toEqual(['csv']);
    expect(texts('.schema po|')).toEqual(['posts', 'poll_options']);
  });

  it('replaces the word at the cursor; functions get their parenthesis', () => {
    const { text, completion } = at('select str|f from posts');
    expect(completion.start).toBe(7);
    expect(completion.end).toBe(11);
    expect(applyCompletion(text, completion, { text: 'strftime', kind: 'function' })).toEqual({ text: 'select strftime( from posts', cursor: 16 });
    const end = at('sel|');
    expect(applyCompletion(end.text, end.completion, end.completion.candidates[0]!)).toEqual({ text: 'select ', cursor: 7 });
  });

  it('Tab inserts the single candidate or the common prefix', () => {
    const one = at('select * from me|');
    expect(tabInsert(one.text, one.completion)).toEqual({ text: 'select * from mentions', cursor: 22 });
    const many = at('select st|');
    expect(tabInsert(many.text, many.completion)).toEqual({ text: 'select str', cursor: 10 });
    const prefix = at('select * from po|');
    expect(tabInsert(prefix.text, prefix.completion)).toBeUndefined();
    const shared = at('select s|');
    expect(tabInsert(shared.text, shared.completion)).toBeUndefined();
    // A single matching column wins over functions and keywords that also match.
    const column = at('select ta| from hashtags');
    expect(column.completion.candidates.map((c) => c.text)).toEqual(['tag', 'tan', 'table']);
    expect(tabInsert(column.text, column.completion)).toEqual({ text: 'select tag from hashtags', cursor: 10 });
    expect(commonPrefix(['strftime', 'string_agg', 'STRIP'])).toBe('str');
  });
});

describe('lexer', () => {
  it('finds table references with aliases', () => {
    const refs = tableReferences(tokenize('select * from posts p join mentions as m on true, x left join "hash tags" h where 1'));
    expect(refs).toEqual([
      { name: 'posts', alias: 'p' },
      { name: 'mentions', alias: 'm' },
      { name: 'hash tags', alias: 'h' },
    ]);
    expect(tableReferences(tokenize('from main.posts, hashtags h order by 1'))).toEqual([{ name: 'posts' }, { name: 'hashtags', alias: 'h' }]);
  });

  it('knows when an offset is inside a literal or comment', () => {
    const sql = "select 'it''s' -- note\n/* block */ x";
    expect(insideLiteral(sql, 9)).toBe(true);
    expect(insideLiteral(sql, 14)).toBe(false);
    expect(insideLiteral(sql, 18)).toBe(true);
    expect(insideLiteral(sql, 26)).toBe(true);
    expect(insideLiteral(sql, sql.length)).toBe(false);
  });
});
