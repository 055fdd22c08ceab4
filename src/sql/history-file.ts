/**
 * The query history on disk: $XDG_STATE_HOME/mastotui/history (or ~/.local/state/mastotui/history), one JSON
 * string per line (queries can span lines). Queries can quote private posts, so the folder is 0700 and the file
 * 0600, written through a temporary name.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { HISTORY_LIMIT } from './history.js';

export function historyPath(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  const state = env.XDG_STATE_HOME && isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : join(home, '.local', 'state');
  return join(state, 'mastotui', 'history');
}

/** The saved queries, oldest first; none when the file is missing or unreadable. */
export async function loadHistory(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return [];
  }
  const entries: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value === 'string' && value.trim() !== '') entries.push(value);
    } catch {
      // A damaged line is skipped; the rest of the history still loads.
    }
  }
  return entries.slice(-HISTORY_LIMIT);
}

export async function saveHistory(path: string, entries: readonly string[]): Promise<void> {
  const folder = dirname(path);
  await mkdir(folder, { recursive: true, mode: 0o700 });
  const temporary = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(entries.slice(-HISTORY_LIMIT).map((e) => JSON.stringify(e)).join('\n') + '\n', 'utf8');
    } finally {
      await handle.close();
    }
    await chmod(temporary, 0o600);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Adds one query to the file as it is now (so two windows running at once both keep their queries), moving an
 * identical older entry to the end. Returns the entries written.
 */
export async function appendHistory(path: string, query: string): Promise<string[]> {
  const text = query.trim();
  const entries = (await loadHistory(path)).filter((e) => e !== text);
  if (text !== '') entries.push(text);
  await saveHistory(path, entries);
  return entries.slice(-HISTORY_LIMIT);
}
