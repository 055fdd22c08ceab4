/**
 * The raw JSON of one outbox item, read back from the archive: the database keeps only where each item is
 * (outbox_items.byte_offset and bytes), since storing every item's JSON a second time doubled the load time.
 */
import type { DuckDBConnection } from './duckdb.js';
import type { Archive } from '../archive/index.js';

export async function readRawItem(
  conn: DuckDBConnection,
  archive: Archive,
  archiveId: string,
  statusId: string,
): Promise<string | undefined> {
  const rows = (
    await conn.runAndReadAll(
      'SELECT byte_offset, bytes FROM outbox_items WHERE archive_id = $1 AND id = $2 ORDER BY position DESC LIMIT 1',
      [archiveId, statusId],
    )
  ).getRows();
  const entry = archive.find('outbox.json');
  if (!rows[0] || !entry) return undefined;
  const [offset, bytes] = rows[0].map(Number) as [number, number];
  return (await archive.readRange(entry, offset, bytes)).toString('utf8');
}
