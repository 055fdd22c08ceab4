import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildMediaIndex, entryKind, matchMediaUrl } from '../../src/archive/index.js';

const hex16 = fc.stringMatching(/^[0-9a-f]{16}$/);
const group = fc.integer({ min: 0, max: 999 }).map((n) => String(n).padStart(3, '0'));
const partition = fc.oneof(fc.array(group, { minLength: 3, maxLength: 3 }), fc.array(group, { minLength: 6, maxLength: 6 }));
const ext = fc.constantFrom('png', 'jpeg', 'jpg', 'gif', 'mp4', 'webm', 'mp3', 'ogg');
const kindDir = fc.constantFrom('media_attachments/files', 'media_attachments/files', 'media_attachments/icons');

/** The storage-relative path of one media file: media_attachments/files/<partition>/original/<16 hex>.<ext>. */
const mediaPath = fc
  .record({ dir: kindDir, partition, file: hex16, ext })
  .map(({ dir, partition: p, file, ext: e }) => `${dir}/${p.join('/')}/original/${file}.${e}`);

/** How an archive names that file: 4.2+ zip, S3 key prefix, or tar-era absolute server path (leading '/' stripped). */
const entryPrefix = fc.constantFrom('', '', 'prefix/', 'home/mastodon/live/public/system/', 'opt/mastodon/public/system/');

/** How outbox.json (or a user) can spell the URL of that file. */
const urlForm = fc.constantFrom(
  (p: string) => p,
  (p: string) => `/${p}`,
  (p: string) => `/indiewebsocial/${p}`,
  (p: string) => `/system/${p}`,
  (p: string) => `https://files.example.social/${p}`,
  (p: string) => `https://s3.example.com/mastodonworld/${p}?v=1`,
  (p: string) => `http://example.social/system/${p}#frag`,
  (p: string) => `/home/mastodon/live/public/system/${p}`,
);

const filesOf = (paths: string[]): string[] => paths.map((p) => p.slice(p.lastIndexOf('/') + 1));

describe('matchMediaUrl', () => {
  it('finds the right entry for every URL form and archive naming', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(mediaPath, { minLength: 1, maxLength: 25, selector: (p) => p.slice(p.lastIndexOf('/') + 1) }),
        entryPrefix,
        fc.nat(),
        urlForm,
        (paths, prefix, pick, form) => {
          const entries = paths.map((p, i) => ({ name: prefix + p, bytes: i }));
          const index = buildMediaIndex(entries);
          const target = pick % paths.length;
          expect(matchMediaUrl(index, form(paths[target]!))).toBe(entries[target]);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('falls back to the unique file name', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(mediaPath, { minLength: 1, maxLength: 20, selector: (p) => p.slice(p.lastIndexOf('/') + 1) }),
        fc.nat(),
        (paths, pick) => {
          const entries = paths.map((p) => ({ name: `weird/layout/${p.slice(p.lastIndexOf('/') + 1)}`, bytes: 1 }));
          const index = buildMediaIndex(entries);
          const target = pick % paths.length;
          expect(matchMediaUrl(index, `/${paths[target]!}`)).toBe(entries[target]);
        },
      ),
    );
  });

  it('does not match unrelated names', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(mediaPath, { minLength: 0, maxLength: 20, selector: (p) => p.slice(p.lastIndexOf('/') + 1) }),
        entryPrefix,
        mediaPath,
        urlForm,
        (paths, prefix, other, form) => {
          fc.pre(!filesOf(paths).includes(filesOf([other])[0]!));
          const index = buildMediaIndex(paths.map((p) => ({ name: prefix + p, bytes: 0 })));
          expect(matchMediaUrl(index, form(other))).toBeUndefined();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('does not guess when a file name is ambiguous', () => {
    const index = buildMediaIndex([
      { name: 'a/x.png', bytes: 1 },
      { name: 'b/x.png', bytes: 2 },
    ]);
    expect(matchMediaUrl(index, '/c/x.png')).toBeUndefined();
    expect(matchMediaUrl(index, '/a/x.png')).toEqual({ name: 'a/x.png', bytes: 1 });
  });

  it('handles empty, odd and percent-encoded URLs', () => {
    const entry = { name: 'media_attachments/files/1/original/caf\u00e9 1.png', bytes: 5 };
    const index = buildMediaIndex([entry]);
    expect(matchMediaUrl(index, '')).toBeUndefined();
    expect(matchMediaUrl(index, '/')).toBeUndefined();
    expect(matchMediaUrl(index, 'https://')).toBeUndefined();
    expect(matchMediaUrl(index, '%E0%A4%A')).toBeUndefined();
    expect(matchMediaUrl(index, 'https://host.example/system/media_attachments/files/1/original/caf%C3%A9%201.png')).toBe(entry);
    expect(matchMediaUrl(index, 'not_media_attachments/files/2/original/other.png')).toBeUndefined();
  });

  it('prefers the entry already at the canonical place when two cut to the same path', () => {
    const canonical = { name: 'media_attachments/files/1/a.png', bytes: 1 };
    const prefixed = { name: 'old/media_attachments/files/1/a.png', bytes: 2 };
    expect(matchMediaUrl(buildMediaIndex([prefixed, canonical]), '/bucket/media_attachments/files/1/a.png')).toBe(canonical);
    expect(matchMediaUrl(buildMediaIndex([canonical, prefixed]), '/bucket/media_attachments/files/1/a.png')).toBe(canonical);
  });
});

describe('entryKind', () => {
  it('recognises root files, media and CSV exports', () => {
    expect(entryKind('outbox.json')).toBe('outbox');
    expect(entryKind('actor.json')).toBe('actor');
    expect(entryKind('likes.json')).toBe('likes');
    expect(entryKind('bookmarks.json')).toBe('bookmarks');
    expect(entryKind('avatar.png')).toBe('avatar');
    expect(entryKind('header.jpeg')).toBe('header');
    expect(entryKind('media_attachments/files/1/original/a.png')).toBe('media');
    expect(entryKind('home/mastodon/live/public/system/media_attachments/files/1/original/a.png')).toBe('media');
    expect(entryKind('following_accounts.csv')).toBe('csv');
    expect(entryKind('exports/Lists.CSV')).toBe('csv');
  });

  it('does not mistake nested or look-alike names', () => {
    expect(entryKind('sub/outbox.json')).toBe('other');
    expect(entryKind('sub/avatar.png')).toBe('other');
    expect(entryKind('avatar')).toBe('other');
    expect(entryKind('avatars.png')).toBe('other');
    expect(entryKind('media_attachments')).toBe('other');
    expect(entryKind('my_media_attachments/a.png')).toBe('other');
    expect(entryKind('.DS_Store')).toBe('other');
    expect(entryKind('key.pem')).toBe('other');
  });
});
