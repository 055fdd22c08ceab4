/**
 * The Profile view (key 4): the account (name, bio, fields, age, moves, counts, avatar and header files) and the
 * CSV exports that were loaded (following, lists, blocks, mutes, domain blocks) as browsable lists; [ and ] switch.
 */
import { Box } from 'ink';
import { useEffect, useState } from 'react';
import { sanitizeText } from '../../content/index.js';
import { ADDRESS_LISTS, listCount, listPage, profileInfo, type AddressListName, type ProfileInfo } from '../../db/profile-queries.js';
import type { RunnableCommand } from '../commands.js';
import { useStatusInfo } from '../context.js';
import type { ListPosition } from '../components/navigation.js';
import { PagedList } from '../components/PagedList.js';
import { DocPane } from '../components/panes.js';
import { age, count, dayDate } from '../format.js';
import { usePaged } from '../reader/useTimeline.js';
import { seg, wrapText, type Line } from '../text.js';
import type { AppServices, ViewProps } from '../types.js';

type ProfileTab = 'profile' | Exclude<AddressListName, 'likes' | 'bookmarks'>;
const LIST_TABS: Exclude<ProfileTab, 'profile'>[] = ['following', 'followers', 'lists', 'blocks', 'mutes', 'domain_blocks'];
const TAB_NAMES: Record<ProfileTab, string> = {
  profile: 'Profile',
  following: 'Following',
  followers: 'Followers',
  lists: 'Lists',
  blocks: 'Blocks',
  mutes: 'Mutes',
  domain_blocks: 'Domain blocks',
};

const clean = (s: string | null | undefined) => sanitizeText(s ?? '');

export function profileLines(p: ProfileInfo, width: number, timeZone: string): Line[] {
  const out: Line[] = [];
  const kv = (k: string, v: string, style: 'text' | 'bold' | 'link' | 'dim' = 'text') => out.push(...wrapKv(k, v, width, style));
  out.push([seg(clean(p.displayName) || clean(p.acct) || 'Unknown account', 'heading'), seg(p.acct ? `  @${clean(p.acct)}` : '', 'dim')]);
  if (p.type && p.type !== 'Person') out.push([seg(p.type === 'Service' ? 'bot account' : `${clean(p.type)} account`, 'dim')]);
  if (p.url) kv('Address', clean(p.url), 'link');
  if (p.createdAt) kv('Created', `${dayDate(p.createdAt, timeZone)} (${age(p.createdAt)} ago)`);
  if (p.movedTo) kv('Moved to', clean(p.movedTo), 'bold');
  for (const aka of p.alsoKnownAs) kv('Also known as', clean(aka), 'link');
  if (p.locked !== null) kv('Follows', p.locked ? 'approved by hand (locked)' : 'accepted automatically');
  if (p.discoverable !== null) kv('Discoverable', p.discoverable ? 'yes' : 'no');
  if (p.bio) {
    out.push([], [seg('Bio', 'heading')]);
    out.push(...wrapText(sanitizeText(p.bio, { keepNewlines: true }), width));
  }
  if (p.fields.length > 0) {
    out.push([], [seg('Fields', 'heading')]);
    for (const f of p.fields) kv(clean(f.name), clean(f.value));
  }
  out.push([], [seg('In this archive', 'heading')]);
  const c = p.counts;
  kv('Posts', `${count(c.posts, 'post')}, ${count(c.boosts, 'boost')}, ${count(c.media, 'media file', 'media files')}`);
  if (p.firstPost) kv('From', `${dayDate(p.firstPost, timeZone)} to ${dayDate(p.lastPost, timeZone)}`);
  kv('Likes', `${count(c.likes, 'post address', 'post addresses')} (the archive has no text for them)`);
  kv('Bookmarks', `${count(c.bookmarks, 'post address', 'post addresses')} (1 Posts, then ] lists both)`);
  kv('Avatar', p.avatarPath ? `${clean(p.avatarPath)} (in the archive)` : 'not in the archive', p.avatarPath ? 'text' : 'dim');
  kv('Header', p.headerPath ? `${clean(p.headerPath)} (in the archive)` : 'not in the archive', p.headerPath ? 'text' : 'dim');
  out.push([], [seg('CSV exports', 'heading')]);
  const loaded = LIST_TABS.filter((t) => c[t] > 0);
  if (loaded.length === 0) {
    out.push(...wrapText('None were loaded. Export them from your server (Preferences › Import and export) and name them after the archive: mastotui archive.zip following_accounts.csv lists.csv', width, 'dim'));
  } else {
    for (const t of LIST_TABS.filter((x) => x !== 'followers' || c.followers > 0)) kv(TAB_NAMES[t], c[t] > 0 ? `${c[t].toLocaleString('en-US')} rows` : 'not loaded', c[t] > 0 ? 'text' : 'dim');
    out.push([seg('] and [ browse them', 'dim')]);
  }
  return out;
}

