/**
 * Settings for the memory allocator inside DuckDB's native library, which must be in the environment before that
 * library is loaded: src/db/duckdb.ts imports this module first, and every module of mastotui takes DuckDB from there.
 *
 * DuckDB's Linux x86-64 build allocates through its own copy of jemalloc, which reads DUCKDB_JE_MALLOC_CONF once, when
 * the library is loaded (set afterwards, it is ignored). Its defaults keep freed pages resident: two arenas, each with
 * its own dirty pages kept for a second, then "muzzy" pages (given back with MADV_FREE, still counted in the resident
 * set until the kernel needs them). During a load DuckDB frees as fast as it allocates (row groups compressed and
 * written at every commit), so the retained pages were most of the spread in peak memory: the same 100k cold load
 * peaked anywhere from 402 to 533 MB. Measured on that load, alternated, five runs each (peak RSS median and range,
 * load time median):
 *
 *   defaults                                       477 MB (421-504)   3.40 s
 *   muzzy_decay_ms:0                               489 MB (413-496)   3.38 s
 *   dirty_decay_ms:100,muzzy_decay_ms:0            428 MB (407-441)   3.42 s
 *   narenas:1                                      412 MB (408-421)   3.36 s
 *   narenas:1,dirty_decay_ms:100,muzzy_decay_ms:0  394 MB (386-400)   3.46 s (3.37 s in another series)
 *   narenas:1,dirty_decay_ms:0,muzzy_decay_ms:0    383 MB (381-391)   3.63 s (every free given back at once)
 *
 * One arena serves DuckDB's two threads well (each has its own cache of small blocks). A setting the user already
 * has in DUCKDB_JE_MALLOC_CONF comes after these, so it wins. Elsewhere (macOS, Linux on ARM, where DuckDB uses the
 * system allocator) the variable is not read.
 */
export const DUCKDB_ALLOCATOR_CONF = 'narenas:1,dirty_decay_ms:100,muzzy_decay_ms:0';

const own = process.env.DUCKDB_JE_MALLOC_CONF;
process.env.DUCKDB_JE_MALLOC_CONF = own ? `${DUCKDB_ALLOCATOR_CONF},${own}` : DUCKDB_ALLOCATOR_CONF;
