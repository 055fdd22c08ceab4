/** docs/SCHEMA.md is generated from src/db/schema.sql; a change to the schema must regenerate it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemaMarkdown } from '../../scripts/schema-doc.js';
import { REPO } from '../helpers/archives.js';

describe('docs/SCHEMA.md', () => {
  it('is what scripts/schema-doc.js makes of the current schema.sql (run `node scripts/schema-doc.js`)', () => {
    const sql = readFileSync(join(REPO, 'src', 'db', 'schema.sql'), 'utf8');
    const doc = readFileSync(join(REPO, 'docs', 'SCHEMA.md'), 'utf8');
    expect(doc).toBe(schemaMarkdown(sql));
  });

  it('documents every table and view of the schema', () => {
    const sql = readFileSync(join(REPO, 'src', 'db', 'schema.sql'), 'utf8');
    const doc = readFileSync(join(REPO, 'docs', 'SCHEMA.md'), 'utf8');
    for (const [, name] of sql.matchAll(/CREATE (?:TABLE|VIEW) ([a-z_]+)/g)) expect(doc).toContain(`## ${name}`);
  });
});
