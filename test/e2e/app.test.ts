/**
 * The built program in a real terminal: tmux runs `node bin/mastotui.js` on a corpus archive, keys are sent to it
 * and the screen is read back. The build is not made here (CI builds first): a missing dist/cli.js fails with a
 * message that says so. Each run has its own tmux server (-L) and its own cache folder.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS, REPO } from '../helpers/archives.js';

const ARCHIVE = join(CORPUS, 'erambert-4.2-tiny');
const SOCKET = `mastotui-e2e-${process.pid}`;
const SESSION = 'app';

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
}

const screen = () => tmux('capture-pane', '-p', '-t', SESSION);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitForScreen(check: (s: string) => boolean, what: string, timeoutMs = 30_000): Promise<string> {
  const start = Date.now();
  let last = '';
  while (Date.now() - start < timeoutMs) {
    last = screen();
    if (check(last)) return last;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}; the screen was:\n${last}`);
}

async function keys(...k: string[]): Promise<void> {
  for (const key of k) {
    tmux('send-keys', '-t', SESSION, key);
    await sleep(150);
  }
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

describe('the built app in a terminal (tmux)', () => {
  let cache: string;

  beforeAll(async () => {
    if (!existsSync(join(REPO, 'dist', 'app', 'cli.js'))) {
      throw new Error('dist/app/cli.js is missing: run `npm run build` before the end-to-end tests');
    }
    try {
      execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    } catch {
      throw new Error('tmux is not installed: the end-to-end test needs it (apt-get install -y tmux)');
    }
    cache = await mkdtemp(join(tmpdir(), 'mastotui-e2e-cache-'));
    // CI variables are removed for the app: with them, Ink prints only the last frame instead of drawing.
    const command = [
      'env -u CI -u CONTINUOUS_INTEGRATION',
      `XDG_CACHE_HOME=${quote(cache)} TERM=xterm-256color`,
      `node ${quote(join(REPO, 'bin', 'mastotui.js'))} ${quote(ARCHIVE)} --tz UTC;`,
      'echo "mastotui exited with $?"; sleep 60',
    ].join(' ');
    tmux('new-session', '-d', '-s', SESSION, '-x', '100', '-y', '30', command);
  });

  afterAll(async () => {
    try {
      tmux('kill-server');
    } catch {
      // already gone
    }
    if (cache) await rm(cache, { recursive: true, force: true });
  });

  it('opens, moves, opens a post, toggles its CW, quits and gives the terminal back', async () => {
    // The first open loads the archive into the (private, empty) cache: allow for a busy machine.
    const first = await waitForScreen((s) => s.includes('@zapdos private post'), 'the newest post', 60_000);
    expect(first).toMatch(/mastotui · @\S+ · 9 posts/);
    expect(first).toMatch(/1\/9 · newest first/);
    expect(tmux('display-message', '-p', '-t', SESSION, '#{alternate_on}').trim()).toBe('1');

    await keys('j');
    await waitForScreen((s) => /2\/9 · newest first/.test(s), 'the second row selected');

    await keys('j', 'j', 'Enter');
    const post = await waitForScreen((s) => s.includes('CW: sensitive content inside!!') && s.includes('z or s shows'), 'the post with its CW');
    expect(post).not.toContain('Image and content warning');

    await keys('z');
    await waitForScreen((s) => s.includes('Image and content warning'), 'the text behind the CW');

    await keys('q');
    await waitForScreen((s) => /4\/9 · newest first/.test(s), 'the list again');
    await keys('q');
    const after = await waitForScreen((s) => s.includes('mastotui exited with 0'), 'the exit');
    expect(after).not.toContain('newest first');
    expect(tmux('display-message', '-p', '-t', SESSION, '#{alternate_on}').trim()).toBe('0');
    expect(tmux('display-message', '-p', '-t', SESSION, '#{cursor_flag}').trim()).toBe('1');
  }, 180_000);
});
