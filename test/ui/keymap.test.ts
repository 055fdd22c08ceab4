import fc from 'fast-check';
import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import {
  formatHints,
  formatKey,
  helpSections,
  keyName,
  matchCommand,
  splitKeys,
  visibleHints,
  type Command,
} from '../../src/ui/keymap.js';

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};
const k = (over: Partial<Key>): Key => ({ ...NO_KEY, ...over });

describe('keyName', () => {
  it('names what Ink reports for the keys every terminal sends', () => {
    expect(keyName('j', NO_KEY)).toBe('j');
    expect(keyName('G', k({ shift: true }))).toBe('G');
    expect(keyName('?', NO_KEY)).toBe('?');
    expect(keyName('[', NO_KEY)).toBe('[');
    expect(keyName(' ', NO_KEY)).toBe('space');
    expect(keyName('', k({ return: true }))).toBe('enter');
    expect(keyName('\n', NO_KEY)).toBe('ctrl+j');
    expect(keyName('', k({ escape: true, meta: true }))).toBe('escape');
    expect(keyName('', k({ tab: true }))).toBe('tab');
    expect(keyName('', k({ tab: true, shift: true }))).toBe('shift+tab');
    expect(keyName('', k({ downArrow: true }))).toBe('down');
    expect(keyName('', k({ upArrow: true }))).toBe('up');
    expect(keyName('', k({ leftArrow: true }))).toBe('left');
    expect(keyName('', k({ rightArrow: true }))).toBe('right');
    expect(keyName('', k({ pageDown: true }))).toBe('pagedown');
    expect(keyName('', k({ pageUp: true }))).toBe('pageup');
    expect(keyName('', k({ home: true }))).toBe('home');
    expect(keyName('', k({ end: true }))).toBe('end');
    expect(keyName('c', k({ ctrl: true }))).toBe('ctrl+c');
    expect(keyName('r', k({ ctrl: true }))).toBe('ctrl+r');
    expect(keyName('x', k({ ctrl: true }))).toBe('ctrl+x');
    expect(keyName('', k({ backspace: true }))).toBe('backspace');
    expect(keyName('', k({ delete: true }))).toBe('delete');
    expect(keyName('x', k({ meta: true }))).toBe('meta+x');
  });

  it('tells function keys apart from the raw sequence', () => {
    expect(keyName('', NO_KEY, '\u001bOP')).toBe('f1');
    expect(keyName('', NO_KEY, '\u001b[11~')).toBe('f1');
    expect(keyName('', NO_KEY, '\u001b[15~')).toBe('f5');
    expect(keyName('', NO_KEY, '\u001b[24~')).toBe('f12');
  });

  it('gives no name to pastes and to control characters', () => {
    expect(keyName('hello', NO_KEY)).toBe('');
    expect(keyName('\u0007', NO_KEY)).toBe('');
    expect(keyName('\u009b', NO_KEY)).toBe('');
  });

  it('names every other single printable character after itself', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }), (ch) => {
        fc.pre([...ch].length === 1 && /^[^\u0000-\u0020\u007f-\u009f]$/u.test(ch));
        expect(keyName(ch, NO_KEY)).toBe(ch);
      }),
    );
  });
});

describe('splitKeys', () => {
  it('splits keys that arrived together, and refuses anything else', () => {
    expect(splitKeys('jj\r')).toEqual(['j', 'j', 'enter']);
    expect(splitKeys('g G')).toEqual(['g', 'space', 'G']);
    expect(splitKeys('j')).toEqual([]);
    expect(splitKeys('j\u001b[A')).toEqual([]);
  });
});

describe('formatKey', () => {
  it('writes keys the way people read them', () => {
    expect(formatKey('ctrl+r')).toBe('Ctrl-R');
    expect(formatKey('pageup')).toBe('PgUp');
    expect(formatKey('f1')).toBe('F1');
    expect(formatKey('escape')).toBe('Esc');
    expect(formatKey('shift+tab')).toBe('Shift-Tab');
    expect(formatKey('j')).toBe('j');
  });
});

