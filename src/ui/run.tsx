/**
 * Entry point of the interactive app: runApp(opened, { timeZone }) -> exit code.
 *
 * It owns the terminal while the app runs: the alternate screen (entered before the first frame, left on every way
 * out: q, Ctrl-C, SIGTERM/SIGHUP/SIGINT, a crash), the hidden cursor (shown again), raw mode (Ink restores it),
 * and NO_COLOR. A crash leaves a one-line message on the normal screen and exit code 1.
 */
import { render } from 'ink';
import type { OpenedArchive } from '../db/cache.js';
import type { DuckDBConnection } from '../db/duckdb.js';
import type { LoadProgress } from '../db/load.js';
import { App } from './App.js';
import type { LoadFeed, LoadState } from './components/chrome.js';
import { QueryTracker } from './query-tracker.js';

/** A load still under way while the app shows its preview. */
export interface PendingLoad {
  /** The whole archive, when loaded (it rejects when the load fails: the app then ends, and the caller reports it). */
  done: Promise<OpenedArchive>;
  /** Registers for the load's progress. */
  onProgress(listener: (p: LoadProgress) => void): void;
  /** Items in the preview. */
  previewItems: number;
}

/**
 * The header's loading figure is redrawn at most this often: each redraw takes the time of the thread that appends
 * (redrawing the whole app four times a second made the 100k load 0.4 s longer; now only the header redraws).
 */
const PROGRESS_REDRAW_MS = 500;

const ENTER_ALT = '\u001b[?1049h\u001b[H\u001b[2J';
const LEAVE_ALT = '\u001b[?25h\u001b[?1049l';

/** Colour unless NO_COLOR is set to something (https://no-color.org), or the terminal is "dumb". */
export function wantsColor(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return env.TERM !== 'dumb';
}

/**
 * Runs the app on `opened` until the user quits. With `pending`, `opened` is a preview: the app shows it with the
 * load's progress, then swaps in the whole archive when `pending.done` resolves, closing the preview.
 */
export async function runApp(
  opened: OpenedArchive,
  options: { timeZone: string; pending?: PendingLoad; searchIndex?: () => DuckDBConnection | undefined },
): Promise<number> {
  const stdout = process.stdout;
  const stderr = process.stderr;
  let left = false;
  const leave = () => {
    if (left) return;
    left = true;
    try {
      stdout.write(LEAVE_ALT);
    } catch {
      // the terminal is gone; nothing to restore
    }
  };

  stdout.write(ENTER_ALT);
  let exitCode = 0;
  let crash: unknown;
  // Every query the views start goes through the tracker, so that none is left running when the database closes
  // (one tracker per database: the preview's is stopped before the preview closes).
  let current = opened;
  let tracker = new QueryTracker();
  let previewing = options.pending !== undefined;
  let load: LoadState = { fraction: 0, items: 0, previewItems: options.pending?.previewItems ?? 0 };
  const listeners = new Set<() => void>();
  const feed: LoadFeed = {
    get: () => load,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  // Tracked like the app's own connection, so that no search is left running on it when the app ends.
  const searchIndex = () => {
    const conn = previewing ? undefined : options.searchIndex?.();
    return conn && tracker.track(conn);
  };
  const app = () => (
    <App
      db={{ conn: tracker.track(current.db.conn), instance: tracker.track(current.db.instance), searchIndex }}
      archive={current.archive}
      archiveId={current.archiveId}
      archivePath={current.sourcePath}
      timeZone={options.timeZone}
      color={wantsColor()}
      loading={previewing ? feed : null}
    />
  );
  const instance = render(app(), { exitOnCtrlC: false, patchConsole: true, maxFps: 60 });
  let ended = false;
  let previewClosed: Promise<void> | undefined;
  if (options.pending) {
    let lastDraw = 0;
    options.pending.onProgress((p) => {
      const now = Date.now();
      if (ended || !previewing || now - lastDraw < PROGRESS_REDRAW_MS) return;
      lastDraw = now;
      const fraction = p.file === 'outbox.json' && p.totalBytes > 0 ? Math.min(1, p.bytes / p.totalBytes) : 1;
      load = { ...load, fraction, items: Math.max(load.items, p.items) };
      for (const listener of listeners) listener();
    });
    options.pending.done.then(
      (whole) => {
        if (ended) return;
        const preview = current;
        const previewTracker = tracker;
        current = whole;
        tracker = new QueryTracker();
        previewing = false;
        instance.rerender(app());
        previewClosed = previewTracker.stop().then(() => preview.close());
      },
      () => {
        // The caller reports the load's error once the terminal is restored.
        if (ended) return;
        exitCode = 1;
        instance.unmount();
        leave();
      },
    );
  }

  const onSignal = (signal: NodeJS.Signals) => {
    exitCode = 128 + (signal === 'SIGINT' ? 2 : signal === 'SIGHUP' ? 1 : 15);
    instance.unmount();
    leave();
  };
  const onCrash = (error: unknown) => {
    crash ??= error;
    exitCode = 1;
    instance.unmount();
    leave();
  };
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGINT'];
  for (const s of signals) process.on(s, onSignal);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  // Each resize can leave the old frame's rows behind when the terminal reflows them: clear, Ink draws anew.
  const onResize = () => instance.clear();
  stdout.on('resize', onResize);

  try {
    await instance.waitUntilExit();
  } catch (error) {
    crash ??= error;
    exitCode = 1;
  } finally {
    ended = true;
    for (const s of signals) process.off(s, onSignal);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    stdout.off('resize', onResize);
    leave();
  }
  // Queries still running (a search, a page, a stats tile) are stopped and awaited before the caller closes the
  // database: closing a connection under a running query can hang or crash the process.
  await tracker.stop();
  if (previewing) await current.close(); // still the preview: the load did not finish
  await previewClosed;
  if (crash !== undefined) {
    const message = crash instanceof Error ? crash.message : String(crash);
    stderr.write(`mastotui: the app stopped after an error: ${message.split('\n')[0]}\n`);
    if (process.env.MASTOTUI_DEBUG && crash instanceof Error) stderr.write(`${crash.stack}\n`);
    else stderr.write('mastotui: set MASTOTUI_DEBUG=1 for details, and please report it\n');
  }
  return exitCode;
}
