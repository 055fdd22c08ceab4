-- mastotui database schema: the one source of truth for the tables users query.
-- Every table carries archive_id so several archives of one person (before and after a move) can live together.
-- Identifiers are VARCHAR (Mastodon ids overflow JavaScript numbers); times are TIMESTAMPTZ from the UTC strings.
-- A line "-- table: text" above a table documents it for docs/SCHEMA.md and the SQL pane; "--- column: text" documents a column.
-- USING COMPRESSION uncompressed: columns of long or unique strings (ids, addresses, post text), which DuckDB stores
-- uncompressed anyway; said here, the load's commits skip trying the other methods on them (the 100k load in-process
-- 2.87-3.00 s against 3.06-3.21 s, the same file size; docs/PERFORMANCE.md).

-- meta: facts about this database file (schema version, when it was built).
CREATE TABLE meta (
  key VARCHAR PRIMARY KEY,
  value VARCHAR
);

-- archives: one row per archive loaded into this database.
CREATE TABLE archives (
  archive_id VARCHAR PRIMARY KEY, --- short id of the archive (from its fingerprint)
  path VARCHAR,                   --- where the archive was read from
  container VARCHAR,              --- zip, tar.gz, folder or outbox.json
  fingerprint VARCHAR,
  loaded_at TIMESTAMPTZ,
  total_items_declared BIGINT,    --- outbox totalItems (not trusted: Mastodon leaves DMs out of it)
  items BIGINT,                   --- items actually found in orderedItems
  exported_at TIMESTAMPTZ         --- export time where the archive says it (signature.created), else NULL
);

-- account: the archive's owner, from actor.json.
CREATE TABLE account (
  archive_id VARCHAR,
  actor_id VARCHAR,           --- ActivityPub id of the account
  type VARCHAR,               --- Person, Service (bot) or Group
  username VARCHAR,
  domain VARCHAR,             --- server the account lives on (from its id)
  acct VARCHAR,               --- username@domain
  display_name VARCHAR,
  bio VARCHAR,                --- bio as plain text
  bio_html VARCHAR,
  url VARCHAR,
  created_at TIMESTAMPTZ,     --- creation day (Mastodon truncates it to midnight UTC)
  avatar_path VARCHAR,        --- entry in the archive, NULL if absent
  header_path VARCHAR,
  moved_to VARCHAR,
  also_known_as VARCHAR[],
  fields STRUCT(name VARCHAR, value VARCHAR)[],  --- profile fields, values as plain text
  followers_uri VARCHAR,
  locked BOOLEAN,
  discoverable BOOLEAN,
  indexable BOOLEAN,
  suspended BOOLEAN
);

-- posts: one row per own post (a Create of a Note or Question), DMs included.
CREATE TABLE posts (
  archive_id VARCHAR,
  id VARCHAR USING COMPRESSION uncompressed, --- status id (last part of the URI)
  uri VARCHAR USING COMPRESSION uncompressed, --- ActivityPub id; reply_to, thread_root and quote_of point at these
  url VARCHAR USING COMPRESSION uncompressed, --- web address of the post
  position BIGINT,            --- index of the item in outbox.json
  created_at TIMESTAMPTZ,
  edited_at TIMESTAMPTZ,      --- last edit (no history is exported)
  visibility VARCHAR,         --- public, unlisted, private (followers only) or direct
  cw VARCHAR,                 --- content warning, NULL when none
  sensitive BOOLEAN,
  language VARCHAR,
  html VARCHAR USING COMPRESSION uncompressed,
  text VARCHAR USING COMPRESSION uncompressed, --- the post as plain text
  reply_to VARCHAR,           --- URI of the parent post, NULL when not a reply
  reply_to_self BOOLEAN,      --- the parent is one of your own posts
  thread_root VARCHAR USING COMPRESSION uncompressed, --- URI of the first post of your self-reply chain (own uri when not a self-reply)
  conversation VARCHAR,
  quote_of VARCHAR,           --- URI of the quoted post (4.5+); 'deleted' when the quoted post is gone
  media_count INTEGER,
  is_poll BOOLEAN,
  likes_count INTEGER,        --- at export time; NULL before Mastodon 4.3
  boosts_count INTEGER        --- at export time; NULL before Mastodon 4.3
);

