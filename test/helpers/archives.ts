/** Builds archives of every form from a folder, at test time: .zip, .tar.gz (tar-era layout), nested-folder .zip. */
import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import yazl from 'yazl';

export const REPO = new URL('../..', import.meta.url).pathname;
export const SHARED = process.env.MASTOTUI_SHARED ?? join(REPO, '..', 'shared');
export const CORPUS = join(SHARED, 'corpus');
export const FACTS_TOOL = join(SHARED, 'tools', 'archive-facts.py');

export async function listFiles(folder: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(dir: string) {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) out.push(relative(folder, full));
    }
  }
  await walk(folder);
  return out.sort();
}

const made: string[] = [];

/** A new temporary folder; test/setup.ts removes every one after each test file. */
export async function tempDir(prefix = 'mastotui-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** A ZIP of the folder's files; `prefix` puts everything inside one extra folder (as macOS re-zipping does). */
export async function zipFolder(folder: string, out: string, prefix = ''): Promise<string> {
  const zip = new yazl.ZipFile();
  for (const name of await listFiles(folder)) zip.addFile(join(folder, name), prefix + name);
  if (prefix) zip.addBuffer(Buffer.from('junk'), `__MACOSX/${prefix}._outbox.json`);
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(out));
  return out;
}

/** A gzipped tar as Mastodon before 4.2 wrote it (entries named like "./outbox.json"). */
export async function tarGzFolder(folder: string, out: string): Promise<string> {
  const pack = tar.pack();
  const done = pipeline(pack, createGzip(), createWriteStream(out));
  for (const name of await listFiles(folder)) {
    const data = await readFile(join(folder, name));
    const info = await stat(join(folder, name));
    await new Promise<void>((resolve, reject) =>
      pack.entry({ name: `./${name}`, size: data.length, mtime: info.mtime }, data, (err) => (err ? reject(err) : resolve())),
    );
  }
  pack.finalize();
  await done;
  return out;
}
