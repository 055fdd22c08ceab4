/**
 * Row shapes produced by the normalisers, one per table of src/db/schema.sql (keys are the column names; archive_id
 * is added by the writer). Times are ISO 8601 strings as found in the archive; the writer turns them into
 * TIMESTAMPTZ. Everything here is plain data: the normalisers are pure and testable without DuckDB.
 */
import type { Visibility } from './visibility.js';

export type Iso = string;

export interface PostRow {
  id: string;
  uri: string;
  url: string | null;
  position: number;
  created_at: Iso | null;
  edited_at: Iso | null;
  visibility: Visibility;
  cw: string | null;
  sensitive: boolean;
  language: string | null;
  html: string;
  text: string;
  reply_to: string | null;
  reply_to_self: boolean;
  thread_root: string | null;
  conversation: string | null;
  quote_of: string | null;
  media_count: number;
  is_poll: boolean;
  likes_count: number | null;
  boosts_count: number | null;
}

export interface BoostRow {
  id: string;
  uri: string;
  position: number;
  created_at: Iso | null;
  post_uri: string | null;
  post_host: string | null;
  author_uri: string | null;
  visibility: Visibility;
}

export interface MediaRow {
  post_id: string;
  position: number;
  url: string | null;
  archive_path: string | null;
  media_type: string | null;
  kind: 'image' | 'video' | 'audio' | 'other';
  alt_text: string | null;
  width: number | null;
  height: number | null;
  duration_seconds: number | null;
  blurhash: string | null;
  bytes: number | null;
}

export interface HashtagRow { post_id: string; tag: string; display: string }
export interface MentionRow { post_id: string; acct: string; href: string | null }
export interface LinkRow { post_id: string; url: string; host: string | null }
export interface EmojiRow { post_id: string; shortcode: string; image_url: string | null }
export interface PollOptionRow {
  post_id: string;
  position: number;
  title: string;
  votes: number | null;
  multiple: boolean;
  ends_at: Iso | null;
  voters: number | null;
}
export interface OutboxItemRow { position: number; type: string; id: string | null; json: string }

/** A thing skipped or repaired while loading: where it is and what was wrong. */
export interface LoadIssue { source: string; position: string; problem: string }

/** Everything one outbox item turns into. */
export interface ItemRows {
  post?: PostRow;
  boost?: BoostRow;
  media: MediaRow[];
  hashtags: HashtagRow[];
  mentions: MentionRow[];
  links: LinkRow[];
  emojis: EmojiRow[];
  pollOptions: PollOptionRow[];
  issues: LoadIssue[];
}

export interface AccountRow {
  actor_id: string | null;
  type: string | null;
  username: string | null;
  domain: string | null;
  acct: string | null;
  display_name: string | null;
  bio: string | null;
  bio_html: string | null;
  url: string | null;
  created_at: Iso | null;
  avatar_path: string | null;
  header_path: string | null;
  moved_to: string | null;
  also_known_as: string[];
  fields: { name: string; value: string }[];
  followers_uri: string | null;
  locked: boolean | null;
  discoverable: boolean | null;
  indexable: boolean | null;
  suspended: boolean | null;
}
