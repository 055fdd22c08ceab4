import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { historyPath, loadHistory } from '../../src/sql/history-file.js';
import { openSample, SLOW_QUERY, tempFolder, type Sample } from '../sql/helpers.js';
import { KEY, renderSql, stripAnsi, tick } from './sql-harness.js';

let sample: Sample;
let folder: Awaited<ReturnType<typeof tempFolder>>;
const savedEnv = { XDG_STATE_HOME: process.env.XDG_STATE_HOME, EDITOR: process.env.EDITOR, VISUAL: process.env.VISUAL };

beforeAll(async () => {
  sample = await openSample();
  folder = await tempFolder();
});
beforeEach(() => {
  process.env.XDG_STATE_HOME = join(folder.path, `state-${Math.random().toString(36).slice(2)}`);
});
afterAll(async () => {
  Object.assign(process.env, savedEnv);
  for (const [k, v] of Object.entries(savedEnv)) if (v === undefined) delete process.env[k];
  await sample.close();
  await folder.remove();
});

type View = ReturnType<typeof renderSql>;

async function ready(size?: { width: number; height: number }, archivePath?: string): Promise<View> {
  const view = renderSql(sample, size, archivePath === undefined ? {} : { archivePath });
  await view.until((f) => f.includes('sql>') && f.includes('Tab completes'));
  return view;
}

async function runQuery(view: View, sql: string, key = KEY.enter, done = /(rows?|more exist) · [\d.]+ m?s/): Promise<string> {
  await view.press(sql);
  await view.press(key);
  return view.until((f) => done.test(stripAnsi(f)) && !f.includes('running…'));
}

const inputLine = (frame: string) => stripAnsi(frame).split('\n')[0]!;

describe('running queries', () => {
  it.each([
    ['Enter', KEY.enter],
    ['Ctrl-J', KEY.ctrlJ],
    ['F5', KEY.f5],
  ])('%s runs the query; the input is empty again; rows and time are shown', async (_name, key) => {
    const view = await ready();
    const f = stripAnsi(await runQuery(view, 'select id, visibility from posts order by id limit 3', key));
    expect(f).toMatch(/3 rows · \d+ ms/);
    expect(f).toContain('112036408786947659 │ public');
    expect(inputLine(f)).not.toContain('select id');
    expect(inputLine(f)).not.toContain('\n');
    view.unmount();
  });

  it('shows NULL apart from the empty string, and says when only the first rows are held', async () => {
    const view = await ready();
    let f = stripAnsi(await runQuery(view, "select NULL as a, '' as b, 'x' as c"));
    expect(f).toMatch(/NULL │\s+│ x/);
    f = stripAnsi(await runQuery(view, 'select * from range(10005)'));
    expect(f).toContain('first 10,000 rows, more exist');
    await tick(50);
    expect(view.calls.status).toHaveBeenCalledWith(expect.stringContaining('first 10,000 rows (more exist)'));
    view.unmount();
  });

  it('shows errors inline with their position, and keeps the query editable', async () => {
    const view = await ready();
    await view.press('select id,\n  nope from posts');
    await view.press(KEY.enter);
    const f = stripAnsi(await view.until((f) => f.includes('Binder Error')));
    expect(f.replace(/\n/g, ' ')).toContain('✗ Binder Error: Referenced column "nope" not found in FROM clause! (line 2, column 3)');
    expect(f).toContain('Candidate bindings');
    const lines = f.split('\n');
    const source = lines.findIndex((l) => l.includes('2 │   nope from posts'));
    expect(source).toBeGreaterThan(0);
    expect(lines[source + 1]!.indexOf('^')).toBe(lines[source]!.indexOf('nope'));
    expect(f).toContain('sql> select id,');
    // Fix it in place and run again: Ctrl-W deletes the last word.
    await view.press('\u0017', '\u0017', '\u0017');
    expect(inputLine(view.frame())).toMatch(/sql> select id,\s*$/);
    const fixed = stripAnsi(await runQuery(view, 'visibility from posts limit 1', KEY.enter, /1 row/));
    expect(fixed).toMatch(/id\s+│ visibility/);
    expect(fixed).not.toContain('Binder Error');
    view.unmount();
  });

  it('refuses statements that write, and COPY / ATTACH fail: the pane only reads', async () => {
    const view = await ready();
    let f = stripAnsi(await runQuery(view, 'drop table posts', KEY.enter, /refused/));
    expect(f).toContain('DROP statements are refused');
    expect(inputLine(f)).toMatch(/sql> drop table posts\s*$/);
    await view.press('\u0015'); // Ctrl-U clears the input
    expect(inputLine(view.frame())).toMatch(/sql>\s/);
    await view.press('\u0001', '\u000b'); // Ctrl-A, Ctrl-K: ignored, no letters typed
    f = stripAnsi(await runQuery(view, "COPY posts TO 'x.csv'", KEY.enter, /Permission Error/));
    expect(f).toContain('.export FILE writes the last result');
    await view.press('\u0015');
    f = stripAnsi(await runQuery(view, "ATTACH 'other.duckdb'", KEY.enter, /Permission Error|refused/));
    expect(inputLine(f)).toContain("ATTACH 'other.duckdb'");
    view.unmount();
  });
});

