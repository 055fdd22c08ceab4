/** The status line: the view's info first (position, filter, search matches), the hints in what it leaves. */
import { describe, expect, it } from 'vitest';
import { statusLine } from '../../src/ui/components/chrome.js';
import type { Command } from '../../src/ui/keymap.js';
import { lineWidth } from '../../src/ui/text.js';

// In the app's order: the help hint first (visibleHints puts it there).
const HINTS: Command[] = [
  { id: 'help', keys: ['?'], description: 'help', scope: 'global', hint: true },
  { id: 'open', keys: ['return'], description: 'open', scope: 'list', hint: true },
  { id: 'search', keys: ['/'], description: 'search', scope: 'list', hint: true },
  { id: 'filter', keys: ['f'], description: 'filter', scope: 'list', hint: true },
];
const text = (width: number, info: string, message = '') =>
  statusLine(info, message, HINTS, width)
    .map((s) => s.text)
    .join('');

describe('status line', () => {
  it('shows a long info whole (the search count at its end) when it leaves room for a hint', () => {
    const info = '1/72,136 · newest first · filter: posts (no replies) · /coffee 1/19,768';
    const line = text(100, info);
    expect(line.startsWith(info)).toBe(true);
    expect(line).toContain('│ ? help');
    expect(lineWidth([{ text: line }])).toBeLessThanOrEqual(100);
  });

  it('gives the hints what a short info leaves', () => {
    const line = text(100, '1/614 · newest first');
    expect(line).toContain('/ search');
    expect(line).toContain('? help');
  });

  it('cuts an info too long for the line, never the last columns kept for the hints', () => {
    for (const width of [20, 40, 80]) {
      const line = text(width, 'x'.repeat(200));
      expect(lineWidth([{ text: line }]), String(width)).toBeLessThanOrEqual(width);
      expect(line, String(width)).toContain(' │ ');
    }
  });

  it('gives a message the right half of the line, or all it needs of it', () => {
    const info = '1/72,136 · newest first · /coffee and a much longer sea… -/0 · filter: posts (no replies)';
    const long = text(80, info, 'no match for "coffee and a much longer search term than fits"');
    expect(long).toContain('│ no match for "coffee and a much');
    expect(long.indexOf('│')).toBeGreaterThanOrEqual(40);
    const short = text(80, info, 'no match');
    expect(short.endsWith(' │ no match')).toBe(true);
    expect(lineWidth([{ text: short }])).toBe(80);
  });
});

