/** The reader's smaller screens: thread tree, links, media, raw JSON, jump to a month. */
import { Box } from 'ink';
import { useEffect, useMemo, useState } from 'react';
import { parsePostHtml, safeLinkTarget, sanitizeText, type PostLink } from '../../content/index.js';
import { readRawItem } from '../../db/raw-item.js';
import { monthOffsets, type MonthCount, type TimelineQuery } from '../../db/reader-queries.js';
import { threadOf, type ThreadPost } from '../../db/reader-detail-queries.js';
import type { RunnableCommand } from '../commands.js';
import { Lines } from '../components/Lines.js';
import { DocPane, ListPane } from '../components/panes.js';
import { useUi } from '../context.js';
import { bytes, firstLine, shortDate, visibilityBadge } from '../format.js';
import { extractEntry } from '../terminal.js';
import { hardWrap, seg, wrapText, type Line } from '../text.js';
import type { AppServices } from '../types.js';
import { usePostDetail } from './PostScreen.js';
import { threadTree } from './thread-tree.js';

interface ScreenProps {
  app: AppServices;
  width: number;
  height: number;
  active: boolean;
  onBack: () => void;
}

/** Runs an async read when its key changes; undefined while reading, an Error when it failed. */
function useAsync<T>(key: string, read: () => Promise<T>): T | Error | undefined {
  const [value, setValue] = useState<T | Error | undefined>(undefined);
  useEffect(() => {
    let live = true;
    setValue(undefined);
    read().then(
      (v) => live && setValue(v),
      (e: unknown) => live && setValue(e instanceof Error ? e : new Error(String(e))),
    );
    return () => {
      live = false;
    };
  }, [key]); // eslint-disable-line react-hooks/exhaustive-deps
  return value;
}

function statusRows<T>(value: T | Error | undefined): Line[] | null {
  if (value === undefined) return [[seg('reading…', 'dim')]];
  if (value instanceof Error) return [[seg(value.message, 'error')]];
  return null;
}

export function ThreadScreen(p: ScreenProps & { id: string; onOpen: (id: string) => void }) {
  const { app } = p;
  const posts = useAsync<ThreadPost[]>(`${app.archiveId}\0${p.id}`, () => threadOf(app.conn, app.archiveId, p.id));
  const nodes = useMemo(() => (Array.isArray(posts) ? threadTree(posts) : []), [posts]);
  const initial = nodes.findIndex((n) => n.post.id === p.id);
  const rows: Line[] =
    statusRows(posts) ??
    nodes.map((n) => {
      const badge = visibilityBadge(n.post.visibility);
      const text = n.post.cw ? `CW: ${sanitizeText(firstLine(n.post.cw))}` : sanitizeText(firstLine(n.post.text)) || '(no text)';
      return [
        seg(n.post.id === p.id ? '▸' : ' ', 'bold'),
        seg(n.guide, 'dim'),
        seg(`${shortDate(n.post.createdAt, app.timeZone)} `, 'dim'),
        seg(badge.text, badge.style),
        seg(n.replyToOther ? '↩ reply to someone else: ' : '', 'dim'),
        seg(text, n.post.cw ? 'cw' : 'text'),
      ];
    });
  const replies = nodes.length;
  return (
    <ListPane
      scope="thread"
      title="Thread"
      detail={replies > 0 ? `${replies} ${replies === 1 ? 'post' : 'posts'} of yours · ▸ this post` : ''}
      rows={rows}
      initial={initial >= 0 ? initial : undefined}
      onOpen={(i) => nodes[i] && p.onOpen(nodes[i]!.post.id)}
      openLabel="open the post"
      width={p.width}
      height={p.height}
      active={p.active}
      onBack={p.onBack}
    />
  );
}

/** Copies a link and opens it when there is a screen to open it on; says what happened. */
export function useLinkOpener(app: AppServices): (url: string) => void {
  const ui = useUi();
  return (url: string) => {
    const safe = safeLinkTarget(url);
    if (!safe) {
      app.setStatus(`not opened: ${sanitizeText(url)} is not a web or mail address`);
      return;
    }
    ui.copy(safe);
    if (!ui.canOpen) {
      app.setStatus(`${safe} (copied; no display here to open it)`);
      return;
    }
    void ui.open(safe).then((ok) => app.setStatus(ok ? `opened ${safe} (also copied)` : `${safe} (copied; could not start the opener)`));
  };
}

export function LinksScreen(p: ScreenProps & { id: string; kind: 'post' | 'boost' }) {
  const loaded = usePostDetail(p.app, p.id, p.kind);
  const open = useLinkOpener(p.app);
  const links: PostLink[] = useMemo(() => {
    if (loaded?.kind === 'post') return parsePostHtml(loaded.post.html, { emojiShortcodes: new Set(loaded.post.emojis) }).links;
    if (loaded?.kind === 'boost' && loaded.boost.postUri) return [{ url: loaded.boost.postUri, text: loaded.boost.postUri, kind: 'link' }];
    return [];
  }, [loaded]);
  const rows: Line[] = links.map((l, i) => [
    seg(`${String(i + 1).padStart(2)}. `, 'bold'),
    seg(`${l.kind.padEnd(8)}`, 'dim'),
    seg(sanitizeText(l.url), safeLinkTarget(l.url) ? 'link' : 'dim'),
  ]);
  const digits: RunnableCommand[] = Array.from({ length: Math.min(9, links.length) }, (_, i) => ({
    id: `links.open-${i + 1}`,
    keys: [String(i + 1)],
    description: `open link ${i + 1}`,
    scope: 'links',
    run: () => open(links[i]!.url),
  }));
  return (
    <ListPane
      scope="links"
      title="Links"
      detail="Enter or 1-9 opens and copies"
      rows={loaded === null ? [[seg('reading…', 'dim')]] : rows}
      empty="this post has no links"
      onOpen={(i) => links[i] && open(links[i]!.url)}
      openLabel="open and copy the link"
      commands={digits}
      width={p.width}
      height={p.height}
      active={p.active}
      onBack={p.onBack}
    />
  );
}

