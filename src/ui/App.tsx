/**
 * The app shell: header, the four views (mounted on first visit, then kept, hidden, so they keep their state),
 * the status line, the help overlay, and the one keyboard handler, which hands every key to the command router.
 * The frame is exactly one row shorter than the terminal (Ink prints a newline after the last row), and it follows
 * the terminal's size.
 */
import type { DuckDBConnection, DuckDBInstance } from '../db/duckdb.js';
import { Box, Text, useApp, useStdout } from 'ink';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Archive } from '../archive/index.js';
import { headerInfo, type HeaderInfo } from '../db/reader-detail-queries.js';
import { CommandRouter, CommandRouterProvider, useCommands, useRegistry, type RunnableCommand } from './commands.js';
import { Bar, HeaderBar, HelpOverlay, type LoadFeed, LoadingPane, statusLine, VIEWS, ViewErrorBoundary, type ViewName } from './components/chrome.js';
import { ColorContext } from './components/Lines.js';
import { UiContext, type UiServices } from './context.js';
import { useKeyPress } from './key-input.js';
import { GLOBAL_SCOPE, splitKeys, visibleHints, type Command } from './keymap.js';
import { ReaderView, type ReaderRequest } from './reader/ReaderView.js';
import { canOpenLocally, openExternally, osc52 } from './terminal.js';
import type { AppServices } from './types.js';
import { ProfileView } from './views/ProfileView.js';
import { SqlView } from './views/SqlView.js';
import { StatsView } from './views/StatsView.js';

export const MIN_COLUMNS = 40;
export const MIN_ROWS = 10;

export interface AppProps {
  db: { conn: DuckDBConnection; instance: DuckDBInstance; searchIndex?: () => DuckDBConnection | undefined };
  /** Opens the archive (media, raw JSON) on first use; null when there is none. */
  archive: (() => Promise<Archive>) | null;
  archiveId: string;
  /** The archive's path as opened now: .export never writes it or inside it. */
  archivePath?: string;
  timeZone: string;
  color: boolean;
  /** Set while the archive loads and `db` is its preview; null (or absent) once `db` is the whole archive. */
  loading?: LoadFeed | null;
  /** Size to use when the output stream does not report one (tests). */
  size?: { columns: number; rows: number };
  /** Overrides for tests: whether and how to open things, and where OSC 52 goes. */
  canOpen?: boolean;
  open?: (target: string) => Promise<boolean>;
  writeRaw?: (data: string) => void;
}

function useTerminalSize(fallback?: { columns: number; rows: number }): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const read = useCallback(
    () => ({ columns: stdout.rows ? stdout.columns || 80 : (fallback?.columns ?? stdout.columns ?? 80), rows: stdout.rows || fallback?.rows || 24 }),
    [stdout, fallback?.columns, fallback?.rows],
  );
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    onResize();
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, read]);
  return size;
}

export function App(props: AppProps) {
  const router = useMemo(() => new CommandRouter(), []);
  return (
    <CommandRouterProvider router={router}>
      <ColorContext.Provider value={props.color}>
        <Shell {...props} router={router} />
      </ColorContext.Provider>
    </CommandRouterProvider>
  );
}

