/** parsePostHtml and friends against real posts from published Mastodon archives. */
import { describe, expect, it } from 'vitest';
import {
  extractExternalLinks,
  htmlToPlainText,
  linkHost,
  parsePostHtml,
  type Block,
  type Span,
} from '../../src/content/html.js';
import { layoutPost } from '../../src/content/wrap.js';
import { textWidth } from '../../src/content/width.js';
import { CORPUS_FOLDERS, corpusNote, corpusNotes, emojiShortcodes } from './corpus.js';

const text = (t: string): Span => ({ text: t, style: 'text' });
const para = (...lines: Span[][]): Block => ({ type: 'paragraph', lines });

describe('real posts', () => {
  it('mamot.fr: hashtag, link, mention, <br />, entities', () => {
    const note = corpusNote('mamot-fr-4.2', '109336281754663540');
    const post = parsePostHtml(note.content);
    expect(post.blocks).toEqual([
      para([
        text('Je viens de regarder la vidéo de '),
        { text: '#macron', style: 'hashtag', href: 'https://mamot.fr/tags/macron', linkIndex: 3 },
        text(' "Je réponds à vos (premières) questions sur l\'écologie." '),
        { text: 'youtu.be/Z6T_58TsZ1M', style: 'link', href: 'https://youtu.be/Z6T_58TsZ1M', linkIndex: 1 },
      ]),
      para([text("J'ai bien aimé la forme et le fond.")]),
      para([text("Je précise que je n'ai pas vérifié les informations.")]),
      para(
        [
          text('Peut-être que cette vidéo pourrait être analysée sur '),
          { text: '@CaptainFact', style: 'mention', href: 'https://mamot.fr/@CaptainFact', linkIndex: 4 },
        ],
        [
          { text: 'captainfact.io/', style: 'link', href: 'https://captainfact.io/', linkIndex: 2 },
          text(' 🤔'),
        ],
      ),
      para([{ text: '#ecologie', style: 'hashtag', href: 'https://mamot.fr/tags/ecologie', linkIndex: 5 }]),
    ]);
    // External links first (the numbers shown after them in the text count from 1), then mentions and hashtags.
    expect(post.links).toEqual([
      { url: 'https://youtu.be/Z6T_58TsZ1M', text: 'youtu.be/Z6T_58TsZ1M', kind: 'link' },
      { url: 'https://captainfact.io/', text: 'captainfact.io/', kind: 'link' },
      { url: 'https://mamot.fr/tags/macron', text: '#macron', kind: 'hashtag' },
      { url: 'https://mamot.fr/@CaptainFact', text: '@CaptainFact', kind: 'mention' },
      { url: 'https://mamot.fr/tags/ecologie', text: '#ecologie', kind: 'hashtag' },
    ]);
    expect(post.plainText).toBe(
      'Je viens de regarder la vidéo de #macron "Je réponds à vos (premières) questions sur l\'écologie." ' +
        'https://youtu.be/Z6T_58TsZ1M\n\n' +
        "J'ai bien aimé la forme et le fond.\n\n" +
        "Je précise que je n'ai pas vérifié les informations.\n\n" +
        'Peut-être que cette vidéo pourrait être analysée sur @CaptainFact\n' +
        'https://captainfact.io/ 🤔\n\n' +
        '#ecologie',
    );
    expect(htmlToPlainText(note.content)).toBe(post.plainText);
    expect(extractExternalLinks(note.content)).toEqual(['https://youtu.be/Z6T_58TsZ1M', 'https://captainfact.io/']);
  });

  it('mamot.fr: a link shortened with invisible and ellipsis spans', () => {
    const note = corpusNote('mamot-fr-4.2', '103991162508067356');
    const post = parsePostHtml(note.content);
    const url = 'https://twitter.com/klein_stephane/status/1116731571065823235';
    expect(post.blocks).toEqual([
      para([
        text("Hier, ça faisait 1 an que j'ai quitté "),
        { text: '#Scaleway', style: 'hashtag', href: 'https://mamot.fr/tags/Scaleway', linkIndex: 2 },
        text(' ! Déjà 😯 '),
        { text: 'twitter.com/klein_stephane/sta…', style: 'link', href: url, linkIndex: 1 },
      ]),
    ]);
    // The plain text (what search sees) has the whole URL, invisible parts included.
    expect(post.plainText).toBe(`Hier, ça faisait 1 an que j'ai quitté #Scaleway ! Déjà 😯 ${url}`);
    expect(extractExternalLinks(note.content)).toEqual([url]);
    expect(linkHost(url)).toBe('twitter.com');
  });

  it('mamot.fr: the same hashtag twice is one entry of the link list', () => {
    const note = corpusNote('mamot-fr-4.2', '109592349465887231');
    const post = parsePostHtml(note.content);
    expect(post.links.map((l) => [l.kind, l.text])).toEqual([
      ['link', 'writefreely.org/createdwith'],
      ['link', 'techzerker.com/'],
      ['mention', '@TechZerker'],
      ['hashtag', '#WriteFreely'],
    ]);
    const second = post.blocks[1]!;
    expect(second.type).toBe('paragraph');
    const tags = (second as { lines: Span[][] }).lines.flat().filter((s) => s.style === 'hashtag');
    expect(tags.map((s) => s.linkIndex)).toEqual([4, 4]);
    expect(post.plainText.split('\n')[2]).toBe('Question: why did you leave #WriteFreely ?');
  });

  it('o3o.ca: CJK text with a <br />', () => {
    const note = corpusNote('o3o-ca-3.5-tar-era', '105974186262071972');
    const post = parsePostHtml(note.content);
    expect(post.blocks).toHaveLength(2);
    const first = post.blocks[0] as { type: 'paragraph'; lines: Span[][] };
    expect(first.lines).toHaveLength(2);
    expect(first.lines[0]).toEqual([text('先点一支烟🚬')]);
    expect(first.lines[1]![0]!.text.startsWith('谁能想到我确实是因为运动番才去看的呢？')).toBe(true);
    expect(post.plainText.startsWith('先点一支烟🚬\n谁能想到')).toBe(true);
    expect(post.plainText).toContain('buff加得相当刻意。\n\n滑板的西皮');
    expect(post.links).toEqual([]);

    // Laid out at 20 columns: every line full of 2-column characters, none wider than 20.
    const lines = layoutPost(post, 20);
    const shown = lines.map((l) => l.spans.map((s) => s.text).join(''));
    expect(shown[0]).toBe('先点一支烟🚬');
    expect(shown[1]).toBe('谁能想到我确实是因为');
    expect(textWidth(shown[1]!)).toBe(20);
    for (const line of shown) expect(textWidth(line)).toBeLessThanOrEqual(20);
    // No line starts with a closing punctuation mark: it stays with the character before it.
    for (const line of shown) expect(line).not.toMatch(/^[，。、？！]/);
  });

  it('ricard.social: custom emoji from the Emoji tags', () => {
    const note = corpusNote('ricard-social-4.0-polls-emoji', '109412119757097183');
    expect(emojiShortcodes(note)).toEqual(new Set(['blobcatsleep']));
    const post = parsePostHtml(note.content, { emojiShortcodes: emojiShortcodes(note) });
    expect(post.blocks).toEqual([
      para([
        { text: '@Graycot', style: 'mention', href: 'https://fosstodon.org/@Graycot', linkIndex: 1 },
        text(' Almost good night here '),
        { text: ':blobcatsleep:', style: 'emoji' },
      ]),
    ]);
    expect(post.plainText).toBe('@Graycot Almost good night here :blobcatsleep:');
    // Without the set, the shortcode is plain text.
    const plain = parsePostHtml(note.content);
    expect((plain.blocks[0] as { lines: Span[][] }).lines[0]![1]).toEqual(text(' Almost good night here :blobcatsleep:'));
  });

  it('ricard.social: colons that are not emoji stay text', () => {
    const note = corpusNote('ricard-social-4.0-polls-emoji', '109417012507496350');
    const post = parsePostHtml(note.content, { emojiShortcodes: emojiShortcodes(note) });
    expect(post.blocks[1]).toEqual(para([text('listen 443 ssl;')], [text('listen [::]:443 ssl;')]));
    expect(post.blocks[2]).toEqual(
      para([text('Just added this, did it work? '), { text: ':blobcatthinking:', style: 'emoji' }]),
    );
  });

  it('erambert: a mention of oneself, without translate="no"', () => {
    const note = corpusNote('erambert-4.2-tiny', '113060511916649891');
    expect(parsePostHtml(note.content).blocks).toEqual([
      para([
        { text: '@zapdos', style: 'mention', href: 'https://social.erambert.me/@zapdos', linkIndex: 1 },
        text(' private post'),
      ]),
    ]);
    expect(extractExternalLinks(note.content)).toEqual([]);
  });
});

