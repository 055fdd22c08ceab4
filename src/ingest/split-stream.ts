/**
 * Feeds a byte stream (an archive entry, a file) through the ItemSplitter, with progress reports.
 */
import { ItemSplitter, type SplitResult, type SplitterHandlers, type SplitterOptions } from './splitter.js';

export interface SplitProgress {
  /** Input bytes consumed so far. */
  bytes: number;
  /** Elements handed to onItem so far (all occurrences of the array). */
  items: number;
}

/** How much input passes between two progress reports. */
const PROGRESS_EVERY_BYTES = 64 * 1024;

/**
 * Splits the array under `arrayKey` out of the JSON document in `stream`. onProgress is called at most once per
 * ~64 KiB of input, and once more at the end when the last report did not cover all of the input. A SplitError (or an
 * error thrown by a handler or by the stream) rejects the returned promise; the stream is then left by `for await`,
 * which closes it.
 */
export async function splitStream(
  stream: AsyncIterable<Uint8Array>,
  arrayKey: string,
  handlers: SplitterHandlers,
  onProgress?: (p: SplitProgress) => void,
  options?: SplitterOptions,
): Promise<SplitResult> {
  let items = 0;
  const onArrayStart = handlers.onArrayStart;
  const splitter = new ItemSplitter(
    arrayKey,
    {
      onItem(json, index, byteOffset, byteLength) {
        items++;
        handlers.onItem(json, index, byteOffset, byteLength);
      },
      onArrayStart: onArrayStart ? (occurrence) => onArrayStart.call(handlers, occurrence) : undefined,
    },
    options,
  );

  let bytes = 0;
  let reported = 0;
  for await (const chunk of stream) {
    if (!(chunk instanceof Uint8Array)) {
      throw new TypeError('splitStream needs a byte stream (chunks of Uint8Array), not text');
    }
    splitter.write(chunk);
    bytes += chunk.length;
    if (onProgress && bytes - reported >= PROGRESS_EVERY_BYTES) {
      reported = bytes;
      onProgress({ bytes, items });
    }
  }
  const result = splitter.end();
  if (onProgress && bytes > reported) onProgress({ bytes, items });
  return result;
}
