/**
 * The built program on a large archive in a real terminal: the newest posts show while the archive loads, then the
 * whole archive; the search index is built after it; quitting before the load is done stops it and leaves nothing in
 * the cache. The preview is turned on
 * for any outbox size (MASTOTUI_PREVIEW_MIN_BYTES=0) so that a 30k-post archive, made here, is enough.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateArchive } from '../../fixtures/generate.js';
import { REPO, tempDir } from '../helpers/archives.js';

const SOCKET = `mastotui-e2e-preview-${process.pid}`;
const SESSION = 'app';
const POSTS = 30_000;

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
}

const screen = () => tmux('capture-pane', '-p', '-t', SESSION);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

async function waitForScreen(check: (s: string) => boolean, what: string, timeoutMs = 60_000, everyMs = 100): Promise<string> {
  const start = Date.now();
  let last = '';
  while (Date.now() - start < timeoutMs) {
    last = screen();
    if (check(last)) return last;
    await sleep(everyMs);
  }
  throw new Error(`timed out waiting for ${what}; the screen was:\n${last}`);
}

/**
 * Ends the tmux server and waits until it is gone: a session started while it is still exiting fails ("server exited
 * unexpectedly").
 */
async function stopServer(): Promise<void> {
  try {
    tmux('kill-server');
  } catch {
    return; // none was running
  }
  for (let i = 0; i < 100; i++) {
    try {
      tmux('list-sessions');
    } catch {
      return;
    }
    await sleep(20);
  }
}

function start(archive: string, cache: string, env = '') {
  const command = [
    'env -u CI -u CONTINUOUS_INTEGRATION',
    `XDG_CACHE_HOME=${quote(cache)} TERM=xterm-256color MASTOTUI_PREVIEW_MIN_BYTES=0 ${env}`,
    `node ${quote(join(REPO, 'bin', 'mastotui.js'))} ${quote(archive)} --tz UTC;`,
    'echo "mastotui exited with $?"; sleep 60',
  ].join(' ');
  tmux('new-session', '-d', '-s', SESSION, '-x', '100', '-y', '30', command);
}

const previewShown = (s: string) => /^1\/[\d,]+ · newest first · newest only, loading/m.test(s) && /loading \d+%|loading: finishing/.test(s);
const wholeShown = (s: string) => s.includes(`1/${POSTS.toLocaleString('en-US')} · newest first`) && !s.includes('loading');

describe('the built app on a large archive (tmux)', () => {
  let archive: string;

  beforeAll(async () => {
    if (!existsSync(join(REPO, 'dist', 'app', 'cli.js'))) {
      throw new Error('dist/app/cli.js is missing: run `npm run build` before the end-to-end tests');
    }
    const dir = await tempDir();
    archive = (await generateArchive({ posts: POSTS, mediaBytes: 0, out: join(dir, 'big.zip'), seed: 9 })).path;
  }, 60_000);

  afterEach(stopServer);

  it('shows the newest posts while loading, then the whole archive, and keeps it in the cache', async () => {
    const cache = await tempDir();
    start(archive, cache);
    const preview = await waitForScreen(previewShown, 'the preview', 60_000, 20);
    expect(preview.split('\n')[0]).toMatch(/mastotui .*loading/);
    const whole = await waitForScreen(wholeShown, 'the whole archive');
    expect(whole.split('\n')[0]).toMatch(/[\d,]+ posts · [\d,]+ boosts/);
    tmux('send-keys', '-t', SESSION, 'q');
    await waitForScreen((s) => s.includes('mastotui exited with 0'), 'the exit');
    const files = (await readdir(join(cache, 'mastotui'))).filter((n) => n.endsWith('.duckdb'));
    expect(files).toHaveLength(1);
  }, 180_000);

  it('builds the search index after the load, and finds with it what the first session found by reading', async () => {
    const cache = await tempDir();
    const folder = join(cache, 'mastotui');
    // The index is for timelines of 50k rows and more; this one has 30k.
    const env = 'MASTOTUI_SEARCH_INDEX_MIN_ROWS=1000';
    const search = async (term: string) => {
      tmux('send-keys', '-t', SESSION, '/');
      // Typed before the input is open, the letters would be keys of the list (o opens the links).
      await waitForScreen((s) => s.includes('leave the search input'), 'the search input');
      tmux('send-keys', '-t', SESSION, '-l', term);
      tmux('send-keys', '-t', SESSION, 'Enter');
      // Enter closes the input: the keys that follow are the list's (an Escape right before q would make it Alt-q).
      const shown = await waitForScreen((s) => new RegExp(`/${term} [\\d,-]+/[\\d,]+`).test(s), `the matches of ${term}`);
      return shown.match(new RegExp(`/${term} [\\d,-]+/([\\d,]+)`))![1];
    };
    start(archive, cache, env);
    await waitForScreen(wholeShown, 'the whole archive');
    const first = await search('coffee');
    expect(Number(first!.replace(/,/g, ''))).toBeGreaterThan(100);
    const since = Date.now();
    while (!(await readdir(folder)).some((n) => n.endsWith('.search.duckdb')) && Date.now() - since < 60_000) await sleep(200);
    // Once built, this session searches the whole timeline through a second connection that has the index.
    await sleep(500);
    const firstGarden = await search('garden');
    tmux('send-keys', '-t', SESSION, 'q');
    await waitForScreen((s) => s.includes('mastotui exited with 0'), 'the exit');
    await stopServer();
    const files = await readdir(folder);
    expect(files.filter((n) => n.endsWith('.duckdb'))).toHaveLength(2);
    expect(files.filter((n) => n.includes('.tmp-'))).toEqual([]);

    start(archive, cache, env);
    await waitForScreen(wholeShown, 'the archive from the cache');
    expect(await search('coffee')).toBe(first);
    expect(await search('garden')).toBe(firstGarden);
    tmux('send-keys', '-t', SESSION, 'q');
    await waitForScreen((s) => s.includes('mastotui exited with 0'), 'the exit');
  }, 180_000);

  it('stops the load when quit during the preview, exits 0 and leaves no database behind', async () => {
    const cache = await tempDir();
    start(archive, cache);
    await waitForScreen(previewShown, 'the preview', 60_000, 20);
    tmux('send-keys', '-t', SESSION, 'q');
    const after = await waitForScreen((s) => s.includes('mastotui exited with'), 'the exit', 30_000);
    expect(after).toContain('mastotui exited with 0');
    expect(after).not.toContain('newest first');
    expect(tmux('display-message', '-p', '-t', SESSION, '#{alternate_on}').trim()).toBe('0');
    const left = (await readdir(join(cache, 'mastotui'))).filter((n) => n !== 'fingerprints');
    expect(left).toEqual([]);
  }, 180_000);
});
