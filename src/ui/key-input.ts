/**
 * The one place that reads keys from Ink: each press as a key name (keymap.ts), with the raw sequence Ink's Key
 * lacks (function keys), through a handler Ink never sees change (Ink re-subscribes its listener whenever the
 * handler changes, and a key read in between is lost).
 */
import { type Key, useInput, useStdin } from 'ink';
import { useCallback, useEffect, useRef } from 'react';
import { keyName } from './keymap.js';

export function useKeyPress(handler: (name: string, input: string, key: Key) => void): void {
  const { internal_eventEmitter: emitter } = useStdin();
  // The raw sequence of each key press, read before useInput's handler runs.
  const raw = useRef('');
  useEffect(() => {
    const onInput = (data: string) => {
      raw.current = data;
    };
    emitter.on('input', onInput);
    return () => {
      emitter.off('input', onInput);
    };
  }, [emitter]);
  const latest = useRef(handler);
  latest.current = handler;
  const stable = useCallback((input: string, key: Key) => latest.current(keyName(input, key, raw.current), input, key), []);
  useInput(stable);
}
