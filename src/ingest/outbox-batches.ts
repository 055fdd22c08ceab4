/**
 * outbox.json bytes -> batches of normalised rows: split the orderedItems array, JSON.parse each item, normalise it,
 * and hand the rows over a batch at a time. Used in the same thread (src/db/outbox-pipeline.ts, when the worker
 * cannot run) and in the load worker (src/ingest/outbox-worker.ts, which posts each batch to the thread that appends
 * it to DuckDB).
 *
 * Memory is bounded whatever the size of the file: the splitter holds at most one item's text, and the consumer says
 * through `waitForRoom` when it has too many batches it has not yet written; the producer then stops reading input
 * until it has room again. So at most `maxInFlight` batches wait, each of `batchItems` items, plus the items of the
 * input chunk being split (a chunk is split completely before the producer can wait; test/ingest/outbox-batches.test.ts).
 */
import { isObject, isoTime, str } from './json-fields.js';
import { type OutboxContext, normaliseItem } from './outbox.js';
import type { LoadIssue } from './rows.js';
import { splitStream } from './split-stream.js';

/**
 * The cell types a batch carries. Times travel as milliseconds since the epoch (Date.parse of the archive's ISO
 * string; NaN when it does not parse), so the thread that appends does not parse them again.
 */
export type CellKind = 'text' | 'number' | 'bool' | 'time';
const K_TEXT = 0, K_NUMBER = 1, K_BOOL = 2, K_TIME = 3;

/**
 * The columns of each table a batch fills, in the table's column order (src/db/schema.sql without archive_id, which
 * the writer adds; the writer checks the order when it opens). Keys of the row objects of src/ingest/rows.ts.
 */
export const BATCH_COLUMNS = {
  posts: [
    ['id', 'text'], ['uri', 'text'], ['url', 'text'], ['position', 'number'], ['created_at', 'time'],
    ['edited_at', 'time'], ['visibility', 'text'], ['cw', 'text'], ['sensitive', 'bool'], ['language', 'text'],
    ['html', 'text'], ['text', 'text'], ['reply_to', 'text'], ['reply_to_self', 'bool'], ['thread_root', 'text'],
    ['conversation', 'text'], ['quote_of', 'text'], ['media_count', 'number'], ['is_poll', 'bool'],
    ['likes_count', 'number'], ['boosts_count', 'number'],
  ],
  boosts: [
    ['id', 'text'], ['uri', 'text'], ['position', 'number'], ['created_at', 'time'], ['post_uri', 'text'],
    ['post_host', 'text'], ['author_uri', 'text'], ['visibility', 'text'],
  ],
  media: [
    ['post_id', 'text'], ['position', 'number'], ['url', 'text'], ['archive_path', 'text'], ['media_type', 'text'],
    ['kind', 'text'], ['alt_text', 'text'], ['width', 'number'], ['height', 'number'], ['duration_seconds', 'number'],
    ['blurhash', 'text'], ['bytes', 'number'],
  ],
  hashtags: [['post_id', 'text'], ['tag', 'text'], ['display', 'text']],
  mentions: [['post_id', 'text'], ['acct', 'text'], ['href', 'text']],
  links: [['post_id', 'text'], ['url', 'text'], ['host', 'text']],
  emojis: [['post_id', 'text'], ['shortcode', 'text'], ['image_url', 'text']],
  poll_options: [
    ['post_id', 'text'], ['position', 'number'], ['title', 'text'], ['votes', 'number'], ['multiple', 'bool'],
    ['ends_at', 'time'], ['voters', 'number'],
  ],
  outbox_items: [['position', 'number'], ['type', 'text'], ['id', 'text'], ['byte_offset', 'number'], ['bytes', 'number']],
} as const satisfies Record<string, ReadonlyArray<readonly [string, CellKind]>>;

export type BatchTable = keyof typeof BATCH_COLUMNS;

/** The tables a batch fills, in the order the loader opens their writers. */
export const BATCH_TABLES = Object.keys(BATCH_COLUMNS) as BatchTable[];

/**
 * The rows of one table, packed so that handing them to another thread is a few copies of flat memory instead of a
 * structured clone of every row object (postMessage of the plain row objects took 1.1 s of the worker's 5 s on the
 * 100k archive, profiled). Cells are row by row, column by column. A number cell (also times and booleans) is one
 * entry of `numbers` (NaN for NULL, booleans 0 or 1). A text cell is one entry of `lengths`: -1 for NULL, L >= 0 for
 * a string of L characters in `text`, or -2 - L for one of L characters in `wide`. Strings with a character above
 * U+00FF go to `wide` so that `text`, which holds most of the characters (ids, addresses, most posts), stays one-byte
 * strings: one string with a single wide character is stored and copied at two bytes per character.
 *
 * `text` and `wide` are pieces of about PIECE_CHARS characters (a cell is never cut; a longer one is a piece of its
 * own), so that the receiving thread allocates each one in its young generation, where it dies once its batch is
 * written; one string per batch (about 600 KB for the posts) was allocated in the old generation's large-object space.
 */
