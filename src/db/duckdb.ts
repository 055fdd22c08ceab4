/**
 * DuckDB's API, as every module of mastotui imports it: memory-settings.ts runs first (modules are evaluated in the
 * order they are imported), so its allocator settings are in the environment when the native library is loaded.
 * test/db/memory-settings.test.ts keeps other modules from importing the package directly.
 */
import './memory-settings.js';

export * from '@duckdb/node-api';
