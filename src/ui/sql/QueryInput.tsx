/**
 * The query input: ink-text-input with a value the pane controls.
 *
 * Two things ink-text-input does not do by itself are handled here:
 *   - A value set from outside (history, completion, an example) should put the cursor at its end: the input is
 *     mounted again (a new `key`) whenever the pane sets the value. Until React has run the effects of that
 *     render, the old instance still gets the keys and edits the value it had: its edit (typed text, a
 *     backspace) is replayed at the end of the current value instead, so that no key is lost.
 *   - ink-text-input sees every key, also the ones the pane binds with `inInput` (Ctrl-R, Ctrl-X, Ctrl-E, Ctrl-J):
 *     it would insert 'r', 'x', 'e' or a line feed. The command calls takeKey(char), which drops that insertion
 *     whether ink-text-input saw the key before or after the command ran (both happen within one input event).
 *   - Enter that arrives in one chunk with the text typed before it (fast typing, a slow SSH link, a multiplexer)
 *     reaches ink-text-input as a character, not as the Return key: such a chunk (one line, then Enter) is typed
 *     text and Enter, handed to `onLine`. A chunk with line breaks inside is a paste and stays in the input.
 */
import { Box, Text } from 'ink';
import TextInput from 'ink-text-input';
import { useCallback, useMemo, useRef, useState } from 'react';
import { textWidth } from '../../content/width.js';

/** Text as the input may hold it: line breaks as '\n', tabs as spaces, no other control characters. */
export function cleanInput(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/\t/g, '  ')
    .replace(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, '');
}

/** The edit that turned `before` into `after` (text typed, characters deleted), done at the end of `target`. */
export function replayEdit(before: string, after: string, target: string): string {
  let p = 0;
  while (p < before.length && p < after.length && before[p] === after[p]) p++;
  let q = 0;
  while (q < before.length - p && q < after.length - p && before[before.length - 1 - q] === after[after.length - 1 - q]) q++;
  const inserted = after.slice(p, after.length - q);
  const deleted = before.length - p - q;
  return target.slice(0, Math.max(0, target.length - deleted)) + inserted;
}

/**
 * When `after` is `before` (a value of the input: no carriage return) with one line of text and a carriage return
 * inserted at one place (keys typed, then Enter, read in one chunk), the value with the text and without the
 * return; otherwise undefined.
 */
export function typedLine(before: string, after: string): string | undefined {
  const r = after.indexOf('\r');
  if (r < 0 || after.indexOf('\r', r + 1) >= 0 || before.includes('\r')) return undefined;
  // The text went in at `at`; what follows the return is the rest of `before`.
  const at = before.length - (after.length - r - 1);
  if (at < 0 || at >= r || after.slice(r + 1) !== before.slice(at) || after.slice(0, at) !== before.slice(0, at)) return undefined;
  if (after.slice(at, r).includes('\n')) return undefined;
  return after.slice(0, r) + after.slice(r + 1);
}

/** True when the edit from `before` to `after` happened at the end (text added or removed there). */
function endsAt(before: string, after: string): boolean {
  return after.startsWith(before) || before.startsWith(after);
}

/** True when `after` is `before` with `char` (any one character when undefined) inserted at one place. */
export function isInsertion(before: string, after: string, char?: string): boolean {
  const length = char?.length ?? 1;
  if (after.length !== before.length + length) return false;
  for (let i = 0; i <= before.length; i++) {
    const inserted = after.slice(i, i + length);
    if (after.startsWith(before.slice(0, i)) && (char === undefined || inserted === char) && after.slice(i + length) === before.slice(i)) {
      return true;
    }
  }
  return false;
}

export interface QueryInputState {
  value: string;
  /** Bumped when the pane sets the value: the input is mounted again with the cursor at the end. */
  revision: number;
  /** From the ink-text-input of `revision`. */
  onChange(next: string, revision: number): void;
  /** Sets the value (cursor at the end). */
  set(text: string): void;
  /**
   * For a command bound to a key that also reaches ink-text-input: the value without the character `char` (any
   * one character when undefined) that the key may have inserted; see the header comment.
   */
  takeKey(char?: string): string;
  /** The value right now, including changes of this input event not yet rendered. */
  current(): string;
  /** False while the input has no focus: keys ink-text-input still passes on go to `redirect` if it has it. */
  accepting: { current: boolean };
  /** The other input of the pane, which may have just taken the focus. */
  redirect: { current: QueryInputState | undefined };
  /** Applies the edit that turned `before` into `after` at the end of the value (keys meant for this input). */
  replay(before: string, after: string): void;
}

