/** Small databases for the stats tests: the real schema, filled with INSERTs, in memory. */
import stringWidth from 'string-width';
import { createSchema, openDatabase, type Database } from '../../src/db/connection.js';

export const ARCHIVE_ID = 'test00000000';
export const ACTOR = 'https://example.social/users/ada';

export interface TestPost {
  id: string;
  at: string;
  visibility?: string;
  replyTo?: string | null;
  replyToSelf?: boolean;
  text?: string;
  language?: string | null;
  cw?: string | null;
  editedAt?: string | null;
  mediaCount?: number;
  isPoll?: boolean;
  tags?: string[];
  mentions?: string[];
  links?: string[];
}

const lit = (v: string | null | undefined) => (v === null || v === undefined ? 'NULL' : `'${v.replace(/'/g, "''")}'`);

/** An empty archive's database (schema only, one account row), with the session in `timeZone`. */
export async function emptyDatabase(timeZone = 'UTC'): Promise<Database> {
  const db = await openDatabase(':memory:');
  await createSchema(db.conn);
  // GLOBAL, as lockDown sets it: a second connection (loadStats with `instance`) shares it.
  await db.conn.run(`SET GLOBAL TimeZone = ${lit(timeZone)}`);
  await db.conn.run(`SET TimeZone = ${lit(timeZone)}`);
  await db.conn.run(
    `INSERT INTO account (archive_id, actor_id, username, domain, acct) VALUES (${lit(ARCHIVE_ID)}, ${lit(ACTOR)}, 'ada', 'example.social', 'ada@example.social')`,
  );
  return db;
}

export async function insertPosts(db: Database, posts: readonly TestPost[]): Promise<void> {
  for (const p of posts) {
    await db.conn.run(
      `INSERT INTO posts (archive_id, id, uri, created_at, edited_at, visibility, cw, language, text, reply_to, reply_to_self, thread_root, media_count, is_poll)
       VALUES (${lit(ARCHIVE_ID)}, ${lit(p.id)}, ${lit(`${ACTOR}/statuses/${p.id}`)}, ${lit(p.at)}::TIMESTAMPTZ, ${lit(p.editedAt)}::TIMESTAMPTZ,
               ${lit(p.visibility ?? 'public')}, ${lit(p.cw)}, ${lit(p.language === undefined ? 'en' : p.language)}, ${lit(p.text ?? `post ${p.id}`)},
               ${lit(p.replyTo)}, ${p.replyToSelf ? 'true' : 'false'}, ${lit(`${ACTOR}/statuses/${p.id}`)}, ${p.mediaCount ?? 0}, ${p.isPoll ? 'true' : 'false'})`,
    );
    for (const tag of p.tags ?? []) {
      await db.conn.run(`INSERT INTO hashtags VALUES (${lit(ARCHIVE_ID)}, ${lit(p.id)}, ${lit(tag.toLowerCase())}, ${lit(tag)})`);
    }
    for (const acct of p.mentions ?? []) {
      await db.conn.run(`INSERT INTO mentions VALUES (${lit(ARCHIVE_ID)}, ${lit(p.id)}, ${lit(acct)}, NULL)`);
    }
    for (const url of p.links ?? []) {
      await db.conn.run(`INSERT INTO links VALUES (${lit(ARCHIVE_ID)}, ${lit(p.id)}, ${lit(url)}, ${lit(new URL(url).hostname)})`);
    }
  }
}

export async function insertBoost(db: Database, id: string, at: string, postUri: string, authorUri: string | null): Promise<void> {
  await db.conn.run(
    `INSERT INTO boosts (archive_id, id, uri, created_at, post_uri, post_host, author_uri, visibility)
     VALUES (${lit(ARCHIVE_ID)}, ${lit(id)}, ${lit(`${ACTOR}/statuses/${id}/activity`)}, ${lit(at)}::TIMESTAMPTZ, ${lit(postUri)},
             ${lit(new URL(postUri).hostname)}, ${lit(authorUri)}, 'public')`,
  );
}

const ANSI = /\u001b\[[0-9;]*m/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** The widest line of a text, in terminal columns (ANSI colours not counted). */
export function widestLine(text: string): number {
  return Math.max(0, ...text.split('\n').map((l) => stringWidth(stripAnsi(l))));
}
