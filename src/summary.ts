/** The plain-text summary printed when there is no terminal (or after --db). Pure. */
import { sanitizeText } from './content/sanitize.js';
import { formatLocalTime } from './db/format.js';
import type { ArchiveSummary } from './db/queries.js';

export function formatSummary(s: ArchiveSummary, path: string, timeZone: string): string {
  const n = (v: number) => v.toLocaleString('en-US');
  const lines: string[] = [];
  const who = s.account?.acct ? `@${sanitizeText(s.account.acct)}` : 'unknown account';
  const name = s.account?.display_name ? ` (${sanitizeText(s.account.display_name)})` : '';
  lines.push(`${sanitizeText(path)}: ${who}${name}`);
  if (s.account?.moved_to) lines.push(`moved to ${sanitizeText(s.account.moved_to)}`);
  const first = s.firstPost ? formatLocalTime(s.firstPost, timeZone).slice(0, 10) : '-';
  const last = s.lastPost ? formatLocalTime(s.lastPost, timeZone).slice(0, 10) : '-';
  lines.push(`posts ${n(s.counts.posts)} (from ${first} to ${last}), boosts ${n(s.counts.boosts)}`);
  const vis = ['public', 'unlisted', 'private', 'direct'].map((v) => `${v} ${n(s.visibility[v] ?? 0)}`).join(', ');
  lines.push(`visibility: ${vis}`);
  const width = Math.max(...Object.keys(s.counts).map((k) => k.length));
  for (const [table, count] of Object.entries(s.counts)) {
    if (table === 'posts' || table === 'boosts') continue;
    lines.push(`  ${table.padEnd(width)}  ${n(count).padStart(9)}`);
  }
  if (s.missingMedia > 0) {
    lines.push(`${n(s.missingMedia)} media files are referenced by posts but not in the archive (listed in load_issues)`);
  }
  if (s.otherIssues > 0) {
    lines.push(`${n(s.otherIssues)} other things were skipped or repaired while loading (see the load_issues table), e.g.:`);
    for (const i of s.issues) lines.push(`  ${sanitizeText(i.source)} ${sanitizeText(i.position)}: ${sanitizeText(i.problem)}`);
  }
  return lines.join('\n') + '\n';
}
