/**
 * The --sql mode and the SQL pane share one runner and one formatter: the CLI imports them from src/db, and the
 * pane's engine, grid and copy go through the very same functions (spied on here).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.mock('../../src/db/runner.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/db/runner.js')>();
  return { ...real, runQuery: vi.fn(real.runQuery) };
});
vi.mock('../../src/db/format.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/db/format.js')>();
  return { ...real, formatResult: vi.fn(real.formatResult), displayCell: vi.fn(real.displayCell) };
});

const runner = await import('../../src/db/runner.js');
const format = await import('../../src/db/format.js');
const { SqlShell } = await import('../../src/db/sql/shell.js');
const { columnWidths } = await import('../../src/sql/grid.js');
const { rowCopyText } = await import('../../src/sql/copy.js');
const { openSample } = await import('./helpers.js');

let sample: Awaited<ReturnType<typeof openSample>>;
beforeAll(async () => {
  sample = await openSample();
});
afterAll(async () => {
  await sample.close();
});

describe('one runner, one formatter', () => {
  it('the CLI takes runQuery and formatResult from src/db, and no other copy of them exists', () => {
    const cli = readFileSync(new URL('../../src/cli.ts', import.meta.url), 'utf8');
    expect(cli).toContain("'./db/runner.js'");
    expect(cli).toContain("'./db/format.js'");
    expect(cli).toMatch(/runQuery\(conn, flags\.sql/);
    expect(cli).toMatch(/formatResult\(result, /);
    const sources = readdirSync(new URL('../../src', import.meta.url), { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.tsx?$/.test(f))
      .map((f) => [f, readFileSync(new URL(`../../src/${f}`, import.meta.url), 'utf8')] as const);
    const defining = (name: string) => sources.filter(([, text]) => new RegExp(`function ${name}\\b`).test(text)).map(([f]) => f);
    expect(defining('runQuery')).toEqual(['db/runner.ts']);
    expect(defining('formatResult')).toEqual(['db/format.ts']);
    expect(defining('displayCell')).toEqual(['db/format.ts']);
  });

  it('the pane runs its queries through runQuery and shows them through displayCell and formatResult', async () => {
    const shell = new SqlShell(sample.conn, { timeZone: 'UTC', catalog: () => undefined });
    const outcome = await shell.execute('select id, created_at from posts order by id limit 2');
    expect(vi.mocked(runner.runQuery)).toHaveBeenCalledWith(sample.conn, 'select id, created_at from posts order by id limit 2', expect.anything());
    if (outcome.kind !== 'result') throw new Error('no result');
    const cli = await runner.runQuery(sample.conn, 'select id, created_at from posts order by id limit 2');
    expect(outcome.result.rows).toEqual(cli.rows);
    expect(outcome.result.columns).toEqual(cli.columns);
    vi.mocked(format.displayCell).mockClear();
    columnWidths(outcome.result, 'UTC');
    expect(vi.mocked(format.displayCell)).toHaveBeenCalled();
    rowCopyText(outcome.result, 0, 'csv', 'UTC');
    expect(vi.mocked(format.formatResult)).toHaveBeenCalledWith(expect.anything(), 'csv', 'UTC');
  });
});
