import { describe, expect, it } from 'vitest';
import type { QueryResult } from '../../src/db/runner.js';
import { cellCopyText, rowCopyText } from '../../src/sql/copy.js';
import { cellDetail, columnWidths, columnsThatFit, fitCell, recordDetail, scrollColumns } from '../../src/sql/grid.js';
import { editorCommand } from '../../src/ui/sql/editor.js';
import { sideItems, stepSelection } from '../../src/ui/sql/side-list.js';
import { EXAMPLE_QUERIES } from '../../src/db/sql/examples.js';

const result: QueryResult = {
  columns: [
    { name: 'id', type: 'VARCHAR' },
    { name: 'n', type: 'BIGINT' },
    { name: 'at', type: 'TIMESTAMP WITH TIME ZONE' },
    { name: 'tags', type: 'VARCHAR[]' },
    { name: 'text', type: 'VARCHAR' },
  ],
  rows: [
    ['1', 5, '2024-07-23T18:39:06Z', ['a', 'b'], 'line one\nline two, "quoted"'],
    ['2', null, null, [], ''],
  ],
  truncated: false,
  elapsedMs: 1,
};

describe('grid layout', () => {
  it('fits widths to the content, within a maximum', () => {
    expect(columnWidths(result, 'Europe/Paris')).toEqual([2, 4, 26, 9, 27]);
    expect(columnWidths(result, 'UTC', 10)).toEqual([2, 4, 10, 9, 10]);
  });

  it('knows which columns fit and scrolls to show the selected one', () => {
    const widths = [10, 10, 10, 10];
    expect(columnsThatFit(widths, 0, 25)).toBe(2);
    expect(columnsThatFit(widths, 0, 5)).toBe(1);
    expect(scrollColumns(widths, 0, 3, 25)).toBe(2);
    expect(scrollColumns(widths, 2, 0, 25)).toBe(0);
    expect(scrollColumns(widths, 1, 2, 25)).toBe(1);
  });

  it('cuts and pads cells by terminal width', () => {
    expect(fitCell('abc', 5)).toBe('abc  ');
    expect(fitCell('42', 5, true)).toBe('   42');
    expect(fitCell('abcdefgh', 5)).toBe('abcd…');
    expect(fitCell('日本語テキスト', 6)).toBe('日本… ');
  });

  it('shows cells and records in full for the viewer', () => {
    expect(cellDetail('line one\nline two', result.columns[4]!, 'UTC')).toBe('line one\nline two');
    expect(cellDetail('', result.columns[4]!, 'UTC')).toBe("'' (empty text)");
    expect(cellDetail(null, result.columns[4]!, 'UTC')).toBe('NULL');
    expect(cellDetail('2024-07-23T18:39:06Z', result.columns[2]!, 'Europe/Paris')).toBe('2024-07-23 20:39:06 +02:00  (2024-07-23T18:39:06Z)');
    expect(cellDetail(['a'], result.columns[3]!, 'UTC')).toBe('[\n  "a"\n]');
    expect(cellDetail('evil\u001b]52;c;x\u0007', result.columns[4]!, 'UTC')).toBe('evil␛]52;c;x␇');
    expect(recordDetail(result, 0, 'UTC')).toBe(
      'id: 1\nn: 5\nat: 2024-07-23 18:39:06 +00:00  (2024-07-23T18:39:06Z)\ntags:\n  [\n    "a",\n    "b"\n  ]\ntext:\n  line one\n  line two, "quoted"',
    );
  });
});

describe('copying', () => {
  it('copies a cell as its value and a row in the current mode', () => {
    expect(cellCopyText(null)).toBe('');
    expect(cellCopyText(['a'])).toBe('["a"]');
    expect(cellCopyText('x\u001by')).toBe('x␛y');
    expect(rowCopyText(result, 0, 'table', 'UTC')).toBe('1\t5\t2024-07-23T18:39:06Z\t["a","b"]\tline one line two, "quoted"');
    expect(rowCopyText(result, 0, 'csv', 'UTC')).toBe('1,5,2024-07-23T18:39:06Z,"[""a"",""b""]","line one\nline two, ""quoted"""');
    expect(JSON.parse(rowCopyText(result, 1, 'json', 'UTC'))).toEqual({ id: '2', n: null, at: null, tags: [], text: '' });
    expect(rowCopyText(result, 1, 'markdown', 'UTC')).toBe('| 2 | NULL | NULL | [] |  |');
  });
});

describe('side list and editor', () => {
  it('skips headings when moving', () => {
    const items = sideItems(EXAMPLE_QUERIES, { tables: [{ name: 'posts', kind: 'table', columns: [] }], functions: [], keywords: [] });
    expect(items[0]!.kind).toBe('heading');
    const lastExample = EXAMPLE_QUERIES.length;
    expect(stepSelection(items, lastExample, 1)).toBe(lastExample + 2);
    expect(stepSelection(items, 1, -1)).toBe(1);
    expect(stepSelection(items, 1, 1, 100)).toBe(items.length - 1);
  });

  it('takes the editor from $VISUAL, then $EDITOR, with its arguments', () => {
    expect(editorCommand({ VISUAL: 'code -w', EDITOR: 'nano' })).toEqual(['code', ['-w']]);
    expect(editorCommand({ EDITOR: 'emacs -nw' })).toEqual(['emacs', ['-nw']]);
    expect(editorCommand({})).toEqual(['vi', []]);
  });
});
