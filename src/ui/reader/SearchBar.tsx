/** The one-line search input under the list: Enter searches, Esc leaves it. */
import { Box, Text } from 'ink';
import TextInput from 'ink-text-input';
import { useRef, useState } from 'react';
import { sanitizeText } from '../../content/index.js';
import { useCommands, useTextInputFocus } from '../commands.js';

/**
 * The input's new value with erase characters applied: several Backspaces that reach ink-text-input in one chunk
 * (key repeat, a busy terminal) arrive as text, not as keys.
 */
export function applyErases(value: string): string {
  const out: string[] = [];
  for (const ch of value) {
    if (ch === '\u007f' || ch === '\b') out.pop();
    else out.push(ch);
  }
  return out.join('');
}

export function SearchBar({
  initial,
  width,
  active,
  onSubmit,
  onCancel,
}: {
  initial: string;
  width: number;
  active: boolean;
  onSubmit: (term: string) => void;
  onCancel: () => void;
}) {
  const [value, setValue] = useState(initial);
  // The value as last typed: Enter that arrives right after the text, before the input has drawn it, would submit
  // the value of the last drawing (ink-text-input passes its prop), often empty.
  const latest = useRef(initial);
  // Ctrl-U clears the input, as in a shell. The command runs before ink-text-input, which then reports the key's
  // letter typed into the old value: that change is dropped.
  const cleared = useRef(false);
  const clear = () => {
    cleared.current = true;
    queueMicrotask(() => {
      cleared.current = false;
    });
    latest.current = '';
    setValue('');
  };
  useTextInputFocus(active);
  // Enter that arrives in one chunk with the text before it (fast typing, a paste, a slow SSH link) reaches
  // ink-text-input as a character, not as the Return key: it still submits.
  const change = (next: string) => {
    if (cleared.current) return;
    const line = /[\r\n]/.exec(next);
    if (line) onSubmit(sanitizeText(applyErases(next.slice(0, line.index))));
    else {
      latest.current = sanitizeText(applyErases(next));
      setValue(latest.current);
    }
  };
  useCommands(
    'search',
    [
      { id: 'search.cancel', keys: ['escape'], description: 'leave the search input', scope: 'search', hint: true, inInput: true, run: onCancel },
      { id: 'search.clear', keys: ['ctrl+u'], description: 'clear the search input', scope: 'search', inInput: true, run: clear },
    ],
    { active },
  );
  return (
    <Box width={width} height={1} overflow="hidden">
      <Text bold>/ </Text>
      <TextInput value={value} onChange={change} onSubmit={() => onSubmit(latest.current)} focus={active} placeholder="words, #hashtag, alt text… (Enter searches)" />
    </Box>
  );
}