function wrapKv(key: string, value: string, width: number, style: 'text' | 'bold' | 'link' | 'dim'): Line[] {
  const keyWidth = Math.min(15, Math.floor(width / 3));
  const lines = wrapText(value, Math.max(8, width - keyWidth), style);
  return lines.map((l, i) => [seg(i === 0 ? key.padEnd(keyWidth).slice(0, keyWidth) : ' '.repeat(keyWidth), 'dim'), ...l]);
}

function CsvList(p: {
  list: Exclude<ProfileTab, 'profile'>;
  app: AppServices;
  width: number;
  height: number;
  active: boolean;
  title: Line;
  commands: RunnableCommand[];
}) {
  const { list, app, width, height, active, title } = p;
  const [pos, setPos] = useState<ListPosition>({ selected: 0, top: 0 });
  const data = usePaged(`${app.archiveId}\0${list}`, () => listCount(app.conn, app.archiveId, list), (o, l) => listPage(app.conn, app.archiveId, list, o, l));
  useStatusInfo(data.count === null ? '…' : `${data.count === 0 ? 0 : pos.selected + 1}/${data.count} ${TAB_NAMES[list].toLowerCase()}`, active);
  const columns = ADDRESS_LISTS[list].columns;
  return (
    <PagedList
      scope="profile"
      data={data}
      renderRow={(row) => (row ? [seg('  '), seg(clean(row[0]).padEnd(columns.length > 1 ? 28 : 0)), seg(row.slice(1).filter(Boolean).map(clean).join(' · '), 'dim')] : [seg('  …', 'dim')])}
      pos={pos}
      setPos={setPos}
      width={width}
      height={height}
      active={active}
      title={title}
      commands={p.commands}
      empty={`no ${TAB_NAMES[list].toLowerCase()}: that CSV export was not loaded`}
    />
  );
}

export function ProfileView({ width, height, active, app }: ViewProps) {
  const [info, setInfo] = useState<ProfileInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tab, setTab] = useState<ProfileTab>('profile');
  useEffect(() => {
    let live = true;
    profileInfo(app.conn, app.archiveId).then(
      (p) => live && setInfo(p),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [app.conn, app.archiveId]);
  const tabs: ProfileTab[] = ['profile', ...LIST_TABS.filter((t) => t !== 'followers' || (info?.counts.followers ?? 0) > 0)];
  const switchTab = (d: number) => setTab((t) => tabs[(tabs.indexOf(t) + d + tabs.length) % tabs.length]!);
  const commands: RunnableCommand[] = [
    { id: 'profile.next', keys: [']', 'right', 'l'], description: 'lists: following, lists, blocks, mutes, domain blocks (next)', scope: 'profile', hint: true, run: () => switchTab(1) },
    { id: 'profile.prev', keys: ['[', 'left', 'h'], description: 'lists: previous', scope: 'profile', run: () => switchTab(-1) },
  ];
  const title: Line = tabs.flatMap((t) => [t === tab ? seg(`[${TAB_NAMES[t]}]`, 'heading') : seg(TAB_NAMES[t], 'dim'), seg(' ')]);
  useStatusInfo(tab === 'profile' ? (info?.acct ? `@${clean(info.acct)}` : '') : '', active && tab === 'profile');
  if (tab !== 'profile') {
    return (
      <Box width={width} height={height}>
        <CsvList key={tab} list={tab} app={app} width={width} height={height} active={active} title={title} commands={commands} />
      </Box>
    );
  }
  const lines = error ? [[seg(`Could not read the profile: ${error}`, 'error')]] : info ? profileLines(info, width, app.timeZone) : [[seg('reading…', 'dim')]];
  return <DocPane scope="profile" title="Profile" header={title} lines={lines} width={width} height={height} active={active} commands={commands} />;
}
