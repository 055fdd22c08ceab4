/** The frame around the views: header (account, counts, view tabs), status line, help overlay, error boundary. */
import { Box, Text } from 'ink';
import { Component, type ReactNode, useSyncExternalStore } from 'react';
import { sanitizeText } from '../../content/index.js';
import type { HeaderInfo } from '../../db/reader-detail-queries.js';
import { useCommands } from '../commands.js';
import { formatHints, formatKeys, helpSections, type Command } from '../keymap.js';
import { ROW_LEGEND } from '../reader/row.js';
import { lineWidth, seg, truncate, wrapText, type Line } from '../text.js';
import { LineRow } from './Lines.js';
import { DocPane } from './panes.js';

export const VIEWS = [
  { name: 'posts', key: '1', label: 'Posts' },
  { name: 'stats', key: '2', label: 'Stats' },
  { name: 'sql', key: '3', label: 'SQL' },
  { name: 'profile', key: '4', label: 'Profile' },
] as const;
export type ViewName = (typeof VIEWS)[number]['name'];

/** Where a load under way stands, while the app shows its preview (the newest posts). */
export interface LoadState {
  /** How much of outbox.json has been read, 0 to 1. */
  fraction: number;
  /** Outbox items loaded so far. */
  items: number;
  /** Items in the preview. */
  previewItems: number;
}

/**
 * The progress of a load, read by the few components that show it: a progress update re-renders them, not the
 * whole app (which would take the loading thread's time; re-rendering everything four times a second made the load
 * of 100k posts 0.4 s longer).
 */
export interface LoadFeed {
  get(): LoadState;
  subscribe(listener: () => void): () => void;
}

const NO_LOAD: LoadState = { fraction: 0, items: 0, previewItems: 0 };
const NO_FEED: LoadFeed = { get: () => NO_LOAD, subscribe: () => () => undefined };

/** The feed's latest state, or null without a feed. */
export function useLoadState(feed: LoadFeed | null): LoadState | null {
  const f = feed ?? NO_FEED;
  const state = useSyncExternalStore(f.subscribe, f.get);
  return feed ? state : null;
}

export function loadingText(load: LoadState): string {
  return load.fraction >= 1 ? 'loading: finishing' : `loading ${Math.floor(load.fraction * 100)}%`;
}

export function headerLine(info: HeaderInfo | null, view: ViewName, width: number, load: LoadState | null = null): Line {
  const tabs: Line = [];
  for (const v of VIEWS) {
    tabs.push(v.name === view ? seg(`[${v.key} ${v.label}]`, 'heading') : seg(` ${v.key} ${v.label} `, 'dim'));
  }
  const tabsWidth = lineWidth(tabs);
  const who = info?.acct ? `@${sanitizeText(info.acct)}` : '';
  // The preview's counts are not the archive's: while it loads, the header says how far it has got instead.
  const counts = load ? loadingText(load) : info ? `${info.posts.toLocaleString('en-US')} posts · ${info.boosts.toLocaleString('en-US')} boosts` : '';
  const room = width - tabsWidth - 1;
  if (room < 8) return tabs;
  // The longest form that fits: program, account and counts; then without the program's name; then cut.
  const short = load ? counts : info ? `${info.posts.toLocaleString('en-US')} posts` : '';
  const forms = [['mastotui', who, counts], [who, counts], [who, short], ['mastotui', who]];
  const texts = forms.map((f) => f.filter(Boolean).join(' · '));
  const leftText = texts.find((t) => lineWidth([seg(t)]) <= room) ?? truncate(texts[0]!, room);
  return [seg(leftText, 'bold'), seg(' '.repeat(Math.max(1, width - tabsWidth - lineWidth([seg(leftText)])))), ...tabs];
}

/** Columns the status line keeps for the hints however long the view's info: ' │ ? help'. */
const HINT_ROOM = 9;

/**
 * Status line: the view's info on the left, then a message, or else the hints of the active commands. The info goes
 * first (the list's position, search matches, filter): the hints get what it leaves, at least HINT_ROOM columns; a
 * message gets all it needs of the line's right half.
 */
