/**
 * Runs the outbox producer (src/ingest/outbox-batches.ts) in the load worker (src/ingest/outbox-worker.ts) when it
 * pays, else in this thread, and hands every batch to `onBatch` here, in item order. The worker is used for an
 * outbox.json of WORKER_MIN_BYTES or more when the compiled worker file exists (it does not when the sources run under
 * a TypeScript test runner); both ways give the same rows in the same order (test/db/pipeline.test.ts runs the worker
 * from the build).
 *
 * With the worker, this thread reads the archive stream and sends outbox.json's bytes over in blocks of
 * BLOCK_BYTES, transferred (no copy across threads), at most BLOCKS_AHEAD blocks ahead of the worker.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Archive, ArchiveEntry } from '../archive/index.js';
import { buildMediaIndex, entryKind, matchMediaUrl } from '../archive/index.js';
import { UserError } from '../errors.js';
import { DEFAULT_BATCH_ITEMS, type OutboxBatch, type OutboxSummary, produceOutbox } from '../ingest/outbox-batches.js';
import { type ToWorker, WORKER_MARK, type WorkerInput, type WorkerMessage } from '../ingest/outbox-protocol.js';
import type { AccountRow } from '../ingest/rows.js';
import { SplitError } from '../ingest/splitter.js';

/**
 * Batches posted by the worker and not yet written. The worker keeps parsing while this thread waits for a commit:
 * on the 100k archive the outbox took 3.6 s with 8 batches in flight, 3.35 s with 32, 3.25 s with 64 (about 20 MB
 * of rows waiting at most); 32 it is.
 */
export const MAX_BATCHES_IN_FLIGHT = 32;
/** Bytes per block sent to the worker: the archive stream's chunks copied into one transferable. */
export const BLOCK_BYTES = 256 * 1024;
/**
 * Blocks sent and not yet split by the worker. The worker splits a block in about 2 ms, and this thread may be
 * appending for longer: with 4 the worker waited for bytes before nearly every block (src/archive/streams.ts
 * READ_AHEAD_BYTES has the figures). At most 4 MB.
 */
export const BLOCKS_AHEAD = 16;
/**
 * Smaller outboxes are parsed in this thread: starting the worker costs more than it saves there (1k posts, 2.4 MB:
 * 60-80 ms slower with the worker; 10k posts, 24 MB: the same either way).
 */
export const WORKER_MIN_BYTES = 16 * 1024 * 1024;

export interface PipelineOptions {
  /** true: always the worker (fails if it cannot run); false: never; undefined: when it can. */
  worker?: boolean;
  batchItems?: number;
  maxInFlight?: number;
}

const WORKER_URL = new URL('../ingest/outbox-worker.js', import.meta.url);

/**
 * The worker's young generation (where JSON.parse's objects and the rows built from them live until the batch is
 * posted). A worker's default is 48 MB; nearly everything there dies within one batch, so a smaller one costs few
 * extra collections. Its old generation keeps the default (4 GB here): a 300 MB item still parses. On the 100k cold load, in-process, alternated, six runs each (peak RSS / load time,
 * medians): V8's own 397 MB / 3.53 s, 16 MB 379 MB / 3.49 s, 12 MB 370 MB / 3.70 s, 8 MB 373 MB / 3.69 s.
 */
const WORKER_YOUNG_GENERATION_MB = 16;

/** Whether this build has the compiled worker (the sources under a test runner do not). */
export function workerAvailable(): boolean {
  return WORKER_URL.protocol === 'file:' && existsSync(fileURLToPath(WORKER_URL));
}

/**
 * Takes a batch. May return a promise (a commit, say): no other batch is handed over until it settles, and the
 * producer is held back meanwhile.
 */
export type BatchHandler = (batch: OutboxBatch) => void | Promise<void>;

/** Hands batches to the handler one at a time, in order, waiting for the handler's promise when it returns one. */
class BatchQueue {
  private readonly queue: OutboxBatch[] = [];
  private running = false;
  private idle: Promise<void> = Promise.resolve();
  private markIdle: () => void = () => undefined;
  failure: { error: unknown } | undefined;

