/**
 * Every real archive in ../shared/corpus, built at test time into each form a user may have (.zip, .tar.gz,
 * nested-folder .zip, plain folder): the loaded counts equal what archive-facts.py computes independently.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArchiveDatabase } from '../../src/db/cache.js';
import { CORPUS, REPO, tarGzFolder, tempDir, zipFolder } from '../helpers/archives.js';
import { type Facts, loadedFacts, oracleFacts } from '../helpers/facts.js';

const samples = readdirSync(CORPUS, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => join(CORPUS, d.name))
  .sort();
// The bundled sample has what the corpus lacks (media files, CSV exports, quotes, every visibility).
samples.push(join(REPO, 'fixtures', 'sample'));

describe.each(samples)('archive %s', (folder) => {
  let expected: Facts;
  let dir: string;
  const forms: Record<string, string> = {};

  beforeAll(async () => {
    expected = oracleFacts(folder);
    dir = await tempDir();
    forms.folder = folder;
    forms.zip = await zipFolder(folder, join(dir, 'archive.zip'));
    forms['tar.gz'] = await tarGzFolder(folder, join(dir, 'archive.tar.gz'));
    forms['nested zip'] = await zipFolder(folder, join(dir, 'nested.zip'), 'archive-20241123/');
  });

  afterAll(async () => {
    const { rm } = await import('node:fs/promises');
    await rm(dir, { recursive: true, force: true });
  });

  it.each(['folder', 'zip', 'tar.gz', 'nested zip'])('loads as %s with the counts archive-facts.py prints', async (form) => {
    const opened = await openArchiveDatabase(forms[form]!, { cache: false });
    try {
      const facts = await loadedFacts(opened.db.conn);
      expect(facts).toEqual(expected);
    } finally {
      await opened.close();
    }
  });

  it('marks every self-reply the oracle counts as reply_to_self', async () => {
    const opened = await openArchiveDatabase(folder, { cache: false });
    try {
      const rows = (await opened.db.conn.runAndReadAll('SELECT count(*) FROM posts WHERE reply_to_self')).getRows();
      expect(Number(rows[0]![0])).toBeGreaterThanOrEqual(expected.self_replies);
    } finally {
      await opened.close();
    }
  });
});
