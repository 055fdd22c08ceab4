/**
 * The memory settings of src/db/memory-settings.ts: DuckDB's allocator settings only take effect when they are in the
 * environment before the native library is loaded, so every module takes DuckDB from src/db/duckdb.ts, and the built
 * CLI starts DuckDB's jemalloc with them; V8's heap growth is set when the module is first imported.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { CORPUS, REPO, tempDir, zipFolder } from '../helpers/archives.js';
import { runCli } from '../helpers/cli.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

describe('DuckDB imports', () => {
  it('no module of src/ but src/db/duckdb.ts imports @duckdb/node-api', () => {
    const direct = sourceFiles(join(REPO, 'src'))
      .filter((file) => /from\s+'@duckdb\/node-api'|import\(\s*'@duckdb\/node-api'/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(REPO, file));
    expect(direct).toEqual(['src/db/duckdb.ts']);
  });
});

// jemalloc is DuckDB's allocator on Linux x86-64 only (the machines CI runs on); elsewhere there is nothing to read.
describe.runIf(process.platform === 'linux' && process.arch === 'x64')('DuckDB allocator in the built CLI', () => {
  let zip: string;
  let cacheHome: string;
  beforeAll(async () => {
    const dir = await tempDir();
    zip = await zipFolder(join(CORPUS, 'mamot-fr-4.2'), join(dir, 'archive.zip'));
    cacheHome = join(dir, 'cache');
  });

  // stats_print makes jemalloc print its options on exit; a user's own setting is kept after mastotui's.
  const options = (conf: string) => {
    const run = runCli([zip, '--sql', 'select count(*) from posts'], {
      XDG_CACHE_HOME: cacheHome,
      DUCKDB_JE_MALLOC_CONF: conf,
    });
    expect(run.code).toBe(0);
    return Object.fromEntries([...run.stderr.matchAll(/^\s+opt\.(\w+): (\S+)/gm)].map((m) => [m[1], m[2]]));
  };

  it('starts jemalloc with one arena and freed pages given back within 100 ms', () => {
    const opt = options('stats_print:true,stats_print_opts:mdablxe');
    expect(opt).toMatchObject({ narenas: '1', dirty_decay_ms: '100', muzzy_decay_ms: '0' });
  });

  it("lets the user's own DUCKDB_JE_MALLOC_CONF override a setting", () => {
    const opt = options('stats_print:true,stats_print_opts:mdablxe,narenas:3');
    expect(opt).toMatchObject({ narenas: '3', dirty_decay_ms: '100', muzzy_decay_ms: '0' });
  });
});

describe('V8 heap growth', () => {
  it('is set to 1.5x when the database layer is first imported', async () => {
    const flags: string[] = [];
    vi.resetModules();
    vi.doMock('node:v8', async (original) => ({
      ...(await original<typeof import('node:v8')>()),
      setFlagsFromString: (flag: string) => flags.push(flag),
    }));
    try {
      await import('../../src/db/duckdb.js');
      expect(flags).toEqual(['--heap-growing-percent=50']);
    } finally {
      vi.doUnmock('node:v8');
      vi.resetModules();
    }
  });
});