export function statusLine(info: string, message: string, hints: readonly Command[], width: number): Line {
  const shown = sanitizeText(message);
  const infoRoom = message ? Math.max(Math.floor(width / 2), width - 3 - lineWidth([seg(shown)])) : width - HINT_ROOM;
  const left = truncate(sanitizeText(info), Math.max(0, Math.min(infoRoom, width - HINT_ROOM)));
  const sep = left ? ' │ ' : '';
  const room = Math.max(0, width - lineWidth([seg(left)]) - sep.length);
  if (message) return [seg(left, 'bold'), seg(sep, 'dim'), seg(truncate(shown, room), 'key')];
  return [seg(left, 'bold'), seg(sep, 'dim'), seg(formatHints(hints, room), 'dim')];
}

/** The header, with the load's progress while there is one. */
export function HeaderBar({ info, view, width, feed }: { info: HeaderInfo | null; view: ViewName; width: number; feed: LoadFeed | null }) {
  const load = useLoadState(feed);
  return <Bar line={headerLine(info, view, width, load)} width={width} />;
}

/** What a view that needs the whole archive shows while it loads. */
export function LoadingPane({ label, feed, width, height }: { label: string; feed: LoadFeed; width: number; height: number }) {
  const load = useLoadState(feed)!;
  const items = load.items.toLocaleString('en-US');
  const text = [
    `${loadingText(load)} (${items} items so far).`,
    '',
    `${label} opens when the whole archive is loaded. Meanwhile the Posts view (1) shows the newest ${load.previewItems.toLocaleString('en-US')} posts.`,
  ];
  const lines: Line[] = [[seg(label, 'heading')], [], ...text.flatMap((t) => (t === '' ? [[]] : wrapText(t, width)))];
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      {lines.slice(0, height).map((l, i) => (
        <LineRow key={i} line={l} width={width} />
      ))}
    </Box>
  );
}

export function Bar({ line, width }: { line: Line; width: number }) {
  return (
    <Box width={width} height={1} overflow="hidden">
      <LineRow line={line} width={width} />
    </Box>
  );
}

/** The help overlay: the commands that were active when it opened, by scope, innermost first. */
export function HelpOverlay({
  commands,
  scopes,
  width,
  height,
  onClose,
}: {
  commands: Command[];
  scopes: string[];
  width: number;
  height: number;
  onClose: () => void;
}) {
  const lines: Line[] = [];
  lines.push(...wrapText('The keys that work where you are, then the ones that work everywhere. Esc, q or ? closes this.', width, 'dim'));
  const keyWidth = Math.min(22, Math.max(12, Math.floor(width / 4)));
  for (const section of helpSections(commands, scopes)) {
    lines.push([], [seg(section.title, 'heading')]);
    for (const c of section.commands) {
      const keys = formatKeys(c.keys);
      const wrapped = wrapText(c.description, Math.max(10, width - keyWidth - 2));
      wrapped.forEach((l, i) => lines.push([seg(i === 0 ? `  ${truncate(keys, keyWidth - 1).padEnd(keyWidth)}` : ' '.repeat(keyWidth + 2), 'key'), ...l]));
    }
  }
  if (scopes.includes('list')) lines.push([], ...wrapText(ROW_LEGEND, width, 'dim'));
  lines.push([], ...wrapText('Dates are in your time zone (--tz changes it). Text from the archive is shown with control characters made visible.', width, 'dim'));
  useCommands('help', [{ id: 'help.close', keys: ['?', 'f1'], description: 'close the help', scope: 'help', run: onClose }], { active: true });
  return <DocPane scope="help" title="Help" detail="keys" lines={lines} width={width} height={height} active onBack={onClose} backLabel="close the help" />;
}

/** Keeps a view's crash inside the view: the message is shown, the rest of the app keeps working. */
export class ViewErrorBoundary extends Component<{ name: string; width: number; children: ReactNode }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    if (this.state.error) {
      return (
        <Box flexDirection="column" width={this.props.width}>
          <Text bold>{`The ${this.props.name} view stopped with an error:`}</Text>
          <Text wrap="wrap">{sanitizeText(this.state.error.message)}</Text>
          <Text dimColor>Other views still work (1-4, Tab); q quits. Set MASTOTUI_DEBUG=1 for details.</Text>
        </Box>
      );
    }
    return this.props.children;
  }
}
