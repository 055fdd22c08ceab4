// Bundles the compiled program (dist/, from tsc) into dist/app/: the CLI and everything it imports, in a few files
// instead of several hundred modules. Measured on the 100k archive's reopen: importing the app's modules (ink, react,
// the views) took 430-440 ms as separate files and 190 ms bundled, most of it module resolution, file reads and
// CommonJS export parsing. Dynamic imports stay separate chunks (`--sql` does not load the app).
//
// DuckDB's JavaScript API (@duckdb/node-api, 60 CommonJS files) is bundled too; only its native part
// (@duckdb/node-bindings, which requires the .node binary) stays outside. Imported from ESM as a package, the API
// took 108-141 ms: Node parses every file it re-exports to find the export names. Required, it takes 64-70 ms, and
// bundled, its share of the bundle's load. Measured alternately through the CLI, five runs each: reopening the 100k
// archive to the first frame 444-510 ms (median 482) before, 384-510 ms (median 413) after; `--sql` on the cache
// 282-320 ms before, 213-227 ms after.
//
// The load worker is started from dist/ingest/ by its path (dist/app/ is one folder deep, like the module that starts
// it, so the relative URL is the same): it is bundled in place, into dist/ingest/outbox-worker.js itself, so that
// the app and the modules of dist/ start the same file. Its start (a new thread importing it) took 52-73 ms with
// tsc's separate modules and 27-39 ms bundled; during a load the outbox waits for it.
import { cpSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

/** What both bundles share: ESM for Node 20. */
const node = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Bundled CommonJS modules call require() for Node's own modules.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: 'warning',
};

rmSync('dist/app', { recursive: true, force: true });
await build({
  ...node,
  entryPoints: ['dist/cli.js'],
  outdir: 'dist/app',
  splitting: true,
  // React's production build: no development checks on every render.
  define: { 'process.env.NODE_ENV': '"production"' },
  // Ink imports its devtools only when DEV=true, and says so if the package is missing.
  external: ['@duckdb/node-bindings', 'react-devtools-core'],
});
await build({ ...node, entryPoints: ['dist/ingest/outbox-worker.js'], outfile: 'dist/ingest/outbox-worker.js', allowOverwrite: true });
rmSync('dist/ingest/outbox-worker.js.map', { force: true }); // tsc's map, of the file before bundling
cpSync('src/db/schema.sql', 'dist/app/schema.sql');
