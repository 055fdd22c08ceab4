/**
 * A post as screen lines (pure): header, reply context, CW (collapsed until asked), the content rendered from its
 * HTML with numbered links, the poll with bars, media with alt text, counts and address. Also the boost page.
 */
import { layoutPost, parsePostHtml, safeLinkTarget, sanitizeText, type Block, type PostLink, type Span } from '../../content/index.js';
import type { BoostDetail, PostDetail } from '../../db/reader-detail-queries.js';
import { bytes, duration, firstLine, longDate, shortUrl, visibilityName } from '../format.js';
import { fromStyledLine, highlightLine, seg, wrapText, type Line, type Style } from '../text.js';

export interface PostPage {
  lines: Line[];
  /** Every link of the post, numbered as in the text ([1] is links[0]). */
  links: PostLink[];
}

export interface PostPageOptions {
  width: number;
  timeZone: string;
  cwOpen: boolean;
  account: { acct: string | null; displayName: string | null };
  search?: string;
}

interface MarkedSpan extends Span {
  mark?: boolean;
}

/** Adds '[n]' after each run of link text, so the number that `o` lists is visible in place. */
function numberLinks(blocks: Block[]): Block[] {
  const line = (spans: Span[]): Span[] => {
    const out: MarkedSpan[] = [];
    spans.forEach((s, i) => {
      out.push(s);
      const next = spans[i + 1];
      if (s.style === 'link' && s.linkIndex !== undefined && next?.linkIndex !== s.linkIndex) {
        out.push({ text: `[${s.linkIndex}]`, style: 'link', linkIndex: s.linkIndex, mark: true });
      }
    });
    return out;
  };
  return blocks.map((b): Block => {
    switch (b.type) {
      case 'paragraph':
      case 'heading':
        return { ...b, lines: b.lines.map(line) };
      case 'quote':
        return { ...b, blocks: numberLinks(b.blocks) };
      case 'list':
        return { ...b, items: b.items.map(numberLinks) };
      default:
        return b;
    }
  });
}

const clean = (s: string | null | undefined): string => sanitizeText(s ?? '');

function authorLine(account: PostPageOptions['account']): Line {
  const name = clean(account.displayName);
  const acct = account.acct ? `@${clean(account.acct)}` : '';
  return name ? [seg(name, 'bold'), seg(acct ? ` ${acct}` : '', 'dim')] : [seg(acct || 'you', 'bold')];
}

function visibilityStyle(visibility: string | null): Style {
  return visibility === 'direct' ? 'dm' : visibility === 'private' ? 'private' : 'dim';
}

function pollLines(poll: NonNullable<PostDetail['poll']>, width: number, timeZone: string): Line[] {
  const total = poll.options.reduce((n, o) => n + (o.votes ?? 0), 0);
  const facts = [poll.multiple ? 'several choices' : 'one choice'];
  if (poll.voters !== null) facts.push(`${poll.voters} ${poll.voters === 1 ? 'voter' : 'voters'}`);
  else facts.push(`${total} ${total === 1 ? 'vote' : 'votes'}`);
  if (poll.endsAt) facts.push(`${new Date(poll.endsAt).getTime() < Date.now() ? 'ended' : 'ends'} ${longDate(poll.endsAt, timeZone)}`);
  const out: Line[] = [[seg('Poll', 'heading'), seg(` · ${facts.join(' · ')}`, 'dim')]];
  const barWidth = Math.max(4, Math.min(24, Math.floor(width / 4)));
  const titleWidth = Math.max(6, width - barWidth - 16);
  for (const o of poll.options) {
    const share = total > 0 ? (o.votes ?? 0) / total : 0;
    const filled = Math.round(share * barWidth);
    const title = clean(o.title);
    out.push(...wrapText(title, titleWidth, 'text', 2).slice(0, 3));
    out.push([
      seg('  '),
      seg('█'.repeat(filled), 'bar'),
      seg('░'.repeat(barWidth - filled), 'dim'),
      seg(` ${String(Math.round(share * 100)).padStart(3)}%  ${o.votes ?? '?'} ${o.votes === 1 ? 'vote' : 'votes'}`),
    ]);
  }
  return out;
}

function mediaLines(media: PostDetail['media'], width: number): Line[] {
  const out: Line[] = [[seg(`Media (${media.length})`, 'heading'), seg(' · m opens', 'dim')]];
  media.forEach((m, i) => {
    const facts: string[] = [clean(m.kind)];
    if (m.width && m.height) facts.push(`${m.width}×${m.height}`);
    if (m.durationSeconds) facts.push(duration(m.durationSeconds));
    if (m.bytes !== null) facts.push(bytes(m.bytes));
    if (m.mediaType) facts.push(clean(m.mediaType));
    out.push([seg(`${i + 1}. `, 'bold'), seg(facts.join(' · ')), seg(m.archivePath ? '' : '  (file not in the archive)', 'dim')]);
    if (m.altText) out.push(...wrapText(`alt: ${clean(m.altText)}`, width, 'text', 3));
    else out.push([seg('   no alt text', 'dim')]);
  });
  return out;
}

