/**
 * Mastodon's (and GoToSocial's) CSV exports -> rows (archive-format.md §8). Pure: takes the file name and text.
 * A file is recognised by its name first and its header second; files with and without a header row both load.
 */
import { parse } from 'csv-parse/sync';
import type { LoadIssue } from './rows.js';

export type CsvTable = 'following' | 'followers' | 'lists' | 'blocks' | 'mutes' | 'domain_blocks' | 'bookmarks';

export interface CsvRows {
  table: CsvTable;
  rows: Record<string, unknown>[];
  issues: LoadIssue[];
}

const BY_NAME: Record<string, CsvTable> = {
  following_accounts: 'following',
  following: 'following',
  follows: 'following',
  followers: 'followers',
  lists: 'lists',
  blocked_accounts: 'blocks',
  blocks: 'blocks',
  muted_accounts: 'mutes',
  mutes: 'mutes',
  blocked_domains: 'domain_blocks',
  domain_blocks: 'domain_blocks',
  bookmarks: 'bookmarks',
};

/** The table a CSV export belongs to, from its file name (`following_accounts.csv`, `lists (1).csv`, ...). */
export function csvTableForName(fileName: string): CsvTable | undefined {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const m = /^([a-z_]+?)(?:[ _-]*\(\d+\)|[ _-]\d+)?\.csv$/i.exec(base);
  return m ? BY_NAME[m[1]!.toLowerCase()] : undefined;
}

const HEADER_FIRST_CELLS = new Set(['account address', '#domain', '#uri', 'domain', 'uri']);

function acct(value: string): string {
  return value.trim().replace(/^@/, '');
}

function boolCell(value: string | undefined): boolean | null {
  if (value === undefined) return null;
  const v = value.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  return null;
}

/** Columns of each export (Mastodon 4.0+); a row with more has columns this version does not know. */
const MAX_COLUMNS: Partial<Record<CsvTable, number>> = { following: 4, mutes: 2, lists: 2 };

/** What no account address, domain or list title holds: C0 controls other than tab, DEL, U+FFFD (bytes that were not UTF-8). */
// eslint-disable-next-line no-control-regex
const BINARY = /[\u0000-\u0008\u000b-\u001f\u007f\ufffd]/;

/** Tables whose first column is an account address ('@' alone is then empty too). */
const ACCOUNT_TABLES = new Set<CsvTable>(['following', 'followers', 'blocks', 'mutes']);

interface CsvRecord {
  record: string[];
  info: { lines: number };
}

export function parseCsvExport(fileName: string, text: string, table: CsvTable): CsvRows {
  const issues: LoadIssue[] = [];
  let records: CsvRecord[];
  try {
    // A record the parser cannot read (a stray quote) is reported and skipped; the records around it are kept.
    records = parse(text.replace(/^\uFEFF/, ''), {
      relax_column_count: true,
      skip_empty_lines: true,
      trim: false,
      info: true,
      skip_records_with_error: true,
      on_skip: (error: { message?: string; lines?: number } | undefined) => {
        const message = (error?.message ?? 'unreadable record').replace(/\s+/g, ' ');
        issues.push({ source: fileName, position: `line ${error?.lines ?? '?'}`, problem: `not readable as CSV: ${message}; skipped` });
      },
    }) as unknown as CsvRecord[];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { table, rows: [], issues: [{ source: fileName, position: 'file', problem: `not readable as CSV: ${message}` }] };
  }
  let start = 0;
  if (records[0] && HEADER_FIRST_CELLS.has((records[0].record[0] ?? '').trim().toLowerCase())) start = 1;
  const rows: Record<string, unknown>[] = [];
  for (let i = start; i < records.length; i++) {
    const r = records[i]!.record;
    const line = `line ${records[i]!.info.lines}`;
    const first = (r[0] ?? '').trim();
    if (first === '' || (ACCOUNT_TABLES.has(table) && acct(first) === '')) {
      issues.push({ source: fileName, position: line, problem: 'empty first column; skipped' });
      continue;
    }
    if (BINARY.test(first)) {
      issues.push({ source: fileName, position: line, problem: 'holds control characters or bytes that are not UTF-8 text; skipped' });
      continue;
    }
    switch (table) {
      case 'following':
        rows.push({
          acct: acct(first),
          show_boosts: boolCell(r[1]),
          notify: boolCell(r[2]),
          languages: (r[3] ?? '').split(',').map((l) => l.trim()).filter(Boolean),
        });
        break;
      case 'mutes':
        rows.push({ acct: acct(first), hide_notifications: boolCell(r[1]) });
        break;
      case 'lists':
        if (r.length < 2 || acct(r[1] ?? '') === '') {
          issues.push({ source: fileName, position: line, problem: 'expected "list title,account"; skipped' });
          continue;
        }
        rows.push({ list_name: first, acct: acct(r[1]!) });
        break;
      case 'domain_blocks':
        rows.push({ domain: first.toLowerCase() });
        break;
      case 'bookmarks':
        rows.push({ uri: first });
        break;
      default:
        rows.push({ acct: acct(first) });
    }
    const max = MAX_COLUMNS[table] ?? 1;
    if (r.length > max) {
      const expected = max === 1 ? 'one column' : `at most ${max} columns`;
      issues.push({ source: fileName, position: line, problem: `expected ${expected}, found ${r.length}; extra columns ignored` });
    }
  }
  return { table, rows, issues };
}

/** The table of a CSV export: by file name, else by its header row; undefined when neither tells. */
export function detectCsvTable(fileName: string, text: string): CsvTable | undefined {
  const byName = csvTableForName(fileName);
  if (byName) return byName;
  const header = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0]!.trim().toLowerCase();
  if (header.startsWith('account address,show boosts')) return 'following';
  if (header.startsWith('account address,hide notifications')) return 'mutes';
  if (header === 'account address') return 'followers';
  return undefined;
}
