/** Real posts from the shared corpus of published Mastodon archives (../shared/corpus), read for tests. */
import { readFileSync } from 'node:fs';
import { CORPUS } from '../helpers/archives.js';

export const CORPUS_DIR = `${CORPUS}/`;

export const CORPUS_FOLDERS = [
  'erambert-4.2-tiny',
  'mamot-fr-4.2',
  'mastodon-social-4.0-legacy-ids',
  'o3o-ca-3.5-tar-era',
  'ricard-social-4.0-polls-emoji',
  'synthetic-4.2-duplicate-context',
] as const;

export interface CorpusTag {
  type?: string;
  name?: string;
  href?: string;
}

export interface CorpusNote {
  id: string;
  content: string;
  tag: CorpusTag[];
}

const cache = new Map<string, CorpusNote[]>();

/** The Notes and Questions the archive owner created, in outbox order. */
export function corpusNotes(folder: string): CorpusNote[] {
  let notes = cache.get(folder);
  if (notes !== undefined) return notes;
  const outbox = JSON.parse(readFileSync(`${CORPUS_DIR}${folder}/outbox.json`, 'utf8')) as {
    orderedItems: Array<{ type?: string; object?: unknown }>;
  };
  notes = [];
  for (const item of outbox.orderedItems) {
    const o = item.object as { id?: unknown; content?: unknown; tag?: unknown } | null | undefined;
    if (item.type !== 'Create' || typeof o !== 'object' || o === null || typeof o.id !== 'string') continue;
    notes.push({
      id: o.id,
      content: typeof o.content === 'string' ? o.content : '',
      tag: Array.isArray(o.tag) ? (o.tag as CorpusTag[]) : [],
    });
  }
  cache.set(folder, notes);
  return notes;
}

/** One post by the numeric end of its id; throws when the corpus does not have it. */
export function corpusNote(folder: string, statusId: string): CorpusNote {
  const note = corpusNotes(folder).find((n) => n.id.endsWith(`/statuses/${statusId}`));
  if (note === undefined) throw new Error(`no status ${statusId} in ${folder}`);
  return note;
}

/** Custom emoji shortcodes (without colons) that a post's Emoji tags declare. */
export function emojiShortcodes(note: CorpusNote): Set<string> {
  return new Set(
    note.tag.filter((t) => t.type === 'Emoji' && typeof t.name === 'string').map((t) => t.name!.replace(/^:|:$/g, '')),
  );
}
