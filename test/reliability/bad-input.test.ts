/**
 * Hostile and broken archives through the built CLI (run `npm run build` first). Every case gets what a user needs:
 * a one-line message and exit code 1, or a load with the problem in load_issues. Never a stack trace, never a hang
 * (each run has a time limit), never a file written outside the cache (the archive's folder, HOME and TMPDIR are
 * compared before and after every run).
 *
 * The basic cases of test/cli/bad-input.test.ts and test/archive/errors.test.ts are not repeated here; this file
 * adds crafted ZIPs (bombs, liars, hostile names, duplicates), damaged JSON and CSV, wrong types, huge fields,
 * special files, and the no-write guarantee.
 */
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACTOR_JSON,
  HOSTILE,
  craftZip,
  expectCleanFailure,
  jsonRows,
  outboxText,
  post,
  runGuarded,
  sandbox,
  tempDir,
  zipLandmarks,
  type Run,
  type Sandbox,
  removeTempDirs,
} from './helpers.js';

const LIMIT = 20_000;
const REPO_CWD = process.cwd();
let root: string;
let counter = 0;

beforeAll(async () => {
  root = await tempDir('mastotui-bad-input-');
});
afterAll(removeTempDirs);

/** A folder of its own for one case (so CSV files next to one archive are not found by another). */
async function caseDir(): Promise<{ dir: string; box: Sandbox }> {
  const base = join(root, `case-${++counter}`);
  const dir = join(base, 'archive');
  await mkdir(dir, { recursive: true });
  return { dir, box: await sandbox(base) };
}

