/**
 * The reader's other queries: one post (with media, poll, emoji), one boost, the thread around a post, what an id
 * is, the header's counts and the filter form's choices. The list's own queries are in reader-queries.ts.
 */
import type { DuckDBConnection } from './duckdb.js';
import type { Cell } from './runner.js';
import { num, query, str } from './reader-queries.js';

export interface MediaRow {
  position: number;
  kind: string;
  mediaType: string | null;
  archivePath: string | null;
  url: string | null;
  altText: string | null;
  width: number | null;
  height: number | null;
  durationSeconds: number | null;
  bytes: number | null;
}

export interface PollOption {
  title: string;
  votes: number | null;
}

export interface PostDetail {
  id: string;
  uri: string;
  url: string | null;
  createdAt: string;
  editedAt: string | null;
  visibility: string | null;
  cw: string | null;
  sensitive: boolean;
  language: string | null;
  html: string;
  text: string;
  replyTo: string | null;
  replyToSelf: boolean;
  /** The own post this one replies to, when it is in the archive. */
  parent: { id: string; text: string; cw: string | null } | null;
  quoteOf: string | null;
  likesCount: number | null;
  boostsCount: number | null;
  media: MediaRow[];
  poll: { options: PollOption[]; multiple: boolean; endsAt: string | null; voters: number | null } | null;
  emojis: string[];
}

export async function postDetail(conn: DuckDBConnection, archiveId: string, id: string): Promise<PostDetail | null> {
  const a = { archive: archiveId, id };
  const rows = await query(
    conn,
    `SELECT p.id, p.uri, p.url, p.created_at, p.edited_at, p.visibility, p.cw, coalesce(p.sensitive, false), p.language,
       coalesce(p.html, ''), coalesce(p.text, ''), p.reply_to, coalesce(p.reply_to_self, false), p.quote_of,
       p.likes_count, p.boosts_count, parent.id, left(parent.text, 200), parent.cw
     FROM posts p
     LEFT JOIN posts parent ON parent.archive_id = p.archive_id AND parent.uri = p.reply_to
     WHERE p.archive_id = $archive AND p.id = $id LIMIT 1`,
    a,
  );
  const r = rows[0];
  if (!r) return null;
  const media = await query(
    conn,
    `SELECT position, kind, media_type, archive_path, url, alt_text, width, height, duration_seconds, bytes
     FROM media WHERE archive_id = $archive AND post_id = $id ORDER BY position`,
    a,
  );
  const options = await query(
    conn,
    `SELECT title, votes, multiple, ends_at, voters FROM poll_options
     WHERE archive_id = $archive AND post_id = $id ORDER BY position`,
    a,
  );
  const emojis = await query(conn, `SELECT DISTINCT shortcode FROM emojis WHERE archive_id = $archive AND post_id = $id`, a);
  const numOrNull = (c: Cell | undefined) => (c === null || c === undefined ? null : num(c));
  return {
    id: String(r[0]),
    uri: String(r[1]),
    url: str(r[2]),
    createdAt: String(r[3]),
    editedAt: str(r[4]),
    visibility: str(r[5]),
    cw: str(r[6]),
    sensitive: r[7] === true,
    language: str(r[8]),
    html: String(r[9]),
    text: String(r[10]),
    replyTo: str(r[11]),
    replyToSelf: r[12] === true,
    quoteOf: str(r[13]),
    likesCount: numOrNull(r[14]),
    boostsCount: numOrNull(r[15]),
    parent: r[16] === null ? null : { id: String(r[16]), text: String(r[17] ?? ''), cw: str(r[18]) },
    media: media.map((m) => ({
      position: num(m[0]),
      kind: String(m[1] ?? 'other'),
      mediaType: str(m[2]),
      archivePath: str(m[3]),
      url: str(m[4]),
      altText: str(m[5]),
      width: numOrNull(m[6]),
      height: numOrNull(m[7]),
      durationSeconds: numOrNull(m[8]),
      bytes: numOrNull(m[9]),
    })),
    poll:
      options.length === 0
        ? null
        : {
            options: options.map((o) => ({ title: String(o[0] ?? ''), votes: numOrNull(o[1]) })),
            multiple: options[0]![2] === true,
            endsAt: str(options[0]![3]),
            voters: numOrNull(options[0]![4]),
          },
    emojis: emojis.map((e) => String(e[0])),
  };
}

export interface BoostDetail {
  id: string;
  createdAt: string;
  visibility: string | null;
  postUri: string | null;
  postHost: string | null;
  authorUri: string | null;
  /** The boosted post when it is one of your own. */
  ownPostId: string | null;
}

