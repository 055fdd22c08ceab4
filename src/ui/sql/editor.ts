/**
 * Ctrl-X: the query in the user's $VISUAL / $EDITOR, for long SQL. The editor gets the terminal: raw mode is turned
 * off while it runs (it sets up the terminal its own way) and the screen is redrawn afterwards. It is started
 * without a shell; "$EDITOR" may hold arguments ("code -w", "emacs -nw"), split at spaces. The query goes through a
 * private temporary file that is removed afterwards.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface EditorTerminal {
  /** Turns raw mode of the terminal's input on or off (Ink's stdin). */
  setRawMode?: (on: boolean) => void;
  /** Writes to the terminal (to leave and re-enter the alternate screen). */
  write?: (data: string) => void;
}

export type Spawner = (command: string, args: string[]) => Pick<SpawnSyncReturns<Buffer>, 'status' | 'error'>;

const defaultSpawn: Spawner = (command, args) => spawnSync(command, args, { stdio: 'inherit', shell: false });

/** The editor command and its arguments: $VISUAL, then $EDITOR, then vi. */
export function editorCommand(env: NodeJS.ProcessEnv = process.env): [string, string[]] {
  const configured = (env.VISUAL || env.EDITOR || 'vi').trim();
  const [command, ...args] = configured.split(/\s+/);
  return [command || 'vi', args];
}

export type EditResult = { ok: true; text: string } | { ok: false; message: string };

/** Opens `text` in the editor and returns what was saved. */
export async function editInEditor(
  text: string,
  terminal: EditorTerminal = {},
  options: { env?: NodeJS.ProcessEnv; spawn?: Spawner } = {},
): Promise<EditResult> {
  const dir = await mkdtemp(join(tmpdir(), 'mastotui-sql-'));
  const file = join(dir, 'query.sql');
  try {
    await writeFile(file, text.endsWith('\n') || text === '' ? text : `${text}\n`, { mode: 0o600 });
    const [command, args] = editorCommand(options.env);
    terminal.setRawMode?.(false);
    terminal.write?.('\u001b[?1049l');
    let outcome: ReturnType<Spawner>;
    try {
      outcome = (options.spawn ?? defaultSpawn)(command, [...args, file]);
    } finally {
      terminal.write?.('\u001b[?1049h\u001b[2J\u001b[H');
      terminal.setRawMode?.(true);
    }
    if (outcome.error) {
      const code = (outcome.error as NodeJS.ErrnoException).code;
      return { ok: false, message: `could not start the editor "${command}" (${code ?? outcome.error.message}); set $EDITOR` };
    }
    if (outcome.status !== 0) return { ok: false, message: `the editor "${command}" exited with status ${outcome.status}; nothing was run` };
    return { ok: true, text: (await readFile(file, 'utf8')).replace(/\s+$/, '') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
