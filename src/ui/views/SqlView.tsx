/**
 * View 3, the SQL pane: a query input (history, Ctrl-R search, Tab completion, $EDITOR), the result as a grid or
 * in the chosen mode's text, errors inline with their position, a side list of example queries and tables, and a
 * viewer for whole cells and records. Results with post ids open in the reader. Never taller than `height`.
 */
import { Box } from 'ink';
import { useEffect, useRef, useState } from 'react';
import { sanitizeText } from '../../content/sanitize.js';
import { textWidth } from '../../content/width.js';
import { cellDetail, recordDetail } from '../../sql/grid.js';
import { useCommands, useTextInputFocus, type RunnableCommand } from '../commands.js';
import { LineRow, Lines } from '../components/Lines.js';
import { DocPane, titleLine } from '../components/panes.js';
import { useStatusInfo } from '../context.js';
import { gridLines, textLines as textRows } from '../sql/grid-lines.js';
import { inputRows, QueryInput } from '../sql/QueryInput.js';
import { sideExplanation, sideLine } from '../sql/side-list.js';
import { paneCommands, SCOPE } from '../sql/sql-commands.js';
import { usePaneState, type ShownError } from '../sql/usePaneState.js';
import { hardWrap, seg, truncate, wrapText, type Line } from '../text.js';
import type { ViewProps } from '../types.js';

const PROMPT = 'sql> ';
const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
/** Width from which the side list stays on screen beside the result. */
const SIDE_BESIDE = 100;

function errorLines(error: ShownError, width: number): Line[] {
  const where = error.line !== undefined ? ` (line ${error.line}, column ${error.column})` : '';
  const lines: Line[] = wrapText(`✗ ${sanitizeText(error.message)}${where}`, width, 'error').slice(0, 3);
  if (error.hint) lines.push(...wrapText(sanitizeText(error.hint), width, 'dim', 2).slice(0, 2));
  if (error.line !== undefined && error.column !== undefined) {
    const source = sanitizeText(error.sql.split('\n')[error.line - 1] ?? '');
    const label = `  ${error.line} │ `;
    // Keep the marked column on screen: start the shown part of the line a little before it.
    const skip = Math.max(0, error.column - 1 - Math.max(0, width - label.length - 20));
    const shownText = [...source].slice(skip).join('');
    const before = [...source].slice(skip, error.column - 1).join('');
    lines.push([seg(label, 'dim'), seg(shownText)]);
    lines.push([seg(' '.repeat(label.length + textWidth(before))), seg('^', 'error')]);
  }
  return lines;
}

