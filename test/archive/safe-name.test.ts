import { basename } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeFileName } from '../../src/archive/index.js';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function isSafe(name: string): boolean {
  return (
    name.length > 0 &&
    !name.includes('/') &&
    !name.includes('\\') &&
    !name.includes('\0') &&
    !CONTROL.test(name) &&
    name !== '.' &&
    name !== '..' &&
    basename(name) === name &&
    Buffer.byteLength(name, 'utf8') <= 200
  );
}

const tricky = fc.constantFrom('/', '\\', '.', '..', '\0', '\n', '\r', '\u007f', '\u0085', ' ', 'a', 'é', '😀', ':', '\u202e', 'CON', '\ud800');

describe('safeFileName', () => {
  it('is always a single, non-empty, harmless name', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.array(tricky, { maxLength: 40 }).map((a) => a.join(''))), (raw) => {
        const safe = safeFileName(raw);
        if (!isSafe(safe)) throw new Error(`unsafe result ${JSON.stringify(safe)} for ${JSON.stringify(raw)}`);
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps ordinary media file names', () => {
    expect(safeFileName('media_attachments/files/109/333/original/3381f6f615f26246.jpeg')).toBe('3381f6f615f26246.jpeg');
    expect(safeFileName('avatar.png')).toBe('avatar.png');
    expect(safeFileName('caf\u00e9 photo.jpg')).toBe('caf\u00e9 photo.jpg');
  });

  it('neutralises traversal, absolute paths and junk', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('/abs/path/x.png')).toBe('x.png');
    expect(safeFileName('C:\\Windows\\evil.exe')).toBe('evil.exe');
    expect(safeFileName('..')).toBe('file');
    expect(safeFileName('')).toBe('file');
    expect(safeFileName('a/b/')).toBe('b');
    expect(safeFileName('x\0y\n.png')).toBe('xy.png');
    expect(safeFileName('.hidden')).toBe('hidden');
    expect(safeFileName('con.txt')).toBe('_con.txt');
    const long = safeFileName(`${'é'.repeat(300)}.jpeg`);
    expect(long.endsWith('.jpeg')).toBe(true);
    expect(isSafe(long)).toBe(true);
  });
});
