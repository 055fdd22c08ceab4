/**
 * The SQL pane's state and what each key does to it: running input, the history walk and search, completion, the
 * result grid's selection, the side list, copying, and opening posts in the reader.
 */
import { useStdin, useStdout } from 'ink';
import { useEffect, useMemo, useRef, useState } from 'react';
import { formatResult, type OutputFormat } from '../../db/format.js';
import type { QueryResult } from '../../db/runner.js';
import { EXAMPLE_QUERIES } from '../../db/sql/examples.js';
import { postIdColumn } from '../../db/sql/shell.js';
import { applyCompletion, complete, tabInsert, type Completion } from '../../sql/complete.js';
import { COPY_LIMIT, cellCopyText, rowCopyText } from '../../sql/copy.js';
import { columnWidths, scrollColumns } from '../../sql/grid.js';
import { clampList, moveList, type Move } from '../components/navigation.js';
import { useUi } from '../context.js';
import type { AppServices } from '../types.js';
import { editInEditor } from './editor.js';
import { useQueryInput } from './QueryInput.js';
import type { PaneActions } from './sql-commands.js';
import { isSelectable, sideItems, stepSelection } from './side-list.js';
import { useSqlEngine } from './useSqlEngine.js';

export type Focus = 'input' | 'search' | 'grid' | 'side';
export type Shown = { kind: 'grid'; result: QueryResult; title: string } | { kind: 'text'; title: string; text: string };
export interface ShownError {
  message: string;
  hint?: string;
  line?: number;
  column?: number;
  sql: string;
}
export interface Note {
  text: string;
  style: 'text' | 'dim' | 'error';
}

/** The layout sizes the actions need (rows of the grid, width of the result area). */
export interface PaneGeometry {
  gridRows: number;
  resultWidth: number;
}

