/**
 * Ready queries for the SQL pane's side list: each one a question people ask of their own archive. Results that
 * have an id or post_id column of posts can be opened in the reader.
 */

export interface ExampleQuery {
  /** The key that runs it from the side list. */
  key: string;
  title: string;
  sql: string;
}

/** Words too common to count, for "most-used words". */
const STOP_WORDS = [
  'about', 'after', 'also', 'because', 'been', 'being', 'could', 'does', 'dont', 'from', 'have', 'here', 'into',
  'just', 'like', 'more', 'much', 'only', 'other', 'over', 'really', 'should', 'some', 'than', 'that', 'their',
  'them', 'then', 'there', 'these', 'they', 'this', 'very', 'want', 'were', 'what', 'when', 'which', 'will', 'with',
  'would', 'your', 'youre', 'it\'s', 'i\'m', 'that\'s', 'don\'t',
];

export const EXAMPLE_QUERIES: readonly ExampleQuery[] = [
  {
    key: 'a',
    title: 'longest threads',
    sql: `SELECT t.posts, p.id, t.started_at, left(t.first_text, 100) AS first_post
FROM threads t JOIN posts p ON p.uri = t.thread_root AND p.archive_id = t.archive_id
ORDER BY t.posts DESC, t.started_at
LIMIT 50`,
  },
  {
    key: 'b',
    title: 'posts per weekday',
    sql: `SELECT isodow(created_at) AS day, dayname(created_at) AS weekday, count(*) AS posts
FROM posts
GROUP BY ALL
ORDER BY day`,
  },
  {
    key: 'c',
    title: 'most-used words',
    sql: `SELECT word, count(*) AS uses
FROM (
  SELECT unnest(regexp_split_to_array(
    lower(regexp_replace(text, '(https?://|@|#)\\S+', ' ', 'g')), '[^\\p{L}\\p{N}'']+')) AS word
  FROM posts
)
WHERE length(word) > 3
  AND word NOT IN (${STOP_WORDS.map((w) => `'${w.replace(/'/g, "''")}'`).join(', ')})
GROUP BY word
ORDER BY uses DESC, word
LIMIT 100`,
  },
  {
    key: 'd',
    title: 'DMs per person',
    sql: `SELECT m.acct, count(DISTINCT p.id) AS direct_messages, min(p.created_at) AS first, max(p.created_at) AS last
FROM posts p JOIN mentions m ON m.post_id = p.id AND m.archive_id = p.archive_id
WHERE p.visibility = 'direct'
GROUP BY m.acct
ORDER BY direct_messages DESC, m.acct`,
  },
  {
    key: 'e',
    title: 'hashtags over time',
    sql: `WITH top AS (SELECT tag FROM hashtags GROUP BY tag ORDER BY count(*) DESC, tag LIMIT 10)
SELECT strftime(p.created_at, '%Y-%m') AS month, h.tag, count(*) AS uses
FROM hashtags h JOIN posts p ON p.id = h.post_id AND p.archive_id = h.archive_id
WHERE h.tag IN (SELECT tag FROM top)
GROUP BY ALL
ORDER BY month, uses DESC, h.tag`,
  },
  {
    key: 'f',
    title: 'people you follow but never mention',
    sql: `SELECT f.acct, f.show_boosts, f.notify
FROM following f
WHERE lower(f.acct) NOT IN (SELECT lower(acct) FROM mentions WHERE acct IS NOT NULL)
ORDER BY f.acct`,
  },
  {
    key: 'g',
    title: 'most liked posts',
    sql: `SELECT id, created_at, likes_count, boosts_count, visibility, left(text, 100) AS text
FROM posts
WHERE likes_count IS NOT NULL
ORDER BY likes_count DESC, boosts_count DESC
LIMIT 50`,
  },
  {
    key: 'h',
    title: 'what was skipped while loading',
    sql: `SELECT source, position, problem FROM load_issues ORDER BY source, position`,
  },
];
