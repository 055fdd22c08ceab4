/**
 * A generated archive whose outbox is far from what the reader's order needs: shuffled, with few distinct times (many
 * ties, which the id decides), some items without a time or with a bad one, and ids of different lengths at one time.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateArchive, mulberry32 } from '../../fixtures/generate.js';
import { tempDir } from './archives.js';

export const ACTOR = 'https://example.social/users/ada';
export const PUBLIC = 'https://www.w3.org/ns/activitystreams#Public';

/** Makes the archive (a folder) in a new temporary folder and returns its path. */
export async function shuffledArchive(posts = 1500, seed = 11): Promise<string> {
  const dir = join(await tempDir(), 'archive');
  await generateArchive({ posts, out: dir, format: 'folder', seed });
  const outboxPath = join(dir, 'outbox.json');
  const outbox = JSON.parse(await readFile(outboxPath, 'utf8')) as { orderedItems: Record<string, unknown>[]; totalItems: number };
  const rand = mulberry32(5);
  const items = outbox.orderedItems;
  // Few distinct times, so that many rows tie and the id decides; some items without a time or with a bad one.
  const times = Array.from({ length: 40 }, (_, i) => `2023-${String((i % 12) + 1).padStart(2, '0')}-0${(i % 3) + 1}T1${i % 10}:00:00Z`);
  for (const item of items) {
    const object = typeof item.object === 'object' && item.object !== null ? (item.object as Record<string, unknown>) : null;
    const r = rand();
    const published = r < 0.03 ? undefined : r < 0.05 ? 'not a time' : times[Math.floor(rand() * times.length)];
    item.published = published;
    if (object) object.published = published;
  }
  // Ids of different lengths at one time: as text, '9' sorts after '10' and '100'.
  for (const id of ['9', '10', '100', '99']) {
    items.push({
      id: `${ACTOR}/statuses/${id}/activity`,
      type: 'Create',
      actor: ACTOR,
      published: times[0],
      to: [PUBLIC],
      object: { id: `${ACTOR}/statuses/${id}`, type: 'Note', published: times[0], content: `<p>short id ${id}</p>`, to: [PUBLIC] },
    });
  }
  items.push({ id: `${ACTOR}/statuses/98/activity`, type: 'Announce', actor: ACTOR, published: times[0], to: [PUBLIC], object: 'https://other.example/notes/1' });
  // Fisher-Yates with a seeded generator: the outbox is far from chronological.
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  outbox.totalItems = items.length;
  await writeFile(outboxPath, JSON.stringify(outbox));
  return dir;
}
