import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoDurationSeconds, mediaKind, mentionAcct, normaliseItem, type OutboxContext } from '../../src/ingest/outbox.js';

const ACTOR = 'https://example.social/users/ada';
const PUBLIC = 'https://www.w3.org/ns/activitystreams#Public';
const ctx: OutboxContext = {
  actorId: ACTOR,
  followersUri: `${ACTOR}/followers`,
  localDomain: 'example.social',
  resolveMedia: (url) => (url.endsWith('present.png') ? { name: 'media_attachments/files/1/original/present.png', bytes: 42 } : undefined),
};

function create(object: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    id: `${object.id}/activity`,
    type: 'Create',
    actor: ACTOR,
    published: object.published,
    to: object.to,
    cc: object.cc,
    object,
    ...extra,
  };
}

const note = {
  id: `${ACTOR}/statuses/111`,
  type: 'Note',
  summary: 'spoilers',
  inReplyTo: `${ACTOR}/statuses/110`,
  published: '2024-07-23T18:39:06Z',
  updated: '2024-07-24T08:00:00Z',
  url: 'https://example.social/@ada/111',
  to: [PUBLIC],
  cc: [`${ACTOR}/followers`],
  sensitive: true,
  conversation: 'tag:example.social,2024-07-23:objectId=5:objectType=Conversation',
  content:
    '<p>Hello <span class="h-card"><a href="https://example.social/@carol" class="u-url mention">@<span>carol</span></a></span> ' +
    '<a href="https://example.social/tags/Rust" class="mention hashtag" rel="tag">#<span>Rust</span></a> ' +
    '<a href="https://www.example.org/page" rel="nofollow noopener">example.org/page</a> :blobcat:</p>',
  contentMap: { de: '<p>…</p>' },
  attachment: [
    { type: 'Document', mediaType: 'image/png', url: '/bucket/media_attachments/files/1/original/present.png', name: 'a cat', width: 10, height: 20 },
    { type: 'Document', mediaType: 'audio/mpeg', url: '/media_attachments/files/2/original/gone.mp3', name: null, duration: 'PT1M2.5S' },
    { type: 'Link', href: 'https://preview.example/' },
  ],
  tag: [
    { type: 'Mention', href: 'https://example.social/users/carol', name: '@carol' },
    { type: 'Mention', href: 'https://other.example/users/bob', name: '@bob@other.example' },
    { type: 'Hashtag', href: 'https://example.social/tags/rust', name: '#Rust' },
    { type: 'Emoji', name: ':blobcat:', icon: { type: 'Image', url: 'https://example.social/emoji/blobcat.png' } },
  ],
  likes: { totalItems: 3 },
  shares: { totalItems: 1 },
};

