/** The app on the sample archive, driven with keys in a fake 80x24 terminal. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { textWidth } from '../../src/content/index.js';
import type { OpenedArchive } from '../../src/db/cache.js';
import { KEYS, openSample, renderApp, type Harness } from './helpers.js';

let opened: OpenedArchive;
let h: Harness | undefined;
const rows = (frame: string) => frame.split('\n');
const listed = (frame: string) => rows(frame).find((l) => l.includes('newest first') || l.includes('oldest first')) ?? '';

beforeAll(async () => {
  opened = await openSample();
});
afterAll(async () => {
  await opened?.close();
});
afterEach(() => {
  h?.unmount();
  h = undefined;
});

async function start(options: Parameters<typeof renderApp>[1] = {}): Promise<Harness> {
  h = await renderApp(opened, options);
  await h.waitFor((f) => f.includes('Requesting an archive') && position(f) === '1/30', 'the newest post');
  return h;
}

/** The app on its newest post, with the search input open. */
async function startSearching(): Promise<Harness> {
  const app = await start();
  await app.press('/');
  await app.waitFor((f) => f.includes('/ '), 'the search input');
  return app;
}

/** Moves the selection to the first row whose text includes `text` (the list is short) and opens it. */
async function openRow(app: Harness, text: string): Promise<void> {
  await app.press('g');
  for (let i = 0; i < 40 && !app.selected().includes(text); i++) await app.key('j');
  if (!app.selected().includes(text)) throw new Error(`no row with "${text}" was selected; the frame:\n${app.frame()}`);
  expect(app.selected()).toContain(text);
  await app.press(KEYS.enter);
  await app.waitFor((f) => /\n(Post|Boost)\b/.test(f) && !f.includes('reading…'), 'the post view');
}

/** 'N/M' at the start of the status line. */
function position(frame: string): string {
  return /^(\d+\/\d+)/.exec(listed(frame))?.[1] ?? '';
}