export function postPage(post: PostDetail, o: PostPageOptions): PostPage {
  const width = Math.max(10, o.width);
  const lines: Line[] = [];
  const facts = [longDate(post.createdAt, o.timeZone)];
  lines.push(authorLine(o.account));
  lines.push([seg(facts.join(' · '), 'dim'), seg(' · '), seg(visibilityName(post.visibility), visibilityStyle(post.visibility)),
    seg(post.language ? ` · ${clean(post.language)}` : '', 'dim')]);
  if (post.editedAt) lines.push([seg(`edited ${longDate(post.editedAt, o.timeZone)}`, 'dim')]);
  if (post.replyTo) {
    if (post.parent) {
      const parentText = post.parent.cw ? `CW: ${clean(post.parent.cw)}` : clean(firstLine(post.parent.text));
      lines.push(...wrapText(`↩ reply to your post: ${parentText}`, width, 'dim'));
    } else {
      lines.push(...wrapText(`↩ reply to ${clean(shortUrl(post.replyTo))} (not in your archive)`, width, 'dim'));
    }
  }
  if (post.quoteOf) {
    lines.push(...wrapText(post.quoteOf === 'deleted' ? '❝ quotes a post that was deleted' : `❝ quotes ${clean(shortUrl(post.quoteOf))}`, width, 'dim'));
  }
  lines.push([]);

  const shortcodes = new Set(post.emojis);
  const rendered = parsePostHtml(post.html, { emojiShortcodes: shortcodes });
  const hidden = post.cw !== null && post.cw !== '' && !o.cwOpen;
  if (post.cw !== null && post.cw !== '') {
    lines.push(...wrapText(`CW: ${clean(post.cw)}`, width, 'cw'));
    if (hidden) {
      const more = [post.media.length > 0 ? `${post.media.length} media` : '', post.poll ? 'a poll' : ''].filter(Boolean);
      lines.push([seg(`[z or s shows the text${more.length > 0 ? ` (and ${more.join(', ')})` : ''}]`, 'dim')]);
    } else {
      lines.push([]);
    }
  }
  if (!hidden) {
    const body = layoutPost({ ...rendered, blocks: numberLinks(rendered.blocks) }, width).map((l) => {
      const line = fromStyledLine(l);
      return line.map((s, i) => ((l.spans[i - (line.length - l.spans.length)] as MarkedSpan | undefined)?.mark ? { ...s, style: 'dim' as const } : s));
    });
    lines.push(...body);
    if (post.poll) lines.push([], ...pollLines(post.poll, width, o.timeZone));
    if (post.media.length > 0) lines.push([], ...mediaLines(post.media, width));
  }

  lines.push([]);
  const counts: string[] = [];
  if (post.likesCount !== null) counts.push(`${post.likesCount} ${post.likesCount === 1 ? 'favourite' : 'favourites'}`);
  if (post.boostsCount !== null) counts.push(`${post.boostsCount} ${post.boostsCount === 1 ? 'boost' : 'boosts'}`);
  if (counts.length > 0) lines.push([seg(counts.join(' · '), 'dim')]);
  const url = post.url ?? post.uri;
  lines.push(...wrapText(`${safeLinkTarget(url) ? clean(url) : '(no web address)'}`, width, 'dim'));
  if (rendered.links.length > 0) lines.push([seg(`${rendered.links.length} ${rendered.links.length === 1 ? 'link' : 'links'}: o lists them`, 'dim')]);
  return { lines: o.search ? lines.map((l) => highlightLine(l, o.search)) : lines, links: rendered.links };
}

export function boostPage(boost: BoostDetail, o: Omit<PostPageOptions, 'cwOpen'>): PostPage {
  const width = Math.max(10, o.width);
  const lines: Line[] = [authorLine(o.account)];
  lines.push([seg(`boosted ${longDate(boost.createdAt, o.timeZone)}`, 'dim'), seg(' · '), seg(visibilityName(boost.visibility), visibilityStyle(boost.visibility))]);
  lines.push([]);
  lines.push(...wrapText('The archive holds only the address of a boosted post, not its text:', width, 'text'));
  lines.push(...wrapText(clean(boost.postUri ?? '(no address)'), width, 'link', 2));
  if (boost.authorUri) lines.push([], ...wrapText(`by ${clean(shortUrl(boost.authorUri))}`, width, 'dim'));
  if (boost.ownPostId) lines.push([], [seg('It is one of your own posts: Enter opens it.', 'bold')]);
  const links: PostLink[] = boost.postUri ? [{ url: boost.postUri, text: clean(boost.postUri), kind: 'link' }] : [];
  return { lines: o.search ? lines.map((l) => highlightLine(l, o.search)) : lines, links };
}
