/**
 * One outbox.json item (an already parsed activity) -> rows for every table. Pure: no I/O, no DuckDB.
 * The rules come from archive-format.md §4: Create of Note/Question is a post, Announce is a boost, anything else
 * is recorded as an issue and skipped.
 */
import { MAX_HTML_CHARS, extractExternalLinks, htmlToPlainText, linkHost } from '../content/html.js';
import {
  type JsonObject,
  bool,
  hostOf,
  int,
  isObject,
  isoTime,
  linkId,
  list,
  num,
  objects,
  statusIdOf,
  str,
} from './json-fields.js';
import type { ItemRows, MediaRow, PostRow } from './rows.js';
import { addressList, visibilityOf } from './visibility.js';

export interface OutboxContext {
  /** The account's actor URI (actor.json id); self-replies are replies to URIs under it. */
  actorId: string | null;
  followersUri: string | null;
  /** Domain added to local mentions written as "@user". */
  localDomain: string | null;
  /** Finds the archive entry of an attachment URL (archive-format.md §3); undefined when the file is missing. */
  resolveMedia: (url: string) => { name: string; bytes: number } | undefined;
}

const SOURCE = 'outbox.json';

function emptyRows(): ItemRows {
  return { media: [], hashtags: [], mentions: [], links: [], emojis: [], pollOptions: [], issues: [] };
}

export function normaliseItem(item: unknown, position: number, ctx: OutboxContext): ItemRows {
  const rows = emptyRows();
  const where = `item ${position}`;
  if (!isObject(item)) {
    rows.issues.push({ source: SOURCE, position: where, problem: 'item is not a JSON object; skipped' });
    return rows;
  }
  const type = str(item.type);
  if (type === 'Create') {
    if (!isObject(item.object)) {
      rows.issues.push({ source: SOURCE, position: where, problem: 'Create without an inlined object; skipped' });
      return rows;
    }
    normalisePost(item, item.object, position, ctx, rows);
  } else if (type === 'Announce') {
    normaliseBoost(item, position, ctx, rows);
  } else {
    rows.issues.push({ source: SOURCE, position: where, problem: `unknown item type ${JSON.stringify(type)}; skipped` });
  }
  return rows;
}

