/**
 * The stats dashboard's queries: one named query per tile, so the SQL pane can show, rerun and change each of them.
 *
 * Every query that depends on the period takes two parameters, $from and $to: local dates 'YYYY-MM-DD' (or
 * '-infinity' / 'infinity' for an open end), cast to TIMESTAMPTZ in the session TimeZone, so months, days, weekdays
 * and hours all follow the user's time zone. $from is included, $to is not. Queries without a date column to filter
 * on (likes, bookmarks, the CSV exports) cover all time and take no parameters.
 *
 * Only SQL lives here; turning rows into tiles is src/stats/.
 */

export interface StatsQuery {
  /** Stable name: the tile's name and its key in the JSON output. */
  name: string;
  /** The tile's title. */
  title: string;
  /** One line on what the tile shows. */
  description: string;
  /** True when the query takes $from and $to. */
  usesPeriod: boolean;
  sql: string;
}

/** `created_at` (of `alias` when given) within the period. */
const inPeriod = (alias = '') => `${alias}created_at >= $from::TIMESTAMPTZ AND ${alias}created_at < $to::TIMESTAMPTZ`;

/** The posts of the period, as a CTE body. */
const PERIOD_POSTS = `SELECT * FROM posts WHERE ${inPeriod()}`;

/** Account name (user@server) from an actor URI: the last path segment and the host. */
const ACTOR_ACCT = `CASE WHEN a.name <> '' THEN a.name || '@' || lower(a.host) ELSE coalesce(author_uri, '(unknown)') END`;

const q = (name: string, title: string, description: string, sql: string): StatsQuery => ({
  name,
  title,
  description,
  usesPeriod: sql.includes('$from'),
  sql: sql.trim(),
});

