/**
 * Finding the archive entry that an attachment URL of outbox.json points at (archive-format.md §3, loader rule).
 * Built once per archive; every lookup is a few map probes.
 */

const MEDIA_DIR = 'media_attachments/';

/** Opaque: build it with buildMediaIndex. */
export interface MediaIndex<T extends { name: string; bytes: number } = { name: string; bytes: number }> {
  readonly exact: ReadonlyMap<string, T>;
  /** Keyed by the name cut at its first `media_attachments/` segment. */
  readonly fromMediaDir: ReadonlyMap<string, T>;
  /** Keyed by the last path segment; null when more than one entry has it. */
  readonly byFileName: ReadonlyMap<string, T | null>;
}

/** From the first `media_attachments/` that starts a path segment to the end; undefined when there is none. */
function cutAtMediaDir(path: string): string | undefined {
  let at = path.indexOf(MEDIA_DIR);
  while (at > 0 && path[at - 1] !== '/') at = path.indexOf(MEDIA_DIR, at + 1);
  return at < 0 ? undefined : path.slice(at);
}

function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function buildMediaIndex<T extends { name: string; bytes: number }>(entries: readonly T[]): MediaIndex<T> {
  const exact = new Map<string, T>();
  const fromMediaDir = new Map<string, T>();
  const byFileName = new Map<string, T | null>();
  for (const entry of entries) {
    exact.set(entry.name, entry);
    const cut = cutAtMediaDir(entry.name);
    if (cut !== undefined) {
      const existing = fromMediaDir.get(cut);
      // Prefer the entry that is already at the canonical place.
      if (existing === undefined || (existing.name !== cut && entry.name === cut)) fromMediaDir.set(cut, entry);
    }
    const file = lastSegment(entry.name);
    if (file !== '') byFileName.set(file, byFileName.has(file) ? null : entry);
  }
  return { exact, fromMediaDir, byFileName };
}

/** The ways an attachment URL can be written down, most literal first. */
function pathForms(url: string): string[] {
  let path = url.trim();
  if (/^https?:\/\//i.test(path)) {
    try {
      path = new URL(path).pathname;
    } catch {
      return [];
    }
  }
  const forms = [path];
  try {
    const decoded = decodeURIComponent(path);
    if (decoded !== path) forms.push(decoded);
  } catch {
    // not percent-encoded after all
  }
  return forms.map((p) => p.replace(/^(?:\.?\/)+/, ''));
}

/**
 * The entry an attachment URL refers to: (1) the path of an absolute http(s) URL; (2) exact name without leading
 * '/'; (3) both cut at the first `media_attachments/` (bucket prefixes, S3 key prefixes, tar-era absolute paths);
 * (4) the file name, when exactly one entry has it. Undefined when nothing matches: a missing file is normal.
 */
export function matchMediaUrl<T extends { name: string; bytes: number }>(index: MediaIndex<T>, url: string): T | undefined {
  const forms = pathForms(url).filter((p) => p !== '');
  for (const p of forms) {
    const hit = index.exact.get(p);
    if (hit !== undefined) return hit;
  }
  for (const p of forms) {
    const cut = cutAtMediaDir(p);
    const hit = cut === undefined ? undefined : index.fromMediaDir.get(cut);
    if (hit !== undefined) return hit;
  }
  for (const p of forms) {
    const hit = index.byFileName.get(lastSegment(p));
    if (hit) return hit;
  }
  return undefined;
}
