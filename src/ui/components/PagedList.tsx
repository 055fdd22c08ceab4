/**
 * A virtual list over a paged query: only the rows on screen are drawn, and only their pages are fetched. The
 * selection is controlled by the parent (so it can jump: search matches, months), and the movement keys are
 * registered here under the parent's scope.
 */
import { Box } from 'ink';
import { useEffect, type ReactNode } from 'react';
import { useCommands, type RunnableCommand } from '../commands.js';
import type { PagedData } from '../reader/useTimeline.js';
import { seg, type Line } from '../text.js';
import { LineRow, Lines } from './Lines.js';
import { clampList, movementCommands, moveList, type ListPosition } from './navigation.js';

export interface PagedListProps<T> {
  scope: string;
  data: PagedData<T>;
  renderRow: (row: T | undefined, index: number) => Line;
  pos: ListPosition;
  setPos: (update: (p: ListPosition) => ListPosition) => void;
  width: number;
  height: number;
  active: boolean;
  title: Line;
  /** Rows drawn between the title and the list (a notice). */
  notice?: Line[];
  /** Drawn at the bottom, in place of the last list row (e.g. the search input). */
  footer?: ReactNode;
  onOpen?: (row: T, index: number) => void;
  openLabel?: string;
  /** Commands of the parent, tried before the movement keys. */
  commands?: RunnableCommand[];
  empty?: string;
}

export function listHeight(height: number, notice: number, footer: boolean): number {
  return Math.max(1, height - 1 - notice - (footer ? 1 : 0));
}

export function PagedList<T>(p: PagedListProps<T>) {
  const notice = p.notice ?? [];
  const rowsHeight = listHeight(p.height, notice.length, p.footer !== undefined);
  const count = p.data.count ?? 0;
  const pos = clampList(p.pos, count, rowsHeight);
  const { ensure } = p.data;
  useEffect(() => {
    ensure(pos.top, rowsHeight);
  }, [ensure, pos.top, rowsHeight, p.data.count]);
  const commands: RunnableCommand[] = [
    ...(p.onOpen
      ? [
          {
            id: `${p.scope}.open`,
            keys: ['enter'],
            description: p.openLabel ?? 'open',
            scope: p.scope,
            hint: true,
            run: () => {
              const row = p.data.rowAt(pos.selected);
              if (row !== undefined) p.onOpen!(row, pos.selected);
            },
          },
        ]
      : []),
    ...(p.commands ?? []),
    ...movementCommands(p.scope, 'list', (m) => p.setPos((old) => moveList(clampList(old, count, rowsHeight), m, count, rowsHeight))),
  ];
  useCommands(p.scope, commands, { active: p.active });

  let rows: Line[];
  if (p.data.error) rows = [[seg(`Could not read the list: ${p.data.error}`, 'error')]];
  else if (p.data.count === null) rows = [[seg('reading…', 'dim')]];
  else if (count === 0) rows = [[seg(p.empty ?? 'nothing here', 'dim')]];
  else {
    rows = [];
    for (let i = pos.top; i < Math.min(count, pos.top + rowsHeight); i++) rows.push(p.renderRow(p.data.rowAt(i), i));
  }
  return (
    <Box flexDirection="column" width={p.width} height={p.height} overflow="hidden">
      <LineRow line={p.title} width={p.width} />
      {notice.length > 0 && <Lines lines={notice} width={p.width} height={notice.length} />}
      <Lines lines={rows} width={p.width} height={rowsHeight} selected={count > 0 && !p.data.error ? pos.selected - pos.top : undefined} />
      {p.footer}
    </Box>
  );
}
