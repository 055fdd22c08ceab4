import type { EntryKind } from './types.js';

const ROOT_FILES: ReadonlyMap<string, EntryKind> = new Map<string, EntryKind>([
  ['outbox.json', 'outbox'],
  ['actor.json', 'actor'],
  ['likes.json', 'likes'],
  ['bookmarks.json', 'bookmarks'],
]);

/** `avatar.<ext>` / `header.<ext>`: the extension comes from the stored file name. */
const PROFILE_IMAGE = /^(avatar|header)\.[A-Za-z0-9]{1,10}$/;

/** What an entry is, from its root-relative name alone. */
export function entryKind(name: string): EntryKind {
  const segments = name.split('/');
  if (segments.length === 1) {
    const known = ROOT_FILES.get(name);
    if (known !== undefined) return known;
    const image = PROFILE_IMAGE.exec(name);
    if (image !== null) return image[1] === 'avatar' ? 'avatar' : 'header';
  }
  if (segments.slice(0, -1).includes('media_attachments')) return 'media';
  if (/\.csv$/i.test(name)) return 'csv';
  return 'other';
}
