/**
 * Likes and bookmarks: the archive keeps only the address of each post, so that is what the list shows, and it
 * says so. Enter opens an address (or shows it over SSH), y copies it.
 */
import { useState } from 'react';
import { safeLinkTarget, sanitizeText } from '../../content/index.js';
import { listCount, listPage } from '../../db/profile-queries.js';
import type { RunnableCommand } from '../commands.js';
import { useStatusInfo, useUi } from '../context.js';
import type { ListPosition } from '../components/navigation.js';
import { PagedList } from '../components/PagedList.js';
import { seg, wrapText, type Line } from '../text.js';
import type { AppServices } from '../types.js';
import { useLinkOpener } from './screens.js';
import { usePaged } from './useTimeline.js';

export function AddressList(p: {
  list: 'likes' | 'bookmarks';
  app: AppServices;
  width: number;
  height: number;
  active: boolean;
  title: Line;
  onTab: (delta: number) => void;
}) {
  const { app, list } = p;
  const ui = useUi();
  const open = useLinkOpener(app);
  const [pos, setPos] = useState<ListPosition>({ selected: 0, top: 0 });
  const data = usePaged(
    `${app.archiveId}\0${list}`,
    () => listCount(app.conn, app.archiveId, list),
    (offset, limit) => listPage(app.conn, app.archiveId, list, offset, limit),
  );
  const what = list === 'likes' ? 'liked (favourited)' : 'bookmarked';
  const notice = wrapText(
    `The archive holds only the address of each post you ${what}: no text, no author name, no date. Newest first, as far as the archive tells.`,
    p.width,
    'dim',
  ).slice(0, 3);
  useStatusInfo(data.count === null ? '…' : `${data.count === 0 ? 0 : pos.selected + 1}/${data.count.toLocaleString('en-US')} ${list}`, p.active);
  const commands: RunnableCommand[] = [
    {
      id: 'list.copy',
      keys: ['y'],
      description: 'copy: the address (OSC 52)',
      scope: 'list',
      run: () => {
        const url = safeLinkTarget(data.rowAt(pos.selected)?.[0] ?? '');
        if (!url) return app.setStatus('nothing to copy');
        ui.copy(url);
        app.setStatus(`copied ${url}`);
      },
    },
    { id: 'list.tab-next', keys: [']'], description: 'lists: timeline, likes, bookmarks (next)', scope: 'list', hint: true, run: () => p.onTab(1) },
    { id: 'list.tab-prev', keys: ['['], description: 'lists: timeline, likes, bookmarks (previous)', scope: 'list', run: () => p.onTab(-1) },
  ];
  return (
    <PagedList
      scope="list"
      data={data}
      renderRow={(row) =>
        row ? [seg('  '), seg(`${sanitizeText(row[1] ?? '').padEnd(24)} `, 'dim'), seg(sanitizeText(row[0] ?? ''), 'link')] : [seg('  …', 'dim')]
      }
      pos={pos}
      setPos={setPos}
      width={p.width}
      height={p.height}
      active={p.active}
      title={p.title}
      notice={notice}
      onOpen={(row) => open(row[0] ?? '')}
      openLabel={ui.canOpen ? 'open the address (and copy it)' : 'show and copy the address'}
      commands={commands}
      empty={`this archive has no ${list}`}
    />
  );
}
