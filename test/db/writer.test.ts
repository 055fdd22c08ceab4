/**
 * The table writer: times go into TIMESTAMPTZ columns as the same instant whatever the session's time zone (the
 * writer appends them as plain timestamps of the UTC instant, which is faster than the TIMESTAMPTZ path), and packed
 * rows land in the right columns.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { createSchema } from '../../src/db/connection.js';
import { TableWriter } from '../../src/db/writer.js';
import { BATCH_COLUMNS, RowPacker } from '../../src/ingest/outbox-batches.js';

async function connection(timeZone: string) {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  await conn.run(`SET TimeZone = '${timeZone}'`);
  await createSchema(conn);
  return conn;
}

describe('table writer', () => {
  for (const zone of ['UTC', 'America/New_York', 'Asia/Kolkata']) {
    it(`stores the instant of an ISO time in a TIMESTAMPTZ column (session zone ${zone})`, async () => {
      const conn = await connection(zone);
      const account = await TableWriter.open(conn, 'account', 'a');
      account.write({ actor_id: 'x', created_at: '2023-05-06T07:08:09.123Z', also_known_as: [], fields: [] });
      account.close();
      const boosts = await TableWriter.open(conn, 'boosts', 'a');
      const packer = new RowPacker(BATCH_COLUMNS.boosts);
      packer.add({ id: '1', uri: 'u', position: 0, created_at: '2023-05-06T09:08:09.123+02:00', post_uri: null, post_host: null, author_uri: null, visibility: 'public' });
      packer.add({ id: '2', uri: 'v', position: 1, created_at: null, post_uri: 'p', post_host: 'h', author_uri: null, visibility: 'direct' });
      boosts.writePacked(packer.finish(), BATCH_COLUMNS.boosts);
      boosts.close();
      const read = async (sql: string) => (await conn.runAndReadAll(sql)).getRows();
      expect(await read(`SELECT epoch_ms(created_at) FROM account`)).toEqual([[1683356889123n]]);
      expect(await read(`SELECT id, epoch_ms(created_at), post_uri, visibility, position FROM boosts ORDER BY id`)).toEqual([
        ['1', 1683356889123n, null, 'public', 0n],
        ['2', null, 'p', 'direct', 1n],
      ]);
    });
  }

  it('refuses packed columns that are not the table\'s, in order', async () => {
    const conn = await connection('UTC');
    const links = await TableWriter.open(conn, 'links', 'a');
    const columns = [['url', 'text'], ['post_id', 'text'], ['host', 'text']] as const;
    const packer = new RowPacker(columns);
    packer.add({ url: 'u', post_id: 'p', host: 'h' });
    expect(() => links.writePacked(packer.finish(), columns)).toThrow(/not the table's/);
  });
});
