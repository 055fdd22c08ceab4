/**
 * The Posts view (key 1): the timeline as a virtual list with search, filters, month jumps and order, the likes
 * and bookmarks lists, and a stack of screens opened from it (post, thread, links, media, raw JSON, filter, month).
 */
import { Box } from 'ink';
import { useEffect, useMemo, useState } from 'react';
import { itemKind } from '../../db/reader-detail-queries.js';
import { NO_FILTER, searchPositions, type TimelineFilter, type TimelineQuery, type TimelineRow } from '../../db/reader-queries.js';
import { listCount } from '../../db/profile-queries.js';
import type { RunnableCommand } from '../commands.js';
import { useStatusInfo } from '../context.js';
import { clampList, type ListPosition } from '../components/navigation.js';
import { PagedList } from '../components/PagedList.js';
import { titleLine } from '../components/panes.js';
import { seg, truncate, type Line } from '../text.js';
import type { ViewProps } from '../types.js';
import { AddressList } from './AddressList.js';
import { describeFilter, FilterScreen } from './FilterScreen.js';
import { PostScreen } from './PostScreen.js';
import { timelineRowLine } from './row.js';
import { LinksScreen, MediaScreen, MonthScreen, RawScreen, ThreadScreen } from './screens.js';
import { SearchBar } from './SearchBar.js';
import { useTimeline } from './useTimeline.js';

/** Columns of the search term in the status line. */
const SEARCH_TERM_COLUMNS = 24;

export type ReaderRequest =
  /** `returnTo`: the view to go back to when this post is closed (the view that opened it). */
  | { seq: number; type: 'post'; id: string; returnTo?: string }
  | { seq: number; type: 'timeline'; title: string; ids: string[] };

type Screen =
  | { type: 'post'; id: string; kind: 'post' | 'boost'; fromList: boolean; returnTo?: string }
  | { type: 'thread'; id: string }
  | { type: 'links'; id: string; kind: 'post' | 'boost' }
  | { type: 'media'; id: string }
  | { type: 'raw'; id: string }
  | { type: 'filter' }
  | { type: 'month' };

type Tab = 'timeline' | 'likes' | 'bookmarks';
const TABS: Tab[] = ['timeline', 'likes', 'bookmarks'];
const TAB_NAMES: Record<Tab, string> = { timeline: 'Timeline', likes: 'Likes', bookmarks: 'Bookmarks' };

interface Search {
  term: string;
  positions: number[] | null;
}

