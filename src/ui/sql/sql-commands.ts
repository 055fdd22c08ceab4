/**
 * The SQL pane's key bindings, per focus: the query input (keys marked inInput, since ink-text-input has the
 * printable ones), the history search, the result grid and the side list.
 */
import type { RunnableCommand } from '../commands.js';
import { movementCommands, type Move } from '../components/navigation.js';
import { EXAMPLE_QUERIES } from '../../db/sql/examples.js';

export const SCOPE = 'sql';

export interface PaneActions {
  run(): void;
  cancel(): void;
  historyUp(): void;
  historyDown(): void;
  clearInput(): void;
  deleteWord(): void;
  ignoreKey(): void;
  complete(): void;
  startSearch(): void;
  editor(): void;
  exportPrompt(): void;
  focusSide(): void;
  leaveInput(): void;
  searchOlder(): void;
  searchAccept(): void;
  searchCancel(): void;
  gridMove(move: Move): void;
  gridColumn(delta: number): void;
  gridOpen(): void;
  gridView(): void;
  gridTimeline(): void;
  copyCell(): void;
  copyRow(): void;
  focusInput(): void;
  sideMove(delta: number): void;
  sideEnter(): void;
  sideOpen(open: boolean): void;
  runExample(index: number): void;
}

const command = (
  id: string,
  keys: string[],
  description: string,
  run: () => void,
  extra: { hint?: boolean; inInput?: boolean } = {},
): RunnableCommand => ({ id: `${SCOPE}.${id}`, keys, description, scope: SCOPE, run, ...extra });

/** Ctrl keys with no use in the query input: without a binding ink-text-input would type their letter. */
const IGNORED_CTRL = 'abdfgklostvyz'.split('');

function ignoredCtrlKeys(a: PaneActions): RunnableCommand[] {
  return [command('ignore-ctrl', IGNORED_CTRL.map((l) => `ctrl+${l}`), 'nothing: other Ctrl keys are ignored in the input', a.ignoreKey, { inInput: true })];
}

export function paneCommands(
  focus: 'input' | 'search' | 'grid' | 'side',
  a: PaneActions,
  state: { running: boolean; hasPostIds: boolean },
): RunnableCommand[] {
  const cancel = state.running ? [command('cancel', ['ctrl+c'], 'cancel the running query', a.cancel, { hint: true, inInput: true })] : [];
  const side = command('side', ['f2'], 'tables and example queries', a.focusSide, { hint: true, inInput: true });
  switch (focus) {
    case 'input':
      return [
        ...cancel,
        command('run', ['enter', 'ctrl+j', 'f5'], 'run the query', a.run, { hint: true, inInput: true }),
        command('complete', ['tab'], 'complete: keywords, tables, columns, functions (on an empty line: to the result)', a.complete, { hint: true, inInput: true }),
        command('history-up', ['up', 'ctrl+p'], 'older query from the history', a.historyUp, { inInput: true }),
        command('history-down', ['down', 'ctrl+n'], 'newer query from the history', a.historyDown, { inInput: true }),
        command('search', ['ctrl+r'], 'search the history', a.startSearch, { hint: true, inInput: true }),
        command('editor', ['ctrl+x'], 'edit the query in $EDITOR, then run it', a.editor, { hint: true, inInput: true }),
        command('export', ['ctrl+e'], 'export the result (.export FILE)', a.exportPrompt, { inInput: true }),
        side,
        command('leave', ['escape'], 'leave the input (to the result)', a.leaveInput, { inInput: true }),
        command('clear', ['ctrl+u'], 'clear the input', a.clearInput, { inInput: true }),
        command('delete-word', ['ctrl+w'], 'delete the last word', a.deleteWord, { inInput: true }),
        ...ignoredCtrlKeys(a),
      ];
    case 'search':
      return [
        command('search-older', ['ctrl+r'], 'older match', a.searchOlder, { hint: true, inInput: true }),
        command('search-accept', ['enter', 'ctrl+j'], 'take the match into the input', a.searchAccept, { hint: true, inInput: true }),
        command('search-cancel', ['escape'], 'back to the query as it was', a.searchCancel, { hint: true, inInput: true }),
      ];
    case 'grid':
      return [
        ...cancel,
        command('open', ['enter'], state.hasPostIds ? 'open the post in the reader' : 'show the cell', a.gridOpen, { hint: true }),
        ...(state.hasPostIds ? [command('timeline', ['t'], 'read the result as a timeline', a.gridTimeline, { hint: true })] : []),
        command('view', ['v'], 'show the whole cell or record', a.gridView, { hint: true }),
        command('copy-cell', ['y'], 'copy the cell (OSC 52)', a.copyCell, { hint: true }),
        command('copy-row', ['Y'], 'copy the row', a.copyRow),
        command('left', ['h', 'left'], 'column to the left', () => a.gridColumn(-1)),
        command('right', ['l', 'right'], 'column to the right', () => a.gridColumn(1)),
        command('input', ['i', 'escape', '/'], 'back to the query input', a.focusInput, { hint: true }),
        side,
        ...movementCommands(SCOPE, 'list', a.gridMove),
      ];
    case 'side':
      return [
        ...cancel,
        ...EXAMPLE_QUERIES.map((e, i) => command(`example-${e.key}`, [e.key], `run: ${e.title}`, () => a.runExample(i))),
        command('side-enter', ['enter'], 'run the example / query the table / insert the column', a.sideEnter, { hint: true }),
        command('side-down', ['down', 'j'], 'next item', () => a.sideMove(1)),
        command('side-up', ['up', 'k'], 'previous item', () => a.sideMove(-1)),
        command('side-pagedown', ['pagedown'], 'next page', () => a.sideMove(10)),
        command('side-pageup', ['pageup'], 'previous page', () => a.sideMove(-10)),
        command('side-open', ['right'], 'show the columns of the table', () => a.sideOpen(true)),
        command('side-close', ['left'], 'hide the columns', () => a.sideOpen(false)),
        command('side-leave', ['escape', 'i', 'f2'], 'back to the query input', a.focusInput, { hint: true }),
      ];
  }
}
