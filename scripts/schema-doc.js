// Writes docs/SCHEMA.md from src/db/schema.sql (the one source of the schema): `node scripts/schema-doc.js`.
// A test checks that the committed file is current.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function schemaMarkdown(sql) {
  const out = [
    '# The tables',
    '',
    'Generated from src/db/schema.sql by `node scripts/schema-doc.js`; do not edit by hand.',
    '',
    'Every table has `archive_id`: several archives of one person (before and after a move) can be loaded together.',
    'Identifiers are VARCHAR (Mastodon ids overflow JavaScript numbers); times are TIMESTAMPTZ.',
    '',
  ];
  const blocks = sql.split(/\n(?=-- [a-z_]+(?: \(view\))?: )/);
  for (const block of blocks) {
    const head = /^-- ([a-z_]+)( \(view\))?: (.*)$/m.exec(block);
    if (!head) continue;
    out.push(`## ${head[1]}${head[2] ? ' (view)' : ''}`, '', head[3], '');
    const body = /CREATE TABLE [a-z_]+ \(([\s\S]*?)\n\);/.exec(block);
    if (!body) continue;
    out.push('| column | type | meaning |', '|---|---|---|');
    for (const line of body[1].split('\n')) {
      const m = /^\s+([a-z_]+) ([A-Z][A-Z0-9_ ,()[\]a-z]*?)(?: USING COMPRESSION [a-z_]+)?(?: PRIMARY KEY)?,?\s*(?:---?\s*(.*))?$/.exec(line);
      if (m) out.push(`| ${m[1]} | ${m[2].replace(/\|/g, '\\|')} | ${m[3] ?? ''} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sql = readFileSync(new URL('../src/db/schema.sql', import.meta.url), 'utf8');
  writeFileSync(new URL('../docs/SCHEMA.md', import.meta.url), schemaMarkdown(sql));
}
