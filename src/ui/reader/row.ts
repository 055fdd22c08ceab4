/** One row of the timeline list (pure): match mark, date, visibility badge, markers, CW or first line. */
import { sanitizeText } from '../../content/index.js';
import type { TimelineRow } from '../../db/reader-queries.js';
import { boostedLabel, firstLine, shortDate, visibilityBadge } from '../format.js';
import { highlightLine, seg, type Line } from '../text.js';

export function timelineRowLine(row: TimelineRow | undefined, o: { timeZone: string; search?: string; match?: boolean }): Line {
  if (!row) return [seg('  …', 'dim')];
  const badge = visibilityBadge(row.visibility);
  const line: Line = [
    o.match ? seg('•', 'match') : seg(' '),
    seg(' '),
    seg(`${shortDate(row.createdAt, o.timeZone)} `, 'dim'),
    seg(badge.text, badge.style),
  ];
  if (row.kind === 'boost') {
    line.push(seg('⟳ boosted ', 'dim'), seg(sanitizeText(boostedLabel(row.boostedUri)), 'mention'));
    return o.search ? highlightLine(line, o.search) : line;
  }
  if (row.replyTo) line.push(seg(row.replyToSelf ? '↳ ' : '↩ ', 'dim'));
  if (row.mediaCount > 0) line.push(seg(row.mediaCount === 1 ? '[media] ' : `[${row.mediaCount} media] `, 'dim'));
  if (row.isPoll) line.push(seg('[poll] ', 'dim'));
  if (row.cw) line.push(seg(`CW: ${sanitizeText(firstLine(row.cw))}`, 'cw'));
  else line.push(seg(sanitizeText(firstLine(row.text)) || '(no text)'));
  return o.search ? highlightLine(line, o.search) : line;
}

/** The legend of the row markers, for the help overlay and the empty list. */
export const ROW_LEGEND =
  'Rows: date, visibility (pub, unl = unlisted, fol = followers only, DM), ↩ reply, ↳ reply to yourself, ⟳ boost';
