/**
 * A slower-growing JavaScript heap while an archive loads. The load makes garbage at a steady rate on both of its
 * threads (every batch of rows is built in the worker, copied to the main thread, appended, dropped), and V8 lets an
 * old generation with little live data grow up to four times that data before it collects it: over a 1M-post load
 * the main thread's heap grew from 75 to 197 MB, though what it kept alive stayed at 74-84 MB (seen by collecting at
 * every commit). V8 reads its growing factor whenever it sets the next limit, so it can be changed while running.
 *
 * Measured on the in-process cold load, alternated (peak RSS, load time):
 *
 *   growing factor      1M posts (two runs each)           100k posts (median of five)
 *   V8's own (to 4x)    637-707 MB, 38.4-40.0 s            397 MB, 3.44 s
 *   2.0                 612-618 MB, 38.6-39.2 s            404 MB, 3.47 s
 *   1.5                 551-577 MB, 39.2-40.1 s            389 MB, 3.52 s
 *   1.2                 551-574 MB, 44.0-44.1 s            (more collections than it saves)
 *
 * Nested loads (tests, a preview beside the load) share one setting; the last to finish restores V8's own.
 */
import { setFlagsFromString } from 'node:v8';

export const LOAD_HEAP_GROWING_PERCENT = 50;

let running = 0;

export async function withLoadHeapGrowth<T>(run: () => Promise<T>): Promise<T> {
  if (running++ === 0) setFlagsFromString(`--heap-growing-percent=${LOAD_HEAP_GROWING_PERCENT}`);
  try {
    return await run();
  } finally {
    // 0 is V8's default: the factor chosen from the collector's speed and the heap's size.
    if (--running === 0) setFlagsFromString('--heap-growing-percent=0');
  }
}
