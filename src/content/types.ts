/** The shapes a post's HTML is turned into, shared by the parser (html.ts) and the layout (wrap.ts). */

export type SpanStyle = 'text' | 'mention' | 'hashtag' | 'link' | 'code' | 'strong' | 'em' | 'del' | 'emoji';

/** A run of text with one style. Text is terminal-safe and holds no newline or tab. */
export interface Span {
  text: string;
  style: SpanStyle;
  /** The raw href, for links, mentions and hashtags. Pass it through safeLinkTarget before using it. */
  href?: string;
  /** 1-based position of this target in RenderedPost.links (links, mentions and hashtags). */
  linkIndex?: number;
}

export type Block =
  | { type: 'paragraph'; lines: Span[][] } // <br> splits lines
  | { type: 'quote'; blocks: Block[] }
  | { type: 'code'; text: string }
  | { type: 'list'; ordered: boolean; items: Block[][] }
  | { type: 'heading'; lines: Span[][] };

export interface PostLink {
  /** The raw href. */
  url: string;
  /** What the post shows for it (terminal-safe). */
  text: string;
  kind: 'link' | 'mention' | 'hashtag';
}

export interface RenderedPost {
  blocks: Block[];
  /** Every distinct link target in the post: the external links, then mentions and hashtags, each in order of first appearance. */
  links: PostLink[];
  plainText: string;
}
