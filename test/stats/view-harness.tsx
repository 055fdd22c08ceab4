/**
 * The Stats view on its own, hosted as the App hosts it: the command router fed by useKeyPress, the status and
 * SQL requests recorded.
 */
import { render } from 'ink-testing-library';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { CommandRouter, CommandRouterProvider } from '../../src/ui/commands.js';
import { ColorContext } from '../../src/ui/components/Lines.js';
import { UiContext, type UiServices } from '../../src/ui/context.js';
import { useKeyPress } from '../../src/ui/key-input.js';
import type { AppServices } from '../../src/ui/types.js';
import { StatsView } from '../../src/ui/views/StatsView.js';

export const KEY = {
  enter: '\r',
  up: '\u001b[A',
  down: '\u001b[B',
  left: '\u001b[D',
  right: '\u001b[C',
  pageDown: '\u001b[6~',
  pageUp: '\u001b[5~',
};

function Keys({ router }: { router: CommandRouter }) {
  useKeyPress((name) => {
    if (name) router.dispatch(name);
  });
  return null;
}

const tick = (ms = 25) => new Promise((r) => setTimeout(r, ms));

export function renderStatsView(
  db: { conn: DuckDBConnection; instance: DuckDBInstance },
  size: { width: number; height: number; active?: boolean; color?: boolean },
) {
  const router = new CommandRouter();
  const sql: string[] = [];
  const status: string[] = [];
  const info: string[] = [];
  const app: AppServices = {
    conn: db.conn,
    instance: db.instance,
    archiveId: 'test',
    timeZone: 'UTC',
    color: size.color ?? false,
    loading: false,
    openPost: () => undefined,
    openTimeline: () => undefined,
    openSqlWithQuery: (text) => {
      sql.push(text);
    },
    setStatus: (text) => {
      status.push(text);
    },
  };
  const ui: UiServices = {
    archive: null,
    account: { acct: null, displayName: null },
    copy: () => undefined,
    canOpen: false,
    open: async () => false,
    setInfo: (text) => {
      info.push(text);
    },
  };
  const tree = (p: { width: number; height: number; active?: boolean; color?: boolean }) => (
    <CommandRouterProvider router={router}>
      <ColorContext.Provider value={p.color ?? false}>
        <UiContext.Provider value={ui}>
          <Keys router={router} />
          <StatsView width={p.width} height={p.height} active={p.active ?? true} app={app} />
        </UiContext.Provider>
      </ColorContext.Provider>
    </CommandRouterProvider>
  );
  const r = render(tree(size));
  const frame = () => r.lastFrame() ?? '';
  return {
    frame,
    sql,
    status,
    info,
    rerender: (p: { width: number; height: number; active?: boolean; color?: boolean }) => r.rerender(tree(p)),
    unmount: () => r.unmount(),
    async press(...keys: string[]) {
      for (const k of keys) {
        r.stdin.write(k);
        await tick();
      }
    },
    async until(check: (frame: string) => boolean, timeout = 5000): Promise<string> {
      const started = Date.now();
      for (;;) {
        const f = frame();
        if (check(f)) return f;
        if (Date.now() - started > timeout) throw new Error(`timed out; the frame is:\n${f}`);
        await tick(20);
      }
    },
  };
}
