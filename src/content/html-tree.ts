/**
 * The block tree the HTML builder fills: a stack of open containers (the post itself, quotes, lists, list items),
 * each with the paragraph being written, plus the post's list of link targets.
 */
import type { Block, PostLink, Span } from './types.js';

export interface Flow {
  kind: 'flow';
  role: 'root' | 'quote' | 'item';
  blocks: Block[];
  lines: Span[][] | null; // the open paragraph (or heading), if any
  heading: number; // > 0 inside h1..h6: the open paragraph becomes a heading
  implicit: boolean; // an item made for content that sat directly in a list
}
interface List {
  kind: 'list';
  ordered: boolean;
  items: Block[][];
}
export type Container = Flow | List;

/** Deepest nesting of quotes and lists that keeps its own structure; deeper ones are flattened. */
const MAX_DEPTH = 12;

function newFlow(role: Flow['role'], implicit = false): Flow {
  return { kind: 'flow', role, blocks: [], lines: null, heading: 0, implicit };
}

function trimLineEnd(line: Span[]): void {
  while (line.length > 0) {
    const last = line[line.length - 1]!;
    const text = last.text.replace(/ +$/, '');
    if (text !== '') {
      last.text = text;
      return;
    }
    line.pop();
  }
}

export class BlockTree {
  private readonly root = newFlow('root');
  private readonly containers: Container[] = [this.root];

  private top(): Container {
    return this.containers[this.containers.length - 1]!;
  }

  /** The flow that takes content; content that sits directly in a list gets an item of its own. */
  flow(): Flow {
    const t = this.top();
    if (t.kind === 'flow') return t;
    const item = newFlow('item', true);
    this.containers.push(item);
    return item;
  }

  /** Whether a paragraph is open where content would go (a lone space only matters inside one). */
  inParagraph(): boolean {
    const t = this.top();
    return t.kind === 'flow' && t.lines !== null;
  }

  /** Ends the open paragraph of a flow, if any, as a paragraph or heading block. */
  flushInline(f: Flow): void {
    const lines = f.lines;
    if (lines === null) return;
    f.lines = null;
    for (const line of lines) trimLineEnd(line);
    let start = 0;
    let end = lines.length;
    while (start < end && lines[start]!.length === 0) start++;
    while (end > start && lines[end - 1]!.length === 0) end--;
    if (start === end) return;
    const kept = lines.slice(start, end);
    f.blocks.push(f.heading > 0 ? { type: 'heading', lines: kept } : { type: 'paragraph', lines: kept });
  }

  /** Ends the open paragraph where content would go. */
  flushTop(): void {
    const t = this.top();
    if (t.kind === 'flow') this.flushInline(t);
  }

  /** Adds a finished block (code) where content goes. */
  addBlock(block: Block): void {
    const f = this.flow();
    this.flushInline(f);
    f.blocks.push(block);
  }

  /** Opens a quote or list; undefined when nesting is already too deep (the caller treats it as a paragraph). */
  open(kind: 'quote' | 'ul' | 'ol'): Container | undefined {
    if (this.containers.length >= MAX_DEPTH) return undefined;
    this.flushTop();
    const c: Container = kind === 'quote' ? newFlow('quote') : { kind: 'list', ordered: kind === 'ol', items: [] };
    this.containers.push(c);
    return c;
  }

  /** Opens a list item; undefined when not directly in a list. */
  openItem(): Container | undefined {
    const t = this.top();
    if (t.kind === 'flow' && t.implicit) this.closeTop();
    if (this.top().kind !== 'list') return undefined;
    const item = newFlow('item');
    this.containers.push(item);
    return item;
  }

