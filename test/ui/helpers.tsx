/** Rendering the app on the sample archive in a fake terminal, and driving it with keys. */
import './force-color.js';
import { render } from 'ink-testing-library';
import { openArchiveDatabase, type OpenedArchive } from '../../src/db/cache.js';
import { lockDown } from '../../src/db/connection.js';
import { App } from '../../src/ui/App.js';
import type { LoadFeed } from '../../src/ui/components/chrome.js';

export const SAMPLE = 'fixtures/sample';

export async function openSample(path = SAMPLE, timeZone = 'UTC'): Promise<OpenedArchive> {
  const opened = await openArchiveDatabase(path, { cache: false });
  await lockDown(opened.db.conn, timeZone);
  return opened;
}

export const KEYS = {
  enter: '\r',
  escape: '\u001b',
  tab: '\t',
  down: '\u001b[B',
  up: '\u001b[A',
  pageDown: '\u001b[6~',
  pageUp: '\u001b[5~',
  home: '\u001b[H',
  end: '\u001b[F',
  f1: '\u001bOP',
  ctrlC: '\u0003',
  backspace: '\u007f',
} as const;

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const stripStyles = (s: string): string => s.replace(/\u001b\[[0-9;]*m/g, '');

export interface Harness {
  /** The last frame without its styling. */
  frame(): string;
  /** The last frame as written, styling included. */
  raw(): string;
  /** The text of the row drawn in inverse video (the selection), '' when none. */
  selected(): string;
  press(...keys: string[]): Promise<void>;
  /** One key, and only as long a pause as a synchronous redraw needs. */
  key(k: string): Promise<void>;
  type(text: string): Promise<void>;
  waitFor(check: (frame: string) => boolean, what?: string, timeoutMs?: number): Promise<string>;
  resize(columns: number, rows: number): Promise<void>;
  copied: string[];
  opened: string[];
  /** Renders the app again on another database, without a load under way (a preview's whole archive). */
  swap(opened: OpenedArchive): Promise<void>;
  unmount(): void;
}

export async function renderApp(
  opened: OpenedArchive,
  options: { columns?: number; rows?: number; timeZone?: string; color?: boolean; canOpen?: boolean; loading?: LoadFeed } = {},
): Promise<Harness> {
  const copied: string[] = [];
  const openedTargets: string[] = [];
  const columns = options.columns ?? 80;
  const rows = options.rows ?? 24;
  const app = (o: OpenedArchive, loading: LoadFeed | null) => (
    <App
      db={{ conn: o.db.conn, instance: o.db.instance }}
      archive={o.archive}
      archiveId={o.archiveId}
      timeZone={options.timeZone ?? 'UTC'}
      color={options.color ?? true}
      size={{ columns, rows }}
      canOpen={options.canOpen ?? false}
      loading={loading}
      open={async (t) => {
        openedTargets.push(t);
        return true;
      }}
      writeRaw={(d) => {
        copied.push(d);
      }}
    />
  );
  const r = render(app(opened, options.loading ?? null));
  const raw = () => r.lastFrame() ?? '';
  const frame = () => stripStyles(raw());
  const h: Harness = {
    frame,
    raw,
    selected: () => stripStyles(raw().split('\n').find((l) => l.includes('\u001b[7m')) ?? '').trim(),
    copied,
    opened: openedTargets,
    async press(...keys) {
      for (const k of keys) {
        r.stdin.write(k);
        // A lone Escape is only known to be one after a pause (it could start a sequence).
        await tick(k === KEYS.escape ? 30 : 5);
      }
      await tick(20);
    },
    async key(k) {
      r.stdin.write(k);
      await tick(3);
    },
    async type(text) {
      // One key at a time, each after the last one is drawn, as people type: ink-text-input reads its value from
      // its last render, so keys faster than the screen can catch up with would race it.
      for (const ch of text) {
        const before = r.frames.length;
        r.stdin.write(ch);
        for (let i = 0; i < 50 && r.frames.length === before; i++) await tick(5);
        await tick(15);
      }
      await tick(20);
    },
    async waitFor(check, what = 'the expected frame', timeoutMs = 5000) {
      const start = Date.now();
      while (Date.now() - start < timeoutMs) {
        const f = frame();
        if (check(f)) return f;
        await tick(20);
      }
      throw new Error(`timed out waiting for ${what}; last frame:\n${frame()}`);
    },
    async resize(c, rw) {
      Object.defineProperty(r.stdout, 'columns', { value: c, configurable: true });
      Object.defineProperty(r.stdout, 'rows', { value: rw, configurable: true });
      r.stdout.emit('resize');
      await tick(50);
    },
    async swap(o) {
      r.rerender(app(o, null));
      await tick(20);
    },
    unmount: () => r.unmount(),
  };
  return h;
}
