import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvTableForName, detectCsvTable, parseCsvExport } from '../../src/ingest/csv-exports.js';

describe('CSV exports', () => {
  it('recognises export files by name, also with a browser download suffix', () => {
    expect(csvTableForName('following_accounts.csv')).toBe('following');
    expect(csvTableForName('/home/me/Downloads/lists (1).csv')).toBe('lists');
    expect(csvTableForName('blocked_accounts.csv')).toBe('blocks');
    expect(csvTableForName('muted_accounts.csv')).toBe('mutes');
    expect(csvTableForName('blocked_domains.csv')).toBe('domain_blocks');
    expect(csvTableForName('bookmarks.csv')).toBe('bookmarks');
    expect(csvTableForName('followers.csv')).toBe('followers');
    expect(csvTableForName('holiday-photos.csv')).toBeUndefined();
  });

  it('recognises an unusually named export by its header', () => {
    expect(detectCsvTable('export.csv', 'Account address,Show boosts,Notify on new posts,Languages\n')).toBe('following');
    expect(detectCsvTable('export.csv', 'Account address,Hide notifications\n')).toBe('mutes');
    expect(detectCsvTable('export.csv', 'Account address\nx@y\n')).toBe('followers');
    expect(detectCsvTable('export.csv', 'a,b\n')).toBeUndefined();
  });

  it('reads following_accounts.csv of Mastodon 4.0+ with quoted language lists', () => {
    const text = 'Account address,Show boosts,Notify on new posts,Languages\nbob@other.example,true,false,"en, de"\n@carol@example.social,false,true,\n';
    const { rows, issues } = parseCsvExport('following_accounts.csv', text, 'following');
    expect(issues).toEqual([]);
    expect(rows).toEqual([
      { acct: 'bob@other.example', show_boosts: true, notify: false, languages: ['en', 'de'] },
      { acct: 'carol@example.social', show_boosts: false, notify: true, languages: [] },
    ]);
  });

  it('reads the header-less one-column form of before 2.8, and GoToSocial\'s two columns', () => {
    expect(parseCsvExport('following_accounts.csv', 'a@b\nc@d\n', 'following').rows.map((r) => r.acct)).toEqual(['a@b', 'c@d']);
    const gts = parseCsvExport('following.csv', 'Account address,Show boosts\na@b,true\n', 'following');
    expect(gts.rows).toEqual([{ acct: 'a@b', show_boosts: true, notify: null, languages: [] }]);
  });

  it('reads lists.csv (no header, titles with commas quoted)', () => {
    const { rows } = parseCsvExport('lists.csv', '"Friends, close",a@b\nWork,c@d\n', 'lists');
    expect(rows).toEqual([
      { list_name: 'Friends, close', acct: 'a@b' },
      { list_name: 'Work', acct: 'c@d' },
    ]);
  });

  it('records rows with wrong columns as issues and keeps the rest', () => {
    const { rows, issues } = parseCsvExport('lists.csv', 'OnlyTitle\nWork,c@d\n', 'lists');
    expect(rows).toEqual([{ list_name: 'Work', acct: 'c@d' }]);
    expect(issues).toEqual([{ source: 'lists.csv', position: 'line 1', problem: 'expected "list title,account"; skipped' }]);
    const blocks = parseCsvExport('blocked_accounts.csv', 'a@b,extra\n', 'blocks');
    expect(blocks.rows).toEqual([{ acct: 'a@b' }]);
    expect(blocks.issues[0]!.problem).toMatch(/expected one column, found 2/);
  });

  it('reports a file that is not CSV instead of throwing', () => {
    const { rows, issues } = parseCsvExport('mutes.csv', '"unterminated\n', 'mutes');
    expect(rows).toEqual([]);
    expect(issues[0]!.problem).toMatch(/not readable as CSV/);
  });

  it('round-trips any account list written as CSV (property)', () => {
    const acct = fc.tuple(fc.stringMatching(/^[a-z0-9_]{1,12}$/), fc.domain()).map(([u, d]) => `${u}@${d}`);
    fc.assert(
      fc.property(fc.array(acct, { maxLength: 30 }), fc.boolean(), (accts, header) => {
        const text = (header ? 'Account address,Hide notifications\n' : '') + accts.map((a) => `${a},false`).join('\n');
        const { rows } = parseCsvExport('muted_accounts.csv', text, 'mutes');
        expect(rows.map((r) => r.acct)).toEqual(accts);
      }),
      { seed: 3, numRuns: 100 },
    );
  });
});