  private closeTop(): void {
    const c = this.containers.pop();
    if (c === undefined) return;
    if (c.kind === 'list') {
      if (c.items.length > 0) this.flow().blocks.push({ type: 'list', ordered: c.ordered, items: c.items });
      return;
    }
    this.flushInline(c);
    if (c.blocks.length === 0) return;
    if (c.role === 'quote') this.flow().blocks.push({ type: 'quote', blocks: c.blocks });
    else if (c.role === 'item') {
      const parent = this.top();
      if (parent.kind === 'list') parent.items.push(c.blocks);
      else parent.blocks.push(...c.blocks);
    }
  }

  /** Closes a container and any left open inside it. */
  close(c: Container): void {
    if (!this.containers.includes(c)) return;
    while (this.containers.length > 1) {
      const t = this.top();
      this.closeTop();
      if (t === c) return;
    }
  }

  /** Appends a span to the open line, merging it into the previous span when they look the same. */
  pushSpan(span: Span): void {
    const f = this.flow();
    if (f.lines === null) f.lines = [[]];
    const line = f.lines[f.lines.length - 1]!;
    const last = line[line.length - 1];
    if (span.text.startsWith(' ') && (last === undefined || last.text.endsWith(' '))) {
      span.text = span.text.slice(1);
      if (span.text === '') return;
    }
    if (
      last !== undefined && last.style === span.style && span.style !== 'emoji' &&
      last.href === undefined && span.href === undefined
    ) {
      last.text += span.text;
      return;
    }
    line.push(span);
  }

  lineBreak(): void {
    const f = this.flow();
    if (f.lines === null) f.lines = [[]];
    trimLineEnd(f.lines[f.lines.length - 1]!);
    f.lines.push([]);
  }

  /** Closes everything and returns the post's blocks. */
  finish(): Block[] {
    while (this.containers.length > 1) this.closeTop();
    this.flushInline(this.root);
    return this.root.blocks;
  }
}

/**
 * The post's link targets and its external links. Targets are numbered in order of first appearance while the post
 * is built; externalFirst() then numbers the external links first, so that the markers shown in the text ([1], [2],
 * ... after links only) count from 1, and mentions and hashtags follow them in the links list.
 */
export class LinkRegistry {
  readonly links: PostLink[] = [];
  readonly external: string[] = [];
  private readonly indexByKey = new Map<string, number>();
  private readonly externalSeen = new Set<string>();

  /** Records a target; returns its 1-based number, or undefined for an empty href. */
  register(href: string, kind: PostLink['kind'], text: string): number | undefined {
    if (href.trim() === '') return undefined;
    if (kind === 'link' && !this.externalSeen.has(href)) {
      this.externalSeen.add(href);
      this.external.push(href);
    }
    const key = `${kind}\u0000${href}`;
    let index = this.indexByKey.get(key);
    if (index === undefined) {
      this.links.push({ url: href, text, kind });
      index = this.links.length;
      this.indexByKey.set(key, index);
    }
    return index;
  }

  /**
   * Puts the external links first (each kind keeps its order of first appearance) and returns, for each number
   * given by register (from 1), its new number: new = renumber[old - 1].
   */
  externalFirst(): number[] {
    const order = [...this.links.keys()].sort((a, b) => rank(this.links[a]!) - rank(this.links[b]!) || a - b);
    const renumber: number[] = [];
    order.forEach((old, i) => {
      renumber[old] = i + 1;
    });
    this.links.splice(0, this.links.length, ...order.map((old) => this.links[old]!));
    return renumber;
  }
}

const rank = (l: PostLink): number => (l.kind === 'link' ? 0 : 1);

/** Gives every span's linkIndex its new number (see LinkRegistry.externalFirst). */
export function renumberLinks(blocks: Block[], renumber: readonly number[]): void {
  for (const block of blocks) {
    if (block.type === 'paragraph' || block.type === 'heading') {
      for (const line of block.lines) for (const span of line) if (span.linkIndex !== undefined) span.linkIndex = renumber[span.linkIndex - 1]!;
    } else if (block.type === 'quote') renumberLinks(block.blocks, renumber);
    else if (block.type === 'list') for (const item of block.items) renumberLinks(item, renumber);
  }
}
