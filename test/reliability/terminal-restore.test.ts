/**
 * The terminal is given back whichever way the app ends: Ctrl-C, SIGTERM, SIGINT and SIGHUP sent to the process, an
 * uncaught exception and an unhandled promise rejection while it runs, and Ctrl-C during the load before the app
 * starts. Each case runs the built program (`npm run build` first) in a real terminal: its own tmux session, 100x30.
 * Afterwards the pane must be back on the normal screen with a visible cursor and no mouse or keypad mode, and the
 * terminal settings (stty: raw mode, echo) must be what they were before mastotui started.
 *
 * It also checks, in the same real terminal, that escape sequences in the archive (OSC 52, OSC 0) do nothing.
 *
 * The failures are injected from outside the program: a module preloaded with `node --import` throws (or rejects)
 * when the process receives SIGUSR2, which runs the app's real crash path.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, HOSTILE, REPO, SAMPLE, cacheContents, generatedArchive, runCli, sandbox, tempDir, removeTempDirs, type Sandbox } from './helpers.js';

const SOCKET = `mastotui-restore-${process.pid}`;
const hasTmux = (() => {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

let box: Sandbox;
let dir: string;
let inject: string;
let bigArchive: string;

beforeAll(async () => {
  if (!existsSync(join(REPO, 'dist', 'app', 'cli.js'))) throw new Error('dist/app/cli.js is missing: run `npm run build` first');
  if (!hasTmux) throw new Error('tmux is not installed: these tests need a real terminal (apt-get install -y tmux)');
  box = await sandbox();
  dir = await tempDir('mastotui-restore-');
  inject = join(dir, 'inject.mjs');
  await writeFile(
    inject,
    `process.on('SIGUSR2', () => {
  if (process.env.MASTOTUI_TEST_FAIL === 'reject') Promise.reject(new Error('injected rejection'));
  else setImmediate(() => { throw new Error('injected crash'); });
});
`,
  );
  // Warm the cache so that the app starts at once in every session.
  const warm = await runCli([SAMPLE, '--sql', 'select 1'], { env: box.env });
  expect(warm.code, warm.stderr).toBe(0);
  bigArchive = (await generatedArchive(20_000, '1M')).path;
}, 60_000);

afterAll(async () => {
  try {
    if (hasTmux) tmux('kill-server');
  } catch {
    // no server was started
  }
  // tmux leaves its socket file behind.
  const uid = process.getuid?.() ?? 0;
  await rm(join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${uid}`, SOCKET), { force: true });
  await removeTempDirs();
});

interface Session {
  name: string;
  files: { before: string; after: string; rc: string; pid: string };
}

let sessions = 0;

/** Starts `mastotui ARCHIVE` in a new tmux session, recording stty before and after, its pid and its exit code. */
function start(archive: string, env: Record<string, string> = {}): Session {
  const name = `s${++sessions}`;
  const files = { before: join(dir, `${name}.before`), after: join(dir, `${name}.after`), rc: join(dir, `${name}.rc`), pid: join(dir, `${name}.pid`) };
  const envText = Object.entries({ ...box.env, TERM: 'xterm-256color', ...env })
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${quote(v!)}`)
    .join(' ');
  const node = `exec ${quote(process.execPath)} --import ${quote(inject)} ${quote(BIN)} ${quote(archive)} --tz UTC`;
  const script = [
    // Ctrl-C outside raw mode signals the whole foreground group: the shell must survive it to record the end.
    "trap 'true' INT",
    `stty -g > ${quote(files.before)}`,
    `sh -c ${quote(`echo $$ > ${quote(files.pid)}; ${node}`)}`,
    `echo $? > ${quote(files.rc)}`,
    `stty -g > ${quote(files.after)}`,
    'echo; echo "--- mastotui has ended ---"',
    'sleep 600',
  ].join('; ');
  // CI variables are removed: with them Ink only prints the last frame instead of drawing.
  tmux('new-session', '-d', '-s', name, '-x', '100', '-y', '30', `env -u CI -u CONTINUOUS_INTEGRATION ${envText} sh -c ${quote(script)}`);
  return { name, files };
}

const screen = (s: Session) => tmux('capture-pane', '-p', '-t', s.name);
const flag = (s: Session, name: string) => tmux('display-message', '-p', '-t', s.name, `#{${name}}`).trim();

async function waitFor(s: Session, check: (screen: string) => boolean, what: string, timeoutMs = 20_000): Promise<string> {
  const started = Date.now();
  let last = '';
  while (Date.now() - started < timeoutMs) {
    last = screen(s);
    if (check(last)) return last;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}; the screen was:\n${last}`);
}

/**
 * Waits until the screen has not changed for `quietMs`. A key sent while the app is still re-rendering can be lost
 * under heavy load (Ink re-attaches its input handlers after each render): a separate finding, see
 * docs/RELIABILITY.md; the tests here are about what happens once the key is read.
 */
async function settled(s: Session, quietMs = 500): Promise<void> {
  let last = screen(s);
  let since = Date.now();
  const started = Date.now();
  while (Date.now() - since < quietMs && Date.now() - started < 15_000) {
    await sleep(50);
    const now = screen(s);
    if (now !== last) {
      last = now;
      since = Date.now();
    }
  }
}

/**
 * The app's first frame is on the alternate screen, and the queries it starts with have had time to finish. (Ending
 * it while they still run can crash or hang the process: a separate finding, see docs/RELIABILITY.md.)
 */
async function appRunning(s: Session): Promise<number> {
  await waitFor(s, (text) => text.includes('newest first'), 'the first frame of the app');
  expect(flag(s, 'alternate_on')).toBe('1');
  await sleep(SETTLE_MS);
  return Number((await readFile(s.files.pid, 'utf8')).trim());
}

const SETTLE_MS = 1000;

/** After the program ended: normal screen, cursor shown, no mouse/keypad mode, stty as before. Returns the exit code. */
async function expectRestored(s: Session): Promise<{ code: number; text: string }> {
  const text = await waitFor(s, (t) => t.includes('--- mastotui has ended ---'), 'the end of the program');
  expect(flag(s, 'alternate_on'), 'still on the alternate screen').toBe('0');
  expect(flag(s, 'cursor_flag'), 'the cursor is hidden').toBe('1');
  expect(flag(s, 'mouse_any_flag'), 'mouse reporting left on').toBe('0');
  expect(flag(s, 'keypad_cursor_flag'), 'cursor keys left in application mode').toBe('0');
  expect(flag(s, 'keypad_flag'), 'keypad left in application mode').toBe('0');
  expect(flag(s, 'insert_flag')).toBe('0');
  expect(flag(s, 'origin_flag')).toBe('0');
  expect(await readFile(s.files.after, 'utf8'), 'stty settings (raw mode, echo) not restored').toBe(await readFile(s.files.before, 'utf8'));
  expect(text, 'a frame of the app was left on the normal screen').not.toContain('newest first');
  expect(text).not.toMatch(/\n\s+at |node:internal/);
  return { code: Number((await readFile(s.files.rc, 'utf8')).trim()), text };
}

const killWith = (pid: number, signal: NodeJS.Signals) => process.kill(pid, signal);

describe.concurrent('the terminal is restored (tmux)', () => {
  it('after Ctrl-C in the list', async () => {
    const s = start(SAMPLE);
    await appRunning(s);
    await settled(s);
    tmux('send-keys', '-t', s.name, 'C-c');
    const { code } = await expectRestored(s);
    expect([0, 130]).toContain(code);
  });

  it('after Ctrl-C in the SQL input', async () => {
    const s = start(SAMPLE);
    await appRunning(s);
    tmux('send-keys', '-t', s.name, '3');
    await waitFor(s, (t) => t.includes('sql>'), 'the SQL view');
    await sleep(SETTLE_MS);
    tmux('send-keys', '-t', s.name, '-l', 'select');
    await waitFor(s, (t) => t.includes('sql> select'), 'the typed text');
    await settled(s);
    tmux('send-keys', '-t', s.name, 'C-c');
    const { code } = await expectRestored(s);
    expect([0, 130]).toContain(code);
  });

  for (const [signal, exitCode] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
    ['SIGHUP', 129],
  ] as const) {
    it(`after ${signal} sent to the process`, async () => {
      const s = start(SAMPLE);
      killWith(await appRunning(s), signal);
      const { code } = await expectRestored(s);
      expect(code).toBe(exitCode);
    });
  }

  it('after an uncaught exception while the app runs: one line on the normal screen, exit code 1', async () => {
    const s = start(SAMPLE);
    killWith(await appRunning(s), 'SIGUSR2');
    const { code, text } = await expectRestored(s);
    expect(code).toBe(1);
    expect(text).toContain('mastotui: the app stopped after an error: injected crash');
  });

  it('after an unhandled promise rejection while the app runs', async () => {
    const s = start(SAMPLE, { MASTOTUI_TEST_FAIL: 'reject' });
    killWith(await appRunning(s), 'SIGUSR2');
    const { code, text } = await expectRestored(s);
    expect(code).toBe(1);
    expect(text).toContain('mastotui: the app stopped after an error: injected rejection');
  });

  it('archive text cannot act on the terminal: no clipboard write (OSC 52), no title change, shown as ␛', async () => {
    const s = start(SAMPLE);
    const actor = start(join(HOSTILE, 'escape-actor'));
    // tmux takes OSC 52 into a paste buffer and OSC 0/2 into the pane title when these are on.
    tmux('set-option', '-g', 'set-clipboard', 'on');
    tmux('set-option', '-g', 'allow-rename', 'on');
    await appRunning(s);
    await appRunning(actor);
    const titles = [flag(s, 'pane_title'), flag(actor, 'pane_title')];
    // Item 25 is the sixth newest: open it and show what is behind its CW.
    for (let i = 0; i < 5; i++) tmux('send-keys', '-t', s.name, 'j');
    await waitFor(s, (t) => t.includes('6/30'), 'the sixth row');
    tmux('send-keys', '-t', s.name, 'Enter');
    await waitFor(s, (t) => t.includes('CW hidden'), 'the post');
    tmux('send-keys', '-t', s.name, 'z');
    const post = await waitFor(s, (t) => t.includes('Copy this'), 'the text behind the CW');
    expect(post).toContain('␛]52;c;cHduZWQ=␇');
    tmux('send-keys', '-t', actor.name, '4');
    await waitFor(actor, (t) => t.includes('[4 Profile]') && t.includes('␛]52;c;cHduZWQ=␇'), 'the hostile profile, harmless');
    await sleep(300);
    expect(tmux('list-buffers'), 'something wrote to the clipboard').toBe('');
    expect([flag(s, 'pane_title'), flag(actor, 'pane_title')]).toEqual(titles);
    for (const session of [s, actor]) tmux('send-keys', '-t', session.name, 'C-c');
    for (const session of [s, actor]) expect((await expectRestored(session)).code).toBe(0);
  });

  it('after Ctrl-C during the load, before the app starts: no cache is left that looks complete', async () => {
    const own = await sandbox();
    // Without the preview of the newest posts, which would start the app early (test/e2e/preview.test.ts quits it).
    const s = start(bigArchive, { XDG_CACHE_HOME: own.cacheHome, MASTOTUI_PREVIEW_MIN_BYTES: String(1e12) });
    await waitFor(s, (t) => t.includes('loading outbox.json'), 'the progress bar', 20_000);
    tmux('send-keys', '-t', s.name, 'C-c');
    const { code } = await expectRestored(s);
    expect(code).toBe(130);
    expect((await cacheContents(own.cacheDir)).databases).toEqual([]);
  });
});
