/**
 * A thread as an indented tree (pure): each post under the own post it replies to; posts that reply to someone
 * else's post start a branch of their own, marked as such.
 */
import type { ThreadPost } from '../../db/reader-detail-queries.js';

export interface ThreadNode {
  post: ThreadPost;
  depth: number;
  /** Replies to a post that is not in the archive (someone else's). */
  replyToOther: boolean;
  /** The tree drawing before the row, e.g. '│ ├─ '. */
  guide: string;
}

export function threadTree(posts: readonly ThreadPost[]): ThreadNode[] {
  const byUri = new Map(posts.map((p) => [p.uri, p]));
  const children = new Map<string, ThreadPost[]>();
  const roots: ThreadPost[] = [];
  for (const p of posts) {
    const parent = p.replyTo !== null ? byUri.get(p.replyTo) : undefined;
    if (parent && parent !== p) {
      const list = children.get(parent.uri) ?? [];
      list.push(p);
      children.set(parent.uri, list);
    } else {
      roots.push(p);
    }
  }
  const out: ThreadNode[] = [];
  const seen = new Set<string>();
  const walk = (p: ThreadPost, depth: number, lead: string, last: boolean, top: boolean): void => {
    if (seen.has(p.uri)) return; // a reply loop cannot happen in real data; never recurse forever
    seen.add(p.uri);
    const guide = top ? '' : `${lead}${last ? '└─ ' : '├─ '}`;
    out.push({ post: p, depth, replyToOther: p.replyTo !== null && !byUri.has(p.replyTo), guide });
    const kids = children.get(p.uri) ?? [];
    const nextLead = top ? '' : `${lead}${last ? '   ' : '│  '}`;
    kids.forEach((k, i) => walk(k, depth + 1, nextLead, i === kids.length - 1, false));
  };
  for (const r of roots) walk(r, 0, '', true, true);
  return out;
}
