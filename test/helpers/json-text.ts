/** JSON text with random whitespace and escapes, for property tests of the code that reads JSON as text. */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** mulberry32, seeded by fast-check: the whitespace and escapes chosen while serializing. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WHITESPACE = ['', '', '', '', ' ', '\n', '\t', '\r\n', '  \n    ', ' \t\r\n'];
const SHORT_ESCAPES: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' };

/** A JSON serializer that puts random whitespace between tokens and writes random characters as \uXXXX. */
export class Serializer {
  constructor(private readonly rand: () => number) {}

  ws(): string {
    return WHITESPACE[Math.floor(this.rand() * WHITESPACE.length)]!;
  }

  private u(code: number): string {
    const hex = code.toString(16).padStart(4, '0');
    return `\\u${this.rand() < 0.5 ? hex : hex.toUpperCase()}`;
  }

  string(s: string): string {
    let out = '"';
    for (let k = 0; k < s.length; k++) {
      const c = s.charCodeAt(k);
      const next = s.charCodeAt(k + 1);
      if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        // A surrogate pair: raw (4 bytes of UTF-8) or as two escapes.
        out += this.rand() < 0.3 ? this.u(c) + this.u(next) : s.slice(k, k + 2);
        k++;
      } else if (c >= 0xd800 && c <= 0xdfff) {
        out += this.u(c); // a lone surrogate has no UTF-8 form
      } else if (c === 0x22) {
        out += this.rand() < 0.2 ? this.u(c) : '\\"';
      } else if (c === 0x5c) {
        out += this.rand() < 0.2 ? this.u(c) : '\\\\';
      } else if (c < 0x20) {
        out += SHORT_ESCAPES[c] ?? this.u(c);
      } else if (c === 0x2f && this.rand() < 0.3) {
        out += '\\/';
      } else {
        out += this.rand() < 0.1 ? this.u(c) : s[k];
      }
    }
    return `${out}"`;
  }

  value(v: Json): string {
    if (v === null || typeof v === 'boolean' || typeof v === 'number') return JSON.stringify(v);
    if (typeof v === 'string') return this.string(v);
    if (Array.isArray(v)) {
      if (v.length === 0) return `[${this.ws()}]`;
      return `[${v.map((x) => this.ws() + this.value(x) + this.ws()).join(',')}]`;
    }
    const entries = Object.entries(v);
    if (entries.length === 0) return `{${this.ws()}}`;
    return `{${entries.map(([k, x]) => this.entry(k, this.value(x))).join(',')}}`;
  }

  entry(key: string, valueText: string): string {
    return `${this.ws()}${this.string(key)}${this.ws()}:${this.ws()}${valueText}${this.ws()}`;
  }
}
