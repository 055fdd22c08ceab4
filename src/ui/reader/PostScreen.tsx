/** The post view: one post (or boost) as a scrolling page, with the keys that act on it. */
import { useEffect, useMemo, useState } from 'react';
import { safeLinkTarget } from '../../content/index.js';
import { boostDetail, postDetail, type BoostDetail, type PostDetail } from '../../db/reader-detail-queries.js';
import type { RunnableCommand } from '../commands.js';
import { DocPane } from '../components/panes.js';
import { useUi } from '../context.js';
import { seg } from '../text.js';
import type { AppServices } from '../types.js';
import { boostPage, postPage } from './post-lines.js';

export interface PostActions {
  onBack: () => void;
  onThread: (id: string) => void;
  onLinks: (id: string, kind: 'post' | 'boost') => void;
  onMedia: (id: string) => void;
  onRaw: (id: string) => void;
  onOpenPost: (id: string) => void;
  onNext?: () => void;
  onPrev?: () => void;
}

type Loaded = { kind: 'post'; post: PostDetail } | { kind: 'boost'; boost: BoostDetail } | { kind: 'missing' } | { kind: 'error'; message: string };

export function usePostDetail(app: AppServices, id: string, kind: 'post' | 'boost'): Loaded | null {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  useEffect(() => {
    let live = true;
    setLoaded(null);
    const load = async (): Promise<Loaded> => {
      if (kind === 'boost') {
        const boost = await boostDetail(app.conn, app.archiveId, id);
        return boost ? { kind: 'boost', boost } : { kind: 'missing' };
      }
      const post = await postDetail(app.conn, app.archiveId, id);
      return post ? { kind: 'post', post } : { kind: 'missing' };
    };
    load().then(
      (l) => live && setLoaded(l),
      (e: unknown) => live && setLoaded({ kind: 'error', message: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, [app.conn, app.archiveId, id, kind]);
  return loaded;
}

export function PostScreen(props: {
  id: string;
  kind: 'post' | 'boost';
  app: AppServices;
  width: number;
  height: number;
  active: boolean;
  search?: string;
  actions: PostActions;
}) {
  const { app, id, kind, actions } = props;
  const ui = useUi();
  const loaded = usePostDetail(app, id, kind);
  const [cwOpen, setCwOpen] = useState(false);
  const page = useMemo(() => {
    const common = { width: props.width, timeZone: app.timeZone, account: ui.account, search: props.search };
    if (loaded?.kind === 'post') return postPage(loaded.post, { ...common, cwOpen });
    if (loaded?.kind === 'boost') return boostPage(loaded.boost, common);
    const text = loaded === null ? 'reading…' : loaded.kind === 'missing' ? 'This post is not in the archive.' : `Could not read the post: ${loaded.message}`;
    return { lines: [[seg(text, loaded?.kind === 'error' ? 'error' : 'dim')]], links: [] };
  }, [loaded, cwOpen, props.width, props.search, app.timeZone, ui.account]);

  const post = loaded?.kind === 'post' ? loaded.post : null;
  const boost = loaded?.kind === 'boost' ? loaded.boost : null;
  const hasCw = post !== null && post.cw !== null && post.cw !== '';
  const copyUrl = () => {
    const url = safeLinkTarget(post?.url ?? post?.uri ?? boost?.postUri ?? '');
    if (!url) return app.setStatus('this item has no web address');
    ui.copy(url);
    app.setStatus(`copied ${url}`);
  };
  const commands: RunnableCommand[] = [
    {
      id: 'post.cw',
      keys: ['z', 's'],
      description: 'CW: show or hide the text behind the content warning',
      scope: 'post',
      hint: hasCw,
      run: () => (hasCw ? setCwOpen((v) => !v) : app.setStatus('this post has no content warning')),
    },
    {
      id: 'post.thread',
      keys: ['t'],
      description: 'thread: your posts around this one, as a tree',
      scope: 'post',
      hint: true,
      run: () => (kind === 'post' ? actions.onThread(id) : app.setStatus('a boost has no thread in the archive')),
    },
    {
      id: 'post.links',
      keys: ['o'],
      description: 'links: the numbered links of the post; open or copy one',
      scope: 'post',
      hint: page.links.length > 0,
      // While the post is still being read, the screen opens anyway (it reads the post itself).
      run: () => (loaded === null || page.links.length > 0 ? actions.onLinks(id, kind) : app.setStatus('this post has no links')),
    },
    {
      id: 'post.media',
      keys: ['m'],
      description: 'media: the files with their alt text; open one',
      scope: 'post',
      hint: (post?.media.length ?? 0) > 0,
      run: () => (loaded === null || (post?.media.length ?? 0) > 0 ? actions.onMedia(id) : app.setStatus('this post has no media')),
    },
    { id: 'post.copy', keys: ['y'], description: 'copy: the address of the post (to the clipboard, OSC 52)', scope: 'post', run: copyUrl },
    { id: 'post.raw', keys: ['u'], description: 'raw: the JSON of the item as outbox.json has it', scope: 'post', run: () => actions.onRaw(id) },
    ...(boost?.ownPostId
      ? [{ id: 'post.open-boosted', keys: ['enter'], description: 'open: the boosted post (one of yours)', scope: 'post', run: () => actions.onOpenPost(boost.ownPostId!) }]
      : []),
    ...(actions.onNext ? [{ id: 'post.next', keys: ['J', 'right'], description: 'next: the next post of the list', scope: 'post', run: actions.onNext }] : []),
    ...(actions.onPrev ? [{ id: 'post.prev', keys: ['K', 'left'], description: 'previous: the previous post of the list', scope: 'post', run: actions.onPrev }] : []),
  ];
  const title = kind === 'boost' ? 'Boost' : 'Post';
  const detail = hasCw ? (cwOpen ? 'CW shown (z hides)' : 'CW hidden (z shows)') : '';
  return (
    <DocPane
      scope="post"
      title={title}
      detail={detail}
      lines={page.lines}
      width={props.width}
      height={props.height}
      active={props.active}
      onBack={actions.onBack}
      commands={commands}
    />
  );
}
