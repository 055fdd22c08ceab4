/**
 * Finds the CSV exports that go with an archive: files named on the command line, CSV entries inside the archive,
 * and export files lying next to the archive (Mastodon downloads them separately, usually into the same folder).
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Archive } from '../archive/index.js';
import { entryKind } from '../archive/index.js';
import { UserError } from '../errors.js';
import { type CsvTable, csvTableForName, detectCsvTable } from './csv-exports.js';

export interface CsvSource {
  source: string;
  table: CsvTable;
  text: string;
  /** Set when the export could not be read (a damaged entry inside the archive): why. It is then not loaded. */
  unreadable?: string;
}

const CSV_MAX_BYTES = 64 * 1024 * 1024;

async function readCsvFile(path: string): Promise<string> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new UserError(`${path}: no such file`);
  }
  if (!info.isFile()) throw new UserError(`${path}: not a file`);
  if (info.size > CSV_MAX_BYTES) throw new UserError(`${path}: too large for a CSV export (${info.size} bytes)`);
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new UserError(`${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/**
 * The exports found outside the archive: files next to it (lowest priority; not for an extracted folder, whose
 * exports are its entries) and files named on the command line (highest). Reading them needs nothing of the
 * archive, so the cache key can be computed before the archive is opened.
 */
export interface ExternalCsvSources {
  neighbours: CsvSource[];
  named: CsvSource[];
}

export async function findExternalCsvSources(
  archivePath: string,
  isFolder: boolean,
  extraPaths: readonly string[],
): Promise<ExternalCsvSources> {
  const neighbours = new Map<CsvTable, CsvSource>();
  if (!isFolder) {
    const folder = dirname(resolve(archivePath));
    let names: string[] = [];
    try {
      names = await readdir(folder);
    } catch {
      names = [];
    }
    for (const name of names.sort()) {
      const table = csvTableForName(name);
      if (table && !neighbours.has(table)) {
        try {
          neighbours.set(table, { source: join(folder, name), table, text: await readCsvFile(join(folder, name)) });
        } catch {
          // a neighbour we cannot read is not the user's request: skip it
        }
      }
    }
  }
  const named: CsvSource[] = [];
  for (const path of extraPaths) {
    const text = await readCsvFile(path);
    const table = detectCsvTable(path, text);
    if (!table) {
      throw new UserError(
        `${path}: not a recognised export (expected following_accounts, followers, lists, blocked_accounts, muted_accounts, blocked_domains or bookmarks .csv)`,
        2,
      );
    }
    named.push({ source: path, table, text });
  }
  return { neighbours: [...neighbours.values()], named };
}

/**
 * Every export to load, one per table: next to the archive, then inside it, then named on the command line. An
 * export inside the archive that cannot be read (a damaged or oversized entry) costs only itself: it comes back
 * with `unreadable` set, to be listed with the load's issues, and the other exports and the posts still load.
 */
export async function findCsvSources(archive: Archive, external: ExternalCsvSources): Promise<CsvSource[]> {
  const found = new Map<CsvTable, CsvSource>();
  const unreadable: CsvSource[] = [];
  for (const s of external.neighbours) found.set(s.table, s);
  for (const entry of archive.entries) {
    if (entryKind(entry.name) !== 'csv') continue;
    const table = csvTableForName(basename(entry.name));
    if (!table) continue;
    const source = `${archive.path}:${entry.name}`;
    try {
      found.set(table, { source, table, text: await archive.readText(entry, CSV_MAX_BYTES) });
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      const problem = error.message.startsWith(`${archive.path}: `) ? error.message.slice(archive.path.length + 2) : error.message;
      unreadable.push({ source, table, text: '', unreadable: problem });
    }
  }
  for (const s of external.named) found.set(s.table, s);
  return [...found.values(), ...unreadable];
}

/**
 * Part of the cache key: the exports from outside the archive and what they held (those inside it are part of the
 * archive's fingerprint).
 */
export function csvFingerprint(external: ExternalCsvSources): string {
  const hash = createHash('sha256');
  for (const [group, sources] of [['neighbour', external.neighbours], ['named', external.named]] as const) {
    for (const s of sources) hash.update(`${group}\0${s.table}\0${s.text}\0`);
  }
  return hash.digest('hex');
}
