import type { Readable } from 'node:stream';

/** How the archive reached us: detected from the content, never from the file name. */
export type ContainerKind = 'zip' | 'tar.gz' | 'tar' | 'folder' | 'outbox.json';

/** One regular file inside an archive. */
export interface ArchiveEntry {
  /**
   * Path relative to the archive root: forward slashes, no leading './' or '/', and the one wrapping folder removed
   * when the archive was re-packed inside a top folder. Never use it as a file-system path (see safeFileName).
   */
  name: string;
  /** The name exactly as stored in the container. */
  rawName: string;
  /** Uncompressed size in bytes. */
  bytes: number;
}

/** The bytes of one entry. Errors emitted on it are UserErrors that name the archive. */
export type EntryStream = NodeJS.ReadableStream & Readable;

export interface Archive {
  /** The path as given by the user. */
  path: string;
  container: ContainerKind;
  /** Regular files only (no directories, no `__MACOSX/` junk), in container order; duplicate names keep the last. */
  entries: ArchiveEntry[];
  /** Looks an entry up by its root-relative name, e.g. 'outbox.json'. */
  find(name: string): ArchiveEntry | undefined;
  /** Streams the bytes of one entry; nothing else is extracted and nothing is buffered. */
  openStream(entry: ArchiveEntry): Promise<EntryStream>;
  /** The whole entry decoded as UTF-8; a UserError when it is larger than maxBytes. */
  readText(entry: ArchiveEntry, maxBytes: number): Promise<string>;
  /** `length` bytes starting at byte `offset` of the entry (fewer when the entry ends first). */
  readRange(entry: ArchiveEntry, offset: number, length: number): Promise<Buffer>;
  /** Streams one entry into a file whose path the caller chose (never derived from the entry name). */
  extractTo(entry: ArchiveEntry, destPath: string): Promise<void>;
  /** Hex sha256 that identifies this archive's content cheaply; the cache key. */
  fingerprint: string;
  close(): Promise<void>;
}

export type EntryKind = 'outbox' | 'actor' | 'likes' | 'bookmarks' | 'avatar' | 'header' | 'media' | 'csv' | 'other';

/** What a container reader found, before names are resolved against the archive root. */
export interface RawEntry<H> {
  rawName: string;
  /** The name to use instead of the one derived from rawName (a lone outbox.json is always 'outbox.json'). */
  name?: string;
  bytes: number;
  /** Whatever the container needs to find the entry again. */
  handle: H;
}

/** The container-specific half of an Archive. */
export interface Backend<H> {
  container: ContainerKind;
  entries: RawEntry<H>[];
  fingerprint: string;
  /** Opens one entry; errors (returned or emitted) should already be UserErrors. */
  open(handle: H, entry: ArchiveEntry): Promise<Readable>;
  close(): Promise<void>;
}
