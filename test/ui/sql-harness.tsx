/**
 * The SQL view on its own, as the App hosts it: the command router fed by useKeyPress (as the App's), a
 * clipboard and services that record what the view asked for, the sample archive loaded and locked down.
 */
import { render } from 'ink-testing-library';
import { vi } from 'vitest';
import { CommandRouter, CommandRouterProvider, useCommands } from '../../src/ui/commands.js';
import { ColorContext } from '../../src/ui/components/Lines.js';
import { UiContext, type UiServices } from '../../src/ui/context.js';
import { useKeyPress } from '../../src/ui/key-input.js';
import type { AppServices } from '../../src/ui/types.js';
import { SqlView } from '../../src/ui/views/SqlView.js';
import type { Sample } from '../sql/helpers.js';

export const KEY = {
  enter: '\r',
  ctrlJ: '\n',
  tab: '\t',
  up: '\u001b[A',
  down: '\u001b[B',
  left: '\u001b[D',
  right: '\u001b[C',
  escape: '\u001b',
  ctrlC: '\u0003',
  ctrlE: '\u0005',
  ctrlR: '\u0012',
  ctrlX: '\u0018',
  f2: '\u001bOQ',
  f5: '\u001b[15~',
  backspace: '\u007f',
};

function Keys({ router, onQuit }: { router: CommandRouter; onQuit: () => void }) {
  useCommands('global', [{ id: 'app.force-quit', keys: ['ctrl+c'], description: 'quit', scope: 'global', inInput: true, run: onQuit }], { active: true });
  useKeyPress((name) => {
    if (name) router.dispatch(name);
  });
  return null;
}

export function renderSql(sample: Sample, size = { width: 80, height: 24 }, services: Partial<AppServices> = {}) {
  const router = new CommandRouter();
  const calls = {
    openPost: vi.fn<(id: string) => void>(),
    openTimeline: vi.fn<(title: string, ids: string[]) => void>(),
    copy: vi.fn<(text: string) => void>(),
    quit: vi.fn<() => void>(),
    status: vi.fn<(text: string) => void>(),
  };
  const app: AppServices = {
    conn: sample.opened.db.conn,
    instance: sample.opened.db.instance,
    archiveId: sample.opened.archiveId,
    timeZone: 'UTC',
    color: false,
    loading: false,
    openPost: calls.openPost,
    openTimeline: calls.openTimeline,
    openSqlWithQuery: () => undefined,
    setStatus: calls.status,
    ...services,
  };
  const ui: UiServices = {
    archive: null,
    account: { acct: null, displayName: null },
    copy: calls.copy,
    canOpen: false,
    open: async () => false,
    setInfo: calls.status,
  };
  const tree = (props: { width: number; height: number; active?: boolean }) => (
    <CommandRouterProvider router={router}>
      <ColorContext.Provider value={false}>
        <UiContext.Provider value={ui}>
          <Keys router={router} onQuit={calls.quit} />
          <SqlView width={props.width} height={props.height} active={props.active ?? true} app={app} />
        </UiContext.Provider>
      </ColorContext.Provider>
    </CommandRouterProvider>
  );
  const rendered = render(tree(size));
  const frame = () => rendered.lastFrame() ?? '';
  return {
    ...rendered,
    calls,
    router,
    frame,
    rerenderWith: (props: { width: number; height: number; active?: boolean }) => rendered.rerender(tree(props)),
    /** Writes keys, one event each, and lets the view catch up. */
    async press(...keys: string[]) {
      for (const k of keys) {
        rendered.stdin.write(k);
        await tick();
      }
    },
    /** Waits until the frame satisfies `check` (or fails with the frame). */
    async until(check: (frame: string) => boolean, timeout = 10_000): Promise<string> {
      const started = Date.now();
      for (;;) {
        const f = frame();
        if (check(f)) return f;
        if (Date.now() - started > timeout) throw new Error(`timed out; the frame is:\n${f}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

/** The frame without colour and style sequences. */
export function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

export function tick(ms = 30): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
