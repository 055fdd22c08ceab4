/**
 * The newest items of an outbox from its last bytes alone, for the preview shown while the whole archive loads.
 *
 * Mastodon writes orderedItems oldest first and as the document's last key, so the newest posts are the last items
 * before the closing `]}`. A tail starts at an unknown point, maybe inside a string, so item boundaries are found by
 * trying each `{` that follows a `,` or `[` and scanning on from it with a strict structural check (strings with
 * valid escapes; outside strings only brackets, separators, numbers and the letters of true, false and null): the
 * first start from which the rest reads as a run of whole objects separated by commas and closed by `]}` and the
 * end is an item boundary, as a wrong start soon meets a stray backslash or a bare word and fails. Every item found
 * must then parse as a JSON object. Anything else (another key after orderedItems, a damaged end) gives null: no
 * preview, the app waits for the load as it would without one.
 */

/** How many characters the scans from wrong starts may read in all, as a multiple of the tail's length. */
const SCAN_BUDGET = 16;

/**
 * The last `maxItems` items in document order (oldest first), as JSON texts; null when none can be found safely.
 * `isItem` vets each parsed item (an activity has a type): one refusal and there is no preview.
 */
export function newestItems(
  tail: string,
  maxItems: number,
  isItem: (value: Record<string, unknown>) => boolean = () => true,
): string[] | null {
  let end = skipSpaceBack(tail, tail.length - 1);
  if (tail[end] !== '}') return null;
  end = skipSpaceBack(tail, end - 1);
  if (tail[end] !== ']') return null;
  const arrayEnd = end;
  const beforeEnd = skipSpaceBack(tail, arrayEnd - 1);
  if (tail[beforeEnd] === '[') return [];
  let budget = SCAN_BUDGET * tail.length;
  for (let i = tail.indexOf('{'); i !== -1 && i < arrayEnd; i = tail.indexOf('{', i + 1)) {
    const before = tail[skipSpaceBack(tail, i - 1)];
    if (before !== ',' && before !== '[') continue;
    const scan = scanItems(tail, i, arrayEnd, budget);
    budget -= scan.read;
    if (scan.items) return parsedOrNull(tail, scan.items.slice(-Math.max(0, maxItems)), isItem);
    if (budget <= 0) return null;
  }
  return null;
}

function parsedOrNull(
  text: string,
  spans: Array<[number, number]>,
  isItem: (value: Record<string, unknown>) => boolean,
): string[] | null {
  const items: string[] = [];
  for (const [start, end] of spans) {
    const item = text.slice(start, end);
    try {
      const value: unknown = JSON.parse(item);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
      if (!isItem(value as Record<string, unknown>)) return null;
    } catch {
      return null;
    }
    items.push(item);
  }
  return items;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function skipSpaceBack(s: string, i: number): number {
  while (i >= 0 && isSpace(s.charCodeAt(i))) i--;
  return i;
}

function skipSpace(s: string, i: number): number {
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  return i;
}

/** Characters allowed outside strings besides brackets and separators: numbers and the letters of true/false/null. */
const BARE = new Set([...'0123456789-+.eEtruefalsn'].map((c) => c.charCodeAt(0)));
const ESCAPES = new Set([...'"\\/bfnrtu'].map((c) => c.charCodeAt(0)));

/**
 * From `start` (a `{`), the spans of whole objects separated by commas up to `arrayEnd` (the closing `]`), or no
 * items when the text does not read that way. `read` is how far it got, for the caller's budget.
 */
function scanItems(s: string, start: number, arrayEnd: number, budget: number): { items?: Array<[number, number]>; read: number } {
  const items: Array<[number, number]> = [];
  let i = start;
  for (;;) {
    const end = scanObject(s, i, arrayEnd, start + budget);
    if (end < 0) return { read: Math.max(1, -end - 1 - start) };
    items.push([i, end]);
    const next = skipSpace(s, end);
    if (next === arrayEnd) return { items, read: arrayEnd - start };
    if (s[next] !== ',') return { read: next - start };
    i = skipSpace(s, next + 1);
    if (s[i] !== '{') return { read: i - start };
  }
}

/** The index just after the object starting at `i`, or -(index + 1) of where it failed. */
function scanObject(s: string, i: number, limit: number, budgetEnd: number): number {
  const stack: number[] = [];
  const stop = Math.min(limit, budgetEnd);
  while (i < stop) {
    const c = s.charCodeAt(i);
    if (c === 0x22) {
      i++;
      while (i < stop) {
        const d = s.charCodeAt(i);
        if (d === 0x22) break;
        if (d === 0x5c) {
          if (!ESCAPES.has(s.charCodeAt(i + 1))) return -(i + 1);
          i += 2;
        } else if (d < 0x20) {
          return -(i + 1);
        } else {
          i++;
        }
      }
      if (i >= stop) return -(i + 1);
      i++;
      continue;
    }
    if (c === 0x7b || c === 0x5b) {
      stack.push(c === 0x7b ? 0x7d : 0x5d);
    } else if (c === 0x7d || c === 0x5d) {
      if (stack.pop() !== c) return -(i + 1);
      if (stack.length === 0) return i + 1;
    } else if (c !== 0x2c && c !== 0x3a && !isSpace(c) && !BARE.has(c)) {
      return -(i + 1);
    }
    if (stack.length === 0) return -(i + 1);
    i++;
  }
  return -(i + 1);
}