function Shell(props: AppProps & { router: CommandRouter }) {
  const { router } = props;
  const { exit } = useApp();
  const { stdout } = useStdout();
  const { columns, rows } = useTerminalSize(props.size);
  const [view, setView] = useState<ViewName>('posts');
  const [visited, setVisited] = useState<ReadonlySet<ViewName>>(new Set(['posts']));
  const [help, setHelp] = useState<{ commands: Command[]; scopes: string[] } | null>(null);
  const [message, setMessage] = useState('');
  const [info, setInfo] = useState('');
  const [header, setHeader] = useState<HeaderInfo | null>(null);
  const [readerRequest, setReaderRequest] = useState<ReaderRequest | undefined>(undefined);
  const [sqlRequest, setSqlRequest] = useState<{ sql: string; id: number } | undefined>(undefined);
  const seq = useRef(0);
  const viewRef = useRef<ViewName>(view);
  viewRef.current = view;
  const registry = useRegistry();

  const show = useCallback((name: ViewName) => {
    setView(name);
    setInfo('');
    setVisited((v) => (v.has(name) ? v : new Set([...v, name])));
  }, []);

  const feed = props.loading ?? null;
  const loading = feed !== null;
  const app: AppServices = useMemo(
    () => ({
      conn: props.db.conn,
      instance: props.db.instance,
      searchIndex: props.db.searchIndex,
      archiveId: props.archiveId,
      archivePath: props.archivePath,
      timeZone: props.timeZone,
      color: props.color,
      loading,
      openPost: (postId: string) => {
        setReaderRequest({ seq: ++seq.current, type: 'post', id: postId, returnTo: viewRef.current });
        show('posts');
      },
      openTimeline: (title: string, postIds: string[]) => {
        setReaderRequest({ seq: ++seq.current, type: 'timeline', title, ids: postIds });
        show('posts');
      },
      openSqlWithQuery: (sql: string) => {
        setSqlRequest({ sql, id: ++seq.current });
        show('sql');
      },
      setStatus: (text: string) => setMessage(text),
    }),
    [props.db.conn, props.db.instance, props.db.searchIndex, props.archiveId, props.archivePath, props.timeZone, props.color, loading, show],
  );
  const appWithSql = useMemo(() => (sqlRequest ? { ...app, sqlRequest } : app), [app, sqlRequest]);

  const writeRaw = props.writeRaw ?? ((data: string) => void stdout.write(data));
  const ui: UiServices = useMemo(
    () => ({
      archive: props.archive,
      account: { acct: header?.acct ?? null, displayName: header?.displayName ?? null },
      copy: (text: string) => writeRaw(osc52(text)),
      canOpen: props.canOpen ?? canOpenLocally(),
      open: props.open ?? openExternally,
      setInfo,
    }),
    [props.archive, header, props.canOpen, props.open], // eslint-disable-line react-hooks/exhaustive-deps
  );

  useEffect(() => {
    let live = true;
    headerInfo(props.db.conn, props.archiveId).then((h) => live && setHeader(h), () => undefined);
    return () => {
      live = false;
    };
  }, [props.db.conn, props.archiveId]);

  const openHelp = () => setHelp({ commands: router.active().map(({ run: _run, ...c }) => c), scopes: router.activeScopes() });
  const cycle = (delta: number) => show(VIEWS[(VIEWS.findIndex((v) => v.name === view) + delta + VIEWS.length) % VIEWS.length]!.name);
  const global: RunnableCommand[] = [
    { id: 'app.help', keys: ['?', 'f1'], description: 'help: the keys that work here', scope: GLOBAL_SCOPE, hint: true, run: openHelp },
    ...VIEWS.map((v) => ({ id: `app.view-${v.name}`, keys: [v.key], description: `${v.label} view`, scope: GLOBAL_SCOPE, run: () => show(v.name) })),
    { id: 'app.next-view', keys: ['tab'], description: 'next view', scope: GLOBAL_SCOPE, run: () => cycle(1) },
    { id: 'app.prev-view', keys: ['shift+tab'], description: 'previous view', scope: GLOBAL_SCOPE, run: () => cycle(-1) },
    { id: 'app.quit', keys: ['q'], description: 'quit (inside a post or a list q goes back)', scope: GLOBAL_SCOPE, hint: true, run: () => exit() },
    { id: 'app.force-quit', keys: ['ctrl+c'], description: 'quit at once, from anywhere', scope: GLOBAL_SCOPE, inInput: true, run: () => exit() },
  ];
  useCommands(GLOBAL_SCOPE, global, { active: true });

  useKeyPress((name, input, key) => {
    // Several keys in one chunk are run one by one, unless a text input has the focus (then it is a paste).
    const names = name !== '' ? [name] : router.inputFocused || key.meta || key.ctrl ? [] : splitKeys(input);
    if (names.length === 0) return;
    if (!router.inputFocused) setMessage('');
    router.dispatch(names[0]!);
    // The rest one at a time, each after the screen has caught up with the one before.
    const rest = names.slice(1);
    const next = () => {
      const n = rest.shift();
      if (n === undefined) return;
      router.dispatch(n);
      setTimeout(next, 0);
    };
    if (rest.length > 0) setTimeout(next, 0);
  });

  const width = columns;
  const frame = Math.max(1, rows - 1);
  if (columns < MIN_COLUMNS || frame < MIN_ROWS) {
    return (
      <Box width={width} height={frame} overflow="hidden">
        <Text wrap="truncate-end">{`mastotui needs ${MIN_COLUMNS}x${MIN_ROWS + 1} at least (this is ${columns}x${rows}); q quits`}</Text>
      </Box>
    );
  }
  const bodyHeight = frame - 2;
  const hints = visibleHints(registry.commands).filter((c) => !registry.inputFocused || c.inInput || c.keys.includes('escape'));
  const viewActive = (name: ViewName) => view === name && help === null;
  // While the archive loads, the views that need all of it wait (they mount, fresh, on the whole archive).
  const pane = (name: ViewName, label: string, node: ReactNode) =>
    visited.has(name) && (
      <Box key={name} display={viewActive(name) ? 'flex' : 'none'} width={width} height={bodyHeight} overflow="hidden">
        <ViewErrorBoundary name={label} width={width}>
          {feed && name !== 'posts' ? <LoadingPane label={label} feed={feed} width={width} height={bodyHeight} /> : node}
        </ViewErrorBoundary>
      </Box>
    );
  const viewProps = (name: ViewName) => ({ width, height: bodyHeight, active: viewActive(name), app: appWithSql });
  return (
    <UiContext.Provider value={ui}>
      <Box flexDirection="column" width={width} height={frame} overflow="hidden">
        <HeaderBar info={header} view={view} width={width} feed={feed} />
        <Box width={width} height={bodyHeight} overflow="hidden" flexDirection="column">
          {pane('posts', 'Posts', <ReaderView {...viewProps('posts')} request={readerRequest} onReturn={(v) => VIEWS.some((x) => x.name === v) && v !== 'posts' && show(v as ViewName)} />)}
          {pane('stats', 'Stats', <StatsView {...viewProps('stats')} />)}
          {pane('sql', 'SQL', <SqlView {...viewProps('sql')} />)}
          {pane('profile', 'Profile', <ProfileView {...viewProps('profile')} />)}
          {help && <HelpOverlay commands={help.commands} scopes={help.scopes} width={width} height={bodyHeight} onClose={() => setHelp(null)} />}
        </Box>
        <Bar line={statusLine(help ? 'Help' : info, message, hints, width)} width={width} />
      </Box>
    </UiContext.Provider>
  );
}
