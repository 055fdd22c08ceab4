import * as zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32Fallback } from '../../src/archive/streams.js';

const native = (zlib as { crc32?: (d: Uint8Array, v?: number) => number }).crc32;

describe('crc32Fallback', () => {
  it('matches the known check value', () => {
    expect(crc32Fallback(Buffer.from('123456789'))).toBe(0xcbf43926);
  });

  it.skipIf(native === undefined)('agrees with zlib.crc32, also when chained over chunks', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 }), (a, b) => {
        expect(crc32Fallback(b, crc32Fallback(a))).toBe(native!(Buffer.concat([a, b])));
      }),
    );
  });
});
