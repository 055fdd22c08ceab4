import { createWriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { fileError, UserError } from '../errors.js';
import { normalizeName, resolveNames, shownName } from './names.js';
import { errorDetail } from './streams.js';
import type { Archive, ArchiveEntry, Backend, EntryStream } from './types.js';

/** Wraps a container backend into the public Archive: root-relative names, lookup, text reading, extraction. */
export function buildArchive<H>(path: string, backend: Backend<H>): Archive {
  const resolved = resolveNames(backend.entries.map((raw) => ({ name: raw.name ?? normalizeName(raw.rawName), item: raw })));
  const handles = new WeakMap<ArchiveEntry, H>();
  const byName = new Map<string, ArchiveEntry>();
  const entries = resolved.map(({ name, item }) => {
    const entry: ArchiveEntry = { name, rawName: item.rawName, bytes: item.bytes };
    handles.set(entry, item.handle);
    byName.set(name, entry);
    return entry;
  });
  let closed = false;

  const tooLarge = (entry: ArchiveEntry, maxBytes: number, size: number): UserError =>
    fileError(path, `${shownName(entry.name)} is too large to read (${size} bytes; the limit is ${maxBytes})`);

  async function openStream(entry: ArchiveEntry): Promise<EntryStream> {
    if (closed) throw new Error(`${path}: the archive is already closed`);
    let own = entry;
    let handle = handles.get(entry);
    if (handle === undefined) {
      // An equal-looking object (e.g. a media match): find ours by name.
      const found = byName.get(entry.name);
      if (found !== undefined) {
        own = found;
        handle = handles.get(found);
      }
    }
    if (handle === undefined) throw fileError(path, `${shownName(entry.name)} is not in this archive`);
    return (await backend.open(handle, own)) as EntryStream;
  }

  async function readText(entry: ArchiveEntry, maxBytes: number): Promise<string> {
    if (entry.bytes > maxBytes) throw tooLarge(entry, maxBytes, entry.bytes);
    const stream = await openStream(entry);
    const chunks: Buffer[] = [];
    let total = 0;
    try {
      for await (const chunk of stream) {
        const buf: Buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
        total += buf.length;
        if (total > maxBytes) throw tooLarge(entry, maxBytes, total);
        chunks.push(buf);
      }
    } finally {
      stream.destroy();
    }
    return new TextDecoder('utf-8').decode(Buffer.concat(chunks, total));
  }

  /** `length` bytes from `offset` of an entry, streaming past what comes before (compressed entries cannot seek). */
  async function readRange(entry: ArchiveEntry, offset: number, length: number): Promise<Buffer> {
    const stream = await openStream(entry);
    const out = Buffer.alloc(length);
    let position = 0;
    let filled = 0;
    try {
      for await (const chunk of stream) {
        const buf: Buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
        const start = Math.max(0, offset - position);
        const end = Math.min(buf.length, offset + length - position);
        if (end > start) filled += buf.copy(out, filled, start, end);
        position += buf.length;
        if (filled >= length) break;
      }
    } finally {
      stream.destroy();
    }
    return out.subarray(0, filled);
  }

  async function extractTo(entry: ArchiveEntry, destPath: string): Promise<void> {
    const stream = await openStream(entry);
    const out = createWriteStream(destPath);
    try {
      await pipeline(stream, out);
    } catch (err) {
      await unlink(destPath).catch(() => undefined);
      if (err instanceof UserError) throw err;
      throw fileError(destPath, `cannot write the file (${errorDetail(err)})`);
    }
  }

  return {
    path,
    container: backend.container,
    entries,
    find: (name) => byName.get(name),
    openStream,
    readText,
    readRange,
    extractTo,
    fingerprint: backend.fingerprint,
    async close() {
      if (closed) return;
      closed = true;
      await backend.close();
    },
  };
}