describe('normaliseItem', () => {
  it('turns a Create of a Note into a post and its parts', () => {
    const rows = normaliseItem(create(note), 4, ctx);
    expect(rows.post).toMatchObject({
      id: '111',
      uri: note.id,
      position: 4,
      created_at: '2024-07-23T18:39:06Z',
      edited_at: '2024-07-24T08:00:00Z',
      visibility: 'public',
      cw: 'spoilers',
      sensitive: true,
      language: 'de',
      reply_to: `${ACTOR}/statuses/110`,
      reply_to_self: true,
      media_count: 2,
      is_poll: false,
      likes_count: 3,
      boosts_count: 1,
    });
    expect(rows.post!.text).toContain('Hello @carol #Rust');
    expect(rows.mentions.map((m) => m.acct)).toEqual(['carol@example.social', 'bob@other.example']);
    expect(rows.hashtags).toEqual([{ post_id: '111', tag: 'rust', display: 'Rust' }]);
    expect(rows.emojis).toEqual([{ post_id: '111', shortcode: 'blobcat', image_url: 'https://example.social/emoji/blobcat.png' }]);
    expect(rows.links).toEqual([{ post_id: '111', url: 'https://www.example.org/page', host: 'example.org' }]);
    expect(rows.media).toHaveLength(2);
    expect(rows.media[0]).toMatchObject({ archive_path: 'media_attachments/files/1/original/present.png', bytes: 42, kind: 'image', alt_text: 'a cat' });
    expect(rows.media[1]).toMatchObject({ archive_path: null, bytes: null, kind: 'audio', alt_text: null, duration_seconds: 62.5 });
    expect(rows.issues).toEqual([
      { source: 'outbox.json', position: 'item 4', problem: 'media file not in the archive: /media_attachments/files/2/original/gone.mp3' },
    ]);
  });

  it('reads polls: oneOf single choice, anyOf multiple, votes and voters', () => {
    const poll = {
      ...note,
      type: 'Question',
      attachment: [],
      tag: [],
      endTime: '2024-07-25T00:00:00Z',
      closed: '2024-07-25T00:00:00Z',
      votersCount: 7,
      anyOf: [
        { type: 'Note', name: 'yes', replies: { type: 'Collection', totalItems: 5 } },
        { type: 'Note', name: 'no', replies: { type: 'Collection', totalItems: 4 } },
      ],
    };
    const rows = normaliseItem(create(poll), 0, ctx);
    expect(rows.post!.is_poll).toBe(true);
    expect(rows.pollOptions).toEqual([
      { post_id: '111', position: 0, title: 'yes', votes: 5, multiple: true, ends_at: '2024-07-25T00:00:00Z', voters: 7 },
      { post_id: '111', position: 1, title: 'no', votes: 4, multiple: true, ends_at: '2024-07-25T00:00:00Z', voters: 7 },
    ]);
  });

  it('reads quotes, and a quote of a deleted post as "deleted"', () => {
    expect(normaliseItem(create({ ...note, quote: 'https://other.example/statuses/9' }), 0, ctx).post!.quote_of).toBe(
      'https://other.example/statuses/9',
    );
    expect(normaliseItem(create({ ...note, quote: { type: 'Tombstone' } }), 0, ctx).post!.quote_of).toBe('deleted');
  });

  it('turns an Announce into a boost with the boosted host and author', () => {
    const rows = normaliseItem(
      {
        id: `${ACTOR}/statuses/222/activity`,
        type: 'Announce',
        actor: ACTOR,
        published: '2024-01-01T00:00:00Z',
        to: [PUBLIC],
        cc: ['https://misskey.example/users/x', `${ACTOR}/followers`],
        object: 'https://misskey.example/notes/abc',
      },
      1,
      ctx,
    );
    expect(rows.boost).toEqual({
      id: '222',
      uri: `${ACTOR}/statuses/222`,
      position: 1,
      created_at: '2024-01-01T00:00:00Z',
      post_uri: 'https://misskey.example/notes/abc',
      post_host: 'misskey.example',
      author_uri: 'https://misskey.example/users/x',
      visibility: 'public',
    });
  });

  it('keeps a self-boost with an inlined Note as a boost of that note', () => {
    const rows = normaliseItem(
      { id: `${ACTOR}/statuses/3/activity`, type: 'Announce', to: [`${ACTOR}/followers`], cc: [ACTOR], object: { id: `${ACTOR}/statuses/2`, type: 'Note' } },
      0,
      ctx,
    );
    expect(rows.boost!.post_uri).toBe(`${ACTOR}/statuses/2`);
    expect(rows.boost!.visibility).toBe('private');
  });

  it('records unknown types, Creates without objects and non-objects as issues', () => {
    expect(normaliseItem({ type: 'Delete' }, 0, ctx).issues[0]!.problem).toMatch(/unknown item type "Delete"/);
    expect(normaliseItem({ type: 'Create', object: 'https://x/1' }, 0, ctx).issues[0]!.problem).toMatch(/without an inlined object/);
    expect(normaliseItem([1, 2], 0, ctx).issues[0]!.problem).toMatch(/not a JSON object/);
  });

  it('tolerates wrong field types: single objects for arrays, numbers as strings', () => {
    const odd = { ...note, tag: { type: 'Hashtag', name: '#Solo' }, attachment: note.attachment[0], likes: { totalItems: '12' } };
    const rows = normaliseItem(create(odd), 0, ctx);
    expect(rows.hashtags.map((h) => h.tag)).toEqual(['solo']);
    expect(rows.media).toHaveLength(1);
    expect(rows.post!.likes_count).toBe(12);
  });

  it('never throws, whatever the item (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.record({ type: fc.constantFrom('Create', 'Announce'), object: fc.anything() })), (item) => {
        const rows = normaliseItem(item, 0, ctx);
        expect(rows.issues.length + (rows.post ? 1 : 0) + (rows.boost ? 1 : 0)).toBeGreaterThan(0);
      }),
      { seed: 11, numRuns: 500 },
    );
  });
});

describe('helpers', () => {
  it('mentionAcct completes local accounts', () => {
    expect(mentionAcct('@carol', null, 'example.social')).toBe('carol@example.social');
    expect(mentionAcct('@bob@other.example', null, 'example.social')).toBe('bob@other.example');
    expect(mentionAcct('@dan', 'https://host.example/users/dan', null)).toBe('dan@host.example');
  });

  it('mediaKind uses the MIME type, then the extension', () => {
    expect(mediaKind('video/mp4', null)).toBe('video');
    expect(mediaKind(null, '/x/y.jpeg')).toBe('image');
    expect(mediaKind('application/octet-stream', '/x/y.bin')).toBe('other');
  });

  it('isoDurationSeconds reads ISO 8601 durations', () => {
    expect(isoDurationSeconds('PT12.5S')).toBe(12.5);
    expect(isoDurationSeconds('PT1H2M3S')).toBe(3723);
    expect(isoDurationSeconds('nonsense')).toBeNull();
    expect(isoDurationSeconds('PT')).toBeNull();
  });
});
