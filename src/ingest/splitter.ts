/**
 * Item splitter: cuts the elements of one top-level array (`orderedItems` in outbox.json, likes.json, bookmarks.json)
 * out of a JSON document that is too big to parse whole, one element at a time, and hands each element's exact text
 * to the caller, who JSON.parses it.
 *
 * Why this is hand-written: an outbox.json can be several GB. Node cannot hold a string over 512 MB, and a whole-file
 * JSON.parse needs about 3.7x the file size in memory. Measured on a 204 MB outbox of 125k items (2-core machine):
 * this kind of byte scanner + JSON.parse per item 0.85 s / 130 MB; @streamparser/json 2.4 s / 60 MB; stream-json
 * 5.9 s / 92 MB; whole-file JSON.parse 2.0 s / 540 MB. The scanner is 3x faster than the fastest library, so it is
 * the one place where hand-written parsing is worth it. Keep it small, fast and tested hard
 * (test/ingest/splitter*.test.ts; bench/splitter.js).
 *
 * What it checks: the top level must be an object `{ "key": value, ... }` (leading whitespace and a UTF-8 BOM are
 * allowed, trailing whitespace too, nothing else). Inside values it tracks only strings (with escapes) and bracket
 * nesting: brackets must match. It does not check the grammar of each element: an element is everything between the
 * array's separators (`[`, `,`, `]` at the array's own level), trimmed of whitespace, so a malformed element such as
 * `{"a":1,,}` comes out as one element of its own (the caller's JSON.parse fails for it alone) and the next
 * elements come out right. A stray `,` in the array (`[1,,2]`, `[1,]`) gives an element with the empty text "".
 *
 * Duplicate keys: Mastodon 4.2.10 writes `"orderedItems":[]` and then the real array; 4.2.0 - 4.2.9 write
 * `@context` twice. Every occurrence of the array is reported (onArrayStart(0), its items, onArrayStart(1), ...);
 * the caller keeps the last one, as JSON.parse would. The other top-level values are JSON.parsed into `topLevel`,
 * the last one winning. `topLevel[arrayKey]` is present only when the last value of `arrayKey` was not an array
 * (e.g. `null`); an array occurrence removes an earlier non-array value, so last-wins holds there too.
 *
 * Memory is bounded by one element: an element that ends in the chunk it started in is decoded straight from that
 * chunk; only an element that crosses chunk boundaries is copied into one reused buffer. Text is decoded as UTF-8
 * once per complete element, so a character split across chunks comes out right.
 *
 * Pure: no I/O. Chunks may be reused by the caller after write() returns.
 */

export class SplitError extends Error {
  constructor(
    message: string,
    readonly byteOffset: number,
  ) {
    super(message);
    this.name = 'SplitError';
  }
}

export interface SplitterHandlers {
  /**
   * One element of the array under `arrayKey` at the top level: its exact JSON text, its 0-based index within its
   * occurrence of the array, the byte offset of its first byte in the whole input, and its length in bytes (the
   * input's bytes: counting them again from the decoded text would cost a pass over it, and would differ where the
   * input is not valid UTF-8).
   */
  onItem(json: string, index: number, byteOffset: number, byteLength: number): void;
  /** Called each time a top-level `arrayKey` whose value is an array begins; occurrence counts from 0. */
  onArrayStart?(occurrence: number): void;
}

export interface SplitterOptions {
  /** An element larger than this is a SplitError. Default 256 MiB. */
  maxItemBytes?: number;
  /** A top-level value (other than the array) larger than this is skipped, not kept in `topLevel`. Default 4 MiB. */
  maxTopLevelValueBytes?: number;
}

export interface SplitResult {
  /** The other top-level keys, values JSON.parsed, last one wins. */
  topLevel: Record<string, unknown>;
  /** How many times `arrayKey` held an array. */
  occurrences: number;
  /** Bytes of input seen. */
  bytes: number;
}

const DEFAULT_MAX_ITEM_BYTES = 256 * 1024 * 1024;
const DEFAULT_MAX_TOP_LEVEL_VALUE_BYTES = 4 * 1024 * 1024;
/** The reused buffer for elements that cross chunks is dropped after an element bigger than this. */
const KEEP_ACC_BYTES = 1024 * 1024;

// Bytes.
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b; // '{'; '[' | 0x20 is also LBRACE
const RBRACE = 0x7d; // '}'; ']' | 0x20 is also RBRACE
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

