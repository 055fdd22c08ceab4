/** The loading progress bar on stderr (only drawn when stderr is a terminal; the caller decides). */
import type { LoadProgress } from './db/load.js';

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
}

export class ProgressBar {
  private lastDraw = 0;
  private drawn = false;

  constructor(private readonly out: NodeJS.WriteStream) {}

  update(p: LoadProgress): void {
    const now = Date.now();
    if (now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const fraction = p.totalBytes > 0 ? Math.min(1, p.bytes / p.totalBytes) : 0;
    const width = 24;
    const filled = Math.round(fraction * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    const items = p.items > 0 ? `  ${p.items.toLocaleString('en-US')} items` : '';
    const line = `loading ${p.file} ${bar} ${String(Math.round(fraction * 100)).padStart(3)}%  ${megabytes(p.bytes)} / ${megabytes(p.totalBytes)}${items}`;
    const columns = this.out.columns || 80;
    this.out.write(`\r${line.slice(0, columns - 1)}\x1b[K`);
    this.drawn = true;
  }

  done(): void {
    if (this.drawn) this.out.write('\r\x1b[K');
    this.drawn = false;
  }
}
