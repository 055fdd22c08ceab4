/**
 * The SQL pane's side list: the example queries (each on its own key), then the tables and views; the selected
 * table opens to show its columns and types. Every item has a one-line explanation (from schema.sql). Pure.
 */
import { sanitizeText } from '../../content/sanitize.js';
import type { Catalog, CatalogColumn, CatalogTable } from '../../db/sql/catalog.js';
import type { ExampleQuery } from '../../db/sql/examples.js';
import { seg, type Line } from '../text.js';

export type SideItem =
  | { kind: 'heading'; text: string }
  | { kind: 'example'; example: ExampleQuery }
  | { kind: 'table'; table: CatalogTable; open: boolean }
  | { kind: 'column'; table: CatalogTable; column: CatalogColumn };

/** The items, with the columns of `openTable` shown under it. */
export function sideItems(examples: readonly ExampleQuery[], catalog: Catalog | undefined, openTable?: string): SideItem[] {
  const items: SideItem[] = [{ kind: 'heading', text: 'Examples (press the key)' }];
  for (const example of examples) items.push({ kind: 'example', example });
  items.push({ kind: 'heading', text: catalog ? 'Tables (Enter: query it)' : 'Tables: loading…' });
  for (const table of catalog?.tables ?? []) {
    const open = table.name === openTable;
    items.push({ kind: 'table', table, open });
    if (open) for (const column of table.columns) items.push({ kind: 'column', table, column });
  }
  return items;
}

export function isSelectable(item: SideItem | undefined): boolean {
  return item !== undefined && item.kind !== 'heading';
}

/** The next selectable index from `from` in `direction` (stays when there is none). */
export function stepSelection(items: readonly SideItem[], from: number, direction: 1 | -1, steps = 1): number {
  let at = from;
  for (let moved = 0; moved < steps; ) {
    let next = at + direction;
    while (next >= 0 && next < items.length && !isSelectable(items[next])) next += direction;
    if (next < 0 || next >= items.length) break;
    at = next;
    moved++;
  }
  return at;
}

/** One line per item. */
export function sideLine(item: SideItem): Line {
  switch (item.kind) {
    case 'heading':
      return [seg(item.text, 'heading')];
    case 'example':
      return [seg(` ${item.example.key} `, 'key'), seg(item.example.title)];
    case 'table':
      return [
        seg(item.open ? ' ▾ ' : ' ▸ ', 'dim'),
        seg(sanitizeText(item.table.name), 'bold'),
        seg(item.table.kind === 'table' ? '' : ` (${item.table.kind})`, 'dim'),
      ];
    case 'column':
      return [seg(`    ${sanitizeText(item.column.name)} `), seg(sanitizeText(item.column.type.toLowerCase()), 'dim')];
  }
}

/** The one-line explanation of an item, for the line under the list. */
export function sideExplanation(item: SideItem | undefined): string {
  if (!item) return '';
  switch (item.kind) {
    case 'heading':
      return '';
    case 'example':
      return `${item.example.title}: Enter or ${item.example.key} runs it`;
    case 'table':
      return `${item.table.name}: ${item.table.doc ?? (item.table.kind === 'temporary' ? 'a temporary table' : 'no description')}`;
    case 'column':
      return `${item.table.name}.${item.column.name} ${item.column.type}${item.column.doc ? `: ${item.column.doc}` : ''}`;
  }
}
