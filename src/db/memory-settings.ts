/**
 * Process-wide memory settings that keep a load's peak down, made when the database layer is first imported: before
 * DuckDB's native library is loaded (src/db/duckdb.ts imports this module first, and every module of mastotui takes
 * DuckDB from there) and before the app has allocated much.
 *
 * DuckDB's allocator. DuckDB's Linux x86-64 build allocates through its own copy of jemalloc, which reads
 * DUCKDB_JE_MALLOC_CONF once, when the library is loaded (set afterwards, it is ignored). Its defaults keep freed
 * pages resident: two arenas, each with its own dirty pages kept for a second, then "muzzy" pages (given back with
 * MADV_FREE, still counted in the resident set until the kernel needs them). A load frees as fast as it allocates (row
 * groups compressed and written at every commit), so the retained pages were most of the spread in peak memory: the
 * same 100k cold load peaked anywhere from 402 to 533 MB. On that load (in-process), alternated, five runs each:
 *
 *   DUCKDB_JE_MALLOC_CONF                          peak RSS: median (range)   load time (median)
 *   DuckDB's defaults                              477 MB (421-504)           3.40 s
 *   muzzy_decay_ms:0                               489 MB (413-496)           3.38 s
 *   dirty_decay_ms:100,muzzy_decay_ms:0            428 MB (407-441)           3.42 s
 *   narenas:1                                      412 MB (408-421)           3.36 s
 *   narenas:1,dirty_decay_ms:100,muzzy_decay_ms:0  394 MB (386-400)           3.46 s (3.37 s in another series)
 *   narenas:1,dirty_decay_ms:0,muzzy_decay_ms:0    383 MB (381-391)           3.63 s (every free given back at once)
 *
 * At 1M posts: 773-796 MB with the defaults, 689-724 MB with the chosen setting. One arena serves DuckDB's two
 * threads well (each has its own cache of small blocks). A setting the user already has in DUCKDB_JE_MALLOC_CONF
 * comes after these, so it wins. Elsewhere (macOS, Linux on ARM: the system allocator) the variable is not read.
 *
 * V8's heap growth. A load makes garbage at a steady rate on both of its threads (every batch of rows built in the
 * worker, copied to the main thread, appended, dropped), and V8 lets an old generation grow up to four times what
 * survived its last full collection before the next one: during a 1M-post load the main thread's heap grew from 75 to
 * 197 MB while what it kept alive stayed at 74-84 MB (seen by collecting at every commit). A growing factor of 1.5
 * instead, on the in-process load, alternated (1M: two runs each; 100k: median of five):
 *
 *   growing factor     1M posts                     100k posts
 *   V8's own (to 4x)   637-707 MB, 38.4-40.0 s      397 MB, 3.44 s
 *   2.0                612-618 MB, 38.6-39.2 s      404 MB, 3.47 s
 *   1.5                551-577 MB, 39.2-40.1 s      389 MB, 3.52 s
 *   1.2                551-574 MB, 44.0-44.1 s      (more collections than they save)
 *
 * It is set for the whole process, not around the load: a limit V8 has already set stands until its next full
 * collection, and in the app the preview's read of the outbox came first and left a high one (the 1M cold open in
 * the CLI peaked at 789 MB with the factor set only around the load, 610 MB with it set from the start).
 */
import { setFlagsFromString } from 'node:v8';

const DUCKDB_ALLOCATOR_CONF = 'narenas:1,dirty_decay_ms:100,muzzy_decay_ms:0';
const HEAP_GROWING_PERCENT = 50;

const own = process.env.DUCKDB_JE_MALLOC_CONF;
if (!own?.startsWith(DUCKDB_ALLOCATOR_CONF)) {
  process.env.DUCKDB_JE_MALLOC_CONF = own ? `${DUCKDB_ALLOCATOR_CONF},${own}` : DUCKDB_ALLOCATOR_CONF;
}
setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
