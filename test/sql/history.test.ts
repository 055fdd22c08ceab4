import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { History } from '../../src/sql/history.js';
import { appendHistory, historyPath, loadHistory, saveHistory } from '../../src/sql/history-file.js';
import { tempFolder } from './helpers.js';

describe('History', () => {
  it('walks up and down, keeping the text being typed as a draft', () => {
    const h = new History(['one', 'two', 'three']);
    expect(h.up('dra')).toBe('three');
    expect(h.up('three')).toBe('two');
    expect(h.up('two')).toBe('one');
    expect(h.up('one')).toBeUndefined();
    expect(h.down()).toBe('two');
    expect(h.down()).toBe('three');
    expect(h.down()).toBe('dra');
    expect(h.down()).toBeUndefined();
  });

  it('adds run queries at the end, without empties or duplicates, up to a limit', () => {
    const h = new History(['a', 'b'], 3);
    expect(h.add('  ')).toBe(false);
    h.add('a');
    expect(h.entries).toEqual(['b', 'a']);
    h.add('c');
    h.add('d');
    expect(h.entries).toEqual(['a', 'c', 'd']);
    expect(h.up('')).toBe('d');
  });

  it('searches newest first, and older on each repeat', () => {
    const h = new History(['select 1', 'select tag from hashtags', 'select 2', 'SELECT * FROM HASHTAGS']);
    const first = h.search('hashtags')!;
    expect(first).toEqual({ index: 3, entry: 'SELECT * FROM HASHTAGS' });
    expect(h.search('hashtags', first.index)).toEqual({ index: 1, entry: 'select tag from hashtags' });
    expect(h.search('hashtags', 1)).toBeUndefined();
    expect(h.search('nothing')).toBeUndefined();
  });
});

describe('history file', () => {
  it('lives in the user state folder', () => {
    expect(historyPath({ XDG_STATE_HOME: '/state' }, '/home/me')).toBe('/state/mastotui/history');
    expect(historyPath({}, '/home/me')).toBe('/home/me/.local/state/mastotui/history');
    expect(historyPath({ XDG_STATE_HOME: 'relative' }, '/home/me')).toBe('/home/me/.local/state/mastotui/history');
  });

  it('keeps multi-line queries, is private (0600 in a 0700 folder), skips damaged lines', async () => {
    const dir = await tempFolder();
    try {
      const path = join(dir.path, 'state', 'mastotui', 'history');
      await saveHistory(path, ['select 1', "select text\nfrom posts\nwhere text like '%DM%'"]);
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      expect((await stat(join(dir.path, 'state', 'mastotui'))).mode & 0o777).toBe(0o700);
      expect(await loadHistory(path)).toEqual(['select 1', "select text\nfrom posts\nwhere text like '%DM%'"]);
      await writeFile(path, (await readFile(path, 'utf8')) + '{not json\n"select 3"\n');
      expect(await loadHistory(path)).toHaveLength(3);
      expect(await appendHistory(path, 'select 1')).toEqual(["select text\nfrom posts\nwhere text like '%DM%'", 'select 3', 'select 1']);
      expect(await loadHistory(join(dir.path, 'missing'))).toEqual([]);
    } finally {
      await dir.remove();
    }
  });
});
