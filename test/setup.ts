/** Runs in every test file: temporary folders made through test/helpers/archives.ts are removed at its end. */
import { afterAll } from 'vitest';
import { removeTempDirs } from './helpers/archives.js';

afterAll(async () => {
  await removeTempDirs();
});
