/**
 * The preview: the newest posts of a large archive, shown while the whole archive loads.
 *
 * The outbox is streamed once before the load, keeping only its last bytes (inflating is the cheap part of a load:
 * 0.37 s of the 3.5 s for 100k posts; read alongside the load instead, it competed for the two cores, came at 1.9 s
 * instead of 1.1 s and slowed the load); the newest items are cut out of them (ingest/outbox-tail.ts) and loaded,
 * through the same loader, into a small in-memory database with the same schema, so the reader works on it
 * unchanged. The app then swaps in the real database when the load is done.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import type { Archive, ArchiveEntry, EntryStream } from '../archive/index.js';
import { fileError } from '../errors.js';
import { newestItems } from '../ingest/outbox-tail.js';
import type { OpenedArchive } from './cache.js';
import { createSchema, openDatabase } from './connection.js';
import { loadArchive } from './load.js';

/**
 * Outboxes smaller than this load in about a second and a half or less (10k posts, 24 MB: 0.85 s), so a preview
 * would only flash before the real list replaces it.
 */
export const PREVIEW_MIN_OUTBOX_BYTES = 32 * 1024 * 1024;
/** The end of the outbox that is kept: about 400 average posts, more than a few screens. */
export const PREVIEW_TAIL_BYTES = 1024 * 1024;
export const PREVIEW_MAX_ITEMS = 1000;

export interface PreviewOptions {
  minOutboxBytes?: number;
  tailBytes?: number;
  maxItems?: number;
  /** How far the read of the outbox has got (the preview's whole cost is that read: 0.4 s at 100k posts). */
  onProgress?: (bytes: number, totalBytes: number) => void;
}

export interface Preview extends OpenedArchive {
  /** How many items the preview holds (the newest of the archive). */
  items: number;
}

/**
 * A preview of `archive`, or null when it has none worth showing: a small outbox, a tar archive (pre-4.2; its outbox
 * cannot be read twice cheaply), or an end that does not read as Mastodon writes it. Never throws for the archive's
 * sake: whatever goes wrong here, the load itself reports.
 */
export async function openPreview(archive: Archive, options: PreviewOptions = {}): Promise<Preview | null> {
  const entry = archive.find('outbox.json');
  if (!entry || entry.bytes < (options.minOutboxBytes ?? PREVIEW_MIN_OUTBOX_BYTES)) return null;
  if (archive.container === 'tar' || archive.container === 'tar.gz') return null;
  let tail: Buffer;
  try {
    tail = await readTail(archive, entry, options.tailBytes ?? PREVIEW_TAIL_BYTES, options.onProgress);
  } catch {
    return null;
  }
  const items = newestItems(new TextDecoder('utf-8').decode(tail), options.maxItems ?? PREVIEW_MAX_ITEMS, (v) => typeof v.type === 'string');
  if (items === null || items.length === 0) return null;
  const outbox = Buffer.from(`{"orderedItems":[${items.join(',')}]}`, 'utf8');
  const view = archiveWithOutbox(archive, entry, outbox);
  const db = await openDatabase(':memory:');
  try {
    await createSchema(db.conn);
    const archiveId = archive.fingerprint.slice(0, 12);
    await loadArchive(db.conn, view, { archiveId, listFiles: false });
    let closed = false;
    return {
      db,
      archiveId,
      fromCache: false,
      dbPath: db.path,
      sourcePath: resolve(archive.path),
      items: items.length,
      archive: async () => view,
      async close() {
        if (closed) return;
        closed = true;
        db.close();
      },
    };
  } catch {
    db.close();
    return null;
  }
}

/**
 * The last `bytes` bytes of an entry, streamed: only the chunks that can still be part of them are kept. (Archive's
 * readRange would stream the same way, but says nothing on the way: at 1M posts this read takes 3.5 s, with a
 * progress bar.)
 */
async function readTail(
  archive: Archive,
  entry: ArchiveEntry,
  bytes: number,
  onProgress?: (bytes: number, totalBytes: number) => void,
): Promise<Buffer> {
  const stream = await archive.openStream(entry);
  const chunks: Buffer[] = [];
  let held = 0;
  let read = 0;
  try {
    for await (const chunk of stream) {
      const buf: Buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      chunks.push(buf);
      held += buf.length;
      read += buf.length;
      onProgress?.(read, entry.bytes);
      while (chunks.length > 1 && held - chunks[0]!.length >= bytes) held -= chunks.shift()!.length;
    }
  } finally {
    stream.destroy();
  }
  const all = Buffer.concat(chunks, held);
  return all.subarray(Math.max(0, all.length - bytes));
}

/**
 * The archive as the preview's loader and the reader see it: outbox.json is the small outbox of the newest items
 * (so an item's raw JSON is read from it), likes and bookmarks are left out (the preview's lists are the timeline),
 * and every other entry (actor.json, media) is the archive's own. Closing it is the load's business, not this.
 */
function archiveWithOutbox(archive: Archive, original: ArchiveEntry, outbox: Buffer): Archive {
  const entry: ArchiveEntry = { name: original.name, rawName: original.rawName, bytes: outbox.length };
  const entries = archive.entries.map((e) => (e === original ? entry : e));
  const isOutbox = (e: ArchiveEntry) => e === entry || e.name === entry.name;
  return {
    path: archive.path,
    container: archive.container,
    entries,
    find: (name) => (name === entry.name ? entry : name === 'likes.json' || name === 'bookmarks.json' ? undefined : archive.find(name)),
    openStream: async (e) => (isOutbox(e) ? (Readable.from([outbox]) as EntryStream) : archive.openStream(e)),
    readText: async (e, max) => {
      if (!isOutbox(e)) return archive.readText(e, max);
      if (outbox.length > max) throw fileError(archive.path, `outbox.json is too large to read (${outbox.length} bytes; the limit is ${max})`);
      return outbox.toString('utf8');
    },
    readRange: async (e, offset, length) => (isOutbox(e) ? outbox.subarray(offset, offset + length) : archive.readRange(e, offset, length)),
    extractTo: async (e, dest) => (isOutbox(e) ? writeFile(dest, outbox) : archive.extractTo(e, dest)),
    fingerprint: archive.fingerprint,
    close: async () => undefined,
  };
}
