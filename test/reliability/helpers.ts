/**
 * Shared tools of the reliability suite: a sandbox (temporary HOME, TMPDIR and cache folder) whose folders are
 * checked for writes, the built CLI run with a time limit and its peak memory, hand-made ZIP files (any entry name,
 * any declared size) and small outbox builders.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { expect } from 'vitest';
import { crc32Fallback } from '../../src/archive/streams.js';
import { REPO } from '../helpers/archives.js';

export { REPO };
export const BIN = join(REPO, 'bin', 'mastotui.js');
export const SAMPLE = join(REPO, 'fixtures', 'sample');
export const HOSTILE = join(REPO, 'fixtures', 'hostile');

/** Every C0 control but '\n', DEL, C1 controls and the bidi controls: none may reach a terminal. */
// eslint-disable-next-line no-control-regex
export const UNSAFE_FOR_TERMINAL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

// ---------------------------------------------------------------------------------------------------------------
// Running the CLI

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Peak resident memory of the process in MB. */
  peakMB: number;
  ms: number;
}

/** Prints the peak RSS as the very last line of stderr, from inside the child (no external `time` needed). */
const MEASURE = `data:text/javascript,process.on("exit",()=>{process.stderr.write("\\n@@peak-kb "+process.resourceUsage().maxRSS+"\\n")})`;

export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Killed (and reported as timedOut) after this long. */
  timeoutMs?: number;
}

/** Runs the built CLI without a terminal; never rejects. */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<Run> {
  if (!existsSync(join(REPO, 'dist', 'app', 'cli.js'))) throw new Error('dist/app/cli.js is missing: run `npm run build` first');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, NO_COLOR: '1', ...options.env })) if (v !== undefined) env[k] = v;
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', MEASURE, BIN, ...args], {
      env,
      cwd: options.cwd ?? REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 30_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const m = /\n?@@peak-kb (\d+)\n$/.exec(stderr);
      if (m) stderr = stderr.slice(0, m.index);
      resolve({ code, signal, stdout, stderr, timedOut, peakMB: m ? Number(m[1]) / 1024 : NaN, ms: Date.now() - started });
    });
  });
}

/** What the user sees on a failure: one line "mastotui: ..." on stderr, nothing on stdout, no stack, in time. */
export function expectCleanFailure(run: Run, message: RegExp, exitCode = 1): void {
  const detail = `exit ${run.code}/${run.signal}, stderr:\n${run.stderr}`;
  expect(run.timedOut, detail).toBe(false);
  expect(run.code, detail).toBe(exitCode);
  expect(run.stdout, detail).toBe('');
  expectNoStack(run);
  const lines = run.stderr.replace(/\n$/, '').split('\n');
  expect(lines, detail).toHaveLength(1);
  expect(lines[0], detail).toMatch(/^mastotui: /);
  expect(lines[0], detail).not.toMatch(/unexpected error/);
  expect(lines[0], detail).toMatch(message);
}

export function expectNoStack(run: Run): void {
  expect(run.stderr, 'a stack trace was printed').not.toMatch(/\n\s+at |node:internal|terminate called|Aborted/);
  expect(run.signal, `killed by ${run.signal}`).toBeNull();
}

/** A successful --sql run with -f json: its rows. */
export function jsonRows<T = Record<string, unknown>>(run: Run): T[] {
  const detail = `exit ${run.code}/${run.signal}, stderr:\n${run.stderr}`;
  expect(run.timedOut, detail).toBe(false);
  expect(run.code, detail).toBe(0);
  expectNoStack(run);
  return JSON.parse(run.stdout) as T[];
}

// ---------------------------------------------------------------------------------------------------------------
// The sandbox: nothing may be written outside the cache folder

export interface Sandbox {
  root: string;
  home: string;
  tmp: string;
  /** XDG_CACHE_HOME; the cache itself is <cacheHome>/mastotui. */
  cacheHome: string;
  cacheDir: string;
  env: Record<string, string | undefined>;
}

/**
 * The archive of `node fixtures/generate.js --posts N --media-bytes M`, generated once per machine and shared by the
 * test files (the generator is deterministic; the file is written under a temporary name and renamed).
 */