export const STATS_QUERIES: readonly StatsQuery[] = [
  q(
    'highlights',
    'Highlights',
    'Totals, first and latest post, busiest month and day, longest run of days with a post',
    `
WITH p AS (SELECT created_at FROM posts WHERE ${inPeriod()}),
days AS (SELECT created_at::DATE AS day, count(*) AS posts FROM p GROUP BY day),
runs AS (SELECT day, day - CAST(row_number() OVER (ORDER BY day) AS INTEGER) AS run FROM days),
streak AS (
  SELECT count(*) AS days, min(day) AS first_day, max(day) AS last_day
  FROM runs GROUP BY run ORDER BY days DESC, first_day LIMIT 1
),
busiest_day AS (SELECT day, posts FROM days ORDER BY posts DESC, day LIMIT 1),
busiest_month AS (
  SELECT strftime(day, '%Y-%m') AS month, sum(posts) AS posts
  FROM days GROUP BY month ORDER BY posts DESC, month LIMIT 1
),
first_post AS (SELECT created_at, id, left(text, 200) AS text FROM posts WHERE ${inPeriod()} ORDER BY created_at, id LIMIT 1),
latest_post AS (
  SELECT created_at, id, left(text, 200) AS text FROM posts WHERE ${inPeriod()} ORDER BY created_at DESC, id DESC LIMIT 1
)
SELECT
  (SELECT count(*) FROM p) AS posts,
  (SELECT count(*) FROM boosts WHERE ${inPeriod()}) AS boosts,
  (SELECT count(*) FROM days) AS active_days,
  (SELECT created_at FROM first_post) AS first_post_at,
  (SELECT id FROM first_post) AS first_post_id,
  (SELECT text FROM first_post) AS first_post_text,
  (SELECT created_at FROM latest_post) AS latest_post_at,
  (SELECT id FROM latest_post) AS latest_post_id,
  (SELECT text FROM latest_post) AS latest_post_text,
  (SELECT month FROM busiest_month) AS busiest_month,
  (SELECT posts FROM busiest_month) AS busiest_month_posts,
  (SELECT strftime(day, '%Y-%m-%d') FROM busiest_day) AS busiest_day,
  (SELECT posts FROM busiest_day) AS busiest_day_posts,
  (SELECT days FROM streak) AS longest_streak_days,
  (SELECT strftime(first_day, '%Y-%m-%d') FROM streak) AS longest_streak_from,
  (SELECT strftime(last_day, '%Y-%m-%d') FROM streak) AS longest_streak_to`,
  ),
  q(
    'posts_per_month',
    'Posts per month',
    'Own posts and boosts per month, with a summary line per year',
    `
SELECT strftime(created_at, '%Y-%m') AS month,
       count(*) FILTER (WHERE kind = 'post') AS posts,
       count(*) FILTER (WHERE kind = 'boost') AS boosts
FROM timeline
WHERE ${inPeriod()}
GROUP BY month
ORDER BY month`,
  ),
  q(
    'heatmap',
    'When you post',
    'Own posts by weekday (1 = Monday) and hour of the day, in your time zone',
    `
WITH p AS (SELECT timezone(current_setting('TimeZone'), created_at) AS local_time FROM posts WHERE ${inPeriod()})
SELECT isodow(local_time) AS weekday, hour(local_time) AS hour, count(*) AS posts
FROM p
GROUP BY weekday, hour
ORDER BY weekday, hour`,
  ),
  q(
    'post_types',
    'Kinds of post',
    'Originals, replies to yourself (threads), replies to others, and boosts',
    `
WITH p AS (${PERIOD_POSTS}),
kinds AS (
  SELECT CASE WHEN reply_to IS NULL THEN 'original'
              WHEN reply_to_self THEN 'self-reply'
              ELSE 'reply to others' END AS type,
         count(*) AS count
  FROM p GROUP BY type
  UNION ALL
  SELECT 'boost', count(*) FROM boosts WHERE ${inPeriod()}
)
SELECT type, count FROM kinds
ORDER BY list_position(['original', 'self-reply', 'reply to others', 'boost'], type)`,
  ),
  q(
    'visibility',
    'Visibility',
    'Own posts by who could see them: public, unlisted, followers only (private), direct',
    `
SELECT visibility, count(*) AS posts
FROM posts
WHERE ${inPeriod()}
GROUP BY visibility
ORDER BY coalesce(list_position(['public', 'unlisted', 'private', 'direct'], visibility), 99), visibility`,
  ),
  q(
    'languages',
    'Languages',
    'Own posts by the language they were written in',
    `
SELECT coalesce(nullif(language, ''), 'unknown') AS language, count(*) AS posts
FROM posts
WHERE ${inPeriod()}
GROUP BY 1
ORDER BY posts DESC, language`,
  ),
  q(
    'post_features',
    'Media, content warnings, polls',
    'How many own posts have media, a content warning, a poll, were marked sensitive, quote a post or were edited',
    `
SELECT count(*) AS posts,
       count(*) FILTER (WHERE media_count > 0) AS with_media,
       count(*) FILTER (WHERE cw IS NOT NULL) AS with_cw,
       count(*) FILTER (WHERE sensitive) AS sensitive,
       count(*) FILTER (WHERE is_poll) AS polls,
       count(*) FILTER (WHERE quote_of IS NOT NULL) AS quotes,
       count(*) FILTER (WHERE edited_at IS NOT NULL) AS edited
FROM posts
WHERE ${inPeriod()}`,
  ),
  q(
    'post_length',
    'Post length',
    'Own posts by length of their text in characters (links and mentions included)',
    `
WITH p AS (SELECT length(coalesce(text, '')) AS chars FROM posts WHERE ${inPeriod()}),
buckets AS (
  SELECT CASE WHEN chars = 0 THEN 'no text'
              WHEN chars < 50 THEN '1–49'
              WHEN chars < 100 THEN '50–99'
              WHEN chars < 200 THEN '100–199'
              WHEN chars < 300 THEN '200–299'
              WHEN chars < 500 THEN '300–499'
              ELSE '500+' END AS length,
         count(*) AS posts
  FROM p GROUP BY length
)
SELECT length, posts, (SELECT median(chars) FROM p) AS median_chars, (SELECT max(chars) FROM p) AS max_chars
FROM buckets
ORDER BY list_position(['no text', '1–49', '50–99', '100–199', '200–299', '300–499', '500+'], length)`,
  ),
  q(
    'edits',
    'Edits',
    'Edited posts, by how long after posting they were last edited',
    `
WITH p AS (SELECT epoch(edited_at) - epoch(created_at) AS seconds FROM posts WHERE ${inPeriod()} AND edited_at IS NOT NULL)
SELECT CASE WHEN seconds < 60 THEN 'within a minute'
            WHEN seconds < 3600 THEN 'within an hour'
            WHEN seconds < 86400 THEN 'within a day'
            ELSE 'later' END AS edited,
       count(*) AS posts,
       (SELECT median(seconds) FROM p) AS median_seconds
FROM p
GROUP BY edited
ORDER BY list_position(['within a minute', 'within an hour', 'within a day', 'later'], edited)`,
  ),
  q(
    'media_kinds',
    'Media',
    'Attachments of own posts by kind, how many lack a description (alt text), how many files are missing',
    `
SELECT coalesce(m.kind, 'other') AS kind,
       count(*) AS media,
       count(*) FILTER (WHERE m.alt_text IS NULL OR trim(m.alt_text) = '') AS without_alt_text,
       count(*) FILTER (WHERE m.archive_path IS NULL) AS missing_files
FROM media m JOIN posts p ON p.archive_id = m.archive_id AND p.id = m.post_id
WHERE ${inPeriod('p.')}
GROUP BY 1
ORDER BY media DESC, kind`,
  ),
  q(
    'top_hashtags',
    'Top hashtags',
    'Hashtags of own posts, most used first (ties by name)',
    `
SELECT h.tag, min(h.display) AS display, count(*) AS uses,
       count(*) OVER () AS distinct_tags, sum(count(*)) OVER () AS total_uses
FROM hashtags h JOIN posts p ON p.archive_id = h.archive_id AND p.id = h.post_id
WHERE ${inPeriod('p.')}
GROUP BY h.tag
ORDER BY uses DESC, h.tag
LIMIT 10`,
  ),
  q(
    'top_mentions',
    'Most mentioned',
    'Accounts mentioned in own posts (replies and DMs included)',
    `
SELECT m.acct, count(*) AS mentions,
       count(*) OVER () AS distinct_accounts, sum(count(*)) OVER () AS total_mentions
FROM mentions m JOIN posts p ON p.archive_id = m.archive_id AND p.id = m.post_id
WHERE ${inPeriod('p.')}
GROUP BY m.acct
ORDER BY mentions DESC, m.acct
LIMIT 10`,
  ),
  q(
    'top_boosted_accounts',
    'Most boosted accounts',
    'Authors of the posts you boosted',
    `
WITH b AS (
  SELECT author_uri,
         regexp_extract(author_uri, '^https?://([^/]+)/(?:.*/)?@?([^/?#]+)/?$', ['host', 'name']) AS a
  FROM boosts
  WHERE ${inPeriod()}
)
SELECT ${ACTOR_ACCT} AS account, count(*) AS boosts,
       count(*) OVER () AS distinct_accounts, sum(count(*)) OVER () AS total_boosts
FROM b
GROUP BY 1
ORDER BY boosts DESC, account
LIMIT 10`,
  ),
  q(
    'top_boosted_servers',
    'Most boosted servers',
    'Servers of the posts you boosted',
    `
SELECT coalesce(post_host, '(unknown)') AS server, count(*) AS boosts,
       count(*) OVER () AS distinct_servers, sum(count(*)) OVER () AS total_boosts
FROM boosts
WHERE ${inPeriod()}
GROUP BY 1
ORDER BY boosts DESC, server
LIMIT 10`,
  ),
  q(
    'top_linked_sites',
    'Most linked sites',
    'Hosts of the links in own posts',
    `
SELECT coalesce(l.host, '(unknown)') AS site, count(*) AS links,
       count(*) OVER () AS distinct_sites, sum(count(*)) OVER () AS total_links
FROM links l JOIN posts p ON p.archive_id = l.archive_id AND p.id = l.post_id
WHERE ${inPeriod('p.')}
GROUP BY 1
ORDER BY links DESC, site
LIMIT 10`,
  ),
  q(
    'likes_by_server',
    'Likes by server',
    'Servers of the posts you liked (all time: the archive keeps no date for likes)',
    `
SELECT coalesce(host, '(unknown)') AS server, count(*) AS likes,
       count(*) OVER () AS distinct_servers, sum(count(*)) OVER () AS total_likes
FROM likes
GROUP BY 1
ORDER BY likes DESC, server
LIMIT 10`,
  ),
  q(
    'bookmarks_by_server',
    'Bookmarks by server',
    'Servers of the posts you bookmarked (all time: the archive keeps no date for bookmarks)',
    `
SELECT coalesce(host, '(unknown)') AS server, count(*) AS bookmarks,
       count(*) OVER () AS distinct_servers, sum(count(*)) OVER () AS total_bookmarks
FROM bookmarks
GROUP BY 1
ORDER BY bookmarks DESC, server
LIMIT 10`,
  ),
  q(
    'following',
    'Following',
    'From following_accounts.csv and lists.csv: accounts you follow, your lists, followed accounts never mentioned',
    `
SELECT (SELECT count(*) FROM following) AS following,
       (SELECT count(DISTINCT acct) FROM following) AS distinct_following,
       (SELECT count(DISTINCT list_name) FROM lists) AS lists,
       (SELECT count(*) FROM lists) AS list_memberships,
       (SELECT count(DISTINCT lower(f.acct)) FROM following f
         WHERE NOT EXISTS (SELECT 1 FROM mentions m WHERE lower(m.acct) = lower(f.acct))) AS never_mentioned`,
  ),
  q(
    'lists',
    'Lists',
    'Your lists (lists.csv) and how many accounts each holds',
    `
SELECT list_name, count(*) AS accounts
FROM lists
GROUP BY list_name
ORDER BY accounts DESC, list_name`,
  ),
  q(
    'never_mentioned',
    'Followed, never mentioned',
    'Accounts you follow (following_accounts.csv) that none of your posts ever mentions',
    `
SELECT DISTINCT lower(f.acct) AS account
FROM following f
WHERE NOT EXISTS (SELECT 1 FROM mentions m WHERE lower(m.acct) = lower(f.acct))
ORDER BY account`,
  ),
];

