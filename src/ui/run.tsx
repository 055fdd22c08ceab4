/**
 * Entry point of the interactive app: runApp(opened, { timeZone }) -> exit code.
 *
 * It owns the terminal while the app runs: the alternate screen (entered before the first frame, left on every way
 * out: q, Ctrl-C, SIGTERM/SIGHUP/SIGINT, a crash), the hidden cursor (shown again), raw mode (Ink restores it),
 * and NO_COLOR. A crash leaves a one-line message on the normal screen and exit code 1.
 */
import { render } from 'ink';
import type { OpenedArchive } from '../db/cache.js';
import { App } from './App.js';
import { QueryTracker } from './query-tracker.js';

const ENTER_ALT = '\u001b[?1049h\u001b[H\u001b[2J';
const LEAVE_ALT = '\u001b[?25h\u001b[?1049l';

/** Colour unless NO_COLOR is set to something (https://no-color.org), or the terminal is "dumb". */
export function wantsColor(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return env.TERM !== 'dumb';
}

export async function runApp(opened: OpenedArchive, options: { timeZone: string }): Promise<number> {
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
  // Every query the views start goes through the tracker, so that none is left running when the database closes.
  const tracker = new QueryTracker();
  const instance = render(
    <App
      db={{ conn: tracker.track(opened.db.conn), instance: tracker.track(opened.db.instance) }}
      archive={opened.archive}
      archiveId={opened.archiveId}
      timeZone={options.timeZone}
      color={wantsColor()}
    />,
    { exitOnCtrlC: false, patchConsole: true, maxFps: 60 },
  );

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
    for (const s of signals) process.off(s, onSignal);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    stdout.off('resize', onResize);
    leave();
  }
  // Queries still running (a search, a page, a stats tile) are stopped and awaited before the caller closes the
  // database: closing a connection under a running query can hang or crash the process.
  await tracker.stop();
  if (crash !== undefined) {
    const message = crash instanceof Error ? crash.message : String(crash);
    stderr.write(`mastotui: the app stopped after an error: ${message.split('\n')[0]}\n`);
    if (process.env.MASTOTUI_DEBUG && crash instanceof Error) stderr.write(`${crash.stack}\n`);
    else stderr.write('mastotui: set MASTOTUI_DEBUG=1 for details, and please report it\n');
  }
  return exitCode;
}
