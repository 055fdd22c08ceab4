/**
 * The Stats view (key 2): the dashboard of src/stats for one period, scrolled as a document. ←/→ (or [ ]) step
 * through all time and each year with activity; n/N select the next/previous tile; Enter opens the selected
 * tile's query, with the period written in, in the SQL view. Always exactly `height` rows: a title row, then the
 * dashboard's lines.
 */
import { Box } from 'ink';
import { useEffect, useMemo, useRef, useState } from 'react';
import { statsQuery, statsQueryText } from '../../db/stats-queries.js';
import type { ChartLine, Tone } from '../../stats/chart.js';
import { ALL_TIME, periodParams, stepPeriod, type Period } from '../../stats/period.js';
import { renderStatsLines } from '../../stats/render.js';
import { loadStats } from '../../stats/run.js';
import type { StatsData } from '../../stats/types.js';
import type { RunnableCommand } from '../commands.js';
import { useCommands } from '../commands.js';
import { LineRow, Lines } from '../components/Lines.js';
import { movementCommands, moveDoc, type Move } from '../components/navigation.js';
import { useStatusInfo } from '../context.js';
import { clampScroll, scrollTo, selectTile, type StatsScroll } from '../stats/scroll.js';
import { seg, type Line, type Style } from '../text.js';
import type { ViewProps } from '../types.js';

const TONE_STYLE: Record<Tone, Style> = {
  text: 'text',
  dim: 'dim',
  bold: 'bold',
  heading: 'heading',
  bar: 'bar',
  boost: 'mention',
  heat: 'code',
};

/** A dashboard line as a screen line (the same text; tones become the shell's styles). */
export function toScreenLine(line: ChartLine): Line {
  return line.map((s) => seg(s.text, TONE_STYLE[s.tone ?? 'text']));
}

interface LoadState {
  data: StatsData | null;
  /** The period being loaded, when a load is under way. */
  loading: Period | null;
  error: string | null;
}

export function StatsView({ width, height, active, app }: ViewProps) {
  const [period, setPeriod] = useState<Period>(ALL_TIME);
  const [state, setState] = useState<LoadState>({ data: null, loading: ALL_TIME, error: null });
  const [scroll, setScroll] = useState<StatsScroll>({ top: 0, selected: 0 });
  const request = useRef(0);

  useEffect(() => {
    const id = ++request.current;
    setState((s) => ({ ...s, loading: period, error: null }));
    loadStats(app.conn, { period, instance: app.instance, fallbackTimeZone: app.timeZone }).then(
      (data) => {
        if (id !== request.current) return;
        setState({ data, loading: null, error: null });
      },
      (error: unknown) => {
        if (id !== request.current) return;
        setState((s) => ({ ...s, loading: null, error: error instanceof Error ? error.message.split('\n')[0]! : String(error) }));
      },
    );
  }, [app.conn, app.instance, app.timeZone, period]);

  const contentHeight = Math.max(0, height - 1);
  const data = state.data;
  const rendered = useMemo(() => (data ? renderStatsLines(data, { width }) : { lines: [], tiles: [] }), [data, width]);
  const { tiles } = rendered;
  const total = rendered.lines.length;
  const current = clampScroll(scroll, tiles, total, contentHeight);
  const selectedTile = tiles[current.selected];
  // The selected tile's title is marked ('▶') as well as drawn in inverse, so it shows in monochrome too.
  const lines = useMemo(
    () => (data && selectedTile ? renderStatsLines(data, { width, selected: selectedTile.name }).lines : rendered.lines).map(toScreenLine),
    [data, width, selectedTile, rendered.lines],
  );

  const move = (m: Move) => setScroll((s) => {
    const c = clampScroll(s, tiles, total, contentHeight);
    return scrollTo(c, moveDoc(c.top, m, total, Math.max(1, contentHeight)), tiles, total, contentHeight);
  });
  const select = (delta: number) => setScroll((s) => selectTile(clampScroll(s, tiles, total, contentHeight), delta, tiles, total, contentHeight));
  const step = (delta: -1 | 1) => {
    setPeriod((p) => stepPeriod(p, delta, data?.years ?? []));
    setScroll({ top: 0, selected: 0 });
  };
  const openQuery = () => {
    if (!selectedTile) return app.setStatus('no tile to open');
    const query = statsQuery(selectedTile.name);
    if (!query) return app.setStatus(`${selectedTile.title} has no query`);
    const shown = data?.period ?? period;
    app.openSqlWithQuery(statsQueryText(query, { ...periodParams(shown), label: shown.label }));
  };

  const commands: RunnableCommand[] = [
    { id: 'stats.open-sql', keys: ['enter'], description: "query: open the selected tile's query in the SQL view", scope: 'stats', hint: true, run: openQuery },
    { id: 'stats.next-period', keys: ['right', ']', 'l'], description: 'period: next (all time, then each year)', scope: 'stats', hint: true, run: () => step(1) },
    { id: 'stats.prev-period', keys: ['left', '[', 'h'], description: 'period: previous', scope: 'stats', run: () => step(-1) },
    { id: 'stats.all-time', keys: ['a'], description: 'period: all time', scope: 'stats', run: () => { setPeriod(ALL_TIME); setScroll({ top: 0, selected: 0 }); } },
    { id: 'stats.next-tile', keys: ['n', '}'], description: 'tile: select the next one', scope: 'stats', hint: true, run: () => select(1) },
    { id: 'stats.prev-tile', keys: ['N', '{'], description: 'tile: select the previous one', scope: 'stats', run: () => select(-1) },
    ...movementCommands('stats', 'doc', move),
  ];
  useCommands('stats', commands, { active });

  const tileInfo = selectedTile ? `${current.selected + 1}/${tiles.length} ${selectedTile.title}` : '';
  useStatusInfo(tileInfo, active);

  const shownPeriod = state.loading ?? data?.period ?? period;
  const status = state.error ? '' : state.loading ? 'loading…' : total > contentHeight ? `${current.top + 1}-${Math.min(total, current.top + contentHeight)}/${total}` : '';
  const title: Line = [
    seg('Stats', 'heading'),
    seg(`  ◂ ${shownPeriod.label} ▸`, 'bold'),
    seg(data ? `  times in ${data.timeZone}` : '', 'dim'),
  ];
  const titleWidth = title.reduce((w, s) => w + [...s.text].length, 0);
  if (status && titleWidth + status.length + 1 <= width) {
    title.push(seg(' '.repeat(width - titleWidth - status.length)), seg(status, 'dim'));
  }

  let body: Line[];
  if (state.error) body = [[seg(`Could not compute the stats: ${state.error}`, 'error')]];
  else if (!data) body = [[seg('computing…', 'dim')]];
  else body = lines.slice(current.top, current.top + contentHeight);
  const selectedRow = selectedTile && !state.error ? selectedTile.start - current.top : undefined;

  if (height <= 0) return null;
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <LineRow line={title} width={width} />
      <Lines
        lines={body}
        width={width}
        height={contentHeight}
        selected={selectedRow !== undefined && selectedRow >= 0 && selectedRow < contentHeight ? selectedRow : undefined}
      />
    </Box>
  );
}