// States.
const ST_START = 0; // before the top-level object
const ST_BOM = 1; // inside a leading UTF-8 BOM
const ST_KEY_OR_END = 2; // after '{'
const ST_KEY = 3; // after ',' at the top level
const ST_COLON = 4; // after a key
const ST_VALUE_START = 5; // after ':'
const ST_ELEM_START = 6; // inside the array, before an element
const ST_REGION = 7; // inside a key, value or element, outside strings
const ST_STRING = 8; // inside a string inside a region
const ST_AFTER_VALUE = 9; // after the array's ']'
const ST_DONE = 10; // after the top-level object's '}'

// Region kinds: what the bytes being scanned are.
const R_KEY = 0;
const R_VALUE = 1;
const R_ITEM = 2;

const TRUNCATED = 'unexpected end of file (the file looks truncated)';
const NOT_AN_OBJECT = 'expected a JSON object at the top level';

const decoder = new TextDecoder('utf-8');

function decode(bytes: Uint8Array, start: number, end: number): string {
  return decoder.decode(bytes.subarray(start, end));
}

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function show(c: number): string {
  return c >= 0x20 && c < 0x7f ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).padStart(2, '0')}`;
}

export class ItemSplitter {
  private readonly maxItemBytes: number;
  private readonly maxTopBytes: number;
  private readonly topLevel: Record<string, unknown> = {};

  private state = ST_START;
  private bytes = 0;
  /** Bracket nesting inside the current region; stack[k] is the closer expected at depth k + 1. */
  private depth = 0;
  private stack: Uint8Array = new Uint8Array(64);
  /** The previous chunk ended right after a backslash inside a string. */
  private escapePending = false;

  private kind = R_KEY;
  /** Absolute offset of the region's first byte. */
  private start = 0;
  /** Absolute offset just past the region's last non-whitespace byte seen so far. */
  private lastEnd = 0;
  /** The current top-level value is too big to keep. */
  private skip = false;
  /** The bytes [start, chunk start) of a region that crosses chunks. */
  private acc: Uint8Array = new Uint8Array(0);
  private accLen = 0;

  private key = '';
  private afterComma = false;
  private occurrences = 0;
  private index = 0;
  private failure: unknown = undefined;
  private ended = false;

  constructor(
    private readonly arrayKey: string,
    private readonly handlers: SplitterHandlers,
    options: SplitterOptions = {},
  ) {
    this.maxItemBytes = options.maxItemBytes ?? DEFAULT_MAX_ITEM_BYTES;
    this.maxTopBytes = options.maxTopLevelValueBytes ?? DEFAULT_MAX_TOP_LEVEL_VALUE_BYTES;
  }

  /** Feeds the next bytes of the document. Throws SplitError on a structural error; the splitter is then unusable. */
  write(chunk: Uint8Array): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.ended) throw new Error('ItemSplitter.write() after end()');
    try {
      this.scan(chunk);
    } catch (err) {
      this.failure = err;
      throw err;
    }
  }

  /** Ends the input. Throws SplitError when the document is not complete. */
  end(): SplitResult {
    if (this.failure !== undefined) throw this.failure;
    if (!this.ended) {
      if (this.state !== ST_DONE) {
        this.failure = new SplitError(
          this.state === ST_START ? `${NOT_AN_OBJECT} (the file is empty)` : TRUNCATED,
          this.bytes,
        );
        throw this.failure;
      }
      this.ended = true;
      this.acc = new Uint8Array(0);
    }
    return { topLevel: this.topLevel, occurrences: this.occurrences, bytes: this.bytes };
  }

  private scan(chunk: Uint8Array): void {
    const n = chunk.length;
    const base = this.bytes;
    let i = 0;
    let state = this.state;
    let depth = this.depth;
    let stack = this.stack;

    outer: while (i < n) {
      switch (state) {
        case ST_REGION: {
          for (; i < n; i++) {
            const c = chunk[i]!;
            if (c === QUOTE) {
              state = ST_STRING;
              i++;
              continue outer;
            }
            const d = c | 0x20;
            if (d === LBRACE) {
              if (depth === stack.length) stack = this.growStack();
              stack[depth++] = c + 2; // '{' + 2 = '}', '[' + 2 = ']'
              continue;
            }
            if (depth > 0) {
              if (d === RBRACE) {
                if (stack[--depth] !== c) throw this.mismatch(stack[depth]!, c, base + i);
                if (depth === 0) this.lastEnd = base + i + 1;
              }
              continue;
            }
            // Depth 0: the region's own level.
            if (c === COMMA || d === RBRACE) {
              const kind = this.kind;
              const closer = kind === R_ITEM ? RBRACKET : RBRACE;
              if (c !== COMMA && c !== closer) throw this.mismatch(closer, c, base + i);
              this.finishRegion(chunk, base);
              if (kind === R_ITEM) {
                if (c === COMMA) {
                  this.afterComma = true;
                  state = ST_ELEM_START;
                } else {
                  state = ST_AFTER_VALUE;
                }
              } else {
                state = c === COMMA ? ST_KEY : ST_DONE;
              }
              i++;
              continue outer;
            }
            if (!isWs(c)) this.lastEnd = base + i + 1;
          }
          break;
        }

        case ST_STRING: {
          if (this.escapePending) {
            this.escapePending = false;
            i++;
            continue outer;
          }
          // A plain byte loop to the closing quote. Most strings are short (keys, ids, addresses: 24-39 bytes a
          // string on average in the corpus archives), where a call to the native indexOf costs more than the bytes
          // it skips. Split alone, this way against indexOf for the next quote and backslash: the 243 MB outbox of
          // the 100k bench archive 478 against 590 ms; the corpus outboxes (mamot-fr, o3o-ca, ricard-social) 18-25%
          // faster. Only bench/splitter.js's document, whose posts are longer, splits slower (0.51 against 0.41 s).
          for (;;) {
            let c = 0;
            while (i < n) {
              c = chunk[i]!;
              if (c === QUOTE || c === BACKSLASH) break;
              i++;
            }
            if (i === n) continue outer;
            if (c === QUOTE) break;
            i += 2; // the backslash and the byte it escapes
            if (i > n) {
              this.escapePending = true;
              i = n;
              continue outer;
            }
          }
          i++;
          state = ST_REGION;
          if (depth === 0) {
            this.lastEnd = base + i;
            if (this.kind === R_KEY) {
              this.finishRegion(chunk, base);
              state = ST_COLON;
            }
          }
          continue outer;
        }

        case ST_DONE: {
          const c = chunk[i]!;
          if (!isWs(c)) throw new SplitError(`unexpected data after the top-level object (${show(c)})`, base + i);
          i++;
          continue outer;
        }

        case ST_BOM: {
          const c = chunk[i]!;
          const want = base + i === 1 ? 0xbb : 0xbf;
          if (c !== want) throw new SplitError(NOT_AN_OBJECT, base + i);
          if (want === 0xbf) state = ST_START;
          i++;
          continue outer;
        }

        default: {
          // The states between regions: skip whitespace, then look at one byte.
          const c = chunk[i]!;
          if (isWs(c)) {
            i++;
            continue outer;
          }
          const at = base + i;
          switch (state) {
            case ST_START:
              if (c === LBRACE) state = ST_KEY_OR_END;
              else if (c === 0xef && at === 0) state = ST_BOM;
              else throw new SplitError(NOT_AN_OBJECT, at);
              i++;
              continue outer;

            case ST_KEY_OR_END:
            case ST_KEY:
              if (c === QUOTE) {
                this.beginRegion(R_KEY, at);
                state = ST_STRING;
              } else if (c === RBRACE && state === ST_KEY_OR_END) {
                state = ST_DONE;
              } else {
                throw new SplitError(
                  `expected a key string${state === ST_KEY_OR_END ? " or '}'" : ''} but found ${show(c)}`,
                  at,
                );
              }
              i++;
              continue outer;

            case ST_COLON:
              if (c !== COLON) throw new SplitError(`expected ':' after a key but found ${show(c)}`, at);
              state = ST_VALUE_START;
              i++;
              continue outer;

            case ST_VALUE_START:
              if (c === LBRACKET && this.key === this.arrayKey) {
                const occurrence = this.occurrences++;
                this.index = 0;
                this.afterComma = false;
                delete this.topLevel[this.arrayKey];
                state = ST_ELEM_START;
                i++;
                this.handlers.onArrayStart?.(occurrence);
                continue outer;
              }
              if (c === COMMA || (c | 0x20) === RBRACE) {
                throw new SplitError(`expected a value but found ${show(c)}`, at);
              }
              this.beginRegion(R_VALUE, at);
              state = ST_REGION;
              continue outer;

            case ST_ELEM_START:
              if (c === RBRACKET || c === COMMA) {
                // A stray comma: an empty element, which the caller's JSON.parse reports as bad.
                if (c === COMMA || this.afterComma) this.handlers.onItem('', this.index++, at, 0);
                if (c === RBRACKET) state = ST_AFTER_VALUE;
                else this.afterComma = true;
                i++;
                continue outer;
              }
              if (c === RBRACE) throw this.mismatch(RBRACKET, c, at);
              this.beginRegion(R_ITEM, at);
              state = ST_REGION;
              continue outer;

            case ST_AFTER_VALUE:
              if (c === COMMA) state = ST_KEY;
              else if (c === RBRACE) state = ST_DONE;
              else throw new SplitError(`expected ',' or '}' but found ${show(c)}`, at);
              i++;
              continue outer;
          }
          throw new Error(`ItemSplitter: unknown state ${state}`);
        }
      }
    }

    this.state = state;
    this.depth = depth;
    this.stack = stack;
    this.bytes = base + n;
    if (state === ST_REGION || state === ST_STRING) this.carry(chunk, base, n);
  }

  private beginRegion(kind: number, at: number): void {
    this.kind = kind;
    this.start = at;
    this.lastEnd = at;
    this.skip = false;
    this.accLen = 0;
  }

  /** Keeps the part of the current region that is in this chunk, since the region goes on in the next one. */
  private carry(chunk: Uint8Array, base: number, n: number): void {
    if (this.skip) return;
    const from = this.start > base ? this.start - base : 0;
    this.append(chunk, from, n);
    if (this.accLen > (this.kind === R_ITEM ? this.maxItemBytes : this.maxTopBytes)) {
      if (this.kind === R_ITEM) throw this.tooBig();
      if (this.kind === R_KEY) throw this.keyTooBig();
      this.skip = true;
      this.accLen = 0;
    }
  }

  private append(chunk: Uint8Array, from: number, to: number): void {
    const len = to - from;
    const need = this.accLen + len;
    if (need > this.acc.length) {
      const grown = new Uint8Array(Math.max(need, this.acc.length * 2, 64 * 1024));
      grown.set(this.acc.subarray(0, this.accLen));
      this.acc = grown;
    }
    this.acc.set(chunk.subarray(from, to), this.accLen);
    this.accLen = need;
  }

  /** The region [start, lastEnd) is complete; this chunk begins at absolute offset `base`. */
  private finishRegion(chunk: Uint8Array, base: number): void {
    const start = this.start;
    const end = this.lastEnd;
    const len = end - start;
    const kind = this.kind;
    if (kind === R_ITEM && len > this.maxItemBytes) throw this.tooBig();
    if (kind === R_VALUE && (this.skip || len > this.maxTopBytes)) {
      delete this.topLevel[this.key];
      return;
    }
    if (kind === R_KEY && len > this.maxTopBytes) throw this.keyTooBig();

    let text: string;
    if (start >= base) {
      text = decode(chunk, start - base, end - base);
    } else {
      if (end > base) this.append(chunk, 0, end - base);
      text = decode(this.acc, 0, len);
      if (this.acc.length > KEEP_ACC_BYTES) this.acc = new Uint8Array(0);
    }
    this.accLen = 0;

    if (kind === R_ITEM) {
      this.handlers.onItem(text, this.index++, start, len);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      if (kind === R_KEY) throw new SplitError('a top-level key is not a valid JSON string', start);
      throw new SplitError(`the top-level value of "${this.key}" is not valid JSON`, start);
    }
    if (kind === R_KEY) {
      this.key = value as string;
    } else {
      Object.defineProperty(this.topLevel, this.key, { value, enumerable: true, writable: true, configurable: true });
    }
  }

  private growStack(): Uint8Array {
    const grown = new Uint8Array(this.stack.length * 2);
    grown.set(this.stack);
    this.stack = grown;
    return grown;
  }

  private mismatch(expected: number, found: number, at: number): SplitError {
    return new SplitError(`mismatched bracket: expected ${show(expected)} but found ${show(found)}`, at);
  }

  private keyTooBig(): SplitError {
    return new SplitError(`a top-level key is larger than ${this.maxTopBytes} bytes`, this.start);
  }

  private tooBig(): SplitError {
    return new SplitError(`an item is larger than ${this.maxItemBytes} bytes`, this.start);
  }
}
