/** The app stops and awaits its running queries before the database is closed. */
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { QueryTracker } from '../../src/ui/query-tracker.js';

describe('QueryTracker', () => {
  it('interrupts a long query on any connection and waits for it to end', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const tracker = new QueryTracker();
    const tracked = tracker.track(instance);
    const conn = await tracked.connect();
    expect((await conn.runAndReadAll('SELECT 42')).getRows()[0]![0]).toBe(42);
    const slow = conn.runAndReadAll('SELECT count(*) FROM range(100000000000) a');
    const outcome = slow.then(
      () => 'finished',
      (e: Error) => e.message,
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(tracker.running).toBe(1);
    const started = Date.now();
    await tracker.stop(5000);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(tracker.running).toBe(0);
    expect(await outcome).toMatch(/interrupt/i);
    conn.closeSync();
    instance.closeSync();
  });

  it('follows prepared statements and results, and gives up at the deadline', async () => {
    const tracker = new QueryTracker();
    class DuckDBConnectionFake {
      interrupted = false;
      interrupt() {
        this.interrupted = true;
      }
      prepare() {
        return Promise.resolve(new DuckDBPreparedStatementFake());
      }
    }
    class DuckDBPreparedStatementFake {
      run() {
        return new Promise(() => undefined); // never settles
      }
    }
    const raw = new DuckDBConnectionFake();
    const conn = tracker.track(raw);
    const prepared = await conn.prepare();
    void prepared.run();
    await new Promise((r) => setImmediate(r));
    expect(tracker.running).toBe(1); // the prepare has settled, the run has not
    const started = Date.now();
    await tracker.stop(100);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(raw.interrupted).toBe(true);
  });
});