export interface PackedRows {
  rows: number;
  text: string[];
  wide: string[];
  lengths: Int32Array;
  numbers: Float64Array;
}

/**
 * See PackedRows: 32k characters is 32 KB one-byte and 64 KB wide, under V8's large-object size (128 KB). With the
 * blocks handed back by the worker (src/db/outbox-pipeline.ts), on the 100k load in-process, six alternated runs: peak
 * 328-345 MB (median 335) against 336-352 MB (345), 3.13-3.26 s against 3.11-3.28 s. The main thread's full
 * collections stayed at 20-26 (what sets them off: docs/PERFORMANCE.md, What was tried). Pieces sent as bytes
 * (transferred, made strings when read) gave 27-29 and a slower load.
 */
export const PIECE_CHARS = 32 * 1024;

/** The rows of a run of consecutive items, table by table, in item order. */
export interface OutboxBatch {
  tables: Record<BatchTable, PackedRows>;
  issues: LoadIssue[];
  /** Items in this batch. */
  items: number;
  /** Input bytes consumed when the batch was handed over (for progress). */
  bytes: number;
}

/** Any character above U+00FF: such a string cannot be stored one byte per character. */
const WIDE = /[^\u0000-\u00ff]/;

/** Strings joined into pieces of about PIECE_CHARS characters, a string never cut. */
class PieceBuilder {
  private parts: string[] = [];
  private chars = 0;
  private pieces: string[] = [];

  add(s: string): void {
    this.parts.push(s);
    this.chars += s.length;
    if (this.chars >= PIECE_CHARS) this.cut();
  }

  finish(): string[] {
    if (this.chars > 0) this.cut();
    const pieces = this.pieces;
    this.pieces = [];
    return pieces;
  }

  private cut(): void {
    this.pieces.push(this.parts.join(''));
    this.parts = [];
    this.chars = 0;
  }
}

/** Builds the PackedRows of one table. */
export class RowPacker {
  private readonly texts = new PieceBuilder();
  private readonly wides = new PieceBuilder();
  private lengths: number[] = [];
  private numbers: number[] = [];
  private rows = 0;
  private readonly names: string[];
  private readonly kinds: number[];

  constructor(columns: ReadonlyArray<readonly [string, CellKind]>) {
    this.names = columns.map(([name]) => name);
    this.kinds = columns.map(([, kind]) => (kind === 'text' ? K_TEXT : kind === 'time' ? K_TIME : kind === 'bool' ? K_BOOL : K_NUMBER));
  }

  add(row: object): void {
    const values = row as Record<string, unknown>;
    const { names, kinds, lengths, numbers } = this;
    for (let c = 0; c < names.length; c++) {
      const v = values[names[c]!];
      const kind = kinds[c];
      if (kind === K_TEXT) {
        if (v === null || v === undefined) lengths.push(-1);
        else {
          const s = typeof v === 'string' ? v : String(v);
          if (s.length === 0) lengths.push(0);
          else if (WIDE.test(s)) {
            this.wides.add(s);
            lengths.push(-2 - s.length);
          } else {
            this.texts.add(s);
            lengths.push(s.length);
          }
        }
      } else if (v === null || v === undefined) numbers.push(NaN);
      else if (kind === K_TIME) numbers.push(typeof v === 'string' ? Date.parse(v) : NaN);
      else if (kind === K_BOOL) numbers.push(v ? 1 : 0);
      else numbers.push(Number(v));
    }
    this.rows++;
  }

  finish(): PackedRows {
    const packed: PackedRows = {
      rows: this.rows,
      text: this.texts.finish(),
      wide: this.wides.finish(),
      // The constructors, not Int32Array.from, which goes through the iterator protocol.
      lengths: new Int32Array(this.lengths),
      numbers: new Float64Array(this.numbers),
    };
    this.lengths = [];
    this.numbers = [];
    this.rows = 0;
    return packed;
  }
}

/** Reads the strings of one kind of piece back, in the order they were added. */
class PieceReader {
  private piece = -1;
  private current = '';
  private at = 0;

  constructor(private readonly pieces: string[]) {}

  next(length: number): string {
    if (length === 0) return '';
    // A piece ends at a string's end: a string that does not fit in what is left begins the next piece.
    if (this.at + length > this.current.length) {
      this.current = this.pieces[++this.piece] ?? '';
      this.at = 0;
    }
    const start = this.at;
    this.at = start + length;
    return this.current.slice(start, this.at);
  }
}

/** Reads PackedRows back, cell by cell, in the order they were added. */
export class RowReader {
  private readonly texts: PieceReader;
  private readonly wides: PieceReader;
  private lengthAt = 0;
  private numberAt = 0;

  constructor(readonly packed: PackedRows) {
    this.texts = new PieceReader(packed.text);
    this.wides = new PieceReader(packed.wide);
  }

  text(): string | null {
    const length = this.packed.lengths[this.lengthAt++]!;
    if (length >= 0) return this.texts.next(length);
    if (length === -1) return null;
    return this.wides.next(-2 - length);
  }

  /** A number cell; NaN for NULL. */
  number(): number {
    return this.packed.numbers[this.numberAt++]!;
  }
}