export function ReaderView({
  width,
  height,
  active,
  app,
  request,
  onReturn,
}: ViewProps & { request?: ReaderRequest; onReturn?: (view: string) => void }) {
  const [tab, setTab] = useState<Tab>('timeline');
  const [filter, setFilter] = useState<TimelineFilter>(NO_FILTER);
  const [order, setOrder] = useState<'newest' | 'oldest'>('newest');
  const [subset, setSubset] = useState<{ title: string; ids: string[] } | null>(null);
  const [search, setSearch] = useState<Search | null>(null);
  const [typing, setTyping] = useState(false);
  const [pos, setPos] = useState<ListPosition>({ selected: 0, top: 0 });
  const [stack, setStack] = useState<Screen[]>([]);
  const [tabCounts, setTabCounts] = useState<{ likes: number | null; bookmarks: number | null }>({ likes: null, bookmarks: null });

  const query: TimelineQuery = useMemo(
    () => ({ archiveId: app.archiveId, filter, order, ...(subset ? { ids: subset.ids } : {}) }),
    [app.archiveId, filter, order, subset],
  );
  const data = useTimeline(app.conn, query);
  const count = data.count ?? 0;
  const queryId = JSON.stringify(query);

  useEffect(() => {
    if (app.loading) return;
    let live = true;
    Promise.all([listCount(app.conn, app.archiveId, 'likes'), listCount(app.conn, app.archiveId, 'bookmarks')]).then(
      ([likes, bookmarks]) => live && setTabCounts({ likes, bookmarks }),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [app.conn, app.archiveId, app.loading]);

  // Search: the positions of the matches in the current list, recomputed when the list changes.
  const term = search?.term ?? '';
  useEffect(() => {
    if (term === '') return;
    let live = true;
    setSearch((s) => (s ? { ...s, positions: null } : s));
    searchPositions(app.conn, query, term, app.searchIndex?.()).then(
      (positions) => {
        if (!live) return;
        setSearch({ term, positions });
        if (positions.length === 0) app.setStatus(`no match for "${term}"`);
        else setPos((p) => (positions.includes(p.selected) ? p : { selected: positions.find((x) => x >= p.selected) ?? positions[0]!, top: p.top }));
      },
      (e: unknown) => live && app.setStatus(`search failed: ${e instanceof Error ? e.message : String(e)}`),
    );
    return () => {
      live = false;
    };
  }, [term, queryId, app.conn]); // eslint-disable-line react-hooks/exhaustive-deps

  // Requests from other views: open a post, or show a given set of posts.
  useEffect(() => {
    if (!request) return;
    if (request.type === 'timeline') {
      setTab('timeline');
      setSubset({ title: request.title, ids: request.ids });
      setFilter(NO_FILTER);
      setPos({ selected: 0, top: 0 });
      setStack([]);
      return;
    }
    itemKind(app.conn, app.archiveId, request.id).then(
      (kind) => {
        if (!kind) return app.setStatus(`${request.id} is not a post or boost of this archive`);
        setStack([{ type: 'post', id: request.id, kind, fromList: false, returnTo: request.returnTo }]);
      },
      () => undefined,
    );
  }, [request?.seq]); // eslint-disable-line react-hooks/exhaustive-deps

  const top = stack[stack.length - 1];
  const listActive = active && top === undefined && !typing;
  const rowsHeight = Math.max(1, height - 1 - (typing ? 1 : 0));
  const current = clampList(pos, count, rowsHeight);
  const selectedRow: TimelineRow | undefined = data.rowAt(current.selected);
  const push = (s: Screen) => setStack((st) => [...st, s]);
  const pop = () => {
    // A post another view opened goes back to that view when it is closed.
    const last = stack.length === 1 ? stack[0] : undefined;
    if (last?.type === 'post' && last.returnTo && onReturn) onReturn(last.returnTo);
    setStack((st) => st.slice(0, -1));
  };
  const matchSet = useMemo(() => new Set(search?.positions ?? []), [search?.positions]);
  const positions = search?.positions ?? [];
  const matchIndex = positions.indexOf(current.selected);

  let info = '';
  if (tab === 'timeline') {
    const parts = [data.count === null ? '…' : count === 0 ? '0 items' : `${current.selected + 1}/${count.toLocaleString('en-US')}`];
    parts.push(order === 'newest' ? 'newest first' : 'oldest first');
    if (app.loading) parts.push('newest only, loading');
    // The search before the list's description: the count of matches is what changes (n/N), and a narrow line cuts
    // the end; a long term is cut so that the count after it stays.
    if (search) {
      const at = matchIndex >= 0 ? (matchIndex + 1).toLocaleString('en-US') : '-';
      parts.push(`/${truncate(search.term, SEARCH_TERM_COLUMNS)} ${search.positions === null ? '…' : `${at}/${positions.length.toLocaleString('en-US')}`}`);
    }
    const f = describeFilter(filter);
    if (subset) parts.push(subset.title);
    if (f) parts.push(`filter: ${f}`);
    info = parts.join(' · ');
  }
  useStatusInfo(info, active && tab === 'timeline');

  const jump = (index: number) => setPos((p) => ({ selected: index, top: index < p.top || index >= p.top + rowsHeight ? Math.max(0, index - Math.floor(rowsHeight / 3)) : p.top }));
  const nextMatch = (dir: 1 | -1) => {
    if (!search) return app.setStatus('no search yet: / starts one');
    if (positions.length === 0) return app.setStatus(`no match for "${search.term}"`);
    const next = dir === 1 ? (positions.find((x) => x > current.selected) ?? positions[0]!) : ([...positions].reverse().find((x) => x < current.selected) ?? positions[positions.length - 1]!);
    jump(next);
  };
  const onRow = (needPost: boolean, run: (row: TimelineRow) => void) => () => {
    if (!selectedRow) return;
    if (needPost && selectedRow.kind !== 'post') return app.setStatus('a boost has only the address of the boosted post');
    run(selectedRow);
  };
  const switchTab = (delta: number) => setTab((t) => TABS[(TABS.indexOf(t) + delta + TABS.length) % TABS.length]!);
  // While the archive loads, the list is its newest posts only: what would answer from them alone waits.
  const whole = (what: string, run: () => void) => () => (app.loading ? app.setStatus(`${what}: after the load`) : run());

  const listCommands: RunnableCommand[] = [
    { id: 'list.search', keys: ['/'], description: 'search: text, CW, alt text and hashtags', scope: 'list', hint: true, run: whole('search', () => setTyping(true)) },
    { id: 'list.next-match', keys: ['n'], description: 'next match', scope: 'list', hint: search !== null, run: () => nextMatch(1) },
    { id: 'list.prev-match', keys: ['N'], description: 'previous match', scope: 'list', run: () => nextMatch(-1) },
    { id: 'list.filter', keys: ['f'], description: 'filter: type, visibility, language, months', scope: 'list', hint: true, run: whole('filter', () => push({ type: 'filter' })) },
    { id: 'list.month', keys: ['d'], description: 'month: jump to a month', scope: 'list', hint: true, run: whole('month jump', () => push({ type: 'month' })) },
    {
      id: 'list.order',
      keys: ['r'],
      description: 'order: newest or oldest first',
      scope: 'list',
      run: whole('oldest first', () => {
        setOrder((o) => (o === 'newest' ? 'oldest' : 'newest'));
        if (count > 0) jump(count - 1 - current.selected);
      }),
    },
    { id: 'list.thread', keys: ['t'], description: 'thread: of the selected post', scope: 'list', run: onRow(true, (r) => push({ type: 'thread', id: r.id })) },
    { id: 'list.links', keys: ['o'], description: 'links: of the selected post', scope: 'list', run: onRow(false, (r) => push({ type: 'links', id: r.id, kind: r.kind })) },
    { id: 'list.media', keys: ['m'], description: 'media: of the selected post', scope: 'list', run: onRow(true, (r) => (r.mediaCount > 0 ? push({ type: 'media', id: r.id }) : app.setStatus('this post has no media'))) },
    { id: 'list.raw', keys: ['u'], description: 'raw: JSON of the selected item', scope: 'list', run: onRow(false, (r) => push({ type: 'raw', id: r.id })) },
    {
      id: 'list.clear',
      keys: ['escape', 'x'],
      description: 'clear: the search, then the filter',
      scope: 'list',
      hint: search !== null || subset !== null || describeFilter(filter) !== '',
      run: () => {
        if (search) return setSearch(null);
        if (!subset && describeFilter(filter) === '') return;
        setSubset(null);
        setFilter(NO_FILTER);
        setPos({ selected: 0, top: 0 });
      },
    },
    { id: 'list.tab-next', keys: [']'], description: 'lists: timeline, likes, bookmarks (next)', scope: 'list', hint: true, run: whole('likes and bookmarks', () => switchTab(1)) },
    { id: 'list.tab-prev', keys: ['['], description: 'lists: timeline, likes, bookmarks (previous)', scope: 'list', run: whole('likes and bookmarks', () => switchTab(-1)) },
  ];

  const postActions = (fromList: boolean) => ({
    onBack: pop,
    onThread: (id: string) => push({ type: 'thread', id }),
    onLinks: (id: string, kind: 'post' | 'boost') => push({ type: 'links', id, kind }),
    onMedia: (id: string) => push({ type: 'media', id }),
    onRaw: (id: string) => push({ type: 'raw', id }),
    onOpenPost: (id: string) => push({ type: 'post', id, kind: 'post', fromList: false }),
    ...(fromList && stack.length === 1
      ? {
          onNext: () => stepPost(1),
          onPrev: () => stepPost(-1),
        }
      : {}),
  });
  const stepPost = (dir: 1 | -1) => {
    const index = current.selected + dir;
    const row = index >= 0 && index < count ? data.rowAt(index) : undefined;
    if (!row) return app.setStatus(dir === 1 ? 'this is the last one' : 'this is the first one');
    jump(index);
    setStack([{ type: 'post', id: row.id, kind: row.kind, fromList: true }]);
  };

  const screen = (s: Screen, isTop: boolean) => {
    const common = { app, width, height, active: active && isTop, onBack: pop };
    switch (s.type) {
      case 'post':
        return <PostScreen key={`${s.kind}:${s.id}`} id={s.id} kind={s.kind} app={app} width={width} height={height} active={active && isTop} search={search?.term} actions={postActions(s.fromList)} />;
      case 'thread':
        return <ThreadScreen key={s.id} {...common} id={s.id} onOpen={(id) => push({ type: 'post', id, kind: 'post', fromList: false })} />;
      case 'links':
        return <LinksScreen key={s.id} {...common} id={s.id} kind={s.kind} />;
      case 'media':
        return <MediaScreen key={s.id} {...common} id={s.id} />;
      case 'raw':
        return <RawScreen key={s.id} {...common} id={s.id} />;
      case 'filter':
        return <FilterScreen {...common} query={query} onApply={(f) => { setFilter(f); setPos({ selected: 0, top: 0 }); pop(); }} />;
      case 'month':
        return <MonthScreen {...common} query={query} onJump={(offset, month) => { setPos({ selected: offset, top: offset }); pop(); app.setStatus(`jumped to ${month}`); }} />;
    }
  };

  const tabsLine = (counts: Partial<Record<Tab, number | null>>): Line => {
    const out: Line = [];
    for (const t of TABS) {
      const n = counts[t];
      const label = `${TAB_NAMES[t]}${n === null || n === undefined ? '' : ` ${n.toLocaleString('en-US')}`}`;
      out.push(t === tab ? seg(`[${label}]`, 'heading') : seg(` ${label} `, 'dim'), seg(' '));
    }
    return out;
  };

  let list;
  if (tab === 'timeline') {
    const title = subset
      ? titleLine(subset.title, `${count} ${count === 1 ? 'item' : 'items'} · x back to the timeline`, '', width)
      : tabsLine({ timeline: data.count, likes: tabCounts.likes, bookmarks: tabCounts.bookmarks });
    list = (
      <PagedList
        scope="list"
        data={data}
        renderRow={(row, i) => timelineRowLine(row, { timeZone: app.timeZone, search: search?.term, match: matchSet.has(i) })}
        pos={pos}
        setPos={(u) => setPos((p) => u(clampList(p, count, rowsHeight)))}
        width={width}
        height={height}
        active={listActive}
        title={title}
        onOpen={(row) => push({ type: 'post', id: row.id, kind: row.kind, fromList: true })}
        openLabel="open"
        commands={listCommands}
        empty={describeFilter(filter) || subset ? 'nothing matches: x clears the filter' : 'this archive has no posts or boosts'}
        footer={typing ? <SearchBar initial="" width={width} active={active && typing} onCancel={() => setTyping(false)} onSubmit={(t) => { setTyping(false); setSearch(t.trim() ? { term: t.trim(), positions: null } : null); }} /> : undefined}
      />
    );
  } else {
    list = <AddressList key={tab} list={tab} app={app} width={width} height={height} active={active && top === undefined} title={tabsLine({ timeline: null, ...tabCounts })} onTab={switchTab} />;
  }
  // Every screen of the stack stays mounted (hidden) so that going back finds it as it was left.
  return (
    <Box width={width} height={height} flexDirection="column" overflow="hidden">
      <Box display={top === undefined ? 'flex' : 'none'} width={width} height={height}>
        {list}
      </Box>
      {stack.map((s, i) => (
        <Box key={i} display={i === stack.length - 1 ? 'flex' : 'none'} width={width} height={height}>
          {screen(s, i === stack.length - 1)}
        </Box>
      ))}
    </Box>
  );
}
