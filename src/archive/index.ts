export type { Archive, ArchiveEntry, ContainerKind, EntryKind, EntryStream } from './types.js';
export { openArchive } from './open.js';
export { entryKind } from './entry-kind.js';
export { buildMediaIndex, matchMediaUrl, type MediaIndex } from './media.js';
export { safeFileName } from './safe-name.js';