describe('typing', () => {
  it('keeps every key typed faster than the screen is drawn, also right after the input was set', async () => {
    const view = await ready();
    await runQuery(view, 'select 1 as one');
    await view.press(KEY.up);
    for (const ch of ' + 2 as two') view.stdin.write(ch);
    await view.until((f) => f.includes('sql> select 1 as one + 2 as two'));
    for (let i = 0; i < 7; i++) view.stdin.write(KEY.backspace);
    await view.until((f) => /sql> select 1 as one \+ 2\s/.test(f));
    view.unmount();
  });

  it('text and Enter read in one chunk (a slow SSH link) run the query; a pasted query with line breaks does not', async () => {
    const view = await ready();
    view.stdin.write('select 41 + 1 as answer\r');
    const f = stripAnsi(await view.until((fr) => /1 row · [\d.]+ m?s/.test(stripAnsi(fr))));
    expect(f).toMatch(/answer[\s\S]*42/);
    expect(inputLine(f)).not.toContain('select 41');
    view.stdin.write('select 7\ras seven\r');
    await view.until((fr) => stripAnsi(fr).includes('as seven'));
    await new Promise((r) => setTimeout(r, 200));
    // The paste stays in the input, on two lines; the result shown is still the first query's.
    const after = stripAnsi(view.frame()).split('\n');
    expect(after.slice(0, 2).map((l) => l.trim())).toEqual(['sql> select 7', 'as seven']);
    expect(after.find((l) => l.includes('1 row'))).toMatch(/^select 41 \+ 1 as answer/);
    view.unmount();
  });
});

describe('cancelling', () => {
  it('a long query shows a spinner; Ctrl-C cancels it and not the app; then Ctrl-C quits', async () => {
    const view = await ready();
    await view.press(SLOW_QUERY);
    await view.press(KEY.enter);
    const f = await view.until((f) => f.includes('running…'));
    expect(f).toContain('Ctrl-C cancels');
    await tick(300);
    await view.press(KEY.ctrlC);
    const after = stripAnsi(await view.until((f) => f.includes('cancelled after')));
    expect(view.calls.quit).not.toHaveBeenCalled();
    expect(inputLine(after)).toContain('SELECT count(*)');
    await view.press(KEY.ctrlC);
    expect(view.calls.quit).toHaveBeenCalledTimes(1);
    view.unmount();
  });
});

describe('history', () => {
  it('up and down walk the history; it is saved privately and read by the next pane', async () => {
    const view = await ready();
    await runQuery(view, 'select 1 as one');
    await runQuery(view, 'select 2 as two');
    await view.press('sel');
    await view.press(KEY.up);
    expect(inputLine(view.frame())).toContain('select 2 as two');
    await view.press(KEY.up);
    expect(inputLine(view.frame())).toContain('select 1 as one');
    await view.press(KEY.down, KEY.down);
    expect(inputLine(view.frame())).toMatch(/sql> sel\s*$/);
    const path = historyPath();
    await view.until(() => true);
    await tick(100);
    expect(await loadHistory(path)).toEqual(['select 1 as one', 'select 2 as two']);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    view.unmount();

    const next = await ready();
    await tick(50);
    await next.press(KEY.up);
    expect(inputLine(next.frame())).toContain('select 2 as two');
    next.unmount();
  });

  it('Ctrl-R searches the history; Enter takes the match, Esc goes back', async () => {
    const view = await ready();
    await runQuery(view, 'select tag from hashtags limit 1');
    await runQuery(view, 'select 2 as two');
    await runQuery(view, 'select acct from mentions limit 1');
    await view.press('draft');
    await view.press(KEY.ctrlR);
    expect(stripAnsi(view.frame())).toContain('history search:');
    await view.press('hash');
    expect(stripAnsi(view.frame())).toContain('match: select tag from hashtags limit 1');
    await view.press(KEY.enter);
    expect(inputLine(view.frame())).toContain('sql> select tag from hashtags limit 1');
    await view.press(KEY.ctrlR, 'select', KEY.ctrlR);
    expect(stripAnsi(view.frame())).toContain('match: select 2 as two');
    await view.press(KEY.escape);
    await view.until((f) => !f.includes('history search'));
    expect(inputLine(view.frame())).toMatch(/sql> select tag from hashtags limit 1\s*$/);
    view.unmount();
  });
});

