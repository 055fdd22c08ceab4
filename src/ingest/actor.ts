/** actor.json -> the account row (archive-format.md §5). Pure. */
import { htmlToPlainText } from '../content/html.js';
import { bool, hostOf, isObject, isoTime, linkId, list, objects, str } from './json-fields.js';
import type { AccountRow } from './rows.js';

/**
 * `entryNames` are the archive's root-relative entry names: the avatar/header paths are the entries actor.json
 * names (`avatar.png`), or failing that any root `avatar.*` / `header.*` file (Mastodon writes the files even when
 * the serializer leaves icon/image out, e.g. for suspended accounts).
 */
export function normaliseActor(actor: unknown, entryNames: ReadonlySet<string>): AccountRow {
  const a = isObject(actor) ? actor : {};
  const actorId = str(a.id);
  const username = str(a.preferredUsername);
  const domain = hostOf(actorId) ?? hostOf(str(a.url));
  const bioHtml = str(a.summary);
  return {
    actor_id: actorId,
    type: str(a.type),
    username,
    domain,
    acct: username && domain ? `${username}@${domain}` : username,
    display_name: str(a.name) || username,
    bio: bioHtml ? htmlToPlainText(bioHtml) : null,
    bio_html: bioHtml,
    url: str(a.url),
    created_at: isoTime(a.published),
    avatar_path: imagePath(a.icon, 'avatar', entryNames),
    header_path: imagePath(a.image, 'header', entryNames),
    moved_to: linkId(a.movedTo),
    also_known_as: list(a.alsoKnownAs).map(linkId).filter((v): v is string => v !== null),
    fields: objects(a.attachment)
      .filter((f) => str(f.type) === 'PropertyValue')
      .map((f) => ({ name: str(f.name) ?? '', value: htmlToPlainText(str(f.value) ?? '') })),
    followers_uri: linkId(a.followers),
    locked: bool(a.manuallyApprovesFollowers),
    discoverable: bool(a.discoverable),
    indexable: bool(a.indexable),
    suspended: bool(a.suspended),
  };
}

function imagePath(image: unknown, stem: string, entryNames: ReadonlySet<string>): string | null {
  const declared = isObject(image) ? str(image.url) : null;
  if (declared && entryNames.has(declared.replace(/^\/+/, ''))) return declared.replace(/^\/+/, '');
  for (const name of entryNames) {
    if (name.startsWith(stem + '.') && !name.includes('/')) return name;
  }
  return null;
}
