/** The app on a preview (the newest posts) while the archive loads, then on the whole archive. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openArchive, type Archive } from '../../src/archive/index.js';
import type { OpenedArchive } from '../../src/db/cache.js';
import { lockDown } from '../../src/db/connection.js';
import { openPreview, type Preview } from '../../src/db/preview.js';
import type { LoadFeed, LoadState } from '../../src/ui/components/chrome.js';
import { QueryTracker } from '../../src/ui/query-tracker.js';
import { KEYS, openSample, renderApp, SAMPLE, type Harness } from './helpers.js';

const PREVIEW_ITEMS = 5;

let whole: OpenedArchive;
let archive: Archive;
let preview: Preview;
let h: Harness | undefined;
// The views' queries (stats, counts) are stopped and awaited before the databases close, as the app itself does.
let tracker = new QueryTracker();
const tracked = (o: OpenedArchive): OpenedArchive => ({ ...o, db: { ...o.db, conn: tracker.track(o.db.conn), instance: tracker.track(o.db.instance) } });

/** A load's progress the test moves by hand. */
function feed(initial: LoadState): LoadFeed & { set(s: Partial<LoadState>): void } {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => state,
    subscribe: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    set(s) {
      state = { ...state, ...s };
      for (const l of listeners) l();
    },
  };
}

const statusLine = (f: string) => f.split('\n').find((l) => /^\d+\/[\d,]+ · /.test(l)) ?? '';

beforeAll(async () => {
  whole = await openSample();
  archive = await openArchive(SAMPLE);
  const p = await openPreview(archive, { minOutboxBytes: 0, maxItems: PREVIEW_ITEMS });
  if (!p) throw new Error('the sample archive gave no preview');
  preview = p;
  await lockDown(preview.db.conn, 'UTC');
});
afterAll(async () => {
  await preview?.close();
  await archive?.close();
  await whole?.close();
});
afterEach(async () => {
  h?.unmount();
  h = undefined;
  await tracker.stop();
  tracker = new QueryTracker();
});

describe('the app on a preview', () => {
  it('shows the newest posts with the load in the header, and says what waits for the whole archive', async () => {
    const progress = feed({ fraction: 0.4, items: 1234, previewItems: PREVIEW_ITEMS });
    h = await renderApp(tracked(preview), { loading: progress });
    const first = await h.waitFor((f) => statusLine(f).startsWith(`1/${PREVIEW_ITEMS} · newest first`), 'the preview list');
    expect(first.split('\n')[0]).toContain('loading 40%');
    expect(first.split('\n')[0]).not.toMatch(/\d+ posts/);
    expect(statusLine(first)).toContain('newest only, loading');
    expect(first).toContain(`[Timeline ${PREVIEW_ITEMS}]`);

    progress.set({ fraction: 0.9, items: 5000 });
    await h.waitFor((f) => f.split('\n')[0]!.includes('loading 90%'), 'the header to follow the load');

    for (const [key, what] of [
      ['/', 'search'],
      ['f', 'filter'],
      ['d', 'month jump'],
      ['r', 'oldest first'],
      [']', 'likes and bookmarks'],
    ] as const) {
      await h.press(key);
      await h.waitFor((f) => statusLine(f).includes(`│ ${what}: after the load`), `the message for ${key}`);
      await h.press('j', 'k');
    }

    await h.press('2');
    const stats = await h.waitFor((f) => f.includes('[2 Stats]') && f.includes('Stats opens when the whole archive is loaded'), 'the stats placeholder');
    expect(stats).toContain(`the newest ${PREVIEW_ITEMS} posts`);
    expect(stats).toContain('5,000 items so far');
    await h.press('4');
    await h.waitFor((f) => f.includes('Profile opens when the whole archive is loaded'), 'the profile placeholder');
  });

  it('swaps in the whole archive where the reader was, and the other views open on it', async () => {
    h = await renderApp(tracked(preview), { loading: feed({ fraction: 0.5, items: 10, previewItems: PREVIEW_ITEMS }), columns: 100 });
    await h.waitFor((f) => statusLine(f).startsWith(`1/${PREVIEW_ITEMS} ·`), 'the preview list');
    await h.press('j', 'j');
    await h.waitFor((f) => statusLine(f).startsWith(`3/${PREVIEW_ITEMS} ·`), 'the third row');
    const selected = h.selected();
    await h.press(KEYS.enter);
    await h.waitFor((f) => /\n(Post|Boost)\b/.test(f) && !f.includes('reading…'), 'the post');
    await h.press('q');
    await h.waitFor((f) => statusLine(f).startsWith(`3/${PREVIEW_ITEMS} ·`), 'the list again');

    await h.swap(tracked(whole));
    const after = await h.waitFor((f) => statusLine(f).startsWith('3/30 · newest first'), 'the whole list, same row');
    expect(statusLine(after)).not.toContain('loading');
    expect(after.split('\n')[0]).toMatch(/\d+ posts · \d+ boosts/);
    expect(after).toContain('[Timeline 30]');
    // The rows of the whole archive are fetched after the count: the same post is selected once they are in.
    await h.waitFor(() => h!.selected() === selected, `the row "${selected}" selected`);

    await h.press('/');
    await h.type('the');
    await h.press(KEYS.enter);
    await h.waitFor((f) => /\/the \d+\/\d+/.test(statusLine(f)), 'a search over the whole archive');

    await h.press('2');
    await h.waitFor((f) => f.includes('[2 Stats]') && !f.includes('opens when the whole archive is loaded'), 'the stats view');
  });
});
