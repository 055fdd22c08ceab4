/**
 * The load worker: takes the bytes of outbox.json from the main thread, splits, parses and normalises them
 * (outbox-batches.ts), and posts the rows back a batch at a time; the main thread appends them to DuckDB
 * (src/db/outbox-pipeline.ts starts this worker and feeds it).
 *
 * Why a thread: on the 100k-post archive, reading the archive and appending to DuckDB take about 2 s of CPU on the
 * main thread, and splitting, parsing and normalising about 2.5 s more; in one thread they add up, in two they
 * overlap (docs/PERFORMANCE.md). The main thread keeps the archive stream (one code path for every container, and the
 * stream's callbacks are work the main thread has time for) and hands over the bytes in blocks, transferred.
 *
 * Flow control both ways: the main thread sends a few blocks ahead and waits for 'taken' before sending more; the
 * worker posts at most `maxInFlight` batches not yet acknowledged, and stops splitting until one is
 * (outbox-batches.ts explains the bound on what waits in memory).
 */
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { buildMediaIndex, matchMediaUrl } from '../archive/media.js';
import { UserError } from '../errors.js';
import { batchTransferList, produceOutbox } from './outbox-batches.js';
import {
  WORKER_MARK, type ToWorker, type WorkerContext, type WorkerError, type WorkerInput, type WorkerMessage,
} from './outbox-protocol.js';
import { SplitError } from './splitter.js';

/** CPU time of this thread (Linux), for MASTOTUI_TRACE_LOAD; undefined elsewhere. */
function threadCpuMs(): number | undefined {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

function describe(error: unknown): WorkerError {
  if (error instanceof SplitError) return { kind: 'split', message: error.message, byteOffset: error.byteOffset };
  if (error instanceof UserError) return { kind: 'user', message: error.message, exitCode: error.exitCode };
  if (error instanceof Error) return { kind: 'other', message: error.message, stack: error.stack };
  return { kind: 'other', message: String(error) };
}

async function run(port: NonNullable<typeof parentPort>, input: WorkerInput): Promise<void> {
  const post = (message: WorkerMessage, transfer?: ArrayBuffer[]) => port.postMessage(message, transfer);
  let credits = input.maxInFlight;
  let wakeProducer: (() => void) | undefined;
  const blocks: Uint8Array[] = [];
  let ended = false;
  let wakeReader: (() => void) | undefined;
  let started: (context: WorkerContext) => void = () => undefined;
  const context = new Promise<WorkerContext>((resolve) => {
    started = resolve;
  });

  port.on('message', (message: ToWorker) => {
    if (message.type === 'start') {
      started(message.context);
      return;
    }
    if (message.type === 'ack') {
      credits++;
      const w = wakeProducer;
      wakeProducer = undefined;
      w?.();
      return;
    }
    if (message.type === 'bytes') blocks.push(message.data);
    else ended = true;
    const w = wakeReader;
    wakeReader = undefined;
    w?.();
  });

  async function* bytes(): AsyncGenerator<Uint8Array> {
    for (;;) {
      const block = blocks.shift();
      if (block !== undefined) {
        yield block;
        post({ type: 'taken', block }, [block.buffer as ArrayBuffer]);
        continue;
      }
      if (ended) return;
      await new Promise<void>((resolve) => {
        wakeReader = resolve;
      });
    }
  }

  const { actorId, followersUri, localDomain, media } = await context;
  const mediaIndex = buildMediaIndex(media);
  const ctx = { actorId, followersUri, localDomain, resolveMedia: (url: string) => matchMediaUrl(mediaIndex, url) };
  const summary = await produceOutbox(bytes(), ctx, {
    batchItems: input.batchItems,
    onBatch(batch) {
      credits--;
      post({ type: 'batch', batch }, batchTransferList(batch));
    },
    waitForRoom() {
      if (credits > 0) return undefined;
      return new Promise<void>((resolve) => {
        wakeProducer = resolve;
      });
    },
  });
  if (input.trace) summary.threadCpuMs = threadCpuMs();
  post({ type: 'done', summary });
}

const input = workerData as WorkerInput | undefined;
if (parentPort !== null && input?.mark === WORKER_MARK) {
  const port = parentPort;
  run(port, input).catch((error: unknown) => {
    port.postMessage({ type: 'error', error: describe(error) } satisfies WorkerMessage);
  });
}
