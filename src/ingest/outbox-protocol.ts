/** Messages between the loader (src/db/outbox-pipeline.ts) and the load worker (src/ingest/outbox-worker.ts). */
import type { ArchiveEntry } from '../archive/index.js';
import type { OutboxBatch, OutboxSummary } from './outbox-batches.js';

/** Marks the worker's input, so that importing the worker module anywhere else does nothing. */
export const WORKER_MARK = 'mastotui-outbox-worker-1';

/** What the worker is started with (workerData). */
export interface WorkerInput {
  mark: typeof WORKER_MARK;
  batchItems: number;
  /** Batches the worker may post before the main thread acknowledges one. */
  maxInFlight: number;
  /** Report the worker's CPU time in the summary (MASTOTUI_TRACE_LOAD). */
  trace: boolean;
}

/**
 * What the normaliser needs to know about the account and the archive: sent once, first, so that the worker can be
 * started (and load its modules) while the main thread is still reading actor.json.
 */
export interface WorkerContext {
  actorId: string | null;
  followersUri: string | null;
  localDomain: string | null;
  /** The archive's media entries, for matching attachment URLs. */
  media: Pick<ArchiveEntry, 'name' | 'bytes'>[];
}

/** Main thread -> worker. */
export type ToWorker =
  | { type: 'start'; context: WorkerContext }
  /** The next bytes of outbox.json (transferred, not copied). */
  | { type: 'bytes'; data: Uint8Array }
  /** No more bytes. */
  | { type: 'end' }
  /** One batch has been written. */
  | { type: 'ack' };

export type WorkerError =
  | { kind: 'split'; message: string; byteOffset: number }
  | { kind: 'user'; message: string; exitCode: 1 | 2 }
  | { kind: 'other'; message: string; stack?: string };

/** Worker -> main thread. */
export type WorkerMessage =
  | { type: 'batch'; batch: OutboxBatch }
  /**
   * One message of bytes has been split: the main thread may send another. Its block comes back (transferred) to
   * be filled again, instead of a new one for every block.
   */
  | { type: 'taken'; block: Uint8Array }
  | { type: 'done'; summary: OutboxSummary }
  | { type: 'error'; error: WorkerError };
