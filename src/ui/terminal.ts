/**
 * What the app does outside its own screen: copying to the clipboard with OSC 52, opening a URL or a file with the
 * system opener (never through a shell), and extracting one media entry to a private temporary folder.
 */
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Archive } from '../archive/index.js';
import { safeFileName } from '../archive/index.js';

export interface Environment {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
}

const current = (): Environment => ({ platform: process.platform, env: process.env });

/** True when a program can be opened on the user's screen: not over SSH, and on Linux/BSD only with a display. */
export function canOpenLocally(environment: Environment = current()): boolean {
  const { platform, env } = environment;
  if (env.SSH_CONNECTION || env.SSH_CLIENT || env.SSH_TTY) return false;
  if (platform === 'darwin' || platform === 'win32') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

/** The opener program and its arguments for a target (a URL or a file path); no shell is involved. */
export function openerCommand(target: string, platform: NodeJS.Platform = process.platform): [string, string[]] {
  if (platform === 'darwin') return ['open', [target]];
  // rundll32 hands the target to the registered handler without cmd.exe parsing it.
  if (platform === 'win32') return ['rundll32', ['url.dll,FileProtocolHandler', target]];
  return ['xdg-open', [target]];
}

/** Starts the system opener, detached and silent. Resolves false when it could not be started. */
export function openExternally(target: string): Promise<boolean> {
  const [cmd, args] = openerCommand(target);
  return new Promise((resolve) => {
    try {
      const child = spawn(cmd, args, { detached: true, stdio: 'ignore', shell: false });
      child.once('error', () => resolve(false));
      child.once('spawn', () => {
        child.unref();
        resolve(true);
      });
    } catch {
      resolve(false);
    }
  });
}

/**
 * The OSC 52 sequence that puts `text` on the clipboard. Sent as it is: tmux passes it on with `set-clipboard on`.
 * The text is base64, so nothing in it can act as a terminal control.
 */
export function osc52(text: string): string {
  return `\u001b]52;c;${Buffer.from(text, 'utf8').toString('base64')}\u0007`;
}

/** Extracts one archive entry into a new private temporary folder; returns the file's path. */
export async function extractEntry(archive: Archive, entryName: string): Promise<string> {
  const entry = archive.find(entryName);
  if (!entry) throw new Error(`${entryName} is not in the archive`);
  const dir = await mkdtemp(join(tmpdir(), 'mastotui-'));
  const dest = join(dir, safeFileName(entry.name));
  await archive.extractTo(entry, dest);
  return dest;
}