function normalisePost(activity: JsonObject, note: JsonObject, position: number, ctx: OutboxContext, rows: ItemRows) {
  const where = `item ${position}`;
  // An empty id counts as missing: every post needs an id of its own.
  const uri = str(note.id) || str(activity.id)?.replace(/\/activity$/, '') || `item-${position}`;
  const url = str(note.url) ?? (isObject(note.url) ? str(note.url.href) : null);
  const id = statusIdOf(uri, url);
  const html = str(note.content) ?? '';
  const published = str(note.published) ?? str(activity.published);
  const createdAt = isoTime(published);
  if (published !== null && createdAt === null) {
    rows.issues.push({ source: SOURCE, position: where, problem: `unreadable published time ${JSON.stringify(published)}` });
  }
  const replyTo = linkId(note.inReplyTo);
  const contentMap = isObject(note.contentMap) ? Object.keys(note.contentMap) : [];
  const quote = note.quote ?? note.quoteUri ?? note._misskey_quote;
  const isPoll = str(note.type) === 'Question';

  const post: PostRow = {
    id,
    uri,
    url,
    position,
    created_at: createdAt,
    edited_at: isoTime(note.updated),
    visibility: visibilityOf(note.to ?? activity.to, note.cc ?? activity.cc, ctx.followersUri),
    cw: str(note.summary) || null,
    sensitive: bool(note.sensitive) ?? false,
    language: contentMap[0] ?? null,
    html,
    text: htmlToPlainText(html),
    reply_to: replyTo,
    reply_to_self: replyTo !== null && ctx.actorId !== null && replyTo.startsWith(ctx.actorId + '/'),
    thread_root: null,
    conversation: str(note.context) ?? str(note.conversation),
    quote_of: isObject(quote) && str(quote.type) === 'Tombstone' ? 'deleted' : linkId(quote),
    media_count: 0,
    is_poll: isPoll,
    likes_count: isObject(note.likes) ? int(note.likes.totalItems) : null,
    boosts_count: isObject(note.shares) ? int(note.shares.totalItems) : null,
  };
  rows.post = post;
  if (html.length > MAX_HTML_CHARS) {
    rows.issues.push({
      source: SOURCE,
      position: where,
      problem: `the post's HTML is ${html.length} characters long; only the first ${MAX_HTML_CHARS} are in its text and shown`,
    });
  }

  for (const attachment of objects(note.attachment)) {
    if (str(attachment.type) === 'Link') continue; // 4.7+ link previews are not media
    rows.media.push(mediaRow(id, rows.media.length, attachment, ctx));
  }
  post.media_count = rows.media.length;
  for (const m of rows.media) {
    if (m.url !== null && m.archive_path === null) {
      rows.issues.push({ source: SOURCE, position: where, problem: `media file not in the archive: ${m.url}` });
    }
  }

  for (const tag of objects(note.tag)) {
    const tagType = str(tag.type);
    const name = str(tag.name) ?? '';
    if (tagType === 'Hashtag') {
      const display = name.replace(/^#+/, '');
      rows.hashtags.push({ post_id: id, tag: display.toLowerCase(), display });
    } else if (tagType === 'Mention') {
      rows.mentions.push({ post_id: id, acct: mentionAcct(name, str(tag.href), ctx.localDomain), href: str(tag.href) });
    } else if (tagType === 'Emoji') {
      const icon = isObject(tag.icon) ? tag.icon : isObject(list(tag.icon)[0]) ? (list(tag.icon)[0] as JsonObject) : null;
      rows.emojis.push({ post_id: id, shortcode: name.replace(/^:|:$/g, ''), image_url: icon ? str(icon.url) : null });
    }
  }

  for (const link of extractExternalLinks(html)) {
    rows.links.push({ post_id: id, url: link, host: linkHost(link) ?? null });
  }

  if (isPoll) {
    const multiple = note.anyOf !== undefined && note.anyOf !== null;
    const options = objects(multiple ? note.anyOf : note.oneOf);
    const endsAt = isoTime(note.endTime) ?? isoTime(note.closed);
    const voters = int(note.votersCount);
    options.forEach((option, i) => {
      rows.pollOptions.push({
        post_id: id,
        position: i,
        title: str(option.name) ?? '',
        votes: isObject(option.replies) ? int(option.replies.totalItems) : null,
        multiple,
        ends_at: endsAt,
        voters,
      });
    });
  }
}

function mediaRow(postId: string, position: number, a: JsonObject, ctx: OutboxContext): MediaRow {
  const url = str(a.url) ?? (isObject(a.url) ? str(a.url.href) : null);
  const found = url ? ctx.resolveMedia(url) : undefined;
  const mediaType = str(a.mediaType);
  return {
    post_id: postId,
    position,
    url,
    archive_path: found?.name ?? null,
    media_type: mediaType,
    kind: mediaKind(mediaType, url),
    alt_text: str(a.name) || null,
    width: int(a.width),
    height: int(a.height),
    duration_seconds: isoDurationSeconds(a.duration),
    blurhash: str(a.blurhash),
    bytes: found?.bytes ?? null,
  };
}

const EXTENSION_KIND: Record<string, MediaRow['kind']> = {
  jpg: 'image', jpeg: 'image', png: 'image', gif: 'image', webp: 'image', avif: 'image', heic: 'image',
  mp4: 'video', webm: 'video', mov: 'video', m4v: 'video',
  mp3: 'audio', ogg: 'audio', oga: 'audio', wav: 'audio', flac: 'audio', m4a: 'audio', opus: 'audio',
};

export function mediaKind(mediaType: string | null, url: string | null): MediaRow['kind'] {
  const major = mediaType?.split('/')[0]?.toLowerCase();
  if (major === 'image' || major === 'video' || major === 'audio') return major;
  const ext = url ? /\.([a-z0-9]+)(?:[?#]|$)/i.exec(url)?.[1]?.toLowerCase() : undefined;
  return (ext && EXTENSION_KIND[ext]) || 'other';
}

/** "PT12.5S", "PT1M3S" -> seconds; null when absent or unreadable. */
export function isoDurationSeconds(value: unknown): number | null {
  if (typeof value === 'number') return num(value);
  if (typeof value !== 'string') return null;
  const m = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(value);
  if (!m || value === 'P' || value === 'PT') return null;
  const [d, h, min, s] = m.slice(1).map((v) => (v ? Number(v) : 0)) as [number, number, number, number];
  return d * 86400 + h * 3600 + min * 60 + s;
}

/** "@user@domain" -> "user@domain"; a local "@user" gets the local domain (or the domain of its href). */
export function mentionAcct(name: string, href: string | null, localDomain: string | null): string {
  const bare = name.replace(/^@/, '');
  if (bare.includes('@')) return bare;
  const domain = localDomain ?? hostOf(href);
  return domain ? `${bare}@${domain}` : bare;
}

function normaliseBoost(activity: JsonObject, position: number, ctx: OutboxContext, rows: ItemRows) {
  const uri = str(activity.id)?.replace(/\/activity$/, '') || `item-${position}`;
  const postUri = linkId(activity.object);
  const published = str(activity.published);
  const createdAt = isoTime(published);
  if (published !== null && createdAt === null) {
    rows.issues.push({ source: SOURCE, position: `item ${position}`, problem: `unreadable published time ${JSON.stringify(published)}` });
  }
  // Mastodon puts the boosted author first in cc (archive-format.md §4.2); skip public and followers addresses.
  const author = addressList(activity.cc).find(
    (a) => !a.endsWith('#Public') && a !== 'as:Public' && a !== 'Public' && a !== ctx.followersUri && !a.endsWith('/followers'),
  );
  rows.boost = {
    id: statusIdOf(uri),
    uri,
    position,
    created_at: createdAt,
    post_uri: postUri,
    post_host: hostOf(postUri),
    author_uri: author ?? null,
    visibility: visibilityOf(activity.to, activity.cc, ctx.followersUri),
  };
}