-- boosts: one row per boost (Announce) of a post, yours or someone else's.
CREATE TABLE boosts (
  archive_id VARCHAR,
  id VARCHAR USING COMPRESSION uncompressed, --- status id of the boost
  uri VARCHAR USING COMPRESSION uncompressed,
  position BIGINT,
  created_at TIMESTAMPTZ,
  post_uri VARCHAR USING COMPRESSION uncompressed, --- the boosted post (the archive holds only its address)
  post_host VARCHAR,          --- server of the boosted post
  author_uri VARCHAR,         --- the boosted author's actor, when the addressing names it
  visibility VARCHAR
);

-- media: one row per attachment of a post (link previews are not media).
CREATE TABLE media (
  archive_id VARCHAR,
  post_id VARCHAR,
  position INTEGER,           --- order within the post
  url VARCHAR USING COMPRESSION uncompressed, --- the path or URL written in outbox.json
  archive_path VARCHAR USING COMPRESSION uncompressed, --- the matching entry in the archive; NULL when the file is missing
  media_type VARCHAR,         --- MIME type, e.g. image/jpeg
  kind VARCHAR,               --- image, video, audio or other
  alt_text VARCHAR,
  width INTEGER,
  height INTEGER,
  duration_seconds DOUBLE,
  blurhash VARCHAR USING COMPRESSION uncompressed,
  bytes BIGINT                --- size of the file in the archive; NULL when missing
);

-- hashtags: one row per hashtag use in a post.
CREATE TABLE hashtags (
  archive_id VARCHAR,
  post_id VARCHAR,
  tag VARCHAR,                --- lower case, without '#'
  display VARCHAR             --- as written, without '#'
);

-- mentions: one row per account mentioned in a post.
CREATE TABLE mentions (
  archive_id VARCHAR,
  post_id VARCHAR,
  acct VARCHAR,               --- user@domain (local accounts completed with your server)
  href VARCHAR                --- the account's actor URI
);

-- links: one row per external link in a post's text.
CREATE TABLE links (
  archive_id VARCHAR,
  post_id VARCHAR,
  url VARCHAR USING COMPRESSION uncompressed,
  host VARCHAR                --- lower case, without 'www.'
);

-- emojis: one row per custom emoji used in a post.
CREATE TABLE emojis (
  archive_id VARCHAR,
  post_id VARCHAR,
  shortcode VARCHAR,          --- without colons
  image_url VARCHAR
);

-- poll_options: one row per option of a poll.
CREATE TABLE poll_options (
  archive_id VARCHAR,
  post_id VARCHAR,
  position INTEGER,
  title VARCHAR,
  votes INTEGER,
  multiple BOOLEAN,           --- several choices allowed
  ends_at TIMESTAMPTZ,
  voters INTEGER              --- people who voted (3.0+)
);

-- likes: one row per post you favourited (the archive holds only its address: no text, no date).
CREATE TABLE likes (
  archive_id VARCHAR,
  position BIGINT,
  uri VARCHAR USING COMPRESSION uncompressed,
  host VARCHAR
);

-- bookmarks: one row per post you bookmarked (only its address), from bookmarks.json or bookmarks.csv.
CREATE TABLE bookmarks (
  archive_id VARCHAR,
  position BIGINT,
  uri VARCHAR USING COMPRESSION uncompressed,
  host VARCHAR,
  source VARCHAR              --- file it came from
);

-- following: accounts you follow (following_accounts.csv).
CREATE TABLE following (
  archive_id VARCHAR,
  acct VARCHAR,
  show_boosts BOOLEAN,
  notify BOOLEAN,
  languages VARCHAR[]
);

