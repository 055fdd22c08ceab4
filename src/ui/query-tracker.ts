/**
 * Knowing which database work is still running when the app ends, so it can be stopped and waited for before the
 * database is closed (closing a DuckDB connection under a running query can hang or crash the process).
 *
 * track(x) wraps a DuckDB object (instance, connection, prepared statement, result...) in a proxy: every method
 * that returns a promise is recorded until it settles, and DuckDB objects it resolves to are wrapped the same way,
 * so a query started from a prepared statement or a streamed result is seen too. Connections met on the way are
 * remembered, so that all of them can be interrupted.
 */

const DUCKDB_OBJECT = /^DuckDB(Instance|Connection|PreparedStatement|ExtractedStatements|PendingResult|Result|ResultReader|MaterializedResult|Appender)/;

export class QueryTracker {
  private pending = new Set<Promise<unknown>>();
  private connections = new Set<{ interrupt(): void }>();
  private proxies = new WeakMap<object, object>();

  get running(): number {
    return this.pending.size;
  }

  track<T extends object>(target: T): T {
    const known = this.proxies.get(target);
    if (known) return known as T;
    const name = (target as { constructor?: { name?: string } }).constructor?.name ?? '';
    if (name.startsWith('DuckDBConnection') && typeof (target as { interrupt?: unknown }).interrupt === 'function') {
      this.connections.add(target as unknown as { interrupt(): void });
    }
    const proxy = new Proxy(target, {
      get: (obj, prop) => {
        const value = Reflect.get(obj, prop, obj) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const result = (value as (...a: unknown[]) => unknown).apply(obj, args);
          if (result instanceof Promise) return this.follow(result);
          return this.wrap(result);
        };
      },
    });
    this.proxies.set(target, proxy);
    return proxy;
  }

  /** Interrupts every connection seen, then waits (at most `timeoutMs`) for the work in flight to settle. */
  async stop(timeoutMs = 1500): Promise<void> {
    for (const c of this.connections) {
      try {
        c.interrupt();
      } catch {
        // already closed, or nothing to interrupt
      }
    }
    if (this.pending.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    // New work can start while waiting (a handler of a failed query): wait until none is left, or the deadline.
    let done = false;
    void deadline.then(() => {
      done = true;
    });
    while (this.pending.size > 0 && !done) await Promise.race([Promise.allSettled([...this.pending]), deadline]);
    clearTimeout(timer);
  }

  private wrap(value: unknown): unknown {
    if (value === null || typeof value !== 'object') return value;
    const name = (value as { constructor?: { name?: string } }).constructor?.name ?? '';
    return DUCKDB_OBJECT.test(name) ? this.track(value) : value;
  }

  private follow(promise: Promise<unknown>): Promise<unknown> {
    const followed = promise.then((v) => this.wrap(v));
    const settled = followed.then(
      () => undefined,
      () => undefined,
    );
    this.pending.add(settled);
    void settled.then(() => this.pending.delete(settled));
    return followed;
  }
}