export function useQueryInput(initial = '', options: { onLine?: (value: string) => void } = {}): QueryInputState {
  const [state, setState] = useState({ value: initial, revision: 0 });
  const onLine = useRef(options.onLine);
  onLine.current = options.onLine;
  const latest = useRef(state.value);
  const armed = useRef<string | null>(null);
  const lastEdit = useRef<{ before: string; after: string } | null>(null);
  const accepting = useRef(true);
  const revision = useRef(state.revision);
  // The value each recent revision's ink-text-input was last drawn with.
  const drawn = useRef(new Map<number, string>());
  drawn.current.set(state.revision, state.value);
  for (const r of drawn.current.keys()) if (r < state.revision - 8) drawn.current.delete(r);

  const set = useCallback((text: string) => {
    const next = cleanInput(text);
    latest.current = next;
    revision.current++;
    setState({ value: next, revision: revision.current });
  }, []);

  const redirect = useRef<QueryInputState | undefined>(undefined);
  const replay = useCallback((before: string, after: string) => set(replayEdit(before, after, latest.current)), [set]);

  const onChange = useCallback((raw: string, from: number) => {
    // A key a command took (see takeKey).
    if (armed.current !== null) return;
    const before = drawn.current.get(from);
    if (!accepting.current) {
      // The focus has just moved to the other input, which does not listen yet: the key is for it.
      const target = redirect.current;
      if (target?.accepting.current && before !== undefined) target.replay(before, raw);
      return;
    }
    if (from !== revision.current) {
      if (before !== undefined) replay(before, raw);
      return;
    }
    // Keys faster than the screen: ink-text-input edits the value of its last render, not the latest one. An edit
    // at the end (typing, backspace) is replayed on the latest value; elsewhere the input's own result stands.
    if (before !== undefined && before !== latest.current && endsAt(before, raw)) {
      replay(before, raw);
      return;
    }
    const line = onLine.current && before !== undefined ? typedLine(before, raw) : undefined;
    if (line !== undefined) {
      latest.current = cleanInput(line);
      setState((s) => ({ ...s, value: latest.current }));
      const submit = onLine.current;
      queueMicrotask(() => submit?.(latest.current));
      return;
    }
    const next = cleanInput(raw);
    lastEdit.current = { before: latest.current, after: raw };
    queueMicrotask(() => {
      lastEdit.current = null;
    });
    latest.current = next;
    setState((s) => ({ ...s, value: next }));
  }, [replay]);

  const takeKey = useCallback(
    (char?: string) => {
      armed.current = char ?? '';
      queueMicrotask(() => {
        armed.current = null;
      });
      const edit = lastEdit.current;
      if (edit && isInsertion(edit.before, edit.after, char)) {
        lastEdit.current = null;
        set(edit.before);
        return edit.before;
      }
      return latest.current;
    },
    [set],
  );

  const current = useCallback(() => latest.current, []);
  return useMemo(
    () => ({ value: state.value, revision: state.revision, onChange, set, takeKey, current, accepting, redirect, replay }),
    [state, onChange, set, takeKey, current, replay],
  );
}

/** Rows the value takes at `width` columns (each line wraps). */
export function inputRows(value: string, width: number): number {
  const w = Math.max(1, width);
  return value.split('\n').reduce((n, line) => n + Math.max(1, Math.ceil((textWidth(line) + 1) / w)), 0);
}

export function QueryInput({
  input,
  prompt,
  width,
  height,
  focus,
  placeholder,
}: {
  input: QueryInputState;
  prompt: string;
  width: number;
  height: number;
  focus: boolean;
  placeholder?: string;
}) {
  const promptWidth = textWidth(prompt);
  input.accepting.current = focus;
  return (
    <Box width={width} height={height} overflow="hidden">
      <Text bold={focus} dimColor={!focus}>
        {prompt}
      </Text>
      <Box width={Math.max(1, width - promptWidth)} height={height} overflow="hidden">
        <TextInput
          key={input.revision}
          value={input.value}
          onChange={(next) => input.onChange(next, input.revision)}
          focus={focus}
          showCursor={focus}
          placeholder={placeholder}
        />
      </Box>
    </Box>
  );
}
