/**
 * DuckDB's API, as every module of mastotui imports it: the allocator settings of duckdb-allocator.ts are put in the
 * environment first (modules are evaluated in the order they are imported), so they are there when the native
 * library is loaded. test/db/duckdb-import.test.ts keeps other modules from importing the package directly.
 */
import './duckdb-allocator.js';

export * from '@duckdb/node-api';