const cmd = (id: string, keys: string[], scope: string, extra: Partial<Command> = {}): Command => ({
  id,
  keys,
  scope,
  description: `${id}: does ${id}`,
  ...extra,
});

describe('help and hints from the registry', () => {
  const commands = [
    cmd('open', ['enter'], 'list', { hint: true }),
    cmd('down', ['j', 'down'], 'list'),
    cmd('other-down', ['j'], 'list'),
    cmd('back', ['q'], 'post', { hint: true }),
    cmd('quit', ['q'], 'global', { hint: true }),
    cmd('app.help', ['?', 'f1'], 'global', { hint: true }),
  ];

  it('groups by scope, global last, and leaves out keys an earlier command takes', () => {
    const sections = helpSections(commands, ['post', 'list']);
    expect(sections.map((s) => s.scope)).toEqual(['post', 'list', 'global']);
    const list = sections.find((s) => s.scope === 'list')!;
    expect(list.commands.map((c) => c.id)).toEqual(['open', 'down']);
  });

  it('hints at what can run, help first, within the width', () => {
    const hints = visibleHints(commands);
    expect(hints.map((c) => c.id)).toEqual(['app.help', 'open', 'back']);
    expect(formatHints(hints, 80)).toBe('? app.help · Enter open · q back');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), (w) => {
        expect([...formatHints(hints, w)].length).toBeLessThanOrEqual(w);
      }),
    );
  });

  it('runs only inInput commands and Escape while a text input has the focus', () => {
    const list = [cmd('a', ['q'], 'x'), cmd('b', ['ctrl+c'], 'x', { inInput: true }), cmd('c', ['escape'], 'x')];
    expect(matchCommand(list, 'q', true)).toBeUndefined();
    expect(matchCommand(list, 'q', false)?.id).toBe('a');
    expect(matchCommand(list, 'ctrl+c', true)?.id).toBe('b');
    expect(matchCommand(list, 'escape', true)?.id).toBe('c');
  });
});

describe('the command router', () => {
  it('tries the newest active registration first, the global scope last, and only inInput keys while typing', async () => {
    const { CommandRouter } = await import('../../src/ui/commands.js');
    const router = new CommandRouter();
    const ran: string[] = [];
    const run = (name: string) => () => ran.push(name);
    const a = Symbol('global');
    const b = Symbol('list');
    const c = Symbol('post');
    router.update(a, 'global', [{ ...cmd('quit', ['q'], 'global'), run: run('quit') }, { ...cmd('force', ['ctrl+c'], 'global', { inInput: true }), run: run('force') }], true);
    router.update(b, 'list', [{ ...cmd('down', ['j'], 'list'), run: run('down') }], true);
    router.update(c, 'post', [{ ...cmd('back', ['q'], 'post'), run: run('back') }], true);
    expect(router.dispatch('q')).toBe(true);
    expect(router.dispatch('j')).toBe(true);
    router.update(c, 'post', [{ ...cmd('back', ['q'], 'post'), run: run('back') }], false);
    router.dispatch('q');
    expect(router.activeScopes()).toEqual(['list', 'global']);
    const input = Symbol('input');
    router.setFocus(input, true);
    expect(router.dispatch('j')).toBe(false);
    router.dispatch('ctrl+c');
    router.remove(input);
    expect(router.dispatch('x')).toBe(false);
    expect(ran).toEqual(['back', 'down', 'quit', 'force']);
  });
});

describe('the search input', () => {
  it('applies Backspaces that arrive in one chunk instead of typing them', async () => {
    const { applyErases } = await import('../../src/ui/reader/SearchBar.js');
    expect(applyErases('#video\u007f\u007f\u007f\u007f\u007fsaline')).toBe('#saline');
    expect(applyErases('\u007fab\bc')).toBe('ac');
  });
});
