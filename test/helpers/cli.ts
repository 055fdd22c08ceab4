/** Runs the built CLI (dist/) as a user would, without a terminal. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './archives.js';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: Record<string, string> = {}): CliRun {
  if (!existsSync(join(REPO, 'dist', 'app', 'cli.js'))) throw new Error('dist/app/cli.js is missing: run `npm run build` first');
  const result = spawnSync(process.execPath, [join(REPO, 'bin', 'mastotui.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
    timeout: 60_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The CLI's promise: one line naming the problem, no stack trace. */
export function expectCleanError(run: CliRun): void {
  if (/\n\s+at /.test(run.stderr) || run.stderr.includes('node:internal')) {
    throw new Error(`stack trace printed:\n${run.stderr}`);
  }
}
