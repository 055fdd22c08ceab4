/** The command line as scripts use it: --sql and its formats, the summary, --db, flags and exit codes. */
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { CORPUS, tempDir, zipFolder } from '../helpers/archives.js';
import { expectCleanError, runCli } from '../helpers/cli.js';
import { oracleFacts } from '../helpers/facts.js';

const SAMPLE = join(CORPUS, 'mamot-fr-4.2');
let zip: string;
let cacheHome: string;

beforeAll(async () => {
  const dir = await tempDir();
  zip = await zipFolder(SAMPLE, join(dir, 'archive.zip'));
  cacheHome = join(dir, 'cache');
});

const env = () => ({ XDG_CACHE_HOME: cacheHome });

describe('mastotui --sql', () => {
  it('prints [{"n": posts}] with --format json, the oracle\'s number', () => {
    const run = runCli([zip, '--sql', 'select count(*) as n from posts', '--format', 'json'], env());
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([{ n: oracleFacts(SAMPLE).posts }]);
  });

  it('prints identifiers as strings and times as ISO 8601 UTC in json', () => {
    const run = runCli([zip, '--sql', 'select id, created_at from posts order by created_at limit 1', '-f', 'json', '--tz', 'Asia/Tokyo'], env());
    const [row] = JSON.parse(run.stdout) as { id: unknown; created_at: unknown }[];
    expect(typeof row!.id).toBe('string');
    expect(row!.created_at).toBe(oracleFacts(SAMPLE).first_post);
  });

  it('prints csv with a header row', () => {
    const run = runCli([zip, '--sql', "select visibility, count(*) as n from posts group by 1 order by 1", '-f', 'csv'], env());
    const facts = oracleFacts(SAMPLE);
    const expected = ['visibility,n', ...Object.entries(facts.visibility).sort().map(([k, v]) => `${k},${v}`)].join('\n') + '\n';
    expect(run.stdout).toBe(expected);
  });

  it('prints a table and markdown with the rows, times in the chosen zone', () => {
    const table = runCli([zip, '--sql', "select min(created_at) as first from posts", '--tz', 'UTC'], env());
    expect(table.stdout).toContain('2018-04-14 13:33:25 +00:00');
    expect(table.stdout).toMatch(/1 row\n$/);
    const md = runCli([zip, '--sql', "select 'a|b' as x, null::varchar as y", '-f', 'markdown'], env());
    expect(md.stdout).toBe('| x | y |\n| --- | --- |\n| a\\|b | NULL |\n');
  });

  it('reports bad SQL in one line with its position and exit code 1', () => {
    const run = runCli([zip, '--sql', 'select * from postz'], env());
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^mastotui: SQL: Catalog Error: Table with name postz does not exist!.*\n$/);
    expectCleanError(run);
  });

  it('cannot write files or reach the network from a query', () => {
    const dir = cacheHome.replace(/cache$/, '');
    const run = runCli([zip, '--sql', `copy (select 1) to '${dir}/leak.csv'`], env());
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/disabled|Permission/i);
    const attach = runCli([zip, '--sql', `attach '${dir}/other.duckdb'`], env());
    expect(attach.code).toBe(1);
  });
});

describe('mastotui without a terminal', () => {
  it('prints a summary: account, counts per table, date range', () => {
    const run = runCli([zip, '--tz', 'UTC'], env());
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('@stephane_klein@mamot.fr');
    expect(run.stdout).toContain('posts 395 (from 2018-04-14 to 2024-10-07), boosts 219');
    expect(run.stdout).toMatch(/likes\s+400/);
  });

  it('writes the database with --db for other tools', async () => {
    const out = join(cacheHome, '..', 'out.duckdb');
    const run = runCli([zip, '--db', out], env());
    expect(run.code).toBe(0);
    const db = await DuckDBInstance.create(out, { access_mode: 'READ_ONLY' });
    const conn = await db.connect();
    const rows = (await conn.runAndReadAll('select count(*) from posts')).getRows();
    expect(Number(rows[0]![0])).toBe(395);
    conn.closeSync();
    db.closeSync();
  });
});

describe('a database that cannot be written', () => {
  it('--db into a folder that does not exist says which file and why, and exits 1', () => {
    const out = join(cacheHome, '..', 'no-such-folder', 'out.duckdb');
    const run = runCli([zip, '--db', out], env());
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${out}: cannot write the database (No such file or directory)`);
    expect(run.stderr).not.toContain('unexpected error');
  });
});

describe('flags and usage errors', () => {
  it('--help lists every flag with an example', () => {
    const run = runCli(['--help']);
    expect(run.code).toBe(0);
    for (const flag of ['--sql', '--format', '--db', '--tz', '--no-cache', '--rebuild', '--version']) expect(run.stdout).toContain(flag);
    expect(run.stdout).toContain('$ mastotui archive.zip --sql');
  });

  it('--version prints the version', () => {
    expect(runCli(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('exits 2 with usage when no archive is given', () => {
    const run = runCli([]);
    expect(run.code).toBe(2);
    expect(run.stdout + run.stderr).toContain('Usage');
  });

  it.each([
    [['--format', 'xml'], /--format: expected one of table, csv, json, markdown/],
    [['--tz', 'Mars/Olympus'], /--tz: unknown time zone "Mars\/Olympus"/],
    [['--bogus'], /Unknown flag/],
    [['--sql', ' '], /--sql: the query is empty/],
  ])('exits 2 for %s', (args, message) => {
    const run = runCli([zip, ...args], env());
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expectCleanError(run);
  });
});

describe('consistency', () => {
  it('the CLI accepts every output format the formatter knows', async () => {
    const { OUTPUT_FORMATS } = await import('../../src/db/format.js');
    for (const format of OUTPUT_FORMATS) {
      const run = runCli([zip, '--sql', 'select 1 as one', '--format', format], env());
      expect(run.code, `${format}: ${run.stderr}`).toBe(0);
      expect(run.stdout).toContain('1');
    }
  });
});

describe('mastotui --stats', () => {
  it('prints the dashboard as text with the oracle\'s first post and months', () => {
    const run = runCli([zip, '--stats', '--tz', 'UTC'], env());
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Stats · all time · times in UTC');
    expect(run.stdout).toContain('2018-04-14 13:33');
    for (const line of run.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('prints JSON with --format json, limited to --period', () => {
    const run = runCli([zip, '--stats', '--period', '2023', '--format', 'json', '--tz', 'UTC'], env());
    expect(run.code).toBe(0);
    const stats = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(JSON.stringify(stats)).toContain('2023');
    expect(JSON.stringify(stats)).not.toContain('"2022-12"');
  });

  it.each([
    [['--stats', '--period', 'last week'], /--period: /],
    [['--period', '2024'], /--period: only used with --stats/],
    [['--stats', '--sql', 'select 1'], /--stats and --sql: choose one/],
  ])('exits 2 for %s', (args, message) => {
    const run = runCli([zip, ...args], env());
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expectCleanError(run);
  });
});
