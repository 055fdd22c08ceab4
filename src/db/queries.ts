/** Named queries the program itself runs (parameterised; the UI never builds SQL from strings). */
import type { DuckDBConnection } from './duckdb.js';
import { type Cell, toCell } from './runner.js';

export const SUMMARY_TABLES = [
  'posts',
  'boosts',
  'media',
  'hashtags',
  'mentions',
  'links',
  'emojis',
  'poll_options',
  'likes',
  'bookmarks',
  'following',
  'followers',
  'lists',
  'blocks',
  'mutes',
  'domain_blocks',
  'archive_files',
  'load_issues',
] as const;

export interface ArchiveSummary {
  account: { acct: string | null; display_name: string | null; moved_to: string | null } | null;
  counts: Record<(typeof SUMMARY_TABLES)[number], number>;
  visibility: Record<string, number>;
  firstPost: string | null;
  lastPost: string | null;
  missingMedia: number;
  /** load_issues other than missing media files */
  otherIssues: number;
  issues: { source: string; position: string; problem: string }[];
}

const NOT_MISSING_MEDIA = `problem NOT LIKE 'media file not in the archive%'`;

async function rows(conn: DuckDBConnection, sql: string): Promise<Cell[][]> {
  return (await conn.runAndReadAll(sql)).getRows().map((r) => r.map(toCell));
}

export async function archiveSummary(conn: DuckDBConnection, maxIssues = 5): Promise<ArchiveSummary> {
  const countSql = SUMMARY_TABLES.map((t) => `(SELECT count(*) FROM ${t}) AS ${t}`).join(', ');
  const countRow = (await rows(conn, `SELECT ${countSql}`))[0]!;
  const counts = Object.fromEntries(SUMMARY_TABLES.map((t, i) => [t, Number(countRow[i])])) as ArchiveSummary['counts'];
  const account = (await rows(conn, 'SELECT acct, display_name, moved_to FROM account LIMIT 1'))[0];
  const visibility = Object.fromEntries(
    (await rows(conn, 'SELECT visibility, count(*) FROM posts GROUP BY ALL ORDER BY 1')).map((r) => [String(r[0]), Number(r[1])]),
  );
  const [first, last] = (await rows(conn, 'SELECT min(created_at), max(created_at) FROM posts'))[0]!;
  const missing = (await rows(conn, 'SELECT count(*) FROM media WHERE archive_path IS NULL'))[0]![0];
  // Missing media files are counted on their own line; the examples show the other problems.
  const otherIssues = Number((await rows(conn, `SELECT count(*) FROM load_issues WHERE ${NOT_MISSING_MEDIA}`))[0]![0]);
  const issues = (
    await rows(
      conn,
      `SELECT source, position, problem FROM load_issues WHERE ${NOT_MISSING_MEDIA} ORDER BY source, rowid LIMIT ${Math.max(0, Math.trunc(maxIssues))}`,
    )
  ).map((r) => ({ source: String(r[0]), position: String(r[1]), problem: String(r[2]) }));
  return {
    account: account
      ? { acct: account[0] as string | null, display_name: account[1] as string | null, moved_to: account[2] as string | null }
      : null,
    counts,
    visibility,
    firstPost: first as string | null,
    lastPost: last as string | null,
    missingMedia: Number(missing),
    otherIssues,
    issues,
  };
}
