import { createReadStream, readdirSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { fileError } from '../errors.js';
import { accessError } from './detect.js';
import { addField, fingerprintHash } from './fingerprint.js';
import { guardStream } from './streams.js';
import type { Backend, RawEntry } from './types.js';

/** The absolute path of one file of an extracted archive. */
export interface FolderHandle {
  file: string;
}

interface Found {
  rel: string;
  file: string;
  bytes: number;
  mtimeMs: number;
}

/**
 * An extracted archive. The folder is walked recursively and entries are sorted by relative name. Symbolic links are
 * followed only when they point to a regular file inside the folder; anything that is not a regular file (FIFOs,
 * sockets, devices) is skipped, so reading an entry can never block.
 */
export async function openFolder(path: string): Promise<Backend<FolderHandle>> {
  let found: Found[];
  try {
    found = await walkAll(await realpath(path));
  } catch (err) {
    throw accessError(path, err);
  }

  const hash = fingerprintHash('folder');
  addField(hash, found.length);
  for (const f of found) {
    addField(hash, f.rel);
    addField(hash, `${f.bytes}/${Math.round(f.mtimeMs)}`);
  }
  const entries: RawEntry<FolderHandle>[] = found.map((f) => ({ rawName: f.rel, bytes: f.bytes, handle: { file: f.file } }));

  return {
    container: 'folder',
    entries,
    fingerprint: hash.digest('hex'),
    open: async (handle) => plainFile(handle.file),
    close: async () => undefined,
  };
}

/** Streams a whole file; errors name that file. */
export function plainFile(file: string): Readable {
  return guardStream(createReadStream(file), (detail) => fileError(file, `cannot read the file (${detail})`));
}

/** The walk uses synchronous calls (3x faster than the thread pool here) but gives the event loop a turn this often. */
const SLICE_MS = 16;

const byRel = (a: Found, b: Found): number => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0);

/** Every regular file under rootReal, sorted by relative name. Only the root folder must be readable. */
async function walkAll(rootReal: string): Promise<Found[]> {
  const out: Found[] = [];
  const stack: { dir: string; prefix: string }[] = [];
  const visit = (dir: string, prefix: string, isRoot: boolean): void => {
    let dirents: Dirent[];
    try {
      dirents = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      if (isRoot) throw err;
      return; // an unreadable sub-folder is skipped, like anything else that is not a readable file
    }
    for (const d of dirents) {
      const file = join(dir, d.name);
      const rel = prefix + d.name;
      if (d.isDirectory()) {
        stack.push({ dir: file, prefix: `${rel}/` });
      } else if (d.isFile()) {
        const st = statOrUndefined(file);
        if (st?.isFile()) out.push({ rel, file, bytes: st.size, mtimeMs: st.mtimeMs });
      } else if (d.isSymbolicLink()) {
        // Only links to files that stay inside the folder; links to folders would be walked twice (or loop).
        const target = realpathOrUndefined(file);
        if (target === undefined || !target.startsWith(rootReal + sep)) continue;
        const st = statOrUndefined(target);
        if (st?.isFile()) out.push({ rel, file: target, bytes: st.size, mtimeMs: st.mtimeMs });
      }
    }
  };

  visit(rootReal, '', true);
  let sliceStart = Date.now();
  while (stack.length > 0) {
    const job = stack.pop()!;
    visit(job.dir, job.prefix, false);
    if (Date.now() - sliceStart > SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = Date.now();
    }
  }
  return out.sort(byRel);
}

function statOrUndefined(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

function realpathOrUndefined(file: string): string | undefined {
  try {
    return realpathSync(file);
  } catch {
    return undefined;
  }
}