export function SqlView({ width, height, active, app }: ViewProps) {
  const [tick, setTick] = useState(0);
  const sideWidth = width >= SIDE_BESIDE ? Math.min(36, Math.floor(width * 0.3)) : 0;
  const mainWidth = sideWidth > 0 ? width - sideWidth - 1 : width;

  // Rows: the input, one note line, the error block, then the result (title + grid) in what is left. The actions
  // read the grid's size when a key is pressed, from this object, updated on every render.
  const geometry = useRef({ gridRows: 1, resultWidth: mainWidth }).current;
  const s = usePaneState(app, geometry);
  const running = s.engine.running;
  const inputWidth = Math.max(1, mainWidth - PROMPT.length);
  const maxInput = Math.max(1, Math.min(6, height - 4));
  const inputHeight = Math.min(maxInput, s.focus === 'search' ? 1 : inputRows(s.input.value, inputWidth));
  const error = s.error ? errorLines(s.error, mainWidth).slice(0, Math.max(0, height - inputHeight - 3)) : [];
  const resultRows = Math.max(0, height - inputHeight - 1 - error.length);
  const gridRows = Math.max(1, resultRows - 3);
  geometry.gridRows = gridRows;
  geometry.resultWidth = mainWidth;

  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setTick((t) => t + 1), 100);
    return () => clearInterval(timer);
  }, [running]);

  const viewerOpen = s.viewer !== undefined && s.result !== undefined;
  const paneActive = active && !viewerOpen;
  useTextInputFocus(paneActive && (s.focus === 'input' || s.focus === 'search'));
  const commands: RunnableCommand[] = paneCommands(s.focus, s.actions, { running: running !== undefined, hasPostIds: s.idColumn !== undefined });
  useCommands(SCOPE, commands, { active: paneActive });

  const result = s.result;
  const rowCount = result?.rows.length ?? 0;
  const info = result
    ? `SQL · ${result.truncated ? `first ${rowCount.toLocaleString('en')} rows (more exist)` : `${rowCount.toLocaleString('en')} ${rowCount === 1 ? 'row' : 'rows'}`} · ${formatMs(result.elapsedMs)}${s.focus === 'grid' && s.mode === 'table' ? ` · row ${Math.min(rowCount, s.grid.row + 1)}/${rowCount}, column ${s.grid.col + 1}/${result.columns.length}` : ''}`
    : 'SQL';
  useStatusInfo(info, active);

  if (viewerOpen && result) {
    const record = s.viewer === 'record';
    const column = result.columns[s.grid.col]!;
    const text = record ? recordDetail(result, s.grid.row, app.timeZone) : cellDetail(result.rows[s.grid.row]?.[s.grid.col] ?? null, column, app.timeZone);
    const viewerCommands: RunnableCommand[] = [
      { id: 'sql-viewer.toggle', keys: ['r', 'v'], description: record ? 'show the cell' : 'show the whole row', scope: 'sql-viewer', hint: true, run: () => s.setViewer(record ? 'cell' : 'record') },
      { id: 'sql-viewer.copy', keys: ['y'], description: 'copy it', scope: 'sql-viewer', hint: true, run: () => s.copy(text, record ? 'the row' : 'the cell') },
    ];
    return (
      <DocPane
        key={`${s.viewer}-${s.grid.row}-${s.grid.col}`}
        scope="sql-viewer"
        title={record ? `row ${s.grid.row + 1}` : sanitizeText(column.name)}
        detail={record ? `${result.columns.length} columns` : sanitizeText(column.type)}
        lines={!record && column.type === 'VARCHAR' ? wrapText(text, width) : hardWrap(text, width)}
        width={width}
        height={height}
        active={active}
        onBack={() => s.setViewer(undefined)}
        backLabel="close"
        commands={viewerCommands}
      />
    );
  }

  // The line under the input: the running query, a note, or the history search.
  let noteLine: Line;
  if (running) {
    const seconds = ((Date.now() - running.started) / 1000).toFixed(1);
    noteLine = [seg(`${SPINNER[tick % SPINNER.length]} running… ${seconds} s`, 'bold'), seg('  Ctrl-C cancels', 'dim')];
  } else if (s.focus === 'search') {
    noteLine = s.searchMatch
      ? [seg('match: ', 'dim'), seg(sanitizeText(s.searchMatch.entry))]
      : [seg(s.searchInput.value ? 'no match' : 'type to search the history; Ctrl-R older, Enter takes it, Esc back', 'dim')];
  } else if (s.note) {
    noteLine = [seg(sanitizeText(s.note.text), s.note.style)];
  } else if (s.focus === 'side') {
    noteLine = [seg(sanitizeText(sideExplanation(s.items[s.side.index])), 'dim')];
  } else if (!s.engine.catalog) {
    noteLine = [seg('reading the list of tables…', 'dim')];
  } else {
    noteLine = [seg(s.shown ? '' : 'Enter runs · Tab completes · ↑↓ history · F2 tables and examples · .help', 'dim')];
  }

  const showSide = sideWidth > 0 || s.focus === 'side';
  const sideBox = (w: number, h: number) => {
    const listRows = Math.max(1, h - 1);
    const top = Math.max(0, Math.min(s.side.index - Math.floor(listRows / 2), s.items.length - listRows));
    const lines = s.items.slice(top, top + listRows).map(sideLine);
    return (
      <Box flexDirection="column" width={w} height={h} overflow="hidden">
        <Lines lines={lines} width={w} height={listRows} selected={s.focus === 'side' ? s.side.index - top : undefined} />
        <LineRow line={[seg(s.focus === 'side' ? '' : 'F2: go to the list', 'dim')]} width={w} />
      </Box>
    );
  };

  let resultBlock: React.ReactNode;
  const titleRow = (title: string, detail: string) => {
    // The title (the query's first line) gives way to the row count and time.
    const room = Math.max(1, mainWidth - textWidth(detail) - 2);
    return <LineRow line={titleLine(truncate(sanitizeText(title), room), detail, '', mainWidth)} width={mainWidth} />;
  };
  if (sideWidth === 0 && s.focus === 'side') {
    resultBlock = sideBox(mainWidth, resultRows);
  } else if (s.shown && s.textLines) {
    const detail = s.shown.kind === 'text' ? '' : `${s.mode} · ${rowCount} ${rowCount === 1 ? 'row' : 'rows'} · ${formatMs(result?.elapsedMs ?? 0)}`;
    resultBlock = (
      <Box flexDirection="column" width={mainWidth} height={resultRows} overflow="hidden">
        {titleRow(s.shown.title, detail)}
        <Lines lines={textRows(s.textLines, s.grid.top, s.grid.left, resultRows - 1)} width={mainWidth} height={resultRows - 1} />
      </Box>
    );
  } else if (result) {
    const lines = gridLines({ result, widths: s.widths, timeZone: app.timeZone, ...s.grid, focused: s.focus === 'grid' }, mainWidth, gridRows);
    const detail = `${result.truncated ? `first ${rowCount.toLocaleString('en')} rows, more exist` : `${rowCount.toLocaleString('en')} ${rowCount === 1 ? 'row' : 'rows'}`} · ${formatMs(result.elapsedMs)}`;
    resultBlock = (
      <Box flexDirection="column" width={mainWidth} height={resultRows} overflow="hidden">
        {titleRow(s.shown?.title ?? '', detail)}
        <Lines lines={lines} width={mainWidth} height={resultRows - 1} selected={s.focus === 'grid' ? 2 + s.grid.row - s.grid.top : undefined} />
      </Box>
    );
  } else {
    resultBlock = <Box width={mainWidth} height={resultRows} />;
  }

  const inputBox =
    s.focus === 'search' ? (
      <QueryInput input={s.searchInput} prompt="history search: " width={mainWidth} height={1} focus={paneActive} />
    ) : (
      <QueryInput
        input={s.input}
        prompt={PROMPT}
        width={mainWidth}
        height={inputHeight}
        focus={paneActive && s.focus === 'input'}
        placeholder="select … from posts (Enter runs, .help)"
      />
    );

  return (
    <Box width={width} height={height} overflow="hidden" flexDirection="row">
      <Box flexDirection="column" width={mainWidth} height={height} overflow="hidden">
        {inputBox}
        <LineRow line={noteLine} width={mainWidth} />
        {error.length > 0 && <Lines lines={error} width={mainWidth} height={error.length} />}
        {resultBlock}
      </Box>
      {sideWidth > 0 && showSide && (
        <Box width={sideWidth + 1} height={height} overflow="hidden" flexDirection="row">
          <Box width={1} height={height} overflow="hidden">
            <Lines lines={Array.from({ length: height }, () => [seg('│', 'dim')])} width={1} height={height} />
          </Box>
          {sideBox(sideWidth, height)}
        </Box>
      )}
    </Box>
  );
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.max(0, Math.round(ms))} ms` : `${(ms / 1000).toFixed(1)} s`;
}
