/** Bad input from the command line: one clear line naming the file, exit code 1, never a stack trace or a hang. */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CORPUS, REPO, tempDir, zipFolder } from '../helpers/archives.js';
import { expectCleanError, runCli } from '../helpers/cli.js';

let dir: string;
let goodZip: Buffer;
const env = () => ({ XDG_CACHE_HOME: join(dir, 'cache') });

beforeAll(async () => {
  dir = await tempDir();
  goodZip = await readFile(await zipFolder(join(CORPUS, 'erambert-4.2-tiny'), join(dir, 'good.zip')));
});

async function file(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

/** Sets the "encrypted" bit in every local and central header of a ZIP. */
function encrypt(zip: Buffer): Buffer {
  const out = Buffer.from(zip);
  for (let i = 0; i < out.length - 4; i++) {
    const sig = out.readUInt32LE(i);
    if (sig === 0x04034b50) out[i + 6]! |= 1;
    if (sig === 0x02014b50) out[i + 8]! |= 1;
  }
  return out;
}

function expectFailure(args: string[], message: RegExp) {
  const run = runCli(args, env());
  expect(run.code).toBe(1);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(message);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expectCleanError(run);
}

describe('bad archives on the command line', () => {
  it('a path that does not exist', () => {
    expectFailure([join(dir, 'nope.zip')], /nope\.zip: .*(no such|does not exist|not found)/i);
  });

  it('a file that is not an archive', async () => {
    expectFailure([await file('random.zip', Buffer.from('this is not a zip file at all, just words'))], /random\.zip: not a Mastodon archive/);
  });

  it('an empty file', async () => {
    expectFailure([await file('empty.zip', '')], /empty\.zip: .*empty/i);
  });

  it('an encrypted ZIP', async () => {
    expectFailure([await file('locked.zip', encrypt(goodZip))], /locked\.zip: .*encrypted/i);
  });

  it.each([0.3, 0.6, 0.95])('a ZIP cut at %s of its length', async (fraction) => {
    const path = await file(`cut-${fraction}.zip`, goodZip.subarray(0, Math.floor(goodZip.length * fraction)));
    expectFailure([path], new RegExp(`cut-${fraction}\\.zip: `));
  });

  it('an archive without outbox.json', async () => {
    const folder = join(dir, 'no-outbox');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'actor.json'), '{}');
    expectFailure([folder], /no-outbox: no outbox\.json found/);
  });

  it('an outbox.json that is not a JSON object', async () => {
    expectFailure([await file('array-outbox.json', '[1, 2, 3]')], /array-outbox\.json: /);
  });

  it('an outbox.json cut in the middle, with the byte position', async () => {
    const text = await readFile(join(CORPUS, 'erambert-4.2-tiny', 'outbox.json'), 'utf8');
    const folder = join(dir, 'cut-outbox');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'outbox.json'), text.slice(0, Math.floor(text.length / 2)));
    expectFailure([folder], /cut-outbox: outbox\.json: .*truncated.*at byte \d+/);
  });

  it('a CSV export that is not one', async () => {
    const run = runCli([join(CORPUS, 'erambert-4.2-tiny'), await file('photos.csv', 'a,b\n1,2\n')], env());
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/photos\.csv: not a recognised export/);
  });
});

describe('damaged parts load around the damage', () => {
  it('a malformed item in the middle is recorded and the items around it load', async () => {
    const folder = join(dir, 'bad-item');
    await mkdir(folder, { recursive: true });
    const good = (n: number) =>
      JSON.stringify({ id: `https://x.example/users/a/statuses/${n}/activity`, type: 'Create', published: '2024-01-01T00:00:00Z', to: [], cc: [], object: { id: `https://x.example/users/a/statuses/${n}`, type: 'Note', content: `<p>post ${n}</p>`, published: '2024-01-01T00:00:00Z', to: [], cc: [] } });
    await writeFile(join(folder, 'outbox.json'), `{"type":"OrderedCollection","orderedItems":[${good(1)},{"type":"Create",,"x":[1]},${good(3)}]}`);
    const run = runCli([folder, '--sql', "select (select string_agg(id, ',' order by id) from posts) as ids, (select string_agg(position || ': ' || problem, '; ') from load_issues where source = 'outbox.json') as issues", '-f', 'json'], env());
    expect(run.code).toBe(0);
    const [row] = JSON.parse(run.stdout) as { ids: string; issues: string }[];
    expect(row!.ids).toBe('1,3');
    expect(row!.issues).toMatch(/^item 1: malformed JSON/);
  });
});

describe('archive text in messages', () => {
  it('an SQL error quoting a post with escape sequences prints no control characters', () => {
    const run = runCli([join(REPO, 'fixtures', 'sample'), '--sql', "select cw::int from posts where cw like 'escape%'"], env());
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^mastotui: SQL: Conversion Error/);
    expect(run.stderr).toContain('␛');
    expect(run.stderr).not.toMatch(/[\u001b\u0080-\u009f\u202a-\u202e]/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses functions that would change DuckDB for the whole program', () => {
    const run = runCli([join(REPO, 'fixtures', 'sample'), '--sql', "call enable_logging(storage = 'file')"], env());
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/enable_logging\(\) is refused/);
  });
});
