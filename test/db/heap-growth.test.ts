/** The load's slower heap growth (src/db/heap-growth.ts) is set for the load only, and restored whatever happens. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { openArchiveDatabase } from '../../src/db/cache.js';
import { LOAD_HEAP_GROWING_PERCENT, withLoadHeapGrowth } from '../../src/db/heap-growth.js';
import { CORPUS, tempDir } from '../helpers/archives.js';

const flags = vi.hoisted(() => [] as string[]);
vi.mock('node:v8', async (original) => {
  const v8 = await original<typeof import('node:v8')>();
  return { ...v8, setFlagsFromString: (flag: string) => flags.push(flag) };
});

const SLOW = `--heap-growing-percent=${LOAD_HEAP_GROWING_PERCENT}`;
const DEFAULT = '--heap-growing-percent=0';

beforeEach(() => {
  flags.length = 0;
});

describe('withLoadHeapGrowth', () => {
  it('sets the growing factor for the run and restores V8\'s own after it', async () => {
    const during = await withLoadHeapGrowth(async () => [...flags]);
    expect(during).toEqual([SLOW]);
    expect(flags).toEqual([SLOW, DEFAULT]);
  });

  it('restores it when the run fails', async () => {
    await expect(withLoadHeapGrowth(async () => Promise.reject(new Error('damaged')))).rejects.toThrow('damaged');
    expect(flags).toEqual([SLOW, DEFAULT]);
  });

  it('sets it once for overlapping runs and restores it when the last one ends', async () => {
    let endFirst!: () => void;
    const first = withLoadHeapGrowth(() => new Promise<void>((resolve) => (endFirst = resolve)));
    await withLoadHeapGrowth(async () => undefined);
    expect(flags).toEqual([SLOW]);
    endFirst();
    await first;
    expect(flags).toEqual([SLOW, DEFAULT]);
  });
});

describe('a load', () => {
  it('runs with the slower growth and restores it', async () => {
    const opened = await openArchiveDatabase(join(CORPUS, 'mamot-fr-4.2'), { cache: false });
    await opened.close();
    expect(flags).toEqual([SLOW, DEFAULT]);
  });

  it('restores it when the outbox is damaged', async () => {
    const dir = join(await tempDir(), 'archive');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'outbox.json'), '{"orderedItems":[{"id":"x"},');
    await expect(openArchiveDatabase(dir, { cache: false })).rejects.toThrow('outbox.json');
    expect(flags).toEqual([SLOW, DEFAULT]);
  });
});