describe('the app', () => {
  it('fills the terminal exactly, with header, list and status line', async () => {
    const app = await start();
    const frame = app.frame();
    expect(rows(frame)).toHaveLength(23); // one row short: Ink ends the frame with a newline
    expect(rows(frame)[0]).toContain('@ada@example.social');
    expect(rows(frame)[0]).toContain('1 Posts');
    expect(position(frame)).toBe('1/30');
    expect(listed(frame)).toContain('? help');
    expect(app.selected()).toContain('Requesting an archive');
    for (const line of rows(frame)) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('moves with j/k, pages, g/G and opens a post with Enter', async () => {
    const app = await start();
    await app.press('j', 'j');
    await app.waitFor((f) => position(f) === '3/30', 'position 3/30');
    expect(app.selected()).toContain('CW: food');
    await app.press('k');
    await app.waitFor((f) => position(f) === '2/30', 'position 2/30');
    await app.press('G');
    await app.waitFor((f) => position(f) === '30/30', 'position 30/30');
    expect(app.selected()).toContain('Hello, fediverse!');
    await app.press(KEYS.home);
    await app.waitFor((f) => position(f) === '1/30', 'position 1/30');
    await app.press(KEYS.pageDown);
    await app.waitFor((f) => position(f) === '21/30', 'position 21/30');
    await app.press(KEYS.pageUp, KEYS.up);
    await app.waitFor((f) => position(f) === '1/30', 'position 1/30');
    await app.press('g', KEYS.down, KEYS.enter);
    await app.waitFor((f) => f.includes('That machine ran my first'), 'the second post');
    expect(app.frame()).toContain('reply to fedi.example.net');
    await app.press('J');
    await app.waitFor((f) => f.includes('CW: food') && position(f) === '3/30', 'the next post (J)');
    await app.press('K');
    await app.waitFor((f) => f.includes('That machine ran my first') && position(f) === '2/30', 'the previous post (K)');
    await app.press('q');
    await app.waitFor((f) => position(f) === '2/30', 'back in the list');
    await app.press('r');
    await app.waitFor(
      (f) => position(f) === '29/30' && listed(f).includes('oldest first') && app.selected().includes('That machine ran my first'),
      'the same post, oldest first',
    );
  });

  it('keeps a CW collapsed until z or s', async () => {
    const app = await start();
    await openRow(app, 'CW: food');
    expect(app.frame()).toContain('CW: food');
    expect(app.frame()).not.toContain('ramen from scratch');
    await app.press('z');
    await app.waitFor((f) => f.includes('ramen from scratch'), 'the text behind the CW');
    await app.press('s');
    await app.waitFor((f) => !f.includes('ramen from scratch'), 'the CW collapsed again');
  });

  it('searches when Enter arrives in the same chunk as the text (fast typing, paste, slow links)', async () => {
    const app = await startSearching();
    await app.press('clicky\r');
    await app.waitFor((f) => /\/clicky 1\/1/.test(listed(f)), 'the match');
    expect(app.frame()).not.toContain('␍');
  });

  it('searches when Enter arrives on its own right after the text, before the text is drawn', async () => {
    const app = await startSearching();
    // The text in one chunk, then Enter in the next, with no time for a redraw between them.
    await app.key('clicky');
    await app.press(KEYS.enter);
    await app.waitFor((f) => /\/clicky 1\/1/.test(listed(f)), 'the match');
  });

  it('clears the search input with Ctrl-U, as a shell does, without typing a u', async () => {
    const app = await startSearching();
    await app.type('zzz');
    await app.waitFor((f) => f.includes('/ zzz'), 'the typed text');
    await app.press('\u0015'); // Ctrl-U
    await app.type('clicky');
    await app.waitFor((f) => f.includes('/ clicky'), 'the new text alone');
    expect(app.frame()).not.toContain('/ uclicky');
    await app.press(KEYS.enter);
    await app.waitFor((f) => /\/clicky 1\/1/.test(listed(f)), 'the match');
  });

  it('searches text, CW, alt text and hashtags, and jumps between matches with n/N', async () => {
    const app = await startSearching();
    await app.type('shell');
    expect(app.frame()).toContain('/ shell');
    await app.waitFor((f) => position(f) === '1/30', 'position 1/30'); // typing does not move the list
    await app.press(KEYS.enter);
    const first = await app.waitFor((f) => /\/shell 1\/\d/.test(listed(f)), 'the first match');
    const total = Number(/\/shell 1\/(\d+)/.exec(listed(first))![1]);
    expect(total).toBeGreaterThanOrEqual(4);
    await app.press('n');
    await app.waitFor((f) => /\/shell 2\//.test(listed(f)), 'the second match');
    await app.press('N');
    await app.waitFor((f) => /\/shell 1\//.test(listed(f)), 'the first match again');
    await app.press('N');
    await app.waitFor((f) => listed(f).includes(`/shell ${total}/`), 'the last match (N wraps around)');
    // By alt text: the audio post says "clicky mechanical keyboard" only in its alt text.
    await app.press('/');
    for (let i = 0; i < 5; i++) await app.press(KEYS.backspace);
    await app.type('clicky');
    await app.press(KEYS.enter);
    await app.waitFor((f) => /\/clicky 1\/1/.test(listed(f)), 'the alt-text match');
    expect(app.selected()).toContain('sound of my new keyboard');
    await app.press(KEYS.escape);
    await app.waitFor((f) => !listed(f).includes('/clicky'), 'the search cleared');
  });

  it('filters by type and shows the filter in the status line', async () => {
    const app = await start();
    await app.press('f');
    await app.waitFor((f) => f.includes('Visibility'), 'the filter form');
    for (let i = 0; i < 6; i++) await app.press('l'); // everything -> posts -> replies -> boosts -> media -> polls -> DMs
    await app.waitFor((f) => f.includes('DMs') && f.includes('2 items match'), 'two DMs');
    await app.press(KEYS.enter);
    await app.waitFor((f) => position(f) === '1/2' && listed(f).includes('filter: DMs') && f.includes('DM  @'), 'the DM list');
    expect(app.frame()).not.toContain('Requesting an archive');
    await app.press('x');
    await app.waitFor((f) => position(f) === '1/30', 'the filter cleared');
  });

  it('jumps to a month with d', async () => {
    const app = await start();
    await app.press('d');
    await app.waitFor((f) => f.includes('Jump to a month') && f.includes('2024-05'), 'the months');
    for (let i = 0; i < 20 && !app.selected().startsWith('2024-05'); i++) await app.press('j');
    await app.press(KEYS.enter);
    await app.waitFor(() => app.selected().includes('2024-05-28 07:55'), 'the newest post of May 2024');
    expect(app.frame()).toContain('jumped to 2024-05');
  });

  it('shows a thread as a tree and opens its posts', async () => {
    const app = await start();
    await openRow(app, '2/4 First');
    await app.press('t');
    await app.waitFor((f) => /Thread .* 2\/4\s*\n/.test(f) && f.includes('4/4 And back'), 'the thread, this post selected');
    const frame = app.frame();
    expect(frame).toMatch(/└─ .*2\/4 First/);
    expect(frame).toMatch(/▸.*2\/4 First/);
    await app.press('j', KEYS.enter);
    await app.waitFor((f) => f.includes('Then search it with a fuzzy finder') && f.includes('reply to your post'), 'the third post');
  });

  it('renders a post with a poll, media with alt text, links and counts', async () => {
    const app = await start({ columns: 100, rows: 40 });
    await openRow(app, 'Which shells');
    const poll = app.frame();
    expect(poll).toMatch(/Poll · several choices · 52 voters · ended/);
    expect(poll).toMatch(/zsh/);
    expect(poll).toMatch(/█+░*\s+41%\s+31 votes/);
    await app.press('q');
    await openRow(app, 'Photos from the #TerminalTools meetup');
    const media = app.frame();
    expect(media).toContain('Media (2)');
    expect(media).toContain('alt: An amber-on-black serial terminal');
    expect(media).toContain('no alt text');
    await app.press('m');
    await app.waitFor((f) => f.includes('Alt text') && f.includes('An amber-on-black'), 'the media list');
    await app.press(KEYS.enter);
    const saved = await app.waitFor((f) => /saved to .*d2e2faf6943f6dd2\.png/.test(f), 'the extracted file');
    const path = /saved to (\S+)/.exec(saved)![1]!;
    await rm(join(path, '..'), { recursive: true, force: true });
    await app.press('q', 'q');
    await openRow(app, 'Hello, fediverse!');
    expect(app.frame()).toContain(':ablobwave:');
    await app.press('q');
    await openRow(app, 'termdiff 0.3.0');
    expect(app.frame()).toMatch(/edited 2024-12-08 15:42:10/);
    expect(app.frame()).toMatch(/\[1\]/);
    await app.press('o');
    await app.waitFor((f) => f.includes('Links') && f.includes(' 1. '), 'the links');
    await app.press('3');
    await app.waitFor((f) => f.includes('(copied; no display here to open it)'), 'the link shown and copied');
    expect(app.copied.at(-1)).toMatch(/^\u001b\]52;c;[A-Za-z0-9+/=]+\u0007$/);
  });

  it('opens links with the system opener when there is a display, and copies the post address with y', async () => {
    const app = await start({ canOpen: true });
    await openRow(app, 'termdiff 0.3.0');
    await app.press('y');
    await app.waitFor((f) => f.includes('copied https://example.social/@ada/'), 'the copy message');
    const copied = Buffer.from(/52;c;([^\u0007]+)/.exec(app.copied.at(-1)!)![1]!, 'base64').toString();
    expect(copied).toMatch(/^https:\/\/example\.social\/@ada\/\d+$/);
    await app.press('o');
    await app.waitFor((f) => f.includes('Links') && f.includes(' 1. '), 'the links');
    await app.press(KEYS.enter);
    await app.waitFor((f) => f.includes('opened https://'), 'the opened link');
    expect(app.opened[0]).toMatch(/^https:\/\//);
  });

  it('shows the raw JSON of an item with u', async () => {
    const app = await start();
    await app.press('u');
    await app.waitFor((f) => f.includes('Raw JSON') && f.includes('"type": "Create"'), 'the raw JSON');
  });

  it('turns escape sequences from the archive into visible harmless text', async () => {
    const app = await start();
    await openRow(app, 'CW: escape test');
    await app.press('z');
    await app.waitFor((f) => f.includes('Right-to-left trick'), 'the text behind the CW');
    const frame = app.frame();
    expect(frame).toContain('␛]52;c;');
    expect(frame).toContain('alt: alt ␛]52');
    expectHarmless(app.raw());
    for (const f of app.copied) expect(f.startsWith('\u001b]52;')).toBe(true);
  });

  it('shows the help generated from the registry, for where you are, with ? and F1', async () => {
    const app = await start();
    await app.press('?');
    const help = await app.waitFor((f) => f.includes('Help') && f.includes('Post list'), 'the help');
    expect(help).toMatch(/\/\s+search: text, CW, alt text and hashtags/);
    expect(help).toMatch(/f\s+filter/);
    await app.press('G');
    expect(app.frame()).toMatch(/Ctrl-C\s+quit at once/);
    expect(listed(app.frame())).toBe(''); // the list is hidden
    await app.press(KEYS.escape);
    await app.waitFor((f) => position(f) === '1/30', 'the list again');
    await app.press(KEYS.enter);
    await app.waitFor((f) => /\n(Post|Boost)\b/.test(f) && !f.includes('reading…'), 'a post');
    await app.press(KEYS.f1);
    const postHelp = await app.waitFor((f) => f.includes('Help') && /z s\s+CW: show or hide/.test(f), 'the post help');
    expect(postHelp).toMatch(/t\s+thread/);
    await app.press('?');
    await app.waitFor((f) => !f.includes('Help  keys'), 'the help closed');
  });

  it('lays itself out again when the terminal is resized', async () => {
    const app = await start();
    await app.resize(60, 15);
    const small = await app.waitFor((f) => rows(f).length === 14, 'a 14-row frame');
    for (const line of rows(small)) expect(line.length).toBeLessThanOrEqual(60);
    expect(position(small)).toBe('1/30');
    await app.resize(100, 40);
    const big = await app.waitFor((f) => rows(f).length === 39, 'a 39-row frame');
    expect(big).toContain('Hello, fediverse!'); // more rows, more posts
    await app.resize(30, 8);
    await app.waitFor((f) => f.includes('mastotui needs 40x11 at least'), 'the too-small notice');
  });

  it('never draws more than the terminal, on any screen, down to the smallest size', async () => {
    for (const [columns, height] of [
      [40, 11],
      [57, 13],
    ] as const) {
      const app = await renderApp(opened, { columns, rows: height });
      h = app;
      await app.waitFor((f) => position(f) === '1/30', 'the list');
      const screens = [[], ['j', KEYS.enter], ['z'], ['t'], ['q', 'o'], ['q', 'm'], ['q', 'u'], ['q', 'q', 'f'], ['q', 'd'], ['q', '?'], ['q', ']'], ['[', '4'], [']'], ['2'], ['3']];
      for (const keys of screens) {
        await app.press(...keys);
        await new Promise((r) => setTimeout(r, 60));
        const lines = rows(app.frame());
        expect(lines.length, `after ${keys.join(' ')}`).toBeLessThanOrEqual(height - 1);
        for (const line of lines) expect(textWidth(line), `after ${keys.join(' ')}: ${line}`).toBeLessThanOrEqual(columns);
      }
      app.unmount();
      h = undefined;
    }
  });

  it('switches views with 1-4 and Tab, and shows the profile with its CSV lists', async () => {
    const app = await start();
    await app.press('4');
    const profile = await app.waitFor((f) => f.includes('[4 Profile]') && f.includes('Pronouns'), 'the profile');
    expect(profile).toContain('Also known as');
    expect(profile).toContain('she/her');
    await app.press(']');
    await app.waitFor((f) => f.includes('[Following]') && f.includes('@') === true, 'the following list');
    await app.press(']');
    await app.waitFor((f) => f.includes('[Lists]') && f.includes('Close friends'), 'the lists');
    await app.press(KEYS.tab);
    await app.waitFor((f) => f.includes('[1 Posts]'), 'the posts view after Tab');
    await app.press('2');
    await app.waitFor((f) => f.includes('[2 Stats]'), 'the stats view');
    await app.press('1');
    await app.waitFor((f) => position(f) === '1/30', 'the list as it was');
  });

  it('opens a post from an SQL result in the reader, and q goes back to the SQL view', async () => {
    const app = await start({ columns: 100, rows: 30 });
    await app.press('3');
    await app.waitFor((f) => f.includes('[3 SQL]') && f.includes('sql>'), 'the SQL view');
    await app.type("select id from posts where cw = 'food'");
    await app.press(KEYS.enter);
    await app.waitFor((f) => f.includes('1 row'), 'the result');
    await app.press(KEYS.escape, KEYS.enter);
    await app.waitFor((f) => f.includes('[1 Posts]') && f.includes('CW: food') && f.includes('z or s shows'), 'the post in the reader');
    await app.press('q');
    await app.waitFor((f) => f.includes('[3 SQL]') && f.includes('1 row'), 'the SQL view again');
  });

  it('lists likes and bookmarks and says the archive has no text for them', async () => {
    const app = await start();
    await app.press(']');
    const likes = await app.waitFor((f) => f.includes('[Likes 8]') && f.includes('fedi.example.net'), 'the likes');
    expect(likes).toContain('no author name');
    expect(likes).toContain('https://');
    await app.press(']');
    await app.waitFor((f) => f.includes('[Bookmarks 3]'), 'the bookmarks');
    await app.press('[', '[');
    await app.waitFor((f) => f.includes('[Timeline 30]'), 'the timeline');
  });
});

describe('special archives', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mastotui-empty-'));
    await writeFile(join(dir, 'outbox.json'), JSON.stringify({ id: 'outbox.json', type: 'OrderedCollection', totalItems: 0, orderedItems: [] }));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('opens an empty archive and says so', async () => {
    const empty = await openSample(join(dir, 'outbox.json'));
    try {
      h = await renderApp(empty);
      const frame = await h.waitFor((f) => f.includes('this archive has no posts or boosts'), 'the empty notice');
      expect(frame).toContain('[Timeline 0]');
      await h.press('j', 'G', KEYS.enter, 'n', '4');
      await h.waitFor((f) => f.includes('[4 Profile]') && f.includes('0 posts'), 'an empty profile');
    } finally {
      h?.unmount();
      h = undefined;
      await empty.close();
    }
  });

  it('keeps a hostile display name and bio harmless', async () => {
    const hostile = await openSample('fixtures/hostile/escape-actor');
    try {
      h = await renderApp(hostile);
      await h.waitFor((f) => f.includes('An ordinary post'), 'the post');
      await h.press(KEYS.enter);
      await h.waitFor((f) => f.includes('Mallory'), 'the post view');
      expectHarmless(h.raw());
      await h.press('4');
      await h.waitFor((f) => f.includes('Bio'), 'the profile');
      expectHarmless(h.raw());
    } finally {
      h?.unmount();
      h = undefined;
      await hostile.close();
    }
  });
});

/** No escape sequence, C1 control or bidi override other than the SGR styling Ink itself writes. */
function expectHarmless(frame: string): void {
  const unstyled = frame.replace(/\u001b\[[0-9;]*m/g, '');
  expect(unstyled).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
}