export function MediaScreen(p: ScreenProps & { id: string }) {
  const { app } = p;
  const ui = useUi();
  const loaded = usePostDetail(app, p.id, 'post');
  const [selected, setSelected] = useState(0);
  const media = loaded?.kind === 'post' ? loaded.post.media : [];
  const rows: Line[] = media.map((m, i) => [
    seg(`${i + 1}. `, 'bold'),
    seg(`${sanitizeText(m.kind)}${m.width && m.height ? ` ${m.width}×${m.height}` : ''}${m.bytes !== null ? ` · ${bytes(m.bytes)}` : ''}`),
    seg(m.archivePath ? `  ${sanitizeText(m.archivePath)}` : '  (file not in the archive)', 'dim'),
  ]);
  const current = media[selected];
  const footerHeight = Math.min(8, Math.max(3, Math.floor(p.height / 3)));
  const alt = current ? wrapText(current.altText ? sanitizeText(current.altText, { keepNewlines: true }) : '(no alt text)', p.width, current.altText ? 'text' : 'dim') : [];
  const footer = (
    <Box flexDirection="column" height={footerHeight}>
      <Lines lines={[[seg('Alt text', 'heading')], ...alt]} width={p.width} height={footerHeight} />
    </Box>
  );
  const openMedia = (i: number) => {
    const m = media[i];
    if (!m) return;
    if (!m.archivePath) return app.setStatus('this file is not in the archive (Mastodon skipped it when exporting)');
    const archive = ui.archive;
    const entryName = m.archivePath;
    if (!archive) return app.setStatus('the archive is not open');
    app.setStatus('extracting…');
    archive()
      .then((a) => extractEntry(a, entryName))
      .then(
        (path) => {
          if (!ui.canOpen) return app.setStatus(`saved to ${path}`);
          void ui.open(path).then((ok) => app.setStatus(ok ? `opened ${path}` : `saved to ${path} (could not start the opener)`));
        },
        (e: unknown) => app.setStatus(`could not extract it: ${e instanceof Error ? e.message : String(e)}`),
      );
  };
  return (
    <ListPane
      scope="media"
      title="Media"
      detail={ui.canOpen ? 'Enter opens the file' : 'Enter saves the file to a temporary folder'}
      rows={loaded === null ? [[seg('reading…', 'dim')]] : rows}
      empty="this post has no media"
      onOpen={openMedia}
      openLabel={ui.canOpen ? 'open the file' : 'save the file to a temporary folder'}
      onSelect={setSelected}
      footer={footer}
      footerHeight={footerHeight}
      width={p.width}
      height={p.height}
      active={p.active}
      onBack={p.onBack}
    />
  );
}

export function RawScreen(p: ScreenProps & { id: string }) {
  const { app } = p;
  const ui = useUi();
  const json = useAsync<string | null>(`${app.archiveId}\0${p.id}`, async () =>
    ui.archive ? ((await readRawItem(app.conn, await ui.archive(), app.archiveId, p.id)) ?? null) : null,
  );
  const lines = useMemo(() => {
    const rows = statusRows(json);
    if (rows) return rows;
    if (json === null) return [[seg('no raw item for this id', 'dim')]];
    let pretty = json as string;
    try {
      pretty = JSON.stringify(JSON.parse(pretty), null, 2);
    } catch {
      // shown as stored
    }
    return hardWrap(sanitizeText(pretty, { keepNewlines: true }), p.width, 'code');
  }, [json, p.width]);
  return <DocPane scope="raw" title="Raw JSON" detail="the item as outbox.json has it" lines={lines} width={p.width} height={p.height} active={p.active} onBack={p.onBack} />;
}

export function MonthScreen(p: ScreenProps & { query: TimelineQuery; onJump: (offset: number, month: string) => void }) {
  const { app } = p;
  const months = useAsync<MonthCount[]>(JSON.stringify(p.query), () => monthOffsets(app.conn, p.query));
  const list = Array.isArray(months) ? months : [];
  const max = Math.max(1, ...list.map((m) => m.count));
  const barWidth = Math.max(4, Math.min(40, p.width - 24));
  const rows: Line[] =
    statusRows(months) ??
    list.map((m) => [
      seg(`${m.month}  `, 'bold'),
      seg(String(m.count).padStart(6) + '  '),
      seg('▇'.repeat(Math.max(1, Math.round((m.count / max) * barWidth))), 'bar'),
    ]);
  return (
    <ListPane
      scope="month"
      title="Jump to a month"
      detail="in your time zone"
      rows={rows}
      empty="no posts"
      onOpen={(i) => list[i] && p.onJump(list[i]!.offset, list[i]!.month)}
      openLabel="jump there"
      width={p.width}
      height={p.height}
      active={p.active}
      onBack={p.onBack}
    />
  );
}
