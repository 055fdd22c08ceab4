/**
 * Entry names: normalising what containers store, and finding the archive root when the whole archive was re-packed
 * inside one top folder (macOS "Compress" on an extracted archive).
 */

/**
 * Drops leading './' and '/' and any empty or '.' segment. Names arrive with forward slashes (yauzl turns ZIP
 * backslashes into slashes; in tar a backslash is an ordinary character). '..' segments are kept as they are: names
 * are labels, never file-system paths. Returns '' for names that are nothing but separators and dots.
 */
export function normalizeName(raw: string): string {
  const name = raw
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.')
    .join('/');
  // The raw string itself when nothing changed (nearly always): an archive keeps both for every entry, and a second
  // copy of each name was 11 MB of the 1M bench archive's entry list (128k media files).
  return name === raw ? raw : name;
}

/**
 * A name made safe to print inside a one-line message: control characters, line separators, the bidi controls
 * that reorder what the terminal shows (a name can pose as 'gnp.exe' for 'exe.png') and lone surrogates become '?'.
 */
export function shownName(name: string): string {
  // eslint-disable-next-line no-control-regex
  return name.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]/gu, '?');
}

/** Junk that macOS adds when it zips a folder: resource forks under `__MACOSX/`. */
export function isMacJunk(name: string): boolean {
  return name === '__MACOSX' || name.startsWith('__MACOSX/');
}

export interface Resolved<T> {
  name: string;
  item: T;
}

/**
 * Turns normalised names into root-relative names. When there is no `outbox.json` at the top but exactly one folder
 * holds `<folder>/outbox.json`, that folder is the root and its prefix is dropped; entries outside it keep their full
 * name. Mac junk and empty names are dropped; of duplicate names the last one wins (at its own position).
 */
export function resolveNames<T>(items: readonly { name: string; item: T }[]): Resolved<T>[] {
  const kept = items.filter((it) => it.name !== '' && !isMacJunk(it.name));
  const prefix = rootPrefix(kept.map((it) => it.name));
  const renamed = kept.map((it) => ({
    name: prefix !== '' && it.name.startsWith(prefix) ? it.name.slice(prefix.length) : it.name,
    item: it.item,
  }));
  const lastIndex = new Map<string, number>();
  renamed.forEach((it, i) => lastIndex.set(it.name, i));
  return renamed.filter((it, i) => it.name !== '' && lastIndex.get(it.name) === i);
}

/** '' when the names already start at the root, else 'folder/'. */
export function rootPrefix(names: readonly string[]): string {
  if (names.includes('outbox.json')) return '';
  const folders = new Set<string>();
  for (const name of names) {
    const slash = name.indexOf('/');
    if (slash > 0 && name.slice(slash + 1) === 'outbox.json') folders.add(name.slice(0, slash));
  }
  if (folders.size !== 1) return '';
  const [only] = folders;
  return `${only}/`;
}
