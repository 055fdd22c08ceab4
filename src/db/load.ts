/**
 * Loads one archive into an open database: streams outbox.json, likes.json and bookmarks.json item by item through
 * the normalisers into appenders (memory bounded by one item, not by the file), then derives what needs the whole
 * data set (self-reply threads) in SQL.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Archive, ArchiveEntry } from '../archive/index.js';
import { buildMediaIndex, entryKind, matchMediaUrl } from '../archive/index.js';
import { UserError } from '../errors.js';
import { normaliseActor } from '../ingest/actor.js';
import { type CsvTable, parseCsvExport } from '../ingest/csv-exports.js';
import { hostOf, isObject, linkId, str } from '../ingest/json-fields.js';
import { normaliseItem } from '../ingest/outbox.js';
import type { AccountRow, LoadIssue } from '../ingest/rows.js';
import { SplitError } from '../ingest/splitter.js';
import { splitStream } from '../ingest/split-stream.js';
import { SCHEMA_VERSION } from './connection.js';
import { TableWriter } from './writer.js';

export interface LoadProgress {
  file: string;
  bytes: number;
  totalBytes: number;
  items: number;
}

export interface CsvInput {
  /** Where it came from, for messages: a path, or `archive.zip:following_accounts.csv`. */
  source: string;
  table: CsvTable;
  text: string;
}

export interface LoadOptions {
  archiveId: string;
  csv?: CsvInput[];
  onProgress?: (p: LoadProgress) => void;
}

export interface LoadResult {
  archiveId: string;
  items: number;
  issues: number;
}

const OUTBOX_TABLES = ['posts', 'boosts', 'media', 'hashtags', 'mentions', 'links', 'emojis', 'poll_options', 'outbox_items'] as const;
const ACTOR_MAX_BYTES = 64 * 1024 * 1024;

export async function loadArchive(conn: DuckDBConnection, archive: Archive, options: LoadOptions): Promise<LoadResult> {
  const { archiveId } = options;
  const outboxEntry = archive.find('outbox.json');
  if (!outboxEntry) {
    throw new UserError(`${archive.path}: no outbox.json found (is this a Mastodon account archive?)`);
  }
  const issues = await TableWriter.open(conn, 'load_issues', archiveId);
  const issue = (i: LoadIssue) => issues.write(i);

  await writeArchiveFiles(conn, archive, archiveId);
  const account = await loadActor(conn, archive, archiveId, issue);

  const { items, declaredTotal, exportedAt } = await loadOutbox(conn, archive, outboxEntry, account, options, issue);
  for (const name of ['likes', 'bookmarks'] as const) {
    const entry = archive.find(`${name}.json`);
    if (entry) await loadUriCollection(conn, archive, entry, name, options, issue);
  }
  for (const csv of options.csv ?? []) await loadCsv(conn, csv, archiveId, issue);
  issues.close();

  await deriveThreads(conn, archiveId);
  await conn.run(
    `INSERT INTO archives VALUES ($1, $2, $3, $4, now(), $5, $6, $7::TIMESTAMPTZ)`,
    [archiveId, archive.path, archive.container, archive.fingerprint, declaredTotal, items, exportedAt],
  );
  await conn.run(`INSERT OR REPLACE INTO meta VALUES ('schema_version', $1)`, [SCHEMA_VERSION]);
  const issueCount = Number(
    (await conn.runAndReadAll('SELECT count(*) FROM load_issues WHERE archive_id = $1', [archiveId])).getRows()[0]![0],
  );
  return { archiveId, items, issues: issueCount };
}

async function writeArchiveFiles(conn: DuckDBConnection, archive: Archive, archiveId: string) {
  const files = await TableWriter.open(conn, 'archive_files', archiveId);
  for (const e of archive.entries) files.write({ path: e.name, bytes: e.bytes, kind: entryKind(e.name) });
  files.close();
}

