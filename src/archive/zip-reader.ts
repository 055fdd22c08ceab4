import { close, open, read } from 'node:fs';
import { Readable } from 'node:stream';
import yauzl from 'yauzl';

/** Central directory records are read a block at a time instead of two system calls per entry. */
const BLOCK_BYTES = 256 * 1024;
/** Give the event loop a turn now and then while the central directory is served from memory. */
const YIELD_EVERY = 1024;

type ReadCallback = (err: Error | null, bytesRead?: number) => void;

/**
 * yauzl's file access, with small reads served from a cached block. yauzl reads each central directory record with
 * two tiny reads; over a plain file descriptor that is two thread-pool round trips per entry (seconds for tens of
 * thousands of media files). Entry data is still streamed straight from the file.
 */
export class BlockReader extends yauzl.RandomAccessReader {
  private block: { start: number; data: Buffer } | undefined;
  private served = 0;
  /** Where the previous read ended: a read that starts there is part of a sequential scan. */
  private lastEnd = -1;

  constructor(
    private readonly fd: number,
    private readonly size: number,
  ) {
    super();
  }

  static open(path: string, size: number): Promise<BlockReader> {
    return new Promise((resolve, reject) => {
      open(path, 'r', (err, fd) => (err ? reject(err) : resolve(new BlockReader(fd, size))));
    });
  }

  override read(buffer: Buffer, offset: number, length: number, position: number, callback: ReadCallback): void {
    const block = this.block;
    if (block !== undefined && position >= block.start && position + length <= block.start + block.data.length) {
      this.lastEnd = position + length;
      block.data.copy(buffer, offset, position - block.start, position - block.start + length);
      this.served += 1;
      if (this.served % YIELD_EVERY === 0) setImmediate(callback, null, length);
      else process.nextTick(callback, null, length);
      return;
    }
    const sequential = position === this.lastEnd;
    this.lastEnd = position + length;
    if (length >= BLOCK_BYTES || !sequential) {
      // Large reads, and isolated ones such as a local file header, go straight to the file.
      this.readFully(buffer, offset, length, position, callback);
      return;
    }
    const want = Math.max(0, Math.min(BLOCK_BYTES, this.size - position));
    const data = Buffer.allocUnsafe(Math.max(want, length));
    this.readFully(data, 0, want, position, (err, got = 0) => {
      if (err) return callback(err);
      const usable = data.subarray(0, got);
      this.block = { start: position, data: usable };
      const n = Math.min(length, got);
      usable.copy(buffer, offset, 0, n);
      callback(null, n);
    });
  }

  private readFully(buffer: Buffer, offset: number, length: number, position: number, callback: ReadCallback): void {
    let done = 0;
    const step = (): void => {
      if (done >= length) return callback(null, done);
      read(this.fd, buffer, offset + done, length - done, position + done, (err, n) => {
        if (err) return callback(err);
        if (n === 0) return callback(null, done);
        done += n;
        step();
      });
    };
    step();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    return new RangeStream(this.fd, start, end);
  }

  override close(callback: (err: Error | null) => void): void {
    close(this.fd, (err) => callback(err ?? null));
  }

  /** Closes the file when yauzl never took ownership of it (the ZIP could not be opened). */
  closeNow(): void {
    close(this.fd, () => undefined);
  }
}

/** Entry data is read 256 KiB at a time (a smaller entry in one read); why this size: INFLATE_CHUNK_MAX in zip.ts. */
const CHUNK_BYTES = 256 * 1024;

/**
 * Bytes [start, end) of the shared file descriptor, read with positional reads. Unlike fs.ReadStream it never closes
 * the descriptor: yauzl closes it once the last stream is done.
 */
class RangeStream extends Readable {
  private position: number;

  constructor(
    private readonly fd: number,
    start: number,
    private readonly end: number,
  ) {
    super();
    this.position = start;
  }

  override _read(size: number): void {
    const length = Math.min(Math.max(size, CHUNK_BYTES), this.end - this.position);
    if (length <= 0) {
      this.push(null);
      return;
    }
    read(this.fd, Buffer.allocUnsafe(length), 0, length, this.position, (err, got, buf) => {
      if (this.destroyed) return;
      if (err) {
        this.destroy(err);
        return;
      }
      if (got === 0) {
        this.push(null); // the file is shorter than the ZIP says; the byte count check reports it
        return;
      }
      this.position += got;
      this.push(buf.subarray(0, got));
    });
  }
}