describe('completion', () => {
  it('Tab completes tables, columns of the tables in the query, functions and keywords', async () => {
    const view = await ready();
    await view.press('select * from men', KEY.tab);
    expect(inputLine(view.frame())).toMatch(/sql> select \* from mentions\s*$/);
    await view.press(' where ac', KEY.tab);
    expect(inputLine(view.frame())).toContain('from mentions where acct');
    view.unmount();
    const again = await ready();
    await again.press('select strf', KEY.tab);
    expect(inputLine(again.frame())).toContain('select strftime(');
    again.unmount();
  });

  it('shows the candidates and cycles through them on the next Tab', async () => {
    const view = await ready();
    await view.press('select * from p', KEY.tab);
    expect(stripAnsi(view.frame())).toMatch(/Tab again: posts\s+poll_options/);
    await view.press(KEY.tab);
    expect(inputLine(view.frame())).toMatch(/from posts\s*$/);
    await view.press(KEY.tab);
    expect(inputLine(view.frame())).toMatch(/from poll_options\s*$/);
    view.unmount();
  });
});

describe('dot commands', () => {
  it('.tables, .schema, .mode and .help', async () => {
    const view = await ready();
    let f = stripAnsi(await runQuery(view, '.tables'));
    expect(f).toMatch(/posts\s+│ table\s+│\s+26 │ one row per own post/);
    f = stripAnsi(await runQuery(view, '.schema hashtags'));
    expect(f).toMatch(/hashtags\s+│ tag\s+│ VARCHAR\s+│ lower case, without '#'/);
    await view.press('.mode csv', KEY.enter);
    await view.until((f) => f.includes('mode csv'));
    f = stripAnsi(await runQuery(view, 'select id, visibility from posts order by id limit 2', KEY.enter, /csv · 2 rows/));
    expect(f).toContain('id,visibility');
    expect(f).toContain('112036408786947659,public');
    await view.press('.help', KEY.enter);
    f = stripAnsi(await view.until((f) => f.includes('Dot commands')));
    expect(f).toContain('.export FILE');
    view.unmount();
  });

  it('.export writes the result (Ctrl-E starts the command), the file reads back', async () => {
    const view = await ready();
    await runQuery(view, 'select id, visibility from posts order by id');
    await view.press(KEY.ctrlE);
    expect(inputLine(view.frame())).toMatch(/sql> \.export\s*$/);
    const path = join(folder.path, 'from-ui.csv');
    await view.press(path, KEY.enter);
    const f = stripAnsi(await view.until((f) => f.includes('wrote 26 rows')));
    expect(f).toContain('visibility: public');
    const records: string[][] = parse(await readFile(path, 'utf8'));
    expect(records).toHaveLength(27);
    expect(records[1]).toEqual(['112036408786947659', 'public']);
    view.unmount();
  });

  it('.export refuses to write inside the archive folder the app was opened on', async () => {
    const view = await ready(undefined, folder.path);
    await runQuery(view, 'select id from posts limit 2');
    const path = join(folder.path, 'inside.csv');
    await view.press(KEY.ctrlE, path, KEY.enter);
    expect(stripAnsi(await view.until((f) => f.includes('is your archive')))).toContain('choose another name');
    await expect(stat(path)).rejects.toThrow();
    view.unmount();
  });
});

