/**
 * The keymap: what a command is, how a key press is named, and how the help overlay and the status-line hints are
 * generated from the registered commands. Pure: no Ink rendering, no I/O.
 *
 * Contract (other views build on it; keep it stable):
 *
 *   interface Command { id; keys; description; scope; hint?; inInput? }
 *     id          stable name of the command, e.g. 'reader.open', 'sql.run' (unique within its scope)
 *     keys        key names as produced by keyName(): 'j', 'G', '?', '/', '[', ']', 'space', 'enter', 'escape',
 *                 'tab', 'shift+tab', 'backspace', 'delete', 'up', 'down', 'left', 'right', 'pageup', 'pagedown',
 *                 'home', 'end', 'f1' ... 'f12', 'ctrl+c', 'ctrl+j', 'ctrl+r', 'ctrl+x', 'ctrl+e', 'meta+x'.
 *                 Letters keep their case ('G' is shift+g); the first key is the one shown in hints.
 *     description one line for the help overlay; its part before the first ':' or ' (' is the label of the
 *                 status-line hint ('search: text, CW, alt text and hashtags' -> '/ search')
 *     scope       the group the command belongs to: 'global', 'list', 'post', 'sql', 'stats', 'profile', ...
 *     hint        show it in the status line while the command is active
 *     inInput     run it even while a text input has the focus (the key does not reach the input then)
 *
 *   keyName(input, key, raw?) turns the two arguments of Ink's useInput (plus, optionally, the raw sequence the
 *   terminal sent, which is the only way to tell function keys apart: Ink's Key has no F1..F12) into one of the
 *   key names above.
 */
import type { Key } from 'ink';

export interface Command {
  id: string;
  keys: string[];
  description: string;
  scope: string;
  hint?: boolean;
  inInput?: boolean;
}

/** The scope of the App's own commands (view switching, help, quit). Every other scope is tried before it. */
export const GLOBAL_SCOPE = 'global';

/** Titles of the help sections; a scope without one is shown capitalised. */
const SCOPE_TITLES: Record<string, string> = {
  global: 'Everywhere',
  list: 'Post list',
  post: 'Post',
  thread: 'Thread',
  links: 'Links',
  media: 'Media',
  raw: 'Raw JSON',
  search: 'Search',
  filter: 'Filters',
  month: 'Jump to month',
  sql: 'SQL',
  stats: 'Stats',
  profile: 'Profile',
  help: 'Help',
};

export function scopeTitle(scope: string): string {
  return SCOPE_TITLES[scope] ?? scope.charAt(0).toUpperCase() + scope.slice(1);
}

/** Function keys: the sequences xterm, rxvt, the Linux console, tmux and screen send for F1..F12. */
const FUNCTION_KEYS: Record<string, string> = {
  '\u001bOP': 'f1', '\u001b[11~': 'f1', '\u001b[[A': 'f1',
  '\u001bOQ': 'f2', '\u001b[12~': 'f2', '\u001b[[B': 'f2',
  '\u001bOR': 'f3', '\u001b[13~': 'f3', '\u001b[[C': 'f3',
  '\u001bOS': 'f4', '\u001b[14~': 'f4', '\u001b[[D': 'f4',
  '\u001b[15~': 'f5', '\u001b[[E': 'f5',
  '\u001b[17~': 'f6', '\u001b[18~': 'f7', '\u001b[19~': 'f8', '\u001b[20~': 'f9',
  '\u001b[21~': 'f10', '\u001b[23~': 'f11', '\u001b[24~': 'f12',
};

/**
 * One name for a key press, from Ink's useInput arguments. Returns '' for input that is no single key (a paste of
 * several characters, an unknown escape sequence).
 */
export function keyName(input: string, key: Key, raw?: string): string {
  if (raw !== undefined && FUNCTION_KEYS[raw] !== undefined) return FUNCTION_KEYS[raw]!;
  const mod = (name: string): string => `${key.ctrl ? 'ctrl+' : ''}${key.shift ? 'shift+' : ''}${name}`;
  if (key.upArrow) return mod('up');
  if (key.downArrow) return mod('down');
  if (key.leftArrow) return mod('left');
  if (key.rightArrow) return mod('right');
  if (key.pageUp) return mod('pageup');
  if (key.pageDown) return mod('pagedown');
  if (key.home) return mod('home');
  if (key.end) return mod('end');
  if (key.return) return 'enter';
  if (key.tab) return key.shift ? 'shift+tab' : 'tab';
  if (key.backspace) return 'backspace';
  if (key.delete) return 'delete';
  if (key.escape) return 'escape';
  if (input === '\n') return 'ctrl+j'; // Ctrl-J is a line feed; Enter sends a carriage return
  if (input === '\t') return 'tab';
  if (input === ' ') return 'space';
  if (key.ctrl && /^[a-z]$/.test(input)) return `ctrl+${input}`;
  if ([...input].length !== 1) return '';
  const code = input.codePointAt(0)!;
  if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return '';
  return key.meta ? `meta+${input}` : input;
}

/**
 * Several keys that arrived in one chunk (typed faster than they are read, key repeat under load, a terminal
 * multiplexer sending them at once): their names, one per character, or [] when the chunk holds anything but
 * printable characters, Enter, Tab and Backspace (a paste of text, an escape sequence).
 */
