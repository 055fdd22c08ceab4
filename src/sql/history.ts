/**
 * Query history: up/down walk it like a shell (the text being typed is kept as a draft at the bottom), Ctrl-R
 * searches it newest first. Pure; history-file.ts keeps it between runs.
 */

export const HISTORY_LIMIT = 1000;

export class History {
  private items: string[];
  /** Position while walking: items.length is the draft (the text typed before walking). */
  private index: number;
  private draft = '';

  constructor(
    entries: readonly string[] = [],
    private readonly limit = HISTORY_LIMIT,
  ) {
    this.items = entries.filter((e) => e.trim() !== '').slice(-limit);
    this.index = this.items.length;
  }

  /** Oldest first. */
  get entries(): readonly string[] {
    return this.items;
  }

  /**
   * Records a query that was run; an earlier identical entry moves to the end. Ends any walk. Returns false for
   * an empty query.
   */
  add(query: string): boolean {
    const text = query.trim();
    this.reset();
    if (text === '') return false;
    const at = this.items.indexOf(text);
    if (at >= 0) this.items.splice(at, 1);
    this.items.push(text);
    if (this.items.length > this.limit) this.items.splice(0, this.items.length - this.limit);
    this.index = this.items.length;
    return true;
  }

  /** Back to the draft position without changing anything. */
  reset(): void {
    this.index = this.items.length;
    this.draft = '';
  }

  /** The older entry (undefined at the oldest); `current` is kept as the draft when the walk starts. */
  up(current: string): string | undefined {
    if (this.index === 0) return undefined;
    if (this.index === this.items.length) this.draft = current;
    this.index--;
    return this.items[this.index];
  }

  /** The newer entry, then the draft (undefined when already at the draft). */
  down(): string | undefined {
    if (this.index >= this.items.length) return undefined;
    this.index++;
    return this.index === this.items.length ? this.draft : this.items[this.index];
  }

  /**
   * The newest entry containing `term` (case-insensitively) that is older than entry `before` (default: all).
   * Ctrl-R again passes the index of the current match to find the next older one.
   */
  search(term: string, before = this.items.length): { index: number; entry: string } | undefined {
    const needle = term.toLowerCase();
    for (let i = Math.min(before, this.items.length) - 1; i >= 0; i--) {
      if (this.items[i]!.toLowerCase().includes(needle)) return { index: i, entry: this.items[i]! };
    }
    return undefined;
  }
}