export function usePaneState(app: AppServices, geometry: PaneGeometry) {
  const ui = useUi();
  const { stdin } = useStdin();
  const { stdout } = useStdout();
  const engine = useSqlEngine(app.instance, app.timeZone, app.archivePath);
  // Typed text and Enter read in one chunk run the query, as Enter does.
  const input = useQueryInput('', { onLine: (value) => void run(value) });
  const searchInput = useQueryInput();
  input.redirect.current = searchInput;
  searchInput.redirect.current = input;
  const [focus, setFocusState] = useState<Focus>('input');
  // The inputs stop taking keys at once: ink-text-input lets go of the keyboard only after the next render.
  const setFocus = (next: Focus) => {
    input.accepting.current = next === 'input';
    searchInput.accepting.current = next === 'search';
    setFocusState(next);
  };
  const [shown, setShown] = useState<Shown>();
  const [mode, setMode] = useState<OutputFormat>('table');
  const [error, setError] = useState<ShownError>();
  const [note, setNote] = useState<Note>();
  const [grid, setGrid] = useState({ row: 0, col: 0, top: 0, left: 0 });
  const [side, setSide] = useState({ index: 1, open: undefined as string | undefined });
  const [search, setSearch] = useState<{ saved: string; before?: number }>({ saved: '' });
  const [viewer, setViewer] = useState<'cell' | 'record'>();
  const completion = useRef<{ base: string; completion: Completion; index: number; text: string } | undefined>(undefined);

  const result = shown?.kind === 'grid' ? shown.result : undefined;
  const widths = useMemo(() => (result ? columnWidths(result, app.timeZone) : []), [result, app.timeZone]);
  const textLines = useMemo(() => {
    if (shown?.kind === 'text') return shown.text.split('\n');
    if (result && mode !== 'table') return formatResult(result, mode, app.timeZone).replace(/\n$/, '').split('\n');
    return undefined;
  }, [shown, result, mode, app.timeZone]);
  const idColumn = result ? postIdColumn(result) : undefined;
  const items = useMemo(() => sideItems(EXAMPLE_QUERIES, engine.catalog, side.open), [engine.catalog, side.open]);
  const searchMatch = useMemo(
    () => (searchInput.value === '' ? undefined : engine.history.search(searchInput.value, search.before)),
    [searchInput.value, search.before, engine.history],
  );

  useEffect(() => {
    if (engine.problem) setNote({ text: engine.problem, style: 'error' });
  }, [engine.problem]);

  // Another view asked for a query (openSqlWithQuery).
  const request = app.sqlRequest;
  useEffect(() => {
    if (!request) return;
    input.set(request.sql);
    setFocus('input');
  }, [request?.id]); // eslint-disable-line react-hooks/exhaustive-deps

  const say = (text: string, style: Note['style'] = 'text') => setNote({ text, style });

  async function run(text: string, title?: string) {
    const sql = text.trim();
    if (sql === '') return say('type a query or a dot command (.help), then Enter', 'dim');
    if (engine.running) return say('a query is running: Ctrl-C cancels it', 'dim');
    setError(undefined);
    setNote(undefined);
    completion.current = undefined;
    input.set('');
    const outcome = await engine.execute(sql);
    setMode(engine.mode());
    switch (outcome.kind) {
      case 'result': {
        setShown({ kind: 'grid', result: outcome.result, title: title ?? outcome.title });
        setGrid({ row: 0, col: 0, top: 0, left: 0 });
        if (outcome.result.truncated) {
          say(`only the first ${outcome.result.rows.length.toLocaleString('en')} rows are held; more exist (.export writes them all)`, 'dim');
        }
        return;
      }
      case 'text':
        setShown({ kind: 'text', title: outcome.title, text: outcome.text });
        setGrid({ row: 0, col: 0, top: 0, left: 0 });
        return;
      case 'message':
        return say(outcome.text);
      case 'error':
        setError({ ...outcome, sql });
        input.set(sql);
        return;
      case 'cancelled':
        input.set(sql);
        return say(outcome.text, 'dim');
    }
  }

  const copy = (text: string, what: string) => {
    if (text.length > COPY_LIMIT) return say(`${what} is too long to copy (${text.length.toLocaleString('en')} characters); use .export`, 'error');
    ui.copy(text);
    say(`copied ${what} (${text.length.toLocaleString('en')} characters)`, 'dim');
  };

  const moveGrid = (move: Move) => {
    if (textLines) {
      const max = Math.max(0, textLines.length - geometry.gridRows);
      const step = move === 'down' ? 1 : move === 'up' ? -1 : move === 'pagedown' ? geometry.gridRows : move === 'pageup' ? -geometry.gridRows : move === 'top' ? -Infinity : Infinity;
      setGrid((g) => ({ ...g, top: Math.max(0, Math.min(max, g.top + step)) }));
      return;
    }
    const count = result?.rows.length ?? 0;
    setGrid((g) => {
      const p = moveList(clampList({ selected: g.row, top: g.top }, count, geometry.gridRows), move, count, geometry.gridRows);
      return { ...g, row: p.selected, top: p.top };
    });
  };

  const openRow = async (row: number) => {
    if (!result || idColumn === undefined || !engine.shell) return setViewer('cell');
    const id = result.rows[row]?.[idColumn];
    if (id === null || id === undefined) return say('this row has no post id', 'dim');
    if (await engine.shell.isPost(String(id))) app.openPost(String(id));
    else say(`${String(id)} is not one of your posts (boosts and other ids open with t)`, 'dim');
  };

  const actions: PaneActions = {
    run: () => void run(input.takeKey('\n')),
    cancel: () => {
      if (engine.cancel()) say('cancelling…', 'dim');
    },
    clearInput: () => {
      input.takeKey('u');
      input.set('');
    },
    deleteWord: () => {
      const text = input.takeKey('w');
      input.set(text.replace(/\S+\s*$/, ''));
    },
    ignoreKey: () => void input.takeKey(),
    historyUp: () => {
      const entry = engine.history.up(input.takeKey('p'));
      if (entry !== undefined) input.set(entry);
    },
    historyDown: () => {
      input.takeKey('n');
      const entry = engine.history.down();
      if (entry !== undefined) input.set(entry);
    },
    complete: () => {
      const text = input.current();
      if (text.trim() === '') {
        if (shown) setFocus('grid');
        return;
      }
      const catalog = engine.catalog ?? { tables: [], functions: [], keywords: [] };
      const cycling = completion.current;
      if (cycling && cycling.text === text && cycling.completion.candidates.length > 1) {
        const index = (cycling.index + 1) % cycling.completion.candidates.length;
        const applied = applyCompletion(cycling.base, cycling.completion, cycling.completion.candidates[index]!);
        completion.current = { ...cycling, index, text: applied.text };
        input.set(applied.text);
        return;
      }
      const found = complete(text, text.length, catalog);
      if (found.candidates.length === 0) {
        completion.current = undefined;
        return say(engine.catalog ? 'nothing to complete here' : 'the list of tables is still loading…', 'dim');
      }
      const inserted = tabInsert(text, found);
      const base = inserted?.text ?? text;
      if (found.candidates.length > 1) {
        const again = complete(base, base.length, catalog);
        completion.current = { base, completion: again, index: -1, text: base };
        say(`Tab again: ${found.candidates.map((c) => c.text).join('  ')}`, 'dim');
      } else {
        completion.current = undefined;
        setNote(undefined);
      }
      if (inserted) input.set(inserted.text);
    },
    startSearch: () => {
      const saved = input.takeKey('r');
      searchInput.set('');
      setSearch({ saved });
      setFocus('search');
    },
    editor: () => {
      const text = input.takeKey('x');
      void editInEditor(text, {
        setRawMode: (on) => (stdin as NodeJS.ReadStream).setRawMode?.(on),
        write: stdout.isTTY ? (data) => void stdout.write(data) : undefined,
      }).then((edited) => {
        if (!edited.ok) {
          input.set(text);
          return say(edited.message, 'error');
        }
        input.set(edited.text);
        if (edited.text.trim() !== '') void run(edited.text);
      });
    },
    exportPrompt: () => {
      input.takeKey('e');
      if (!shown) return say('run a query first; Ctrl-E then writes its result to a file', 'dim');
      input.set('.export ');
      say('name the file (.csv, .json, .parquet or .md), then Enter', 'dim');
    },
    focusSide: () => setFocus('side'),
    leaveInput: () => setFocus(shown ? 'grid' : 'side'),
    searchOlder: () => {
      searchInput.takeKey('r');
      if (searchMatch) setSearch((s) => ({ ...s, before: searchMatch.index }));
    },
    searchAccept: () => {
      searchInput.takeKey('\n');
      input.set(searchMatch?.entry ?? search.saved);
      setFocus('input');
    },
    searchCancel: () => {
      input.set(search.saved);
      setFocus('input');
    },
    gridMove: moveGrid,
    gridColumn: (delta) => {
      if (textLines) return setGrid((g) => ({ ...g, left: Math.max(0, g.left + delta * 8) }));
      setGrid((g) => {
        const col = Math.max(0, Math.min(widths.length - 1, g.col + delta));
        return { ...g, col, left: scrollColumns(widths.map((w) => w + 2), g.left, col, geometry.resultWidth) };
      });
    },
    gridOpen: () => void openRow(grid.row),
    gridView: () => result && setViewer('cell'),
    gridTimeline: () => {
      if (!result || idColumn === undefined || !engine.shell) return;
      const ids = result.rows.map((r) => r[idColumn]).filter((v) => v !== null && v !== undefined).map(String);
      void engine.shell.timelineIds(ids).then((known) => {
        if (known.length === 0) return say('none of these ids are posts or boosts of the archive', 'dim');
        app.openTimeline(`SQL: ${shown?.title ?? 'result'}`, known);
      });
    },
    copyCell: () => {
      if (textLines && shown) return copy(textLines.join('\n'), 'the result');
      const cell = result?.rows[grid.row]?.[grid.col];
      if (result && cell !== undefined) copy(cellCopyText(cell), 'the cell');
    },
    copyRow: () => {
      if (result && result.rows[grid.row]) copy(rowCopyText(result, grid.row, mode, app.timeZone), 'the row');
    },
    focusInput: () => setFocus('input'),
    sideMove: (delta) => setSide((s) => ({ ...s, index: stepSelection(items, s.index, delta > 0 ? 1 : -1, Math.abs(delta)) })),
    sideOpen: (open) => {
      const item = items[side.index];
      if (item?.kind === 'table') setSide((s) => ({ ...s, open: open ? item.table.name : undefined }));
      if (item?.kind === 'column' && !open) {
        const at = items.findIndex((i) => i.kind === 'table' && i.table.name === item.table.name);
        setSide({ index: at, open: undefined });
      }
    },
    sideEnter: () => {
      const item = items[side.index];
      if (!isSelectable(item) || !item) return;
      if (item.kind === 'example') return actions.runExample(EXAMPLE_QUERIES.indexOf(item.example));
      if (item.kind === 'table') input.set(`SELECT * FROM ${item.table.name} LIMIT 100`);
      if (item.kind === 'column') input.set(`${input.current()}${/[\s(,]$|^$/.test(input.current()) ? '' : ' '}${item.column.name}`);
      setFocus('input');
    },
    runExample: (index) => {
      const example = EXAMPLE_QUERIES[index];
      if (!example) return;
      setFocus('input');
      void run(example.sql, example.title);
    },
  };

  return {
    engine, input, searchInput, focus, setFocus, shown, mode, error, note, grid, side, items, search, searchMatch,
    viewer, setViewer, widths, textLines, result, idColumn, actions, copy,
  };
}