export function splitKeys(input: string): string[] {
  const chars = [...input];
  if (chars.length < 2 || chars.length > 64) return [];
  const names: string[] = [];
  for (const ch of chars) {
    const code = ch.codePointAt(0)!;
    if (ch === '\r') names.push('enter');
    else if (ch === '\t') names.push('tab');
    else if (ch === ' ') names.push('space');
    else if (code === 0x7f || code === 0x08) names.push('backspace');
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return [];
    else names.push(ch);
  }
  return names;
}

const KEY_LABELS: Record<string, string> = {
  enter: 'Enter',
  escape: 'Esc',
  space: 'Space',
  tab: 'Tab',
  'shift+tab': 'Shift-Tab',
  backspace: 'Backspace',
  delete: 'Del',
  up: '↑',
  down: '↓',
  left: '←',
  right: '→',
  pageup: 'PgUp',
  pagedown: 'PgDn',
  home: 'Home',
  end: 'End',
};

/** A key name as people read it: 'ctrl+r' -> 'Ctrl-R', 'pageup' -> 'PgUp', 'f1' -> 'F1', 'j' -> 'j'. */
export function formatKey(name: string): string {
  if (KEY_LABELS[name] !== undefined) return KEY_LABELS[name]!;
  if (/^f\d+$/.test(name)) return name.toUpperCase();
  const m = /^(ctrl|meta|shift)\+(.+)$/.exec(name);
  if (m) {
    const prefix = m[1] === 'ctrl' ? 'Ctrl' : m[1] === 'meta' ? 'Alt' : 'Shift';
    return `${prefix}-${m[2]!.length === 1 ? m[2]!.toUpperCase() : formatKey(m[2]!)}`;
  }
  return name;
}

/** All keys of a command for the help overlay: 'j ↓'. */
export function formatKeys(keys: readonly string[]): string {
  return keys.map(formatKey).join(' ');
}

export interface HelpSection {
  scope: string;
  title: string;
  commands: Command[];
}

/**
 * Help sections from the registered commands, in the order of `scopes` (the active ones, innermost first); the
 * global scope always comes last. A command registered twice (same scope and id) is listed once.
 */
export function helpSections(commands: readonly Command[], scopes?: readonly string[]): HelpSection[] {
  const order = [...(scopes ?? [])];
  for (const c of commands) if (!order.includes(c.scope)) order.push(c.scope);
  const sorted = [...order.filter((s) => s !== GLOBAL_SCOPE), ...order.filter((s) => s === GLOBAL_SCOPE)];
  const sections: HelpSection[] = [];
  for (const scope of sorted) {
    const seen = new Set<string>();
    const claimed = new Set<string>();
    const list: Command[] = [];
    for (const c of commands) {
      if (c.scope !== scope || seen.has(c.id)) continue;
      seen.add(c.id);
      // Keys an earlier command of the scope already takes never reach this one: leave them out.
      const keys = c.keys.filter((k) => !claimed.has(k));
      for (const k of c.keys) claimed.add(k);
      if (keys.length > 0) list.push(keys.length === c.keys.length ? c : { ...c, keys });
    }
    if (list.length > 0) sections.push({ scope, title: scopeTitle(scope), commands: list });
  }
  return sections;
}

/** The short label of a hint: the description up to its first ':' or ' (' ('open the post' stays whole). */
export function hintLabel(command: Command): string {
  return command.description.split(/:| \(/)[0]!.trim();
}

/**
 * Status-line hints: 'Enter open · / search · ? help', from the commands marked `hint`, in the order given;
 * hints that do not fit in `width` columns are left out (whole hints only). Each hint shows the command's first key.
 */
export function formatHints(commands: readonly Command[], width: number): string {
  const parts: string[] = [];
  const seen = new Set<string>();
  let used = 0;
  for (const c of commands) {
    if (!c.hint || c.keys.length === 0) continue;
    const text = `${formatKey(c.keys[0]!)} ${hintLabel(c)}`;
    if (seen.has(text)) continue;
    const extra = (parts.length > 0 ? 3 : 0) + [...text].length;
    if (used + extra > width) continue;
    seen.add(text);
    parts.push(text);
    used += extra;
  }
  return parts.join(' · ');
}

/**
 * The commands to hint at, from the active ones in the order keys are matched: marked `hint`, and not shadowed
 * (a command whose first key an earlier command takes would never run from that key). The help hint comes first,
 * so that it always fits.
 */
export function visibleHints<C extends Command>(commands: readonly C[], helpId = 'app.help'): C[] {
  const claimed = new Set<string>();
  const out: C[] = [];
  for (const c of commands) {
    if (c.hint && c.keys.length > 0 && !claimed.has(c.keys[0]!)) out.push(c);
    for (const k of c.keys) claimed.add(k);
  }
  return [...out.filter((c) => c.id === helpId), ...out.filter((c) => c.id !== helpId)];
}

/** The commands that a key runs, given whether a text input has the focus. */
export function matchCommand<C extends Command>(commands: readonly C[], name: string, inputFocused: boolean): C | undefined {
  if (name === '') return undefined;
  return commands.find((c) => c.keys.includes(name) && (!inputFocused || c.inInput === true || name === 'escape'));
}
