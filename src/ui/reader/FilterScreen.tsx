/** The filter form: type, visibility, language and a range of months; shows how many rows the draft keeps. */
import { useEffect, useState } from 'react';
import { sanitizeText } from '../../content/index.js';
import { filterChoices } from '../../db/reader-detail-queries.js';
import { countTimeline, NO_FILTER, TIMELINE_TYPES, VISIBILITIES, type TimelineFilter, type TimelineQuery } from '../../db/reader-queries.js';
import type { RunnableCommand } from '../commands.js';
import { DocPane } from '../components/panes.js';
import { seg, type Line } from '../text.js';
import type { AppServices } from '../types.js';

export const TYPE_LABELS: Record<TimelineFilter['type'], string> = {
  all: 'everything',
  posts: 'posts (no replies)',
  replies: 'replies',
  boosts: 'boosts',
  media: 'with media',
  polls: 'polls',
  dms: 'DMs',
};

export const VISIBILITY_LABELS: Record<string, string> = {
  public: 'public',
  unlisted: 'unlisted',
  private: 'followers only',
  direct: 'direct',
};

/** One line that says what a filter keeps, '' for no filter. */
export function describeFilter(f: TimelineFilter): string {
  const parts: string[] = [];
  if (f.type !== 'all') parts.push(TYPE_LABELS[f.type]);
  if (f.visibility) parts.push(VISIBILITY_LABELS[f.visibility] ?? f.visibility);
  if (f.language !== null) parts.push(f.language === '' ? 'no language' : `lang ${sanitizeText(f.language)}`);
  if (f.from || f.to) parts.push(`${f.from ?? '…'}–${f.to ?? '…'}`);
  return parts.join(', ');
}

interface Field {
  name: string;
  values: (string | null)[];
  label: (v: string | null) => string;
  get: (f: TimelineFilter) => string | null;
  set: (f: TimelineFilter, v: string | null) => TimelineFilter;
}

export function FilterScreen(p: {
  app: AppServices;
  query: TimelineQuery;
  width: number;
  height: number;
  active: boolean;
  onApply: (f: TimelineFilter) => void;
  onBack: () => void;
}) {
  const { app } = p;
  const [draft, setDraft] = useState<TimelineFilter>(p.query.filter);
  const [row, setRow] = useState(0);
  const [choices, setChoices] = useState<{ languages: { language: string; count: number }[]; months: string[] }>({ languages: [], months: [] });
  const [matching, setMatching] = useState<number | null>(null);
  useEffect(() => {
    let live = true;
    filterChoices(app.conn, app.archiveId).then((c) => live && setChoices(c), () => undefined);
    return () => {
      live = false;
    };
  }, [app.conn, app.archiveId]);
  useEffect(() => {
    let live = true;
    setMatching(null);
    countTimeline(app.conn, { ...p.query, filter: draft }).then((n) => live && setMatching(n), () => undefined);
    return () => {
      live = false;
    };
  }, [app.conn, JSON.stringify(draft), JSON.stringify(p.query)]); // eslint-disable-line react-hooks/exhaustive-deps

  const fields: Field[] = [
    { name: 'Type', values: [...TIMELINE_TYPES], label: (v) => TYPE_LABELS[v as TimelineFilter['type']], get: (f) => f.type, set: (f, v) => ({ ...f, type: (v ?? 'all') as TimelineFilter['type'] }) },
    { name: 'Visibility', values: [null, ...VISIBILITIES], label: (v) => (v === null ? 'any' : VISIBILITY_LABELS[v]!), get: (f) => f.visibility, set: (f, v) => ({ ...f, visibility: v as TimelineFilter['visibility'] }) },
    {
      name: 'Language',
      values: [null, ...choices.languages.map((l) => l.language)],
      label: (v) => (v === null ? 'any' : v === '' ? 'none given' : sanitizeText(v)),
      get: (f) => f.language,
      set: (f, v) => ({ ...f, language: v }),
    },
    { name: 'From month', values: [null, ...choices.months], label: (v) => v ?? 'the first', get: (f) => f.from, set: (f, v) => ({ ...f, from: v }) },
    { name: 'To month', values: [null, ...choices.months], label: (v) => v ?? 'the last', get: (f) => f.to, set: (f, v) => ({ ...f, to: v }) },
  ];
  const change = (delta: number) => {
    const field = fields[row]!;
    const values = field.values;
    const at = Math.max(0, values.indexOf(field.get(draft)));
    const next = values[(at + delta + values.length) % values.length] ?? null;
    setDraft((d) => field.set(d, next));
  };
  const lines: Line[] = [
    [seg('j/k choose a line, h/l or ←/→ change it, Enter applies, x clears, Esc cancels', 'dim')],
    [],
    ...fields.map((f, i): Line => [
      seg(i === row ? '▸ ' : '  ', 'bold'),
      seg(f.name.padEnd(12), i === row ? 'bold' : 'text'),
      seg('‹ ', 'dim'),
      seg(f.label(f.get(draft)), f.get(draft) === null || f.get(draft) === 'all' ? 'dim' : 'key'),
      seg(' ›', 'dim'),
    ]),
    [],
    [seg(matching === null ? 'counting…' : `${matching.toLocaleString('en-US')} ${matching === 1 ? 'item matches' : 'items match'}`, 'bold')],
  ];
  const commands: RunnableCommand[] = [
    { id: 'filter.apply', keys: ['enter'], description: 'apply the filter', scope: 'filter', hint: true, run: () => p.onApply(draft) },
    { id: 'filter.next-line', keys: ['j', 'down', 'tab'], description: 'next line', scope: 'filter', run: () => setRow((r) => (r + 1) % fields.length) },
    { id: 'filter.prev-line', keys: ['k', 'up', 'shift+tab'], description: 'previous line', scope: 'filter', run: () => setRow((r) => (r + fields.length - 1) % fields.length) },
    { id: 'filter.next', keys: ['l', 'right', 'space'], description: 'next value', scope: 'filter', hint: true, run: () => change(1) },
    { id: 'filter.prev', keys: ['h', 'left'], description: 'previous value', scope: 'filter', run: () => change(-1) },
    { id: 'filter.clear', keys: ['x'], description: 'clear every filter', scope: 'filter', hint: true, run: () => setDraft(NO_FILTER) },
  ];
  return (
    <DocPane
      scope="filter"
      title="Filter"
      detail="what the list shows"
      lines={lines}
      width={p.width}
      height={p.height}
      active={p.active}
      onBack={p.onBack}
      backLabel="cancel"
      commands={commands}
    />
  );
}
