/**
 * Services of the App that the reader and the profile view use beyond AppServices: the archive (for media), the
 * account line, the clipboard, the system opener, and the persistent part of the status line.
 */
import { createContext, useContext, useEffect } from 'react';
import type { Archive } from '../archive/index.js';

export interface UiServices {
  /** The archive, opened on first use (media, raw JSON); null when there is none. */
  archive: (() => Promise<Archive>) | null;
  account: { acct: string | null; displayName: string | null };
  /** Puts text on the clipboard (OSC 52). */
  copy(text: string): void;
  /** Whether a URL or a file can be opened on the user's screen (not over SSH, a display on Linux). */
  canOpen: boolean;
  /** Opens a URL or a file with the system opener; false when that failed. */
  open(target: string): Promise<boolean>;
  /** The left part of the status line (position, filter), for the view that is active. */
  setInfo(text: string): void;
}

export const UiContext = createContext<UiServices | null>(null);

export function useUi(): UiServices {
  const ui = useContext(UiContext);
  if (!ui) throw new Error('useUi must be used inside the App');
  return ui;
}

/** Shows `text` as the status-line info while `active`. */
export function useStatusInfo(text: string, active: boolean): void {
  const ui = useUi();
  useEffect(() => {
    if (active) ui.setInfo(text);
  }, [text, active, ui]);
}
