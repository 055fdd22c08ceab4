/** Visibility of a post from its ActivityPub addressing (archive-format.md §4.5). Pure. */

export type Visibility = 'public' | 'unlisted' | 'private' | 'direct';

const PUBLIC = new Set(['https://www.w3.org/ns/activitystreams#Public', 'as:Public', 'Public']);

/** `to`/`cc` may be a single string, an array, or missing (wrong types from other servers are tolerated). */
export function addressList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

/**
 * Public in `to`: public; public in `cc`: unlisted; the followers collection in `to`: followers-only (private);
 * anything else: direct. Without a known followers URI, any `…/followers` address counts.
 */
export function visibilityOf(to: unknown, cc: unknown, followersUri?: string | null): Visibility {
  const toList = addressList(to);
  if (toList.some((a) => PUBLIC.has(a))) return 'public';
  if (addressList(cc).some((a) => PUBLIC.has(a))) return 'unlisted';
  const isFollowers = followersUri ? (a: string) => a === followersUri : (a: string) => a.endsWith('/followers');
  if (toList.some(isFollowers)) return 'private';
  return 'direct';
}