async function put(dir: string, name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

/** A ZIP archive in a folder of its own. */
async function zipCase(entries: Parameters<typeof craftZip>[0], name = 'archive.zip') {
  const { dir, box } = await caseDir();
  const path = await put(dir, name, craftZip(entries));
  return { dir, box, path };
}

async function refused(path: string, dir: string, box: Sandbox, message: RegExp, extra: string[] = []): Promise<Run> {
  const run = await runGuarded(box, dir, [path, ...extra], { timeoutMs: LIMIT });
  expectCleanFailure(run, message);
  expect(run.stderr.startsWith(`mastotui: ${path}`), run.stderr).toBe(true);
  return run;
}

const SUMMARY_SQL = `select
  (select count(*) from posts) as posts,
  (select count(*) from boosts) as boosts,
  (select coalesce(string_agg(position || ': ' || problem, ' | ' order by position), '') from load_issues
     where source = 'outbox.json') as outbox_issues`;

interface Summary {
  posts: number;
  boosts: number;
  outbox_issues: string;
}

async function loads<T = Summary>(path: string, dir: string, box: Sandbox, sql = SUMMARY_SQL, extra: string[] = []): Promise<T[]> {
  const run = await runGuarded(box, dir, [path, ...extra, '--tz', 'UTC', '--sql', sql, '-f', 'json'], { timeoutMs: LIMIT });
  expect(run.stderr).toBe('');
  return jsonRows<T>(run);
}

const goodOutbox = outboxText([post(1), post(2), post(3)]);

describe.concurrent('broken containers are refused with one line', () => {
  it('random bytes that start like a ZIP', async () => {
    const { dir, box } = await caseDir();
    const bytes = Buffer.alloc(4096);
    for (let i = 0, x = 7; i < bytes.length; i++) bytes[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
    Buffer.from('PK\u0003\u0004').copy(bytes);
    await refused(await put(dir, 'noise.zip', bytes), dir, box, /the ZIP file is truncated or damaged/);
  });

  it('a ZIP cut inside the first header, inside the outbox data, before, inside and after the central directory', async () => {
    const whole = craftZip([
      { name: 'outbox.json', data: goodOutbox, method: 'store' },
      { name: 'actor.json', data: ACTOR_JSON },
    ]);
    const { firstData, centralDirectory, eocd } = zipLandmarks(whole);
    const { dir, box } = await caseDir();
    for (const cut of [12, firstData + 100, centralDirectory, centralDirectory + 30, eocd + 10]) {
      await refused(await put(dir, `cut-${cut}.zip`, whole.subarray(0, cut)), dir, box, /the ZIP file is truncated or damaged \(.+\)/);
    }
  });

  it('a download whose second half is zeros, and one with a piece missing from the middle', async () => {
    const whole = craftZip([
      { name: 'outbox.json', data: goodOutbox, method: 'store' },
      { name: 'actor.json', data: ACTOR_JSON },
    ]);
    const { dir, box } = await caseDir();
    const zeroed = Buffer.from(whole);
    zeroed.fill(0, Math.floor(zeroed.length / 2));
    await refused(await put(dir, 'zeroed.zip', zeroed), dir, box, /the ZIP file is truncated or damaged/);
    const gap = Buffer.concat([whole.subarray(0, 200), whole.subarray(400)]);
    await refused(await put(dir, 'gap.zip', gap), dir, box, /truncated or damaged|is damaged/);
  });

  it('a ZIP whose outbox.json fails its checksum half way through the load: nothing is cached', async () => {
    const zip = craftZip([{ name: 'outbox.json', data: outboxText(Array.from({ length: 200 }, (_, i) => post(i))), method: 'store' }]);
    const at = zip.indexOf('post 150');
    zip.write('POST', at); // same length: only the CRC notices
    const { dir, box } = await caseDir();
    await refused(await put(dir, 'crc.zip', zip), dir, box, /the ZIP entry outbox\.json is damaged \(its checksum does not match/);
  });

  it('an encrypted entry', async () => {
    const { dir, box, path } = await zipCase([{ name: 'outbox.json', data: goodOutbox, encrypted: true }]);
    await refused(path, dir, box, /encrypted/);
  });

  it('a ZIP without outbox.json (media, actor and a file named like it in a sub-folder of a sub-folder)', async () => {
    const { dir, box, path } = await zipCase([
      { name: 'actor.json', data: ACTOR_JSON },
      { name: 'media_attachments/files/000/000/001/original/a.png', data: 'png' },
      { name: 'a/b/outbox.json', data: goodOutbox },
    ]);
    await refused(path, dir, box, /no outbox\.json found \(is this a Mastodon account archive\?\)/);
  });

  it('an outbox.json that is a JSON array, inside a ZIP', async () => {
    const { dir, box, path } = await zipCase([{ name: 'outbox.json', data: JSON.stringify([post(1)]) }]);
    await refused(path, dir, box, /outbox\.json: expected a JSON object at the top level \(at byte 0\)/);
  });

  it('an item whose brackets do not balance: the position is named', async () => {
    const { dir, box } = await caseDir();
    const text = `{"orderedItems":[${JSON.stringify(post(1))},{"type":"Create","object":[}},${JSON.stringify(post(3))}]}`;
    await refused(await put(dir, 'outbox.json', text), dir, box, /outbox\.json: mismatched bracket: expected '\]' but found '\}' \(at byte \d+\)/);
  });

  it('special files are never opened for reading: a FIFO as the archive, a character device, a FIFO as a CSV', async () => {
    const { dir, box } = await caseDir();
    const fifo = join(dir, 'archive.zip');
    execFileSync('mkfifo', [fifo]);
    await refused(fifo, dir, box, /not a regular file or a folder/);
    const device = await runGuarded(box, dir, ['/dev/zero'], { timeoutMs: LIMIT });
    expectCleanFailure(device, /^mastotui: \/dev\/zero: not a regular file or a folder$/);
    const outbox = await put(dir, 'outbox.json', goodOutbox);
    const csvFifo = join(dir, 'lists.csv');
    execFileSync('mkfifo', [csvFifo]);
    const run = await runGuarded(box, dir, [outbox, csvFifo], { timeoutMs: LIMIT });
    expectCleanFailure(run, /lists\.csv: not a file/);
  });

  it('an extracted folder whose outbox.json is a FIFO, or a link to a file outside the folder', async () => {
    const { dir, box } = await caseDir();
    const inner = join(dir, 'extracted');
    await mkdir(inner);
    execFileSync('mkfifo', [join(inner, 'outbox.json')]);
    await refused(inner, dir, box, /no outbox\.json found/);
    const linked = join(dir, 'linked');
    await mkdir(linked);
    await symlink('/dev/zero', join(linked, 'outbox.json'));
    await refused(linked, dir, box, /no outbox\.json found/);
  });
});

describe.concurrent('zip bombs are refused by the size bounds, in little time and memory', () => {
  it('outbox.json claims 10 GB uncompressed (Zip64 sizes patched in)', async () => {
    const { dir, box, path } = await zipCase([
      { name: 'outbox.json', data: goodOutbox, declaredSize: 10 * 1024 ** 3 },
      { name: 'actor.json', data: ACTOR_JSON },
    ]);
    const run = await refused(path, dir, box, /refusing to read outbox\.json: it would expand \d+ bytes to 10737418240 \(more than 1000:1\); this looks like a zip bomb/);
    expect(run.peakMB).toBeLessThan(400);
  });

  it('outbox.json claims more than 64 GiB', async () => {
    const { dir, box, path } = await zipCase([{ name: 'outbox.json', data: goodOutbox, declaredSize: 65 * 1024 ** 3 }]);
    await refused(path, dir, box, /refusing to read outbox\.json: it declares 69793218560 bytes uncompressed, more than the 64 GiB limit/);
  });

  it('a small entry that inflates far beyond its declared size is stopped at the declared size', async () => {
    // 64 MiB of spaces inside a valid outbox, deflated to about 64 KB, declared as 1 MiB.
    const data = Buffer.concat([Buffer.from('{"orderedItems":['), Buffer.alloc(64 * 1024 * 1024, 0x20), Buffer.from(']}')]);
    const { dir, box } = await caseDir();
    const zip = craftZip([{ name: 'outbox.json', data, declaredSize: 1024 * 1024 }]);
    expect(zip.length).toBeLessThan(200_000);
    const path = await put(dir, 'liar.zip', zip);
    const run = await refused(path, dir, box, /the ZIP entry outbox\.json is damaged \(the entry holds more data than its header declares\)/);
    expect(run.peakMB).toBeLessThan(400);
  });
});

describe.concurrent('hostile entry names are labels, never paths', () => {
  it('../, absolute, NUL, backslash and drive names: the archive loads and nothing is written anywhere', async () => {
    const names = [
      '../../../../escaped.txt',
      '/tmp/absolute.txt',
      'media_attachments/files/a\u0000b/original/x.png',
      '..\\..\\backslash.txt',
      'C:/Windows/drive.txt',
      'media_attachments/files/\u001b]52;c;cHduZWQ=\u0007.png',
    ];
    const { dir, box, path } = await zipCase([
      { name: 'outbox.json', data: outboxText([post(1, { attachment: [{ type: 'Document', mediaType: 'image/png', url: '/media_attachments/files/../../../../etc/passwd' }] })]) },
      ...names.map((name) => ({ name, data: 'x' })),
    ]);
    const sql = `select (select count(*) from posts) as posts, (select count(*) from archive_files) as files,
      (select count(*) from media where archive_path is not null) as matched`;
    expect(await loads(path, dir, box, sql)).toEqual([{ posts: 1, files: 7, matched: 0 }]);
    for (const name of names) {
      for (const base of [dir, box.root, REPO_CWD]) expect(existsSync(join(base, name.replace(/\\/g, '/'))), name).toBe(false);
    }
    expect(existsSync('/tmp/absolute.txt')).toBe(false);
    // The names are shown, but harmlessly.
    const table = await runGuarded(box, dir, [path, '--sql', 'select path from archive_files order by path'], { timeoutMs: LIMIT });
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('␀');
    expect(table.stdout).toContain('␛]52;c;cHduZWQ=␇');
    // eslint-disable-next-line no-control-regex
    expect(table.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });

  it('an outbox.json stored as ../outbox.json or /outbox.json is still found', async () => {
    for (const name of ['../outbox.json', '/outbox.json']) {
      const { dir, box, path } = await zipCase([{ name, data: goodOutbox }]);
      expect((await loads(path, dir, box))[0]!.posts).toBe(3);
    }
  });

  it('an entry named outbox.json with a NUL after it is not the outbox', async () => {
    const { dir, box, path } = await zipCase([{ name: 'outbox.json\u0000.png', data: goodOutbox }]);
    await refused(path, dir, box, /no outbox\.json found/);
  });

  it('duplicate entry names: the last one wins, as for duplicate JSON keys', async () => {
    const { dir, box, path } = await zipCase([
      { name: 'outbox.json', data: outboxText([post(1)]) },
      { name: 'actor.json', data: '{"preferredUsername":"first"}' },
      { name: 'outbox.json', data: outboxText([post(2), post(3)]) },
      { name: 'actor.json', data: ACTOR_JSON },
    ]);
    const sql = `select (select string_agg(id, ',' order by id) from posts) as ids, (select username from account) as username,
      (select count(*) from archive_files) as files`;
    expect(await loads(path, dir, box, sql)).toEqual([{ ids: '2,3', username: 'a', files: 2 }]);
  });
});

describe.concurrent('damaged outbox content loads around the damage', () => {
  it('malformed JSON in the middle of orderedItems, inside a ZIP: the items before and after load', async () => {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(join(HOSTILE, 'bad-item-outbox.json'));
    const { dir, box, path } = await zipCase([{ name: 'outbox.json', data: text }]);
    const [row] = await loads(path, dir, box);
    expect(row!.posts).toBe(2);
    expect(row!.outbox_issues).toMatch(/^item 1: malformed JSON \(.+\); skipped$/);
  });

  it('items of unknown types and items that are not objects are listed, the posts around them load', async () => {
    const { dir, box } = await caseDir();
    const items = [post(1), { type: 'Delete', object: 'x' }, { type: 'Like' }, 5, null, 'text', [post(9)], {}, { type: 'Create' }, post(2)];
    const path = await put(dir, 'outbox.json', outboxText(items));
    const [row] = await loads(path, dir, box);
    expect(row!.posts).toBe(2);
    expect(row!.outbox_issues.split(' | ')).toEqual([
      'item 1: unknown item type "Delete"; skipped',
      'item 2: unknown item type "Like"; skipped',
      'item 3: item is not a JSON object; skipped',
      'item 4: item is not a JSON object; skipped',
      'item 5: item is not a JSON object; skipped',
      'item 6: item is not a JSON object; skipped',
      'item 7: unknown item type null; skipped',
      'item 8: Create without an inlined object; skipped',
    ]);
  });

  it('wrong field types: numbers as strings, strings as numbers, objects as arrays, arrays as objects, out-of-range numbers', async () => {
    const { dir, box } = await caseDir();
    const items = [
      post(1, { published: 12345 }),
      post(2, { to: { a: 1 }, cc: 'x', tag: { type: 'Hashtag', name: '#one' }, attachment: 'str' }),
      post(3, { content: 42, contentMap: ['en'], likes: { totalItems: '7' }, shares: { totalItems: [] } }),
      post(4, { attachment: [{ type: 'Document', url: 5, width: '640', height: 1e12, mediaType: ['x'] }] }),
      post(5, { likes: { totalItems: 1e12 }, inReplyTo: ['x'], url: ['u'], summary: { a: 1 }, sensitive: 'yes' }),
      { ...post(6), object: [post(6).object] },
      { type: 'Announce', id: 7, object: { not: 'a uri' }, published: [], to: 3, cc: null },
      post(8, { type: 'Question', oneOf: { name: 'only', replies: { totalItems: '3' } }, votersCount: '1e10', endTime: 17 }),
      post(9, { published: '2024-13-45T99:99:99Z', updated: 'yesterday' }),
      post(10, { published: '2024-01-01T00:00:00' }),
    ];
    await put(dir, 'outbox.json', outboxText(items, { totalItems: '10' }));
    await put(dir, 'actor.json', JSON.stringify({ id: ['x'], name: { a: 1 }, preferredUsername: 7, attachment: { type: 'PropertyValue', name: 3, value: [1] }, icon: 'str', published: 5 }));
    await put(dir, 'likes.json', JSON.stringify({ orderedItems: [1, null, { id: 'https://a.example/1' }, 'https://b.example/2', ['x']] }));
    const sql = `select
      (select count(*) from posts) as posts, (select count(*) from boosts) as boosts,
      (select string_agg(id || '=' || coalesce(strftime(created_at, '%Y-%m-%d %H:%M'), 'null'), ',' order by id) from posts) as times,
      (select string_agg(coalesce(likes_count::varchar, 'null'), ',' order by id) from posts) as likes,
      (select string_agg(coalesce(width::varchar, 'null') || 'x' || coalesce(height::varchar, 'null'), ',') from media) as sizes,
      (select string_agg(coalesce(votes::varchar, 'null') || '/' || coalesce(voters::varchar, 'null'), ',') from poll_options) as votes,
      (select count(*) from likes) as liked,
      (select username from account) as username,
      (select string_agg(position || ': ' || problem, ' | ' order by source, position) from load_issues) as issues`;
    const [row] = await loads<Record<string, unknown>>(dir, dir, box, sql);
    expect(row).toMatchObject({
      posts: 8,
      boosts: 1,
      times: '1=null,10=2024-01-01 00:00,2=2024-01-01 00:00,3=2024-01-01 00:00,4=2024-01-01 00:00,5=2024-01-01 00:00,8=2024-01-01 00:00,9=null',
      likes: 'null,null,null,7,null,null,null,null',
      sizes: '640xnull',
      votes: '3/null',
      liked: 2,
      username: '7',
    });
    expect(row!.issues).toMatch(/item 0: unreadable published time "12345"/);
    expect(row!.issues).toMatch(/item 5: Create without an inlined object; skipped/);
    expect(row!.issues).toMatch(/item 8: unreadable published time "2024-13-45T99:99:99Z"/);
    expect(row!.issues).toMatch(/item 0: not a post address; skipped/);
  });

  it('a 50 MB content string loads in bounded time and memory; the post is cut for display and the cut is reported', async () => {
    const { dir, box } = await caseDir();
    const big = `<p>${'word '.repeat(10 * 1024 * 1024)}</p>`;
    const path = await put(dir, 'outbox.json', outboxText([post(1), post(2, { content: big, summary: 'w'.repeat(5_000_000) }), post(3)]));
    const sql = `select (select count(*) from posts) as posts, (select length(html) from posts where id = '2') as html,
      (select length(text) from posts where id = '2') as text, (select length(cw) from posts where id = '2') as cw,
      (select string_agg(problem, ' | ') from load_issues where source = 'outbox.json') as issues`;
    const run = await runGuarded(box, dir, [path, '--sql', sql, '-f', 'json'], { timeoutMs: 40_000 });
    const [row] = jsonRows<Record<string, number | string>>(run);
    expect(row).toMatchObject({ posts: 3, html: big.length, cw: 5_000_000 });
    expect(row!.text).toBeLessThan(1_100_000);
    expect(row!.issues).toMatch(/the post's HTML is 52428807 characters long; only the first 1048576 are in its text and shown/);
    expect(run.peakMB).toBeLessThan(900);
  }, 60_000);

  it('150,000 to 200,000 nested elements in a post load in bounded time', async () => {
    const { dir, box } = await caseDir();
    const path = await put(dir, 'outbox.json', outboxText([post(1, { content: `${'<b>'.repeat(200_000)}deep` }), post(2, { content: `<p>${'<span>'.repeat(150_000)}x` })]));
    // Before the nesting bound this took about 20 s (quadratic in the depth); now well under a second of parsing.
    const run = await runGuarded(box, dir, [path, '--sql', `select string_agg(right(text, 4), ',' order by id) as t from posts`, '-f', 'json'], { timeoutMs: 12_000 });
    expect(jsonRows(run)).toEqual([{ t: 'deep,x' }]);
  });

  it('Mastodon 4.2.0-4.2.9: two @context keys', async () => {
    const { dir, box } = await caseDir();
    const path = await put(dir, 'outbox.json', await (await import('node:fs/promises')).readFile(join(HOSTILE, 'dup-context-outbox.json')));
    expect(await loads(path, dir, box)).toEqual([{ posts: 2, boosts: 0, outbox_issues: '' }]);
  });

  it('Mastodon 4.2.10: two orderedItems keys, the first one empty', async () => {
    const { dir, box } = await caseDir();
    const path = await put(dir, 'outbox.json', await (await import('node:fs/promises')).readFile(join(HOSTILE, 'dup-ordereditems-outbox.json')));
    expect(await loads(path, dir, box)).toEqual([
      { posts: 2, boosts: 0, outbox_issues: 'top level: orderedItems appears 2 times; the last one is used (0 earlier items ignored)' },
    ]);
  });

  it('two orderedItems arrays that both hold items: only the last one is kept, as JSON.parse would', async () => {
    const { dir, box } = await caseDir();
    const text = `{"type":"OrderedCollection","orderedItems":[${JSON.stringify(post(1))},${JSON.stringify(post(2))}],"orderedItems":[${JSON.stringify(post(3))}]}`;
    const path = await put(dir, 'outbox.json', text);
    const sql = `select (select string_agg(id, ',') from posts) as ids, (select count(*) from outbox_items) as items,
      (select problem from load_issues where source = 'outbox.json') as issue`;
    expect(await loads(path, dir, box, sql)).toEqual([
      { ids: '3', items: 1, issue: 'orderedItems appears 2 times; the last one is used (2 earlier items ignored)' },
    ]);
  });

  it('a JSON object without an orderedItems list is refused as not an outbox', async () => {
    const { dir, box } = await caseDir();
    for (const [name, text] of [
      ['person.json', '{"type":"Person","id":"https://x.example/users/a"}'],
      ['object-items.json', `{"type":"OrderedCollection","orderedItems":{"0":${JSON.stringify(post(1))}}}`],
      ['null-items.json', '{"type":"OrderedCollection","orderedItems":null}'],
    ] as const) {
      const path = await put(dir, name, text);
      await refused(path, dir, box, /has no orderedItems list; this is not a Mastodon outbox/);
    }
  });

  it('bytes that are not UTF-8 become U+FFFD; the post loads', async () => {
    const { dir, box } = await caseDir();
    const text = Buffer.from(outboxText([post(1, { content: '<p>caf__</p>' })]));
    const at = text.indexOf('__');
    text[at] = 0xff;
    text[at + 1] = 0xfe;
    const path = await put(dir, 'outbox.json', text);
    expect(await loads(path, dir, box, `select text from posts`)).toEqual([{ text: 'caf\ufffd\ufffd' }]);
  });

  it('a damaged likes.json costs only the likes; a broken actor.json only the account', async () => {
    const { dir, box } = await caseDir();
    await put(dir, 'outbox.json', goodOutbox);
    await put(dir, 'likes.json', '{"orderedItems":["https://a.example/1","https://a.example/2",{"id":');
    await put(dir, 'actor.json', '{"preferredUsername": "a",');
    const sql = `select (select count(*) from posts) as posts, (select count(*) from likes) as likes,
      (select string_agg(source || ' ' || position || ': ' || problem, ' | ' order by source) from load_issues) as issues`;
    const [row] = await loads<Record<string, unknown>>(dir, dir, box, sql);
    expect(row).toMatchObject({ posts: 3, likes: 2 });
    expect(row!.issues).toMatch(/^actor\.json file: not valid JSON \(.+\); the account is unknown \| likes\.json byte \d+: unexpected end of file \(the file looks truncated\); the 2 items before it were kept$/);
  });
});

describe.concurrent('CSV exports with the wrong shape load what they can and list the rest', () => {
  it('wrong column counts, a stray quote, binary garbage, next to the outbox', async () => {
    const { dir, box } = await caseDir();
    const path = await put(dir, 'outbox.json', goodOutbox);
    await put(dir, 'following_accounts.csv', 'Account address,Show boosts,Notify on new posts,Languages,Extra\na@b.example,maybe,true,en,1\n"unterminated,x\n');
    await put(dir, 'lists.csv', 'OnlyTitle\nWork,c@d.example,surplus\n');
    await put(dir, 'muted_accounts.csv', 'Account address,Hide notifications\nm@n.example,true\nx"y,1\nz@z.example,false\n');
    await put(dir, 'blocked_domains.csv', Buffer.from([0x00, 0x01, 0xff, 0xfe, 0x0a, 0x62, 0x61, 0x64, 0x2e, 0x65, 0x78, 0x0a]));
    const sql = `select (select count(*) from posts) as posts,
      (select string_agg(acct || ':' || coalesce(show_boosts::varchar, 'null'), ',') from following) as following,
      (select string_agg(list_name || ':' || acct, ',') from lists) as lists,
      (select string_agg(acct, ',' order by acct) from mutes) as mutes,
      (select count(*) from domain_blocks) as domains,
      (select string_agg(regexp_replace(source, '.*/', '') || ' ' || position || ': ' || problem, ' | ' order by source, position) from load_issues
        where source like '%.csv') as issues`;
    const [row] = await loads<Record<string, unknown>>(path, dir, box, sql);
    expect(row).toMatchObject({ posts: 3, following: 'a@b.example:null', lists: 'Work:c@d.example', mutes: 'm@n.example,z@z.example', domains: 1 });
    const issues = String(row!.issues).split(' | ');
    expect(issues).toEqual([
      'blocked_domains.csv line 1: holds control characters or bytes that are not UTF-8 text; skipped',
      expect.stringMatching(/^following_accounts\.csv line 2: expected at most 4 columns, found 5; extra columns ignored$/),
      expect.stringMatching(/^following_accounts\.csv line \d+: not readable as CSV: Quote Not Closed.*; skipped$/),
      'lists.csv line 1: expected "list title,account"; skipped',
      'lists.csv line 2: expected at most 2 columns, found 3; extra columns ignored',
      expect.stringMatching(/^muted_accounts\.csv line 3: not readable as CSV: Invalid Opening Quote.*; skipped$/),
    ]);
  });

  it('a damaged export inside the archive costs only that export: the posts and the other exports load', async () => {
    const zip = craftZip([
      { name: 'outbox.json', data: goodOutbox },
      { name: 'following_accounts.csv', data: 'Account address,Show boosts\na@b.example,true\n' },
      { name: 'lists.csv', data: 'Work,c@d.example\nPlay,e@f.example\n', method: 'store' },
    ]);
    const at = zip.indexOf('Play,e@f');
    zip.write('PLAY', at); // same length: only the CRC notices
    const { dir, box } = await caseDir();
    const path = await put(dir, 'archive.zip', zip);
    const sql = `select (select count(*) from posts) as posts, (select string_agg(acct, ',') from following) as following,
      (select count(*) from lists) as lists,
      (select string_agg(regexp_replace(source, '.*/', '') || ' ' || position || ': ' || problem, ' | ') from load_issues where source like '%.csv') as issues`;
    const [row] = await loads<Record<string, unknown>>(path, dir, box, sql);
    expect(row).toMatchObject({ posts: 3, following: 'a@b.example', lists: 0 });
    expect(row!.issues).toMatch(/^archive\.zip:lists\.csv file: the ZIP entry lists\.csv is damaged \(its checksum does not match.*\); not loaded$/);
  });

  it('a CSV named on the command line that is not an export is a usage error (exit 2)', async () => {
    const { dir, box } = await caseDir();
    const path = await put(dir, 'outbox.json', goodOutbox);
    const photos = await put(dir, 'photos.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const run = await runGuarded(box, dir, [path, photos], { timeoutMs: LIMIT });
    expectCleanFailure(run, /photos\.csv: not a recognised export/, 2);
  });

  it('a CSV export larger than 64 MiB is refused by name', async () => {
    const { dir, box } = await caseDir();
    const path = await put(dir, 'outbox.json', goodOutbox);
    const big = join(dir, 'followers.csv');
    await writeFile(big, '');
    execFileSync('truncate', ['-s', String(65 * 1024 * 1024), big]);
    const run = await runGuarded(box, dir, [path, big], { timeoutMs: LIMIT });
    expectCleanFailure(run, /followers\.csv: too large for a CSV export \(68157440 bytes\)/);
  });
});

describe('the same broken archive twice', () => {
  it('a refused archive leaves no cache, so fixing the file and running again works', async () => {
    const { dir, box } = await caseDir();
    const path = join(dir, 'outbox.json');
    await writeFile(path, goodOutbox.slice(0, 300));
    await refused(path, dir, box, /unexpected end of file/);
    await copyFile(join(HOSTILE, 'dup-context-outbox.json'), path);
    expect((await loads(path, dir, box))[0]!.posts).toBe(2);
  });
});
