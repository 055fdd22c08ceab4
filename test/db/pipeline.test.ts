/**
 * The load worker gives the same database as loading in one thread. The worker only runs from the build (dist/):
 * under the test runner the sources are TypeScript, which a worker thread cannot load, so the other loader tests
 * cover the one-thread path and this file compares the two with the built loader. Also: periodic commits and tiny
 * batches with the tightest flow control change nothing, and a damaged outbox fails the same way.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { CORPUS, REPO, tempDir, zipFolder } from '../helpers/archives.js';

const DIST = join(REPO, 'dist');

interface Built {
  openArchive: (path: string) => Promise<{ close(): Promise<void>; find(name: string): unknown }>;
  openDatabase: (path: string) => Promise<{ conn: Conn; close(): void }>;
  createSchema: (conn: Conn) => Promise<void>;
  loadArchive: (conn: Conn, archive: unknown, options: Record<string, unknown>) => Promise<{ items: number; issues: number }>;
}
interface Conn {
  runAndReadAll(sql: string): Promise<{ getRows(): unknown[][] }>;
}

let built: Built;

beforeAll(async () => {
  if (!existsSync(join(DIST, 'ingest', 'outbox-worker.js'))) {
    throw new Error('dist/ingest/outbox-worker.js is missing: run `npm run build` first');
  }
  const load = (path: string) => import(pathToFileURL(join(DIST, path)).href);
  const [archive, connection, loader] = await Promise.all([load('archive/index.js'), load('db/connection.js'), load('db/load.js')]);
  built = { openArchive: archive.openArchive, openDatabase: connection.openDatabase, createSchema: connection.createSchema, loadArchive: loader.loadArchive };
});

const TABLES = [
  'posts', 'boosts', 'media', 'hashtags', 'mentions', 'links', 'emojis', 'poll_options', 'outbox_items', 'load_issues',
  'likes', 'bookmarks', 'account', 'archive_files',
];

/** Every table, each as sorted lines of text, after loading `path` with the given pipeline options. */
async function dump(path: string, options: Record<string, unknown>): Promise<Record<string, string[]>> {
  const archive = await built.openArchive(path);
  const db = await built.openDatabase(':memory:');
  try {
    await built.createSchema(db.conn);
    await built.loadArchive(db.conn, archive, { archiveId: 'test', ...options });
    const out: Record<string, string[]> = {};
    for (const table of TABLES) {
      const rows = (await db.conn.runAndReadAll(`SELECT * FROM ${table}`)).getRows();
      out[table] = rows.map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).sort();
    }
    return out;
  } finally {
    db.close();
    await archive.close();
  }
}

async function expectSame(path: string) {
  const inThread = await dump(path, { pipeline: { worker: false } });
  const worker = await dump(path, { pipeline: { worker: true } });
  const tight = await dump(path, { pipeline: { worker: true, batchItems: 1, maxInFlight: 1 }, commitEveryItems: 3 });
  expect(inThread.posts!.length).toBeGreaterThan(0);
  expect(worker).toEqual(inThread);
  expect(tight).toEqual(inThread);
}

describe('load worker', () => {
  it('loads the bundled sample exactly as one thread does', async () => {
    await expectSame(join(REPO, 'fixtures', 'sample'));
  }, 60_000);

  it('loads a ZIP of a corpus archive exactly as one thread does', async () => {
    const dir = await tempDir();
    await expectSame(await zipFolder(join(CORPUS, 'ricard-social-4.0-polls-emoji'), join(dir, 'a.zip')));
  }, 60_000);

  it('reports bad items and a truncated outbox as one thread does', async () => {
    const dir = join(await tempDir(), 'archive');
    await mkdir(dir);
    const good = (n: number) =>
      JSON.stringify({ id: `https://x.example/users/a/statuses/${n}/activity`, type: 'Create', object: { id: `https://x.example/users/a/statuses/${n}`, type: 'Note', content: `<p>${n}</p>` } });
    await writeFile(join(dir, 'outbox.json'), `{"orderedItems":[${good(1)},{"bad":1,,},${good(2)},"text",${good(3)}]}`);
    await expectSame(dir);
    await writeFile(join(dir, 'outbox.json'), `{"orderedItems":[${good(1)},${good(2)}`);
    const failures = await Promise.all(
      [false, true].map((worker) => dump(dir, { pipeline: { worker } }).then(() => 'loaded', (e: Error) => e.message)),
    );
    expect(failures[0]).toMatch(/truncated/);
    expect(failures[1]).toBe(failures[0]);
  }, 60_000);
});