export async function generatedArchive(posts: number, mediaBytes: string): Promise<{ path: string; posts: number }> {
  const { generateArchive } = await import('../../fixtures/generate.js');
  const shared = join(tmpdir(), `mastotui-rel-generated-${posts}-${mediaBytes}.zip`);
  const facts = `${shared}.json`;
  if (existsSync(shared) && existsSync(facts)) return { path: shared, posts: (JSON.parse(await readFile(facts, 'utf8')) as { posts: number }).posts };
  const dir = await tempDir('mastotui-rel-gen-');
  const result = await generateArchive({ posts, mediaBytes, out: join(dir, 'archive.zip'), format: 'zip' });
  await writeFile(`${facts}.${process.pid}`, JSON.stringify({ posts: result.posts }));
  await rename(result.path, shared);
  await rename(`${facts}.${process.pid}`, facts);
  return { path: shared, posts: result.posts };
}

const made: string[] = [];

/** A new temporary folder, removed by removeTempDirs() (call it in afterAll). */
export async function tempDir(prefix = 'mastotui-rel-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
}

/** A fresh HOME, TMPDIR and cache folder under `root` (made if needed). */
export async function sandbox(root?: string): Promise<Sandbox> {
  const base = root ?? (await tempDir());
  const home = join(base, 'home');
  const tmp = join(base, 'tmp');
  const cacheHome = join(base, 'cache');
  await mkdir(home, { recursive: true });
  await mkdir(tmp, { recursive: true });
  return {
    root: base,
    home,
    tmp,
    cacheHome,
    cacheDir: join(cacheHome, 'mastotui'),
    env: {
      HOME: home,
      TMPDIR: tmp,
      XDG_CACHE_HOME: cacheHome,
      XDG_CONFIG_HOME: undefined,
      XDG_STATE_HOME: undefined,
      XDG_DATA_HOME: undefined,
      MASTOTUI_DEBUG: undefined,
    },
  };
}

/** Every file and folder under `dir` with its type, size and modification time (a missing dir is empty). */
export async function snapshot(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(d: string): Promise<void> {
    let names: string[];
    try {
      names = await readdir(d);
    } catch {
      return;
    }
    for (const name of names.sort()) {
      const full = join(d, name);
      const st = await lstat(full);
      out.push(`${relative(dir, full)} ${st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other'} ${st.isFile() ? st.size : ''} ${st.mtimeMs}`);
      if (st.isDirectory()) await walk(full);
    }
  }
  await walk(dir);
  return out;
}

/**
 * Files in the cache folder: complete databases and temporaries. The `fingerprints` folder (src/db/fingerprint-memo.ts:
 * remembered archive fingerprints, which are not databases) is left out.
 */
export async function cacheContents(cacheDir: string): Promise<{ databases: string[]; temporaries: string[]; other: string[] }> {
  const names = (await readdir(cacheDir).catch(() => [] as string[])).filter((n) => n !== 'fingerprints');
  return {
    databases: names.filter((n) => /^[0-9a-f]{32}\.duckdb$/.test(n)),
    temporaries: names.filter((n) => n.includes('.tmp-')),
    other: names.filter((n) => !/^[0-9a-f]{32}\.duckdb$/.test(n) && !n.includes('.tmp-')),
  };
}

/**
 * Runs the CLI inside a sandbox and checks that the archive's folder, HOME and TMPDIR are unchanged afterwards, and
 * that the cache holds either one complete database (exit 0) or nothing at all (a failure).
 */
export async function runGuarded(box: Sandbox, archiveFolder: string, args: readonly string[], options: RunOptions = {}): Promise<Run> {
  const watched = [archiveFolder, box.home, box.tmp];
  const before = await Promise.all(watched.map(snapshot));
  const cachedBefore = (await cacheContents(box.cacheDir)).databases;
  const run = await runCli(args, { ...options, env: { ...box.env, ...options.env } });
  const after = await Promise.all(watched.map(snapshot));
  watched.forEach((dir, i) => expect(after[i], `${dir} was changed`).toEqual(before[i]));
  const cache = await cacheContents(box.cacheDir);
  expect(cache.temporaries, 'temporary files left in the cache').toEqual([]);
  expect(cache.other, 'unexpected files in the cache').toEqual([]);
  const added = cache.databases.filter((d) => !cachedBefore.includes(d));
  // A failure adds nothing; a load adds its database unless it was already cached.
  if (run.code !== 0 || args.includes('--no-cache')) expect(added, 'a failed or --no-cache run wrote a cache file').toEqual([]);
  else expect(added.length + cachedBefore.length).toBeGreaterThan(0);
  expect(added.length).toBeLessThanOrEqual(1);
  return run;
}

// ---------------------------------------------------------------------------------------------------------------
// Hand-made ZIP files

