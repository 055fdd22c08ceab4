import { basename } from 'node:path';
import { buildArchive } from './archive.js';
import { detectContainer } from './detect.js';
import { headTailFingerprint } from './fingerprint.js';
import { openFolder, plainFile } from './folder.js';
import { openTar } from './tar.js';
import type { Archive, Backend } from './types.js';
import { openZip } from './zip.js';

/**
 * Opens an archive in any of its forms: a ZIP (4.2+), a .tar.gz (up to 4.1), a plain tar, an extracted folder, or a
 * lone outbox.json. Only the index is read (or, for tar, one streaming pass over the headers); entries are streamed
 * on demand. Every problem the user can cause is a UserError naming `path`.
 */
export async function openArchive(path: string): Promise<Archive> {
  const { container, size } = await detectContainer(path);
  switch (container) {
    case 'zip':
      return buildArchive(path, await openZip(path, size));
    case 'tar.gz':
      return buildArchive(path, await openTar(path, true, size));
    case 'tar':
      return buildArchive(path, await openTar(path, false, size));
    case 'folder':
      return buildArchive(path, await openFolder(path));
    case 'outbox.json':
      return buildArchive(path, await bareOutbox(path, size));
  }
}

/** A lone outbox.json, whatever the file is called, is an archive with that one entry. */
async function bareOutbox(path: string, size: number): Promise<Backend<string>> {
  return {
    container: 'outbox.json',
    entries: [{ rawName: basename(path), name: 'outbox.json', bytes: size, handle: path }],
    fingerprint: await headTailFingerprint(path, 'outbox.json', size),
    open: async (file) => plainFile(file),
    close: async () => undefined,
  };
}