/** Mastodon folds case and accents in hashtag names (#Vidéo is tagged 'video'). */
const foldTag = (s: string): string => s.replace(/^#/, '').normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

describe.each(CORPUS_FOLDERS)('every post of %s', (folder) => {
  const notes = corpusNotes(folder);

  it('parses safely and agrees with the post tags', () => {
    expect(notes.length).toBeGreaterThan(0);
    for (const note of notes) {
      const emoji = emojiShortcodes(note);
      const post = parsePostHtml(note.content, { emojiShortcodes: emoji });
      expect(post.plainText).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/);
      expect(post.plainText).not.toMatch(/<\/?(p|span|a|br)\b/);
      expect(htmlToPlainText(note.content)).toBe(post.plainText);

      const tagged = new Set(note.tag.filter((t) => t.type === 'Hashtag').map((t) => foldTag(t.name ?? '')));
      const found = new Set(post.links.filter((l) => l.kind === 'hashtag').map((l) => foldTag(l.text)));
      expect(found, note.id).toEqual(tagged);

      const spans = JSON.stringify(post.blocks);
      for (const m of spans.matchAll(/"text":":([A-Za-z0-9_]+):","style":"emoji"/g)) expect(emoji.has(m[1]!)).toBe(true);

      for (const url of extractExternalLinks(note.content)) {
        expect(linkHost(url), url).toBeDefined();
        expect(post.plainText).toContain(url.replace(/\/$/, ''));
      }
      for (const line of layoutPost(post, 40)) {
        const width = line.indent + textWidth(line.prefix ?? '') + textWidth(line.spans.map((s) => s.text).join(''));
        expect(width).toBeLessThanOrEqual(40);
      }
    }
  });
});
