/** The independent oracle: ../shared/tools/archive-facts.py, and the same facts computed from our database. */
import { execFileSync } from 'node:child_process';
import type { DuckDBConnection } from '@duckdb/node-api';
import { toCell } from '../../src/db/runner.js';
import { FACTS_TOOL } from './archives.js';

export interface Facts {
  items: number;
  posts: number;
  boosts: number;
  polls: number;
  visibility: Record<string, number>;
  replies: number;
  self_replies: number;
  with_cw: number;
  edited: number;
  media: number;
  hashtag_uses: number;
  distinct_hashtags: number;
  top_hashtags: string[];
  mentions: number;
  likes: number;
  bookmarks: number;
  first_post: string | null;
  last_post: string | null;
  posts_per_month: Record<string, number>;
  username: string | null;
}

export function oracleFacts(path: string): Facts {
  return JSON.parse(execFileSync('python3', [FACTS_TOOL, path], { encoding: 'utf8' })) as Facts;
}

async function one(conn: DuckDBConnection, sql: string): Promise<unknown> {
  return toCell((await conn.runAndReadAll(sql)).getRows()[0]![0]!);
}

async function pairs(conn: DuckDBConnection, sql: string): Promise<Record<string, number>> {
  const rows = (await conn.runAndReadAll(sql)).getRows();
  return Object.fromEntries(rows.map((r) => [String(toCell(r[0]!)), Number(toCell(r[1]!))]));
}

export async function loadedFacts(conn: DuckDBConnection): Promise<Facts> {
  const n = async (sql: string) => Number(await one(conn, sql));
  return {
    items: await n('SELECT sum(items) FROM archives'),
    posts: await n('SELECT count(*) FROM posts'),
    boosts: await n('SELECT count(*) FROM boosts'),
    polls: await n('SELECT count(*) FROM posts WHERE is_poll'),
    visibility: await pairs(conn, 'SELECT visibility, count(*) FROM posts GROUP BY 1 ORDER BY 1'),
    replies: await n('SELECT count(*) FROM posts WHERE reply_to IS NOT NULL'),
    self_replies: await n(
      `SELECT count(*) FROM posts, account WHERE starts_with(reply_to, account.actor_id || '/')`,
    ),
    with_cw: await n('SELECT count(*) FROM posts WHERE cw IS NOT NULL'),
    edited: await n('SELECT count(*) FROM posts WHERE edited_at IS NOT NULL'),
    media: await n('SELECT count(*) FROM media'),
    hashtag_uses: await n('SELECT count(*) FROM hashtags'),
    distinct_hashtags: await n('SELECT count(DISTINCT tag) FROM hashtags'),
    top_hashtags: (
      await conn.runAndReadAll('SELECT tag FROM hashtags GROUP BY tag ORDER BY count(*) DESC, tag LIMIT 5')
    )
      .getRows()
      .map((r) => String(r[0])),
    mentions: await n('SELECT count(*) FROM mentions'),
    likes: await n('SELECT count(*) FROM likes'),
    bookmarks: await n(`SELECT count(*) FROM bookmarks`),
    first_post: (await one(conn, 'SELECT min(created_at) FROM posts')) as string | null,
    last_post: (await one(conn, 'SELECT max(created_at) FROM posts')) as string | null,
    posts_per_month: await pairs(
      conn,
      `SELECT strftime(created_at AT TIME ZONE 'UTC', '%Y-%m'), count(*) FROM posts GROUP BY 1 ORDER BY 1`,
    ),
    username: (await one(conn, 'SELECT username FROM account')) as string | null,
  };
}