export async function boostDetail(conn: DuckDBConnection, archiveId: string, id: string): Promise<BoostDetail | null> {
  const rows = await query(
    conn,
    `SELECT b.id, b.created_at, b.visibility, b.post_uri, b.post_host, b.author_uri,
       (SELECT p.id FROM posts p WHERE p.archive_id = b.archive_id AND p.uri = b.post_uri LIMIT 1)
     FROM boosts b WHERE b.archive_id = $archive AND b.id = $id LIMIT 1`,
    { archive: archiveId, id },
  );
  const r = rows[0];
  if (!r) return null;
  return {
    id: String(r[0]),
    createdAt: String(r[1]),
    visibility: str(r[2]),
    postUri: str(r[3]),
    postHost: str(r[4]),
    authorUri: str(r[5]),
    ownPostId: str(r[6]),
  };
}

export interface ThreadPost {
  id: string;
  uri: string;
  replyTo: string | null;
  replyToSelf: boolean;
  createdAt: string;
  visibility: string | null;
  cw: string | null;
  text: string;
}

/**
 * The thread around a post: its self-reply chain (same thread_root) and the own posts of the same conversation,
 * oldest first. Replies to other people's posts are among them, with replyToSelf false.
 */
export async function threadOf(conn: DuckDBConnection, archiveId: string, id: string): Promise<ThreadPost[]> {
  const rows = await query(
    conn,
    `WITH me AS (SELECT thread_root, conversation FROM posts WHERE archive_id = $archive AND id = $id LIMIT 1)
     SELECT p.id, p.uri, p.reply_to, coalesce(p.reply_to_self, false), p.created_at, p.visibility, p.cw, left(p.text, 300)
     FROM posts p, me
     WHERE p.archive_id = $archive
       AND (p.thread_root = me.thread_root OR p.uri = me.thread_root
            OR (me.conversation IS NOT NULL AND p.conversation = me.conversation))
     ORDER BY p.created_at, p.id
     LIMIT 2000`,
    { archive: archiveId, id },
  );
  return rows.map((r) => ({
    id: String(r[0]),
    uri: String(r[1]),
    replyTo: str(r[2]),
    replyToSelf: r[3] === true,
    createdAt: String(r[4]),
    visibility: str(r[5]),
    cw: str(r[6]),
    text: String(r[7] ?? ''),
  }));
}

/** Everything the filter form offers: languages and months that occur, with counts. */
export async function filterChoices(
  conn: DuckDBConnection,
  archiveId: string,
): Promise<{ languages: { language: string; count: number }[]; months: string[] }> {
  const languages = await query(
    conn,
    `SELECT coalesce(language, '') AS l, count(*) FROM posts WHERE archive_id = $archive GROUP BY l ORDER BY 2 DESC, 1`,
    { archive: archiveId },
  );
  const months = await query(
    conn,
    `SELECT DISTINCT strftime(created_at, '%Y-%m') AS m FROM timeline WHERE archive_id = $archive ORDER BY m`,
    { archive: archiveId },
  );
  return {
    languages: languages.map((r) => ({ language: String(r[0]), count: num(r[1]) })),
    months: months.map((r) => String(r[0])),
  };
}

export interface HeaderInfo {
  acct: string | null;
  displayName: string | null;
  posts: number;
  boosts: number;
}

export async function headerInfo(conn: DuckDBConnection, archiveId: string): Promise<HeaderInfo> {
  const a = { archive: archiveId };
  const rows = await query(
    conn,
    `SELECT (SELECT acct FROM account WHERE archive_id = $archive LIMIT 1),
       (SELECT display_name FROM account WHERE archive_id = $archive LIMIT 1),
       (SELECT count(*) FROM posts WHERE archive_id = $archive),
       (SELECT count(*) FROM boosts WHERE archive_id = $archive)`,
    a,
  );
  const r = rows[0] ?? [];
  return { acct: str(r[0]), displayName: str(r[1]), posts: num(r[2]), boosts: num(r[3]) };
}

/** Whether an id is a post, a boost, or neither. */
export async function itemKind(conn: DuckDBConnection, archiveId: string, id: string): Promise<'post' | 'boost' | null> {
  const rows = await query(
    conn,
    `SELECT kind FROM timeline WHERE archive_id = $archive AND id = $id ORDER BY kind DESC LIMIT 1`,
    { archive: archiveId, id },
  );
  const kind = rows[0]?.[0];
  return kind === 'post' || kind === 'boost' ? kind : null;
}