/** The buffers of a batch, to transfer rather than copy when it is posted to another thread. */
export function batchTransferList(batch: OutboxBatch): ArrayBuffer[] {
  const list: ArrayBuffer[] = [];
  for (const t of BATCH_TABLES) {
    const p = batch.tables[t];
    list.push(p.lengths.buffer as ArrayBuffer, p.numbers.buffer as ArrayBuffer);
  }
  return list;
}

export interface OutboxSummary {
  /** Items seen in all occurrences of orderedItems. */
  positions: number;
  /** Position of the first item of the last occurrence (JSON's last-wins rule: only it counts). */
  lastOccurrenceStart: number;
  occurrences: number;
  declaredTotal: number | null;
  /** signature.created of the first item that has one. */
  exportedAt: string | null;
  bytes: number;
  /** CPU time of the thread that produced the batches, when traced. */
  threadCpuMs?: number;
}

export interface ProduceOptions {
  /** Items per batch. */
  batchItems?: number;
  /** Takes a finished batch. Called in item order. */
  onBatch(batch: OutboxBatch): void;
  /** A promise when the consumer has no room for more batches: reading stops until it resolves. */
  waitForRoom?(): Promise<void> | undefined;
}

/**
 * 256 items (about 600 KB of rows for typical posts): large enough that handing a batch to another thread costs
 * little per item, small enough that the batches in flight stay a few MB.
 */
export const DEFAULT_BATCH_ITEMS = 256;

export async function produceOutbox(
  stream: AsyncIterable<Uint8Array>,
  ctx: OutboxContext,
  options: ProduceOptions,
): Promise<OutboxSummary> {
  const batchItems = Math.max(1, options.batchItems ?? DEFAULT_BATCH_ITEMS);
  const packers = Object.fromEntries(BATCH_TABLES.map((t) => [t, new RowPacker(BATCH_COLUMNS[t])])) as Record<
    BatchTable,
    RowPacker
  >;
  let issues: LoadIssue[] = [];
  let inBatch = 0;
  let position = 0;
  let lastOccurrenceStart = 0;
  let exportedAt: string | null = null;
  let bytes = 0;

  const handOver = () => {
    if (inBatch === 0) return;
    const tables = Object.fromEntries(BATCH_TABLES.map((t) => [t, packers[t].finish()])) as Record<BatchTable, PackedRows>;
    const batch: OutboxBatch = { tables, issues, items: inBatch, bytes };
    issues = [];
    inBatch = 0;
    options.onBatch(batch);
  };

  // The splitter calls onItem synchronously for the items of each chunk; between chunks the producer may wait.
  async function* paced(): AsyncGenerator<Uint8Array> {
    for await (const chunk of stream) {
      bytes += chunk.length;
      yield chunk;
      const wait = options.waitForRoom?.();
      if (wait !== undefined) await wait;
    }
  }

  const result = await splitStream(paced(), 'orderedItems', {
    onArrayStart(occurrence) {
      if (occurrence > 0) lastOccurrenceStart = position;
    },
    onItem(json, _index, byteOffset, byteLength) {
      const here = position++;
      inBatch++;
      let item: unknown;
      try {
        item = JSON.parse(json);
      } catch (error) {
        issues.push({ source: 'outbox.json', position: `item ${here}`, problem: `malformed JSON (${(error as Error).message}); skipped` });
        if (inBatch >= batchItems) handOver();
        return;
      }
      const rows = normaliseItem(item, here, ctx);
      if (rows.post) {
        // A post is the root of its own thread unless it replies to one of yours; the loader then corrects only the
        // self-replies (load.ts deriveThreads), instead of updating every row.
        rows.post.thread_root ??= rows.post.uri;
        packers.posts.add(rows.post);
      }
      if (rows.boost) packers.boosts.add(rows.boost);
      for (const r of rows.media) packers.media.add(r);
      for (const r of rows.hashtags) packers.hashtags.add(r);
      for (const r of rows.mentions) packers.mentions.add(r);
      for (const r of rows.links) packers.links.add(r);
      for (const r of rows.emojis) packers.emojis.add(r);
      for (const r of rows.pollOptions) packers.poll_options.add(r);
      for (const i of rows.issues) issues.push(i);
      const obj = isObject(item) ? item : null;
      packers.outbox_items.add({
        position: here,
        type: obj ? str(obj.type) : null,
        id: rows.post?.id ?? rows.boost?.id ?? null,
        byte_offset: byteOffset,
        bytes: byteLength,
      });
      if (exportedAt === null && obj && isObject(obj.signature)) exportedAt = isoTime(obj.signature.created);
      if (inBatch >= batchItems) handOver();
    },
  });
  handOver();
  const declared = result.topLevel.totalItems;
  return {
    positions: position,
    lastOccurrenceStart,
    occurrences: result.occurrences,
    // A declared count that is not a safe integer (1e300 in a damaged file) is no count at all.
    declaredTotal: Number.isSafeInteger(declared) ? (declared as number) : null,
    exportedAt,
    bytes: result.bytes,
  };
}
