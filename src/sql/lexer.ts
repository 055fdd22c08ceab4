/**
 * A small SQL tokenizer for completion: identifiers (plain and "quoted"), strings, numbers, punctuation, with
 * comments dropped. It never fails: unfinished strings and comments simply run to the end. Pure.
 */

export interface Token {
  kind: 'word' | 'quoted' | 'string' | 'number' | 'punct';
  /** The identifier's name (quotes removed) or the token's text. */
  text: string;
  start: number;
  end: number;
}

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else if (ch === "'" || ch === '"') {
      const start = i;
      let text = '';
      i++;
      while (i < sql.length) {
        if (sql[i] === ch) {
          if (sql[i + 1] === ch) {
            text += ch;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += sql[i];
        i++;
      }
      tokens.push({ kind: ch === "'" ? 'string' : 'quoted', text, start, end: i });
    } else if (/[A-Za-z_\u00C0-\uFFFF]/.test(ch)) {
      const start = i;
      while (i < sql.length && /[A-Za-z0-9_$\u00C0-\uFFFF]/.test(sql[i]!)) i++;
      tokens.push({ kind: 'word', text: sql.slice(start, i), start, end: i });
    } else if (/[0-9]/.test(ch)) {
      const start = i;
      while (i < sql.length && /[0-9.eE_]/.test(sql[i]!)) i++;
      tokens.push({ kind: 'number', text: sql.slice(start, i), start, end: i });
    } else {
      tokens.push({ kind: 'punct', text: ch, start: i, end: i + 1 });
      i++;
    }
  }
  return tokens;
}

/** True when `offset` lies inside a string literal or a comment (where nothing completes). */
export function insideLiteral(sql: string, offset: number): boolean {
  let i = 0;
  while (i < offset) {
    const ch = sql[i]!;
    if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      if (end < 0 || end >= offset) return true;
      i = end + 1;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0 || end + 2 > offset) return true;
      i = end + 2;
    } else if (ch === "'") {
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === "'") {
          if (sql[j + 1] === "'") {
            j += 2;
            continue;
          }
          break;
        }
        j++;
      }
      if (j >= offset) return true;
      i = j + 1;
    } else {
      i++;
    }
  }
  return false;
}
