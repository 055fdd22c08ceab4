/**
 * The two building blocks of every screen below the header: a scrolling document (DocPane) and a list with a
 * selection (ListPane). Both take exactly width x height cells: a title row, then the content.
 */
import { Box } from 'ink';
import { useEffect, type ReactNode } from 'react';
import { useCommands, type RunnableCommand } from '../commands.js';
import { seg, type Line } from '../text.js';
import { LineRow, Lines } from './Lines.js';
import { movementCommands, useDocScroll, useListPosition } from './navigation.js';

export function backCommand(scope: string, onBack: () => void, description = 'back'): RunnableCommand {
  return { id: `${scope}.back`, keys: ['q', 'escape', 'backspace'], description, scope, hint: true, run: onBack };
}

/** A title row: bold title, dim details, and a position on the right. */
export function titleLine(title: string, detail: string, position: string, width: number): Line {
  const left = [seg(title, 'heading'), seg(detail ? `  ${detail}` : '', 'dim')];
  const leftWidth = [...title].length + (detail ? [...detail].length + 2 : 0);
  const gap = Math.max(1, width - leftWidth - [...position].length);
  return leftWidth + position.length + 1 > width ? left : [...left, seg(' '.repeat(gap)), seg(position, 'dim')];
}

interface PaneProps {
  scope: string;
  title: string;
  detail?: string;
  /** Replaces the title row (title, detail and position). */
  header?: Line;
  width: number;
  height: number;
  active: boolean;
  onBack?: () => void;
  backLabel?: string;
  commands?: RunnableCommand[];
  /** Drawn under the content, taking that many rows. */
  footer?: ReactNode;
  footerHeight?: number;
}

export function DocPane({ lines, ...p }: PaneProps & { lines: Line[] }) {
  const contentHeight = Math.max(1, p.height - 1 - (p.footerHeight ?? 0));
  const [top, move] = useDocScroll(lines.length, contentHeight);
  const commands = [
    ...(p.commands ?? []),
    ...(p.onBack ? [backCommand(p.scope, p.onBack, p.backLabel)] : []),
    ...movementCommands(p.scope, 'doc', move),
  ];
  useCommands(p.scope, commands, { active: p.active });
  const last = Math.min(lines.length, top + contentHeight);
  const position = lines.length > contentHeight ? `${top + 1}-${last}/${lines.length}` : '';
  return (
    <Box flexDirection="column" width={p.width} height={p.height} overflow="hidden">
      <LineRow line={p.header ?? titleLine(p.title, p.detail ?? '', position, p.width)} width={p.width} />
      <Lines lines={lines.slice(top, top + contentHeight)} width={p.width} height={contentHeight} />
      {p.footer}
    </Box>
  );
}

export function ListPane({
  rows,
  onOpen,
  openLabel = 'open',
  initial,
  empty = 'nothing here',
  onSelect,
  ...p
}: PaneProps & {
  rows: Line[];
  onOpen?: (index: number) => void;
  openLabel?: string;
  initial?: number;
  empty?: string;
  onSelect?: (index: number) => void;
}) {
  const contentHeight = Math.max(1, p.height - 1 - (p.footerHeight ?? 0));
  const [pos, move, select] = useListPosition(rows.length, contentHeight);
  useEffect(() => {
    if (initial !== undefined) select(initial);
  }, [initial, select]);
  useEffect(() => {
    onSelect?.(pos.selected);
  }, [pos.selected]); // eslint-disable-line react-hooks/exhaustive-deps
  const commands: RunnableCommand[] = [
    ...(onOpen
      ? [{ id: `${p.scope}.open`, keys: ['enter'], description: openLabel, scope: p.scope, hint: true, run: () => rows.length > 0 && onOpen(pos.selected) }]
      : []),
    ...(p.commands ?? []),
    ...(p.onBack ? [backCommand(p.scope, p.onBack, p.backLabel)] : []),
    ...movementCommands(p.scope, 'list', move),
  ];
  useCommands(p.scope, commands, { active: p.active });
  const position = rows.length > 0 ? `${pos.selected + 1}/${rows.length}` : '';
  const shown = rows.length === 0 ? [[seg(empty, 'dim')]] : rows.slice(pos.top, pos.top + contentHeight);
  return (
    <Box flexDirection="column" width={p.width} height={p.height} overflow="hidden">
      <LineRow line={titleLine(p.title, p.detail ?? '', position, p.width)} width={p.width} />
      <Lines lines={shown} width={p.width} height={contentHeight} selected={rows.length > 0 ? pos.selected - pos.top : undefined} />
      {p.footer}
    </Box>
  );
}
