import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeLinkTarget, sanitizeText } from '../../src/content/sanitize.js';
import { hostileString } from './arbitraries.js';

/** Anything a terminal could act on: C0 (bar none), DEL, C1, the reordering bidi controls, lone surrogates. */
const DANGEROUS = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\uD800-\uDFFF]/u;
const DANGEROUS_KEEP = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\uD800-\uDFFF]/u;

describe('sanitizeText', () => {
  it('turns escape sequences into visible control pictures', () => {
    expect(sanitizeText('\x1b]52;c;cGF5bG9hZA==\x07')).toBe('␛]52;c;cGF5bG9hZA==␇');
    expect(sanitizeText('hi\x1b]0;pwned\x07there')).toBe('hi␛]0;pwned␇there');
    expect(sanitizeText('\x1b[2J\x1b[H')).toBe('␛[2J␛[H');
    expect(sanitizeText('a\x00b')).toBe('a␀b');
    expect(sanitizeText('bell\x07')).toBe('bell␇');
  });

  it('replaces DEL, C1 controls and bidi controls', () => {
    expect(sanitizeText('a\x7fb')).toBe('a␡b');
    expect(sanitizeText('\x9b31mred')).toBe('\uFFFD31mred');
    expect(sanitizeText('\x90q\x9c')).toBe('\uFFFDq\uFFFD');
    expect(sanitizeText('abc\u202Efdp.exe')).toBe('abc\uFFFDfdp.exe');
    expect(sanitizeText('\u2066x\u2069\u200E\u200F\u061C')).toBe('\uFFFDx\uFFFD\uFFFD\uFFFD\uFFFD');
  });

  it('replaces lone surrogates but keeps pairs', () => {
    expect(sanitizeText('a\uD800b')).toBe('a\uFFFDb');
    expect(sanitizeText('\uDC00')).toBe('\uFFFD');
    expect(sanitizeText('😀')).toBe('😀');
  });

  it('handles newlines and tabs by option', () => {
    expect(sanitizeText('a\nb\tc')).toBe('a b c');
    expect(sanitizeText('a\r\nb')).toBe('a b');
    expect(sanitizeText('a\nb\tc', { keepNewlines: true })).toBe('a\nb\tc');
    expect(sanitizeText('a\r\nb\rc', { keepNewlines: true })).toBe('a\nb␍c');
    expect(sanitizeText('x\x1b[31m\ny', { keepNewlines: true })).toBe('x␛[31m\ny');
  });

  it('returns plain text unchanged', () => {
    for (const s of ['', 'hello', 'Déjà vu 😯', '第一次见沙尘暴', 'a\u00A0b', 'emoji 👨‍💻 zwj']) {
      expect(sanitizeText(s)).toBe(s);
      expect(sanitizeText(s, { keepNewlines: true })).toBe(s);
    }
  });

  it('never lets a control through (property)', () => {
    fc.assert(
      fc.property(hostileString, (s) => {
        const out = sanitizeText(s);
        expect(DANGEROUS.test(out)).toBe(false);
        const kept = sanitizeText(s, { keepNewlines: true });
        expect(DANGEROUS_KEEP.test(kept)).toBe(false);
        expect(kept.includes('\r')).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('never lets a control through, with controls mixed in (property)', () => {
    const control = fc.constantFrom('\x1b', '\x07', '\x9b', '\x9d', '\u202E', '\u2067', '\x7f', '\r', '\uD83D');
    const mixed = fc.array(fc.oneof(fc.string({ unit: 'grapheme' }), control)).map((parts) => parts.join(''));
    fc.assert(
      fc.property(mixed, (s) => {
        expect(DANGEROUS.test(sanitizeText(s))).toBe(false);
        expect(DANGEROUS_KEEP.test(sanitizeText(s, { keepNewlines: true }))).toBe(false);
      }),
    );
  });

  it('leaves strings without controls identical (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        fc.pre(!DANGEROUS.test(s));
        expect(sanitizeText(s)).toBe(s);
      }),
    );
  });
});

describe('safeLinkTarget', () => {
  it('keeps http, https and mailto', () => {
    expect(safeLinkTarget('https://example.com/a?b=c#d')).toBe('https://example.com/a?b=c#d');
    expect(safeLinkTarget('http://example.com')).toBe('http://example.com/');
    expect(safeLinkTarget('mailto:someone@example.com')).toBe('mailto:someone@example.com');
    expect(safeLinkTarget('https://mamot.fr/tags/macron')).toBe('https://mamot.fr/tags/macron');
  });

  it('percent-encodes what the URL parser would', () => {
    expect(safeLinkTarget('https://example.com/café')).toBe('https://example.com/caf%C3%A9');
    expect(safeLinkTarget('https://bücher.example/')).toBe('https://xn--bcher-kva.example/');
  });

  it('refuses other schemes, relative URLs and controls', () => {
    for (const bad of [
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      'ftp://example.com/',
      'vbscript:x',
      '/relative/path',
      '//example.com/x',
      'example.com',
      '',
      'https://example.com/\x1b]52;c;x\x07',
      'https://example.com/\x07',
      'https://example.com/\u202Egpj.exe',
      'https://exa\nmple.com/',
      ' https://example.com/',
      'https://example.com/a b',
      'https://example.com/\x9b',
      'mailto:',
      'https://',
    ]) {
      expect(safeLinkTarget(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });

  it('only ever returns printable ASCII with an allowed scheme (property)', () => {
    const urlish = fc.oneof(
      fc.webUrl(),
      hostileString,
      hostileString.map((s) => `https://example.com/${s}`),
      hostileString.map((s) => `mailto:${s}`),
    );
    fc.assert(
      fc.property(urlish, (u) => {
        const safe = safeLinkTarget(u);
        if (safe === undefined) return;
        expect(safe).toMatch(/^(https?|mailto):[\x21-\x7e]+$/);
      }),
      { numRuns: 1000 },
    );
  });
});
