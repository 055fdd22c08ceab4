/**
 * Tab completion for the SQL pane, from the catalog: given the text and the cursor, what may come at the cursor.
 * After FROM/JOIN: tables. After `name.`: that table's (or alias's) columns. Elsewhere: the columns of the tables the
 * query names (all columns while it names none yet), then functions, then keywords. Dot commands, their modes and
 * tables too. Pure.
 */
import { insideLiteral, tokenize, type Token } from './lexer.js';

export interface CompletionCatalog {
  tables: readonly { name: string; columns: readonly { name: string }[] }[];
  functions: readonly string[];
  keywords: readonly string[];
}

export type CandidateKind = 'column' | 'table' | 'function' | 'keyword' | 'command' | 'mode';

export interface Candidate {
  text: string;
  kind: CandidateKind;
}

export interface Completion {
  /** The text from `start` to `end` is replaced by the chosen candidate. */
  start: number;
  end: number;
  prefix: string;
  candidates: Candidate[];
}

export const DOT_COMMANDS = ['.tables', '.schema', '.mode', '.export', '.help'] as const;
const MODES = ['table', 'csv', 'json', 'markdown'];

/** Keywords after which a table name comes. */
const TABLE_CONTEXT = new Set(['from', 'join', 'into', 'update', 'table', 'describe', 'summarize', 'show']);
/** Keywords that end a FROM list (so a ',' after them is not between tables). */
const CLAUSES = new Set(['select', 'where', 'group', 'order', 'having', 'limit', 'on', 'using', 'qualify', 'window', 'union', 'except', 'intersect', 'set', 'values', 'returning']);

const SIMPLE_IDENT = /^[a-z_][a-z0-9_]*$/;

