/**
 * Case-insensitive matching spelled out in the pattern (`a` → `[aA]`), for V8's linear-time engine,
 * which in Node 20 refuses the `i` flag. Works on JavaScript syntax without the `u` flag, after the
 * RE2 → JavaScript mapping; escapes, group syntax and counts are copied as they are.
 */

/** The pattern with every letter matching both cases; ranges of a class get their other-case range too. */
export function spellOutCase(source: string): string {
  let out = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    if (c === '\\') {
      const length = escapeLength(source, i);
      out += source.slice(i, i + length);
      i += length;
    } else if (c === '[') {
      const end = classEnd(source, i);
      out += caseClass(source.slice(i, end));
      i = end;
    } else if (c === '(' && source[i + 1] === '?') {
      // `(?:`, `(?=`, `(?<name>`: copied up to where the group's content starts.
      const named = /^\(\?<([A-Za-z_$][\w$]*)>/.exec(source.slice(i));
      const length = named ? named[0].length : 3;
      out += source.slice(i, i + length);
      i += length;
    } else if (c === '{') {
      const count = /^\{\d+(,\d*)?\}/.exec(source.slice(i));
      const length = count ? count[0].length : 1;
      out += source.slice(i, i + length);
      i += length;
    } else {
      out += bothCases(c) ?? c;
      i++;
    }
  }
  return out;
}

/** `[xX]` for a letter, undefined for anything without two cases. */
function bothCases(c: string): string | undefined {
  const lower = c.toLowerCase();
  const upper = c.toUpperCase();
  if (lower === upper || lower.length !== 1 || upper.length !== 1) return undefined;
  return `[${lower}${upper}]`;
}

/** Length of the escape at `i` (a backslash): `\xHH`, `\uHHHH`, `\cX` or a backslash and one character. */
function escapeLength(s: string, i: number): number {
  const next = s[i + 1];
  if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 2, i + 4))) return 4;
  if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) return 6;
  if (next === 'c' && /^[A-Za-z]$/.test(s[i + 2] ?? '')) return 3;
  return next === undefined ? 1 : 2;
}

/** The index just past the `]` that closes the class opened at `i`. */
function classEnd(s: string, i: number): number {
  let j = i + 1;
  if (s[j] === '^') j++;
  if (s[j] === ']') j++; // a leading `]` is a literal in RE2; JavaScript reads `[]` as empty, but the parser already accepted it
  while (j < s.length && s[j] !== ']') j += s[j] === '\\' ? escapeLength(s, j) : 1;
  return Math.min(j + 1, s.length);
}

/** A class with the other case of each letter and of each range of letters added at its end. */
function caseClass(cls: string): string {
  const closed = cls.endsWith(']');
  const body = cls.slice(1, closed ? -1 : undefined);
  let extra = '';
  let i = body.startsWith('^') ? 1 : 0;
  while (i < body.length) {
    if (body[i] === '\\') {
      i += escapeLength(body, i);
      continue;
    }
    const from = body[i] as string;
    if (body[i + 1] === '-' && i + 2 < body.length && body[i + 2] !== '\\') {
      extra += otherCaseRange(from, body[i + 2] as string);
      i += 3;
      continue;
    }
    extra += otherCase(from);
    i++;
  }
  return `[${body}${extra}${closed ? ']' : ''}`;
}

function otherCase(c: string): string {
  const both = bothCases(c);
  if (!both) return '';
  return c === both[1] ? (both[2] as string) : (both[1] as string);
}

/** The other case of each letter of a range, as ranges where the letters are consecutive (ASCII), else listed. */
function otherCaseRange(from: string, to: string): string {
  const a = from.charCodeAt(0);
  const b = to.charCodeAt(0);
  if (b < a || b - a > 512) return '';
  let out = '';
  for (let code = a; code <= b; code++) {
    const other = otherCase(String.fromCharCode(code));
    if (other && !'\\]^-'.includes(other)) out += other;
  }
  return out;
}
