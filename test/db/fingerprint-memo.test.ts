/**
 * Reopening from the cache without reading the archive: the fingerprint is remembered by the file's identity (size,
 * times, inode), the archive is opened only when something asks for it, and any change to the file is noticed.
 */
import { copyFile, mkdir, readdir, rename, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as archiveModule from '../../src/archive/index.js';
import { openArchiveDatabase } from '../../src/db/cache.js';
import { type FileIdentity, fileIdentity, readMemo, writeMemo } from '../../src/db/fingerprint-memo.js';
import { REPO, tarGzFolder, tempDir, zipFolder } from '../helpers/archives.js';

// Counts how often the archive is really opened, without changing what opening does.
vi.mock('../../src/archive/index.js', async (importOriginal) => {
  const original = await importOriginal<typeof archiveModule>();
  return { ...original, openArchive: vi.fn(original.openArchive) };
});
const openArchiveSpy = vi.mocked(archiveModule.openArchive);

const SAMPLE = join(REPO, 'fixtures', 'sample');
let work: string;
let cacheDir: string;
let archive: string;

beforeEach(async () => {
  work = await tempDir();
  cacheDir = join(work, 'cache');
  await mkdir(join(work, 'in'));
  archive = await zipFolder(SAMPLE, join(work, 'in', 'archive.zip'));
  openArchiveSpy.mockClear();
});

async function postCount(opened: Awaited<ReturnType<typeof openArchiveDatabase>>): Promise<number> {
  return Number((await opened.db.conn.runAndReadAll('select count(*) from posts')).getRows()[0]![0]);
}

async function openAndClose(path = archive, csvPaths: string[] = []) {
  const opened = await openArchiveDatabase(path, { cacheDir, csvPaths });
  const result = { fromCache: opened.fromCache, archiveId: opened.archiveId, posts: await postCount(opened) };
  await opened.close();
  return result;
}

describe('reopening from the cache', () => {
  it('reads nothing of the archive until it is asked for, then opens it once', async () => {
    const first = await openAndClose();
    expect(openArchiveSpy).toHaveBeenCalledTimes(1);
    openArchiveSpy.mockClear();

    const opened = await openArchiveDatabase(archive, { cacheDir });
    expect(opened.fromCache).toBe(true);
    expect(opened.archiveId).toBe(first.archiveId);
    expect(openArchiveSpy).not.toHaveBeenCalled();

    const [a, b] = await Promise.all([opened.archive(), opened.archive()]);
    expect(a).toBe(b);
    expect(a.find('outbox.json')).toBeDefined();
    expect(openArchiveSpy).toHaveBeenCalledTimes(1);
    await opened.close();
  });

  it('a changed archive (new times) is fingerprinted again; the same content finds the same database', async () => {
    const first = await openAndClose();
    const later = new Date(Date.now() + 60_000);
    await utimes(archive, later, later);
    openArchiveSpy.mockClear();
    const second = await openAndClose();
    expect(openArchiveSpy).toHaveBeenCalledTimes(1);
    expect(second).toEqual({ ...first, fromCache: true });
  });

  it('an archive rewritten in place with its old size and mtime is fingerprinted again (ctime changed)', async () => {
    await utimes(archive, 1_700_000_000, 1_700_000_000); // whole seconds, so that they can be set back exactly
    const first = await openAndClose();
    const before = await stat(archive);
    const copy = join(work, 'copy.zip');
    await copyFile(archive, copy);
    await copyFile(copy, archive);
    await utimes(archive, 1_700_000_000, 1_700_000_000);
    const after = await stat(archive);
    expect([after.size, after.mtimeMs, after.ino]).toEqual([before.size, before.mtimeMs, before.ino]);
    openArchiveSpy.mockClear();
    expect(await openAndClose()).toEqual({ ...first, fromCache: true });
    expect(openArchiveSpy).toHaveBeenCalledTimes(1);
  });

  it('an export placed next to the archive after the first open is loaded on the next', async () => {
    await openAndClose();
    const opened = await openArchiveDatabase(archive, { cacheDir });
    const count = async (o: typeof opened) => Number((await o.db.conn.runAndReadAll('select count(*) from followers')).getRows()[0]![0]);
    expect(await count(opened)).toBe(0);
    await opened.close();
    await writeFile(join(work, 'in', 'followers.csv'), 'Account address\nsomeone@example.org\nother@example.net\n');
    const again = await openArchiveDatabase(archive, { cacheDir });
    expect(again.fromCache).toBe(false);
    expect(await count(again)).toBe(2);
    await again.close();
  });

  it('an archive changed while it is open is refused when it is finally read', async () => {
    await openAndClose();
    const opened = await openArchiveDatabase(archive, { cacheDir });
    expect(opened.fromCache).toBe(true);
    await copyFile(await tarGzFolder(SAMPLE, join(work, 'other.tar.gz')), archive);
    await expect(opened.archive()).rejects.toThrow(/changed while mastotui had it open/);
    await opened.close();
  });

  it('a .tar.gz reopens without being read again', async () => {
    const tarGz = await tarGzFolder(SAMPLE, join(work, 'in', 'archive.tar.gz'));
    await openAndClose(tarGz);
    openArchiveSpy.mockClear();
    expect((await openAndClose(tarGz)).fromCache).toBe(true);
    expect(openArchiveSpy).not.toHaveBeenCalled();
  });

  it('folders are never remembered: their files can change under the same folder times', async () => {
    await openAndClose(SAMPLE);
    openArchiveSpy.mockClear();
    expect((await openAndClose(SAMPLE)).fromCache).toBe(true);
    expect(openArchiveSpy).toHaveBeenCalledTimes(1);
    expect(await readdir(join(cacheDir, 'fingerprints')).catch(() => [])).toEqual([]);
  });
});

describe('fingerprint memos', () => {
  it('match only the identity they were written for', async () => {
    const identity = (await fileIdentity(archive))!;
    expect(identity).toBeDefined();
    await writeMemo(cacheDir, identity, { container: 'zip', fingerprint: 'f'.repeat(64) });
    expect(await readMemo(cacheDir, identity)).toEqual({ container: 'zip', fingerprint: 'f'.repeat(64) });
    const fields: (keyof FileIdentity)[] = ['size', 'mtimeMs', 'ctimeMs', 'ino', 'dev'];
    for (const field of fields) {
      const changed = { ...identity, [field]: (identity[field] as number) + 1 };
      expect(await readMemo(cacheDir, changed), field).toBeUndefined();
    }
  });

  it('a damaged memo file is ignored, and folders have no identity', async () => {
    const identity = (await fileIdentity(archive))!;
    await writeMemo(cacheDir, identity, { container: 'zip', fingerprint: 'a'.repeat(64) });
    const [name] = await readdir(join(cacheDir, 'fingerprints'));
    await writeFile(join(cacheDir, 'fingerprints', name!), '{"version": 1, "path": ');
    expect(await readMemo(cacheDir, identity)).toBeUndefined();
    expect(await fileIdentity(SAMPLE)).toBeUndefined();
    expect(await fileIdentity(join(work, 'missing.zip'))).toBeUndefined();
  });
});

describe('a damaged cache file found through the remembered fingerprint', () => {
  it('is rebuilt once, with one notice', async () => {
    await openAndClose();
    const [name] = (await readdir(cacheDir)).filter((n) => n.endsWith('.duckdb'));
    await writeFile(join(cacheDir, name!), 'this is not a database');
    const notices: string[] = [];
    const opened = await openArchiveDatabase(archive, { cacheDir, onNotice: (m) => notices.push(m) });
    expect(opened.fromCache).toBe(false);
    expect(await postCount(opened)).toBeGreaterThan(0);
    await opened.close();
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/is damaged; loading the archive again/);
  });
});

describe('the archive opened on first use', () => {
  it('is tried again after it could not be read, and works once it is back', async () => {
    await openAndClose();
    const opened = await openArchiveDatabase(archive, { cacheDir });
    const away = join(work, 'away.zip');
    await rename(archive, away);
    await expect(opened.archive()).rejects.toThrow(/no such file/);
    await rename(away, archive);
    expect((await opened.archive()).find('outbox.json')).toBeDefined();
    await opened.close();
  });
});