export interface ZipSpec {
  /** Raw bytes allowed: a NUL, a '../', a '/' at the start. */
  name: string | Buffer;
  data: Buffer | string;
  method?: 'store' | 'deflate';
  /** The uncompressed size written in the headers, instead of the true one (a liar or a bomb). */
  declaredSize?: number;
  encrypted?: boolean;
}

function zip64Extra(values: number[]): Buffer {
  const extra = Buffer.alloc(4 + 8 * values.length);
  extra.writeUInt16LE(0x0001, 0);
  extra.writeUInt16LE(8 * values.length, 2);
  values.forEach((v, i) => extra.writeBigUInt64LE(BigInt(v), 4 + 8 * i));
  return extra;
}

/**
 * A ZIP written byte by byte, so that anything a hostile archive can hold is possible: names yazl refuses,
 * duplicate names, declared sizes up to Zip64 range that have nothing to do with the data.
 */
export function craftZip(entries: readonly ZipSpec[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = typeof e.name === 'string' ? Buffer.from(e.name, 'utf8') : e.name;
    const raw = Buffer.from(e.data);
    const method = e.method === 'store' ? 0 : 8;
    const body = method === 8 ? deflateRawSync(raw) : raw;
    const crc = crc32Fallback(raw);
    const size = e.declaredSize ?? raw.length;
    const zip64 = size >= 0xffffffff;
    const flags = 0x0800 | (e.encrypted ? 1 : 0); // UTF-8 names
    const localExtra = zip64 ? zip64Extra([size, body.length]) : Buffer.alloc(0);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(zip64 ? 45 : 20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0x6000, 10); // 12:00
    local.writeUInt16LE(0x58a1, 12); // 2024-05-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(zip64 ? 0xffffffff : body.length, 18);
    local.writeUInt32LE(zip64 ? 0xffffffff : size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(localExtra.length, 28);
    parts.push(local, name, localExtra, body);

    const cdExtra = zip64 ? zip64Extra([size]) : Buffer.alloc(0);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE((3 << 8) | 45, 4); // made on Unix
    cd.writeUInt16LE(zip64 ? 45 : 20, 6);
    cd.writeUInt16LE(flags, 8);
    cd.writeUInt16LE(method, 10);
    cd.writeUInt16LE(0x6000, 12);
    cd.writeUInt16LE(0x58a1, 14);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(body.length, 20);
    cd.writeUInt32LE(zip64 ? 0xffffffff : size, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt16LE(cdExtra.length, 30);
    cd.writeUInt32LE((0o100644 << 16) >>> 0, 38); // a regular file
    cd.writeUInt32LE(offset, 42);
    central.push(cd, name, cdExtra);
    offset += local.length + name.length + localExtra.length + body.length;
  }
  const cdBuf = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cdBuf.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cdBuf, eocd]);
}

/** Offsets of the structures of a crafted ZIP: where to cut it. */
export function zipLandmarks(zip: Buffer): { firstData: number; centralDirectory: number; eocd: number } {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  return { firstData: 30 + zip.readUInt16LE(26) + zip.readUInt16LE(28), centralDirectory: zip.readUInt32LE(eocd + 16), eocd };
}

// ---------------------------------------------------------------------------------------------------------------
// Outbox builders

export const PUBLIC = 'https://www.w3.org/ns/activitystreams#Public';
export const ACTOR = 'https://x.example/users/a';

/** A Create of a public Note, status id `n`; `object` fields override the Note's. */
export function post(n: number | string, object: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: `${ACTOR}/statuses/${n}/activity`,
    type: 'Create',
    actor: ACTOR,
    published: '2024-01-01T00:00:00Z',
    to: [PUBLIC],
    cc: [`${ACTOR}/followers`],
    object: {
      id: `${ACTOR}/statuses/${n}`,
      type: 'Note',
      content: `<p>post ${n}</p>`,
      published: '2024-01-01T00:00:00Z',
      to: [PUBLIC],
      cc: [`${ACTOR}/followers`],
      ...object,
    },
  };
}

export function outboxText(items: readonly unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    '@context': 'https://www.w3.org/ns/activitystreams',
    id: 'outbox.json',
    type: 'OrderedCollection',
    totalItems: items.length,
    ...extra,
    orderedItems: items,
  });
}

export const ACTOR_JSON = JSON.stringify({
  id: ACTOR,
  type: 'Person',
  preferredUsername: 'a',
  name: 'A',
  followers: `${ACTOR}/followers`,
});

export async function readText(path: string): Promise<string> {
  return readFile(path, 'utf8');
}