-- followers: accounts following you (only GoToSocial exports this: followers.csv).
CREATE TABLE followers (
  archive_id VARCHAR,
  acct VARCHAR
);

-- lists: members of your lists (lists.csv).
CREATE TABLE lists (
  archive_id VARCHAR,
  list_name VARCHAR,
  acct VARCHAR
);

-- blocks: accounts you block (blocked_accounts.csv).
CREATE TABLE blocks (
  archive_id VARCHAR,
  acct VARCHAR
);

-- mutes: accounts you mute (muted_accounts.csv).
CREATE TABLE mutes (
  archive_id VARCHAR,
  acct VARCHAR,
  hide_notifications BOOLEAN
);

-- domain_blocks: servers you block (blocked_domains.csv).
CREATE TABLE domain_blocks (
  archive_id VARCHAR,
  domain VARCHAR
);

-- archive_files: one row per file in the archive.
CREATE TABLE archive_files (
  archive_id VARCHAR,
  path VARCHAR USING COMPRESSION uncompressed,
  bytes BIGINT,
  kind VARCHAR                --- outbox, actor, likes, bookmarks, media, avatar, header, csv or other
);

-- outbox_items: where each outbox item is in outbox.json, so its raw JSON can be shown without storing it twice.
CREATE TABLE outbox_items (
  archive_id VARCHAR,
  position BIGINT,            --- index of the item in orderedItems
  type VARCHAR,               --- Create, Announce, ...
  id VARCHAR USING COMPRESSION uncompressed, --- status id of the post or boost
  byte_offset BIGINT,         --- where the item's JSON starts in outbox.json
  bytes BIGINT                --- length of the item's JSON in bytes
);

-- load_issues: what was skipped or repaired while loading, with where and why.
CREATE TABLE load_issues (
  archive_id VARCHAR,
  source VARCHAR,             --- file the problem is in
  position VARCHAR,           --- item index, line or byte offset
  problem VARCHAR
);

-- timeline_order: the timeline's rows numbered in the reader's two orders, once at load time, so that lists page by position.
-- Derived by the loader (load.ts) and read-only after. A page of the unfiltered list is the rows with pos in
-- [offset, offset + 24), found without sorting the whole timeline for every page (which took 12-74 ms a page at 1M
-- items, growing with the offset). Filtered lists are numbered the same way on their first page, into a temporary
-- table of the connection (numbered-lists.ts).
CREATE TABLE timeline_order (
  archive_id VARCHAR,
  pos INTEGER,                --- place in the newest-first list (created_at DESC, id DESC), from 0; stored in this order
  oldest_pos INTEGER,         --- place in the oldest-first list (created_at ASC, id ASC), from 0; undated rows last in both
  kind VARCHAR,               --- post or boost
  id VARCHAR USING COMPRESSION uncompressed, --- the post's or boost's id
  created_at TIMESTAMPTZ
);

-- timeline (view): your posts and boosts in one stream, newest first when ordered by created_at desc.
CREATE VIEW timeline AS
  SELECT archive_id, 'post' AS kind, id, uri, url, created_at, visibility, cw, text, reply_to, reply_to_self,
         media_count, is_poll, language, NULL::VARCHAR AS boosted_uri
  FROM posts
  UNION ALL
  SELECT archive_id, 'boost' AS kind, id, uri, NULL AS url, created_at, visibility, NULL AS cw, NULL AS text,
         NULL AS reply_to, FALSE AS reply_to_self, 0 AS media_count, FALSE AS is_poll, NULL AS language,
         post_uri AS boosted_uri
  FROM boosts;

-- threads (view): your self-reply chains of two or more posts.
CREATE VIEW threads AS
  SELECT archive_id, thread_root, count(*) AS posts, min(created_at) AS started_at, max(created_at) AS last_at,
         arg_min(text, created_at) AS first_text
  FROM posts
  GROUP BY archive_id, thread_root
  HAVING count(*) > 1;
