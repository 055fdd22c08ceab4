/** The profile view's queries, and the paged address lists (likes, bookmarks, the CSV exports). */
import type { DuckDBConnection } from './duckdb.js';
import type { Cell } from './runner.js';
import { num, query, str } from './reader-queries.js';

/** Lists of addresses only (likes, bookmarks) and the profile's CSV lists, paged. */
export const ADDRESS_LISTS = {
  likes: { sql: `SELECT uri, host FROM likes WHERE archive_id = $archive ORDER BY position DESC, uri`, columns: ['uri', 'host'] },
  bookmarks: { sql: `SELECT uri, host FROM bookmarks WHERE archive_id = $archive ORDER BY position DESC, uri`, columns: ['uri', 'host'] },
  following: {
    sql: `SELECT acct, CASE WHEN show_boosts = false THEN 'boosts hidden' ELSE '' END,
            CASE WHEN notify THEN 'notified' ELSE '' END, array_to_string(languages, ', ')
          FROM following WHERE archive_id = $archive ORDER BY lower(acct)`,
    columns: ['account', 'boosts', 'notify', 'languages'],
  },
  followers: { sql: `SELECT acct FROM followers WHERE archive_id = $archive ORDER BY lower(acct)`, columns: ['account'] },
  lists: { sql: `SELECT list_name, acct FROM lists WHERE archive_id = $archive ORDER BY lower(list_name), lower(acct)`, columns: ['list', 'account'] },
  blocks: { sql: `SELECT acct FROM blocks WHERE archive_id = $archive ORDER BY lower(acct)`, columns: ['account'] },
  mutes: {
    sql: `SELECT acct, CASE WHEN hide_notifications THEN 'notifications hidden' ELSE '' END
          FROM mutes WHERE archive_id = $archive ORDER BY lower(acct)`,
    columns: ['account', 'notifications'],
  },
  domain_blocks: { sql: `SELECT domain FROM domain_blocks WHERE archive_id = $archive ORDER BY lower(domain)`, columns: ['domain'] },
} as const;

export type AddressListName = keyof typeof ADDRESS_LISTS;

export async function listCount(conn: DuckDBConnection, archiveId: string, list: AddressListName): Promise<number> {
  return num((await query(conn, `SELECT count(*) FROM (${ADDRESS_LISTS[list].sql})`, { archive: archiveId }))[0]?.[0]);
}

export async function listPage(
  conn: DuckDBConnection,
  archiveId: string,
  list: AddressListName,
  offset: number,
  limit: number,
): Promise<string[][]> {
  const rows = await query(conn, `${ADDRESS_LISTS[list].sql} LIMIT $limit OFFSET $offset`, {
    archive: archiveId,
    limit: Math.max(0, Math.trunc(limit)),
    offset: Math.max(0, Math.trunc(offset)),
  });
  return rows.map((r) => r.map((c) => (c === null ? '' : String(c))));
}

export interface ProfileInfo {
  acct: string | null;
  displayName: string | null;
  type: string | null;
  bio: string | null;
  url: string | null;
  createdAt: string | null;
  avatarPath: string | null;
  headerPath: string | null;
  movedTo: string | null;
  alsoKnownAs: string[];
  fields: { name: string; value: string }[];
  locked: boolean | null;
  discoverable: boolean | null;
  firstPost: string | null;
  lastPost: string | null;
  counts: Record<'posts' | 'boosts' | 'media' | AddressListName, number>;
}

export async function profileInfo(conn: DuckDBConnection, archiveId: string): Promise<ProfileInfo> {
  const a = { archive: archiveId };
  const acc = (
    await query(
      conn,
      `SELECT acct, display_name, type, bio, url, created_at, avatar_path, header_path, moved_to, also_known_as, fields,
         locked, discoverable FROM account WHERE archive_id = $archive LIMIT 1`,
      a,
    )
  )[0];
  const names = ['posts', 'boosts', 'media', ...Object.keys(ADDRESS_LISTS)] as (keyof ProfileInfo['counts'])[];
  const countRow = (
    await query(conn, `SELECT ${names.map((n) => `(SELECT count(*) FROM ${n} WHERE archive_id = $archive)`).join(', ')}`, a)
  )[0]!;
  const span = (await query(conn, `SELECT min(created_at), max(created_at) FROM posts WHERE archive_id = $archive`, a))[0]!;
  const counts = Object.fromEntries(names.map((n, i) => [n, num(countRow[i])])) as ProfileInfo['counts'];
  const list = (c: Cell | undefined): Cell[] => (Array.isArray(c) ? c : []);
  return {
    acct: str(acc?.[0]),
    displayName: str(acc?.[1]),
    type: str(acc?.[2]),
    bio: str(acc?.[3]),
    url: str(acc?.[4]),
    createdAt: str(acc?.[5]),
    avatarPath: str(acc?.[6]),
    headerPath: str(acc?.[7]),
    movedTo: str(acc?.[8]),
    alsoKnownAs: list(acc?.[9]).map((x) => String(x)),
    fields: list(acc?.[10]).map((f) => {
      const o = (f ?? {}) as Record<string, Cell>;
      return { name: String(o.name ?? ''), value: String(o.value ?? '') };
    }),
    locked: acc?.[11] === null || acc?.[11] === undefined ? null : acc[11] === true,
    discoverable: acc?.[12] === null || acc?.[12] === undefined ? null : acc[12] === true,
    firstPost: str(span[0]),
    lastPost: str(span[1]),
    counts,
  };
}