  constructor(
    private readonly handle: BatchHandler,
    /** After each batch is handled. */
    private readonly handled: () => void,
    private readonly failed: (error: unknown) => void,
  ) {}

  /** Batches waiting for the handler. */
  get waiting(): number {
    return this.queue.length;
  }

  push(batch: OutboxBatch): void {
    this.queue.push(batch);
    if (!this.running) void this.pump();
  }

  /** Resolves when every batch pushed so far has been handled (or handling failed). */
  drained(): Promise<void> {
    return this.running ? this.idle : Promise.resolve();
  }

  private async pump(): Promise<void> {
    this.running = true;
    this.idle = new Promise<void>((resolve) => {
      this.markIdle = resolve;
    });
    try {
      while (this.queue.length > 0 && this.failure === undefined) {
        const pending = this.handle(this.queue.shift()!);
        if (pending !== undefined) await pending;
        this.handled();
        // Let the archive stream and the worker's messages in between batches: a run of batches written back to
        // back (after a commit, say) would keep the worker waiting for bytes.
        if (this.queue.length > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } catch (error) {
      this.failure ??= { error };
      this.failed(error);
    } finally {
      this.running = false;
      this.markIdle();
    }
  }
}

/** The outbox load, prepared before the account is known so that the worker can start meanwhile. */
export interface OutboxPipeline {
  readonly worker: boolean;
  run(account: AccountRow, onBatch: BatchHandler): Promise<OutboxSummary & { worker: boolean }>;
  /** Stops the worker when run() will not be called (an error before it). */
  dispose(): void;
}

/**
 * Chooses where the outbox is parsed and, for the worker, starts it now: loading its modules takes about 130 ms,
 * which then overlaps reading actor.json and the archive's file list.
 */
export function prepareOutboxPipeline(archive: Archive, entry: ArchiveEntry, options: PipelineOptions = {}): OutboxPipeline {
  const useWorker = options.worker ?? (entry.bytes >= WORKER_MIN_BYTES && workerAvailable());
  const batchItems = options.batchItems ?? DEFAULT_BATCH_ITEMS;
  const media = () => archive.entries.filter((e) => entryKind(e.name) === 'media').map((e) => ({ name: e.name, bytes: e.bytes }));
  if (!useWorker) {
    return {
      worker: false,
      dispose: () => undefined,
      async run(account, onBatch) {
        const mediaIndex = buildMediaIndex(media());
        const ctx = {
          actorId: account.actor_id,
          followersUri: account.followers_uri,
          localDomain: account.domain,
          resolveMedia: (url: string) => matchMediaUrl(mediaIndex, url),
        };
        const stream = await archive.openStream(entry);
        const queue = new BatchQueue(onBatch, () => undefined, () => undefined);
        const summary = await produceOutbox(stream, ctx, {
          batchItems,
          onBatch: (batch) => queue.push(batch),
          waitForRoom: () => (queue.waiting > 0 ? queue.drained() : undefined),
        });
        await queue.drained();
        if (queue.failure !== undefined) throw queue.failure.error;
        return { ...summary, worker: false };
      },
    };
  }
  const input: WorkerInput = {
    mark: WORKER_MARK,
    batchItems,
    maxInFlight: options.maxInFlight ?? MAX_BATCHES_IN_FLIGHT,
    trace: Boolean(process.env.MASTOTUI_TRACE_LOAD),
  };
  const worker = new Worker(WORKER_URL, {
    workerData: input,
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
  });
  // Until run() listens, an error or exit of the worker is kept for it (an 'error' nobody listens to would throw).
  let early: { error: unknown } | undefined;
  const keep = (error: unknown) => {
    early ??= { error };
  };
  worker.on('error', keep);
  worker.on('exit', (code) => keep(new Error(`the load worker stopped unexpectedly (exit code ${code})`)));
  return {
    worker: true,
    dispose: () => void worker.terminate(),
    async run(account, onBatch) {
      if (early !== undefined) throw early.error;
      worker.postMessage({
        type: 'start',
        context: { actorId: account.actor_id, followersUri: account.followers_uri, localDomain: account.domain, media: media() },
      } satisfies ToWorker);
      let stream: AsyncIterable<Uint8Array>;
      try {
        stream = await archive.openStream(entry);
      } catch (error) {
        void worker.terminate();
        throw error;
      }
      return { ...(await inWorker(worker, stream, onBatch, () => early)), worker: true };
    },
  };
}

/** Prepares and runs at once (tests, and callers with the account already at hand). */
export async function runOutboxPipeline(
  archive: Archive,
  entry: ArchiveEntry,
  account: AccountRow,
  onBatch: BatchHandler,
  options: PipelineOptions = {},
): Promise<OutboxSummary & { worker: boolean }> {
  return prepareOutboxPipeline(archive, entry, options).run(account, onBatch);
}

function rebuild(e: Extract<WorkerMessage, { type: 'error' }>['error']): Error {
  if (e.kind === 'split') return new SplitError(e.message, e.byteOffset);
  if (e.kind === 'user') return new UserError(e.message, e.exitCode);
  const error = new Error(e.message);
  if (e.stack !== undefined) error.stack = e.stack;
  return error;
}

async function inWorker(
  worker: Worker,
  stream: AsyncIterable<Uint8Array>,
  onBatch: BatchHandler,
  earlyFailure: () => { error: unknown } | undefined,
): Promise<OutboxSummary> {
  const send = (message: ToWorker, transfer?: ArrayBuffer[]) => worker.postMessage(message, transfer);
  let failure: { error: unknown } | undefined;
  let summary: OutboxSummary | undefined;
  let ahead = 0;
  /**
   * Blocks the worker has split and handed back, filled again: a new 256 KiB block for each of the 100k outbox's 929
   * blocks was 243 MB more of ArrayBuffer memory to allocate and free (src/ingest/outbox-batches.ts PIECE_CHARS has
   * the figures of both changes).
   */
  const spare: Uint8Array[] = [];
  let wake: (() => void) | undefined;
  const wakeUp = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const settled = new Promise<void>((resolve) => {
    let done = false;
    const fail = (error: unknown) => {
      if (done) return;
      done = true;
      failure ??= { error };
      wakeUp();
      resolve();
    };
    const queue = new BatchQueue(onBatch, () => send({ type: 'ack' }), fail);
    worker.on('message', (message: WorkerMessage) => {
      if (done || summary !== undefined) return;
      switch (message.type) {
        case 'batch':
          queue.push(message.batch);
          return;
        case 'taken':
          ahead--;
          if (message.block.byteLength === BLOCK_BYTES) spare.push(message.block);
          wakeUp();
          return;
        case 'done': {
          const result = message.summary;
          // Batches may still wait behind a handler's promise: the pipeline ends when they are written.
          void queue.drained().then(() => {
            if (done) return;
            done = true;
            summary = result;
            wakeUp();
            resolve();
          });
          return;
        }
        case 'error':
          fail(rebuild(message.error));
          return;
      }
    });
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the load worker stopped unexpectedly (exit code ${code})`)));
    // It may have failed before these listeners were there.
    const early = earlyFailure();
    if (early !== undefined) fail(early.error);
  });

  try {
    let block: Uint8Array = new Uint8Array(BLOCK_BYTES);
    let fill = 0;
    const flush = async () => {
      if (fill === 0) return;
      const data = fill === block.length ? block : block.slice(0, fill);
      send({ type: 'bytes', data }, [data.buffer as ArrayBuffer]);
      ahead++;
      block = spare.pop() ?? new Uint8Array(BLOCK_BYTES);
      fill = 0;
      while (ahead >= BLOCKS_AHEAD && failure === undefined && summary === undefined) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    };
    for await (const chunk of stream) {
      if (failure !== undefined) break;
      let from = 0;
      while (from < chunk.length) {
        const n = Math.min(chunk.length - from, block.length - fill);
        block.set(chunk.subarray(from, from + n), fill);
        fill += n;
        from += n;
        if (fill === block.length) await flush();
      }
    }
    if (failure === undefined) {
      await flush();
      send({ type: 'end' });
    }
  } catch (error) {
    failure ??= { error };
  }
  if (failure === undefined) await settled;
  void worker.terminate();
  if (failure !== undefined) throw failure.error;
  return summary!;
}
