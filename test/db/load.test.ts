/** Loader behaviour that the corpus does not show: duplicate keys, export quirks, CSVs next to the archive. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openArchive } from '../../src/archive/index.js';
import { openArchiveDatabase } from '../../src/db/cache.js';
import { createSchema, openDatabase } from '../../src/db/connection.js';
import { DERIVE_MEMORY_LIMIT, LOAD_MEMORY_LIMIT, loadArchive } from '../../src/db/load.js';
import { type OutboxPipeline, prepareOutboxPipeline } from '../../src/db/outbox-pipeline.js';
import { toCell } from '../../src/db/runner.js';
import { REPO, tempDir, zipFolder } from '../helpers/archives.js';

const ACTOR = 'https://example.social/users/ada';
const PUBLIC = 'https://www.w3.org/ns/activitystreams#Public';

function post(n: number, extra: Record<string, unknown> = {}) {
  const id = `${ACTOR}/statuses/${n}`;
  return {
    id: `${id}/activity`,
    type: 'Create',
    actor: ACTOR,
    published: `2024-0${(n % 9) + 1}-01T00:00:00Z`,
    to: [PUBLIC],
    cc: [`${ACTOR}/followers`],
    object: { id, type: 'Note', published: `2024-0${(n % 9) + 1}-01T00:00:00Z`, content: `<p>post ${n}</p>`, to: [PUBLIC], cc: [], tag: [], attachment: [], ...extra },
  };
}

async function query(path: string, sql: string, csvPaths: string[] = []) {
  const opened = await openArchiveDatabase(path, { cache: false, csvPaths });
  try {
    return (await opened.db.conn.runAndReadAll(sql)).getRows().map((r) => r.map(toCell));
  } finally {
    await opened.close();
  }
}

async function archiveFolder(files: Record<string, string>): Promise<string> {
  const dir = join(await tempDir(), 'archive');
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

describe('loader', () => {
  it('keeps the last orderedItems array, as JSON does (Mastodon 4.2.10 writes an empty one first)', async () => {
    const outbox = `{"@context":"x","orderedItems":[],"type":"OrderedCollection","orderedItems":[${JSON.stringify(post(1))},${JSON.stringify(post(2))}]}`;
    const dir = await archiveFolder({ 'outbox.json': outbox });
    expect(await query(dir, 'select count(*) from posts')).toEqual([[2]]);
    expect(await query(dir, 'select items from archives')).toEqual([[2]]);
  });

  it('drops the items of an earlier non-empty orderedItems array and says so', async () => {
    const outbox = `{"orderedItems":[${JSON.stringify(post(7, { tag: [{ type: 'Hashtag', name: '#old' }] }))}],"orderedItems":[${JSON.stringify(post(8))}]}`;
    const dir = await archiveFolder({ 'outbox.json': outbox });
    expect(await query(dir, 'select id from posts')).toEqual([['8']]);
    expect(await query(dir, 'select count(*) from hashtags')).toEqual([[0]]);
    expect((await query(dir, "select problem from load_issues where source = 'outbox.json'"))[0]![0]).toMatch(/orderedItems appears 2 times; the last one is used \(1 earlier items ignored\)/);
  });

  it('reads an outbox with two @context keys (Mastodon 4.2.0–4.2.9)', async () => {
    const outbox = `{"@context":"https://www.w3.org/ns/activitystreams","id":"outbox.json","type":"OrderedCollection","totalItems":1,"orderedItems":[${JSON.stringify(post(1))}],"@context":["https://www.w3.org/ns/activitystreams",{"toot":"http://joinmastodon.org/ns#"}]}`;
    const dir = await archiveFolder({ 'outbox.json': outbox });
    expect(await query(dir, 'select count(*), (select total_items_declared from archives) from posts')).toEqual([[1, 1]]);
  });

  it('derives threads: thread_root is the first post of the self-reply chain', async () => {
    const items = [post(1), post(2, { inReplyTo: `${ACTOR}/statuses/1` }), post(3, { inReplyTo: `${ACTOR}/statuses/2` }), post(4, { inReplyTo: 'https://other.example/statuses/9' })];
    const dir = await archiveFolder({ 'outbox.json': JSON.stringify({ orderedItems: items }) });
    const rows = await query(dir, 'select id, reply_to_self, thread_root from posts order by id');
    expect(rows).toEqual([
      ['1', false, `${ACTOR}/statuses/1`],
      ['2', true, `${ACTOR}/statuses/1`],
      ['3', true, `${ACTOR}/statuses/1`],
      ['4', false, `${ACTOR}/statuses/4`],
    ]);
    expect(await query(dir, 'select thread_root, posts from threads')).toEqual([[`${ACTOR}/statuses/1`, 3]]);
  });

  it('matches media by the loader rules and records missing files', async () => {
    const media = (url: string) => ({ type: 'Document', mediaType: 'image/png', url, name: 'alt' });
    const items = [
      post(1, { attachment: [media('/media_attachments/files/1/original/aaaa.png'), media('/bucket/media_attachments/files/2/original/bbbb.png'), media('/media_attachments/files/3/original/gone.png')] }),
    ];
    const dir = await archiveFolder({
      'outbox.json': JSON.stringify({ orderedItems: items }),
      'media_attachments/files/1/original/aaaa.png': 'png1',
      'media_attachments/files/2/original/bbbb.png': 'png22',
    });
    expect(await query(dir, 'select archive_path, bytes from media order by position')).toEqual([
      ['media_attachments/files/1/original/aaaa.png', 4],
      ['media_attachments/files/2/original/bbbb.png', 5],
      [null, null],
    ]);
    expect(await query(dir, "select count(*) from load_issues where problem like 'media file not in the archive%'")).toEqual([[1]]);
  });

  it('finds CSV exports inside the archive, next to it, and on the command line', async () => {
    const dir = await archiveFolder({ 'outbox.json': JSON.stringify({ orderedItems: [post(1)] }), 'lists.csv': 'Friends,a@b.example\n' });
    const zip = await zipFolder(dir, join(dir, '..', 'archive.zip'));
    await writeFile(join(dir, '..', 'blocked_domains.csv'), 'Spam.example\n');
    const named = join(dir, '..', 'elsewhere-mutes.csv');
    await writeFile(named, 'Account address,Hide notifications\n@x@y.example,true\n');
    const rows = await query(zip, 'select (select count(*) from lists), (select domain from domain_blocks), (select acct from mutes)', [named]);
    expect(rows).toEqual([[1, 'spam.example', 'x@y.example']]);
  });

  it('reads likes and bookmarks as addresses with their hosts', async () => {
    const dir = await archiveFolder({
      'outbox.json': '{"orderedItems":[]}',
      'likes.json': JSON.stringify({ type: 'OrderedCollection', orderedItems: ['https://www.misskey.example/notes/1', 'tag:old.example,2017-01-01:objectId=5:objectType=Status'] }),
      'bookmarks.json': JSON.stringify({ orderedItems: ['https://x.example/@a/1'] }),
    });
    expect(await query(dir, 'select host from likes order by position')).toEqual([['misskey.example'], ['old.example']]);
    expect(await query(dir, 'select uri, source from bookmarks')).toEqual([['https://x.example/@a/1', 'bookmarks.json']]);
  });
});

describe('memory limit of a load into a file', () => {
  it('ends at the load\'s limit, not the derivations\' larger one, for the last commit', async () => {
    const archive = await openArchive(join(REPO, 'fixtures', 'sample'));
    const db = await openDatabase(join(await tempDir(), 'load.duckdb'));
    try {
      const setting = async () => String((await db.conn.runAndReadAll("SELECT current_setting('memory_limit')")).getRows()[0]![0]);
      const shown = async (limit: string) => {
        await db.conn.run(`SET memory_limit = '${limit}'`);
        return setting();
      };
      const [load, derive] = [await shown(LOAD_MEMORY_LIMIT), await shown(DERIVE_MEMORY_LIMIT)];
      expect(load).not.toBe(derive);
      await createSchema(db.conn);
      await loadArchive(db.conn, archive, { archiveId: 'test' });
      expect(await setting()).toBe(load);
    } finally {
      db.close();
      await archive.close();
    }
  });
});

describe('a pipeline prepared by the caller', () => {
  /** An outbox pipeline that parses in this thread, counting how often it is disposed of. */
  function counted(archive: Awaited<ReturnType<typeof openArchive>>) {
    const inner = prepareOutboxPipeline(archive, archive.find('outbox.json')!, { worker: false });
    const seen = { disposed: 0 };
    const pipeline: OutboxPipeline = { worker: inner.worker, run: (a, b) => inner.run(a, b), dispose: () => void seen.disposed++ };
    return { pipeline, seen };
  }

  async function loadWith(dir: string, fail: 'no' | 'aborted' | 'no schema') {
    const archive = await openArchive(dir);
    const db = await openDatabase(':memory:');
    try {
      if (fail !== 'no schema') await createSchema(db.conn);
      const { pipeline, seen } = counted(archive);
      const signal = fail === 'aborted' ? AbortSignal.abort(new Error('stopped')) : undefined;
      const outcome = await loadArchive(db.conn, archive, { archiveId: 'test', outbox: pipeline, signal }).then(
        () => 'loaded',
        (error: Error) => error.message,
      );
      return { outcome, disposed: seen.disposed };
    } finally {
      db.close();
      await archive.close();
    }
  }

  it('is disposed of when the load fails before or during the transaction, and left alone when it succeeds', async () => {
    const dir = await archiveFolder({ 'outbox.json': JSON.stringify({ orderedItems: [post(1)] }) });
    expect(await loadWith(dir, 'no')).toEqual({ outcome: 'loaded', disposed: 0 });
    expect(await loadWith(dir, 'aborted')).toEqual({ outcome: 'stopped', disposed: 1 });
    const noSchema = await loadWith(dir, 'no schema');
    expect(noSchema.outcome).toMatch(/load_issues/);
    expect(noSchema.disposed).toBe(1);
  });
});