async function loadActor(conn: DuckDBConnection, archive: Archive, archiveId: string, issue: (i: LoadIssue) => void) {
  const entry = archive.find('actor.json');
  let actor: unknown = null;
  if (!entry) {
    issue({ source: 'actor.json', position: 'file', problem: 'not in the archive; the account is unknown' });
  } else {
    try {
      actor = JSON.parse(await archive.readText(entry, ACTOR_MAX_BYTES));
    } catch (error) {
      if (error instanceof UserError) throw error;
      issue({ source: 'actor.json', position: 'file', problem: `not valid JSON (${(error as Error).message}); the account is unknown` });
    }
  }
  const names = new Set(archive.entries.map((e) => e.name));
  const account = normaliseActor(actor, names);
  if (actor !== null) {
    const writer = await TableWriter.open(conn, 'account', archiveId);
    writer.write(account);
    writer.close();
  }
  return account;
}

async function loadOutbox(
  conn: DuckDBConnection,
  archive: Archive,
  entry: ArchiveEntry,
  account: AccountRow,
  options: LoadOptions,
  issue: (i: LoadIssue) => void,
) {
  const writers = Object.fromEntries(
    await Promise.all(OUTBOX_TABLES.map(async (t) => [t, await TableWriter.open(conn, t, options.archiveId)] as const)),
  ) as Record<(typeof OUTBOX_TABLES)[number], TableWriter>;
  const mediaIndex = buildMediaIndex(archive.entries.filter((e) => entryKind(e.name) === 'media'));
  const ctx = {
    actorId: account.actor_id,
    followersUri: account.followers_uri,
    localDomain: account.domain,
    resolveMedia: (url: string) => matchMediaUrl(mediaIndex, url),
  };
  let position = 0;
  let lastOccurrenceStart = 0;
  let exportedAt: string | null = null;
  const stream = await archive.openStream(entry);
  const result = await runSplit(entry, stream, options, {
    onArrayStart(occurrence) {
      if (occurrence > 0) lastOccurrenceStart = position;
    },
    onItem(json, _index, byteOffset) {
      const here = position++;
      let item: unknown;
      try {
        item = JSON.parse(json);
      } catch (error) {
        issue({ source: 'outbox.json', position: `item ${here}`, problem: `malformed JSON (${(error as Error).message}); skipped` });
        return;
      }
      const rows = normaliseItem(item, here, ctx);
      if (rows.post) writers.posts.write(rows.post);
      if (rows.boost) writers.boosts.write(rows.boost);
      for (const r of rows.media) writers.media.write(r);
      for (const r of rows.hashtags) writers.hashtags.write(r);
      for (const r of rows.mentions) writers.mentions.write(r);
      for (const r of rows.links) writers.links.write(r);
      for (const r of rows.emojis) writers.emojis.write(r);
      for (const r of rows.pollOptions) writers.poll_options.write(r);
      for (const i of rows.issues) issue(i);
      const id = rows.post?.id ?? rows.boost?.id ?? null;
      writers.outbox_items.write({
        position: here,
        type: isObject(item) ? str(item.type) : null,
        id,
        byte_offset: byteOffset,
        bytes: Buffer.byteLength(json),
      });
      if (exportedAt === null && isObject(item) && isObject(item.signature)) exportedAt = str(item.signature.created);
    },
  }).catch((error: unknown) => {
    if (error instanceof SplitError) {
      throw new UserError(`${archive.path}: outbox.json: ${error.message} (at byte ${error.byteOffset})`);
    }
    throw error;
  });
  for (const w of Object.values(writers)) w.close();

  if (result.occurrences > 1) {
    // JSON's last-wins rule: only the last orderedItems array counts (Mastodon 4.2.10 writes an empty one first).
    await discardBefore(conn, options.archiveId, lastOccurrenceStart);
    issue({
      source: 'outbox.json',
      position: 'top level',
      problem: `orderedItems appears ${result.occurrences} times; the last one is used (${lastOccurrenceStart} earlier items ignored)`,
    });
  }
  const items = position - lastOccurrenceStart;
  const declared = result.topLevel.totalItems;
  return { items, declaredTotal: typeof declared === 'number' ? declared : null, exportedAt };
}