describe('results and posts', () => {
  it('Enter on a row opens that post; t reads the whole result as a timeline', async () => {
    const view = await ready();
    await runQuery(view, 'select id, left(text, 20) as start from posts order by id limit 4');
    await view.press(KEY.tab);
    await tick(50);
    expect(view.calls.status).toHaveBeenLastCalledWith(expect.stringContaining('row 1/4'));
    expect(view.router.active().find((c) => c.keys.includes('enter'))?.description).toBe('open the post in the reader');
    await view.press('j', KEY.enter);
    await tick(100);
    expect(view.calls.openPost).toHaveBeenCalledWith('112123579662362068');
    await view.press('t');
    await tick(100);
    expect(view.calls.openTimeline).toHaveBeenCalledWith(expect.stringContaining('SQL:'), [
      '112036408786947659',
      '112123579662362068',
      '112302843494412617',
      '112395769217087851',
    ]);
    view.unmount();
  });

  it('y copies a cell, Y a row; v shows the whole cell, r the record', async () => {
    const view = await ready();
    await runQuery(view, "select 'first line' || chr(10) || 'second line' as text, 7 as n, ['a', 'b'] as tags");
    await view.press(KEY.escape);
    await view.press('y');
    expect(view.calls.copy).toHaveBeenLastCalledWith('first line\nsecond line');
    await view.press('Y');
    expect(view.calls.copy).toHaveBeenLastCalledWith('first line second line\t7\t["a","b"]');
    await view.press('v');
    let f = stripAnsi(await view.until((f) => f.includes('second line') && f.includes('VARCHAR')));
    expect(f.split('\n').slice(1, 3).join('\n')).toBe('first line\nsecond line');
    await view.press('r');
    f = stripAnsi(await view.until((f) => f.includes('tags:')));
    expect(f).toContain('n: 7');
    await view.press(KEY.escape);
    await view.until((f) => f.includes('sql>'));
    view.unmount();
  });

  it('scrolls sideways through wide results', async () => {
    const view = await ready({ width: 60, height: 12 });
    const columns = Array.from({ length: 12 }, (_, i) => `'value ${i}' as column_${i}`).join(', ');
    await runQuery(view, `select ${columns}`, KEY.enter, /1 row/);
    await view.press(KEY.tab);
    expect(stripAnsi(view.frame())).not.toContain('column_11');
    for (let i = 0; i < 11; i++) await view.press('l');
    expect(stripAnsi(view.frame())).toContain('column_11');
    view.unmount();
  });

  it('every archive string is made safe before it is drawn', async () => {
    const view = await ready();
    const f = await runQuery(view, "select 'evil' || chr(27) || ']52;c;AAAA' || chr(7) || 'x' as t");
    expect(f).toContain('evil␛]52;c;AAAA␇x');
    expect(f).not.toContain('\u001b]52');
    view.unmount();
  });
});

describe('side list and editor', () => {
  it('F2 goes to the examples: one key runs one; Enter on a table puts a query in the input', async () => {
    const view = await ready();
    await view.press(KEY.f2, 'b');
    const f = stripAnsi(await view.until((f) => f.includes('weekday') && /7 rows/.test(f)));
    expect(f).toContain('posts per weekday  7 rows');
    expect(f).toMatch(/1 │ Monday\s+│\s+6/);
    await view.press(KEY.f2);
    for (let i = 0; i < 11; i++) await view.press(KEY.down);
    expect(stripAnsi(view.frame())).toContain('posts: one row per own post');
    await view.press(KEY.enter);
    expect(inputLine(view.frame())).toContain('sql> SELECT * FROM posts LIMIT 100');
    view.unmount();
  });

  it('Ctrl-X edits the query in $EDITOR and runs what is saved', async () => {
    const script = join(folder.path, 'fake-editor.mjs');
    await writeFile(script, "import { readFileSync, writeFileSync } from 'node:fs';\nconst f = process.argv[2];\nwriteFileSync(f, readFileSync(f, 'utf8').replace('41', '42 as answer'));\n");
    process.env.VISUAL = `${process.execPath} ${script}`;
    const view = await ready();
    await view.press('select 41');
    await view.press(KEY.ctrlX);
    const f = stripAnsi(await view.until((f) => f.includes('answer')));
    expect(f).toMatch(/answer\s*\n.*\n\s*42/);
    expect(inputLine(f)).not.toContain('x');
    delete process.env.VISUAL;
    view.unmount();
  });
});

describe('layout', () => {
  it.each([
    [80, 24],
    [120, 30],
    [60, 10],
    [40, 6],
  ])('never draws more than %ix%i', async (width, height) => {
    const view = renderSql(sample, { width, height });
    await view.until((f) => f.includes('sql>'));
    await tick(200);
    const check = () => {
      const lines = stripAnsi(view.frame()).split('\n');
      expect(lines.length).toBeLessThanOrEqual(height);
      for (const l of lines) expect([...l].length).toBeLessThanOrEqual(width);
    };
    check();
    await view.press('select id,\n nope from posts', KEY.enter);
    await view.until((f) => f.includes('Binder'));
    check();
    await view.press('\u0015');
    await runQuery(view, "select repeat('long text ', 30) as t, * from posts", KEY.enter, /26 rows/);
    check();
    await view.press(KEY.f2);
    check();
    view.unmount();
  });
});