/** An identifier as it must be written: quoted when it is not plain lower-case. */
export function sqlIdentifier(name: string): string {
  return SIMPLE_IDENT.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** Longest common prefix, case-insensitively (keeps the first string's letters). */
export function commonPrefix(words: readonly string[]): string {
  if (words.length === 0) return '';
  let prefix = words[0]!;
  for (const w of words.slice(1)) {
    let i = 0;
    while (i < prefix.length && i < w.length && prefix[i]!.toLowerCase() === w[i]!.toLowerCase()) i++;
    prefix = prefix.slice(0, i);
  }
  return prefix;
}

interface TableRef {
  name: string;
  alias?: string;
}

/** The tables a query names after FROM and JOIN (with their aliases), and the names of its CTEs. */
export function tableReferences(tokens: readonly Token[]): TableRef[] {
  const refs: TableRef[] = [];
  const isIdent = (t?: Token) => t !== undefined && (t.kind === 'word' || t.kind === 'quoted');
  const lower = (t?: Token) => (t?.kind === 'word' ? t.text.toLowerCase() : '');
  for (let i = 0; i < tokens.length; i++) {
    const word = lower(tokens[i]);
    if (word !== 'from' && word !== 'join') continue;
    let j = i + 1;
    for (;;) {
      const table = tokens[j];
      if (!isIdent(table) || CLAUSES.has(lower(table))) break;
      let name = table!.text;
      j++;
      // schema.table: keep the last part
      while (tokens[j]?.text === '.' && isIdent(tokens[j + 1])) {
        name = tokens[j + 1]!.text;
        j += 2;
      }
      if (tokens[j]?.text === '(') break; // a table function
      let alias: string | undefined;
      if (lower(tokens[j]) === 'as' && isIdent(tokens[j + 1])) {
        alias = tokens[j + 1]!.text;
        j += 2;
      } else if (isIdent(tokens[j]) && !CLAUSES.has(lower(tokens[j])) && !isJoinWord(lower(tokens[j]))) {
        alias = tokens[j]!.text;
        j++;
      }
      refs.push({ name, alias });
      if (word === 'from' && tokens[j]?.text === ',') {
        j++;
        continue;
      }
      break;
    }
  }
  return refs;
}

function isJoinWord(word: string): boolean {
  return ['join', 'left', 'right', 'inner', 'outer', 'full', 'cross', 'natural', 'asof', 'positional', 'semi', 'anti', 'lateral'].includes(word);
}

function matches(prefix: string, candidate: string): boolean {
  return candidate.toLowerCase().startsWith(prefix.toLowerCase());
}

/** What completes at `cursor` in `text`. */
export function complete(text: string, cursor: number, catalog: CompletionCatalog): Completion {
  const before = text.slice(0, cursor);
  let start = cursor;
  while (start > 0 && /[A-Za-z0-9_$\u00C0-\uFFFF]/.test(text[start - 1]!)) start--;
  let end = cursor;
  while (end < text.length && /[A-Za-z0-9_$\u00C0-\uFFFF]/.test(text[end]!)) end++;
  const prefix = text.slice(start, cursor);
  const none: Completion = { start, end, prefix, candidates: [] };

  // Dot commands: the command itself, then a mode or a table.
  const dot = /^\s*(\.[a-z]*)(\s+)?/i.exec(before);
  if (dot) {
    if (!dot[2]) {
      const commandStart = before.indexOf('.');
      const typed = dot[1]!;
      return {
        start: commandStart,
        end: Math.max(end, cursor),
        prefix: typed,
        candidates: DOT_COMMANDS.filter((c) => c.startsWith(typed.toLowerCase())).map((c) => ({ text: c, kind: 'command' as const })),
      };
    }
    const command = dot[1]!.toLowerCase();
    if (command === '.mode') return { ...none, candidates: MODES.filter((m) => matches(prefix, m)).map((m) => ({ text: m, kind: 'mode' as const })) };
    if (command === '.schema') return { ...none, candidates: tablesMatching(catalog, prefix) };
    return none;
  }
  if (insideLiteral(text, cursor)) return none;

  const tokens = tokenize(text);
  const previous = [...tokenize(before.slice(0, start))];
  const last = previous[previous.length - 1];

  // name.prefix: the columns of that table or alias.
  if (last?.text === '.' && previous.length >= 2) {
    const qualifier = previous[previous.length - 2]!;
    const refs = tableReferences(tokens);
    const ref = refs.find((r) => (r.alias ?? '').toLowerCase() === qualifier.text.toLowerCase()) ??
      refs.find((r) => r.name.toLowerCase() === qualifier.text.toLowerCase()) ?? { name: qualifier.text };
    const table = catalog.tables.find((t) => t.name.toLowerCase() === ref.name.toLowerCase());
    const columns = (table?.columns ?? []).filter((c) => matches(prefix, c.name)).map((c) => ({ text: sqlIdentifier(c.name), kind: 'column' as const }));
    return { ...none, candidates: columns };
  }

  if (last && last.kind === 'word' && TABLE_CONTEXT.has(last.text.toLowerCase())) {
    return { ...none, candidates: tablesMatching(catalog, prefix) };
  }
  if (last?.text === ',' && inFromList(previous)) return { ...none, candidates: tablesMatching(catalog, prefix) };
  if (prefix === '') return none;

  const refs = tableReferences(tokens);
  const named = refs
    .map((r) => catalog.tables.find((t) => t.name.toLowerCase() === r.name.toLowerCase()))
    .filter((t) => t !== undefined);
  const columnSource = named.length > 0 ? named : catalog.tables;
  const seen = new Set<string>();
  const out: Candidate[] = [];
  const push = (text: string, kind: CandidateKind) => {
    const key = text.toLowerCase();
    if (seen.has(key) || !matches(prefix, text)) return;
    seen.add(key);
    out.push({ text, kind });
  };
  const columns = columnSource.flatMap((t) => t.columns.map((c) => c.name)).sort();
  for (const c of columns) push(sqlIdentifier(c), 'column');
  // Tables can also come where the grammar is unclear (a sub-query just being typed).
  for (const t of catalog.tables) if (named.length === 0) push(sqlIdentifier(t.name), 'table');
  for (const f of catalog.functions) push(f, 'function');
  const upper = /[A-Z]/.test(prefix) && prefix === prefix.toUpperCase();
  for (const k of catalog.keywords) push(upper ? k.toUpperCase() : k.toLowerCase(), 'keyword');
  return { ...none, candidates: out };
}

function tablesMatching(catalog: CompletionCatalog, prefix: string): Candidate[] {
  return catalog.tables.filter((t) => matches(prefix, t.name)).map((t) => ({ text: sqlIdentifier(t.name), kind: 'table' as const }));
}

/** True when the tokens end inside a FROM list (FROM a, b, ...). */
function inFromList(tokens: readonly Token[]): boolean {
  for (let i = tokens.length - 1; i >= 0; i--) {
    const t = tokens[i]!;
    if (t.text === '(' || t.text === ')') return false;
    if (t.kind !== 'word') continue;
    const w = t.text.toLowerCase();
    if (w === 'from') return true;
    if (CLAUSES.has(w) || w === 'join') return false;
  }
  return false;
}

/** The text after choosing `candidate` (a function gets its '('), and where the cursor goes. */
export function applyCompletion(text: string, completion: Completion, candidate: Candidate): { text: string; cursor: number } {
  const rest = text.slice(completion.end);
  let insert = candidate.text;
  if (candidate.kind === 'function' && !rest.startsWith('(')) insert += '(';
  else if ((candidate.kind === 'command' || candidate.kind === 'keyword') && rest === '') insert += ' ';
  return { text: text.slice(0, completion.start) + insert + rest, cursor: completion.start + insert.length };
}

/** Columns and tables come before functions and keywords: Tab settles on them first. */
function firstTier(candidates: readonly Candidate[]): Candidate[] {
  const names = candidates.filter((c) => c.kind === 'column' || c.kind === 'table');
  return names.length > 0 ? names : [...candidates];
}

/**
 * What Tab does: the one candidate (a single matching column or table wins over functions and keywords), else the
 * longest common prefix of them when it is longer than what was typed (undefined when neither adds anything: the
 * caller then shows the candidates and cycles).
 */
export function tabInsert(text: string, completion: Completion): { text: string; cursor: number } | undefined {
  const { prefix } = completion;
  const candidates = firstTier(completion.candidates);
  if (candidates.length === 1) return applyCompletion(text, completion, candidates[0]!);
  const common = commonPrefix(candidates.map((c) => c.text));
  if (common.length > prefix.length) {
    const rest = text.slice(completion.end);
    return { text: text.slice(0, completion.start) + common + rest, cursor: completion.start + common.length };
  }
  return undefined;
}