async function discardBefore(conn: DuckDBConnection, archiveId: string, start: number) {
  if (start === 0) return;
  for (const table of ['media', 'hashtags', 'mentions', 'links', 'emojis', 'poll_options']) {
    await conn.run(
      `DELETE FROM ${table} WHERE archive_id = $1 AND post_id IN (SELECT id FROM posts WHERE archive_id = $1 AND position < $2)`,
      [archiveId, start],
    );
  }
  for (const table of ['posts', 'boosts', 'outbox_items']) {
    await conn.run(`DELETE FROM ${table} WHERE archive_id = $1 AND position < $2`, [archiveId, start]);
  }
}

function runSplit(
  entry: ArchiveEntry,
  stream: AsyncIterable<Uint8Array>,
  options: LoadOptions,
  handlers: Parameters<typeof splitStream>[2],
) {
  const file = entry.name;
  return splitStream(stream, 'orderedItems', handlers, (p) =>
    options.onProgress?.({ file, bytes: p.bytes, totalBytes: entry.bytes, items: p.items }),
  );
}

async function loadUriCollection(
  conn: DuckDBConnection,
  archive: Archive,
  entry: ArchiveEntry,
  table: 'likes' | 'bookmarks',
  options: LoadOptions,
  issue: (i: LoadIssue) => void,
) {
  const writer = await TableWriter.open(conn, table, options.archiveId);
  let position = 0;
  const stream = await archive.openStream(entry);
  try {
    await runSplit(entry, stream, options, {
      onItem(json) {
        const here = position++;
        let uri: string | null = null;
        try {
          uri = linkId(JSON.parse(json));
        } catch {
          // reported below
        }
        if (uri === null) {
          issue({ source: entry.name, position: `item ${here}`, problem: 'not a post address; skipped' });
          return;
        }
        writer.write({ position: here, uri, host: hostOf(uri), source: entry.name });
      },
    });
  } catch (error) {
    // A damaged likes/bookmarks file costs only that list, never the whole load.
    if (!(error instanceof SplitError)) throw error;
    issue({ source: entry.name, position: `byte ${error.byteOffset}`, problem: `${error.message}; the ${position} items before it were kept` });
  } finally {
    writer.close();
  }
}

async function loadCsv(conn: DuckDBConnection, csv: CsvInput, archiveId: string, issue: (i: LoadIssue) => void) {
  const parsed = parseCsvExport(csv.source, csv.text, csv.table);
  for (const i of parsed.issues) issue(i);
  const writer = await TableWriter.open(conn, csv.table, archiveId);
  if (csv.table === 'bookmarks') {
    // bookmarks.csv repeats bookmarks.json when both exist: add only the addresses not already known.
    const known = new Set(
      (await conn.runAndReadAll('SELECT uri FROM bookmarks WHERE archive_id = $1', [archiveId])).getRows().map((r) => String(r[0])),
    );
    parsed.rows.forEach((row, position) => {
      const uri = String(row.uri);
      if (!known.has(uri)) writer.write({ position, uri, host: hostOf(uri), source: csv.source });
    });
  } else {
    for (const row of parsed.rows) writer.write(row);
  }
  writer.close();
}

/** thread_root: follow reply_to through your own posts to the first one; reply_to_self when the parent is yours. */
async function deriveThreads(conn: DuckDBConnection, archiveId: string) {
  await conn.run(
    `UPDATE posts SET reply_to_self = true
     WHERE archive_id = $1 AND NOT reply_to_self AND reply_to IN (SELECT uri FROM posts WHERE archive_id = $1)`,
    [archiveId],
  );
  await conn.run(
    `UPDATE posts SET thread_root = chain.root
     FROM (
       WITH RECURSIVE chain(uri, root) AS (
         SELECT uri, uri FROM posts p
         WHERE archive_id = $1 AND (reply_to IS NULL OR reply_to NOT IN (SELECT uri FROM posts WHERE archive_id = $1))
         UNION
         SELECT c.uri, chain.root FROM posts c JOIN chain ON c.reply_to = chain.uri WHERE c.archive_id = $1
       )
       SELECT uri, root FROM chain
     ) chain
     WHERE posts.archive_id = $1 AND posts.uri = chain.uri`,
    [archiveId],
  );
  // Posts in a reply cycle (only in damaged data) are their own root.
  await conn.run(`UPDATE posts SET thread_root = uri WHERE archive_id = $1 AND thread_root IS NULL`, [archiveId]);
}
