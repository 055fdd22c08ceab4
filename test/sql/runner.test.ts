/** The shared runner's additions for the pane: error positions, refusing statements by type. */
import { DuckDBInstance, type DuckDBConnection, StatementType } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { SqlError, describeSqlError, runQuery, sqlErrorDetails } from '../../src/db/runner.js';

let instance: DuckDBInstance;
let conn: DuckDBConnection;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
  await conn.run('CREATE TABLE posts (id VARCHAR, text VARCHAR)');
});
afterAll(() => {
  conn.closeSync();
  instance.closeSync();
});

async function failure(sql: string): Promise<SqlError> {
  try {
    await runQuery(conn, sql);
  } catch (error) {
    if (error instanceof SqlError) return error;
    throw error;
  }
  throw new Error('the query ran');
}

/** The text at an error's position. */
function pointed(sql: string, e: SqlError): string {
  return sql.split('\n')[e.details.line! - 1]!.slice(e.details.column! - 1);
}

describe('error positions', () => {
  it.each([
    ['select nope from posts', 'nope from posts'],
    ['select id,\n  nope from posts', 'nope from posts'],
    ['selec 1', 'selec 1'],
    ['select * from postz', 'postz'],
    ["select 'ü', 'ü ✓', 'émoji 🎉', 1 from from", 'from'],
    ["select 'ü🎉' as a,\n  'é' as b\nfrom posts where nope = 1", 'nope = 1'],
    ["SELECT * FROM (VALUES ('ü ✓', 'émoji 🎉')\n) AS t(n, label, at)", 'at)'],
  ])('%j points at the failing token', async (sql, expected) => {
    const e = await failure(sql);
    expect(e).toBeInstanceOf(UserError);
    expect(pointed(sql, e)).toBe(expected);
    expect(e.message).toMatch(/^SQL: .* \(line \d+, column \d+\)$/);
  });

  it('puts "end of input" at the end; keeps DuckDB hints apart', async () => {
    const e = await failure('select 1 +\n  ');
    expect(e.details).toMatchObject({ line: 1, column: 11, message: 'Parser Error: syntax error at end of input' });
    const hint = await failure('select * from postz');
    expect(hint.details.hint).toBe('Did you mean "posts"?');
    expect(hint.message).not.toContain('Did you mean');
  });

  it('describeSqlError stays one line', () => {
    const error = new Error('Binder Error: Referenced column "x" not found\n\nLINE 1: select x\n               ^');
    expect(describeSqlError(error, 'select x')).toBe('Binder Error: Referenced column "x" not found (line 1, column 8)');
    expect(sqlErrorDetails(new Error('INTERRUPT Error: Interrupted!'), 'x').interrupted).toBe(true);
  });
});

describe('checkStatement', () => {
  it('refuses a statement before it runs, by its type', async () => {
    const seen: StatementType[] = [];
    const check = (type: StatementType) => {
      seen.push(type);
      return type === StatementType.SELECT ? undefined : 'only SELECT here';
    };
    await expect(runQuery(conn, "INSERT INTO posts VALUES ('1', 'x')", { checkStatement: check })).rejects.toThrow('SQL: only SELECT here');
    expect((await runQuery(conn, 'select count(*) from posts')).rows).toEqual([[0]]);
    expect((await runQuery(conn, 'select 1; select 2', { checkStatement: check })).rows).toEqual([[2]]);
    expect(seen).toEqual([StatementType.INSERT, StatementType.SELECT, StatementType.SELECT]);
  });
});