/** The first and the last year (in the session time zone) with a post or a boost, for the period switcher. */
export const STATS_YEARS_SQL = `SELECT year(min(created_at)) AS first_year, year(max(created_at)) AS last_year FROM timeline`;

export function statsQuery(name: string): StatsQuery | undefined {
  return STATS_QUERIES.find((s) => s.name === name);
}

/** A period bound as the queries take it: a day 'YYYY-MM-DD' or ±infinity. Anything else is refused. */
const BOUND = /^(\d{4}-\d{2}-\d{2}|-?infinity)$/;

/**
 * The query's SQL with $from and $to written out as literals, for the SQL pane (which runs text, not prepared
 * statements), headed by a comment naming the tile and period. The bounds are checked against BOUND, so nothing
 * but a date or ±infinity is ever put into the text.
 */
export function statsQueryText(query: StatsQuery, params: { from: string; to: string; label?: string }): string {
  const header = `-- ${query.title}${query.usesPeriod ? ` · ${params.label ?? `${params.from} .. ${params.to}`}` : ''}\n-- ${query.description}\n`;
  if (!query.usesPeriod) return header + query.sql;
  for (const value of [params.from, params.to]) {
    if (!BOUND.test(value)) throw new Error(`not a period bound: ${JSON.stringify(value)}`);
  }
  return header + query.sql.replace(/\$from\b/g, `'${params.from}'`).replace(/\$to\b/g, `'${params.to}'`);
}
