/**
 * Line protocol unescaping, exactly as InfluxDB OSS 2.x reads each element back (models/points.go,
 * pkg/escape). All helpers take a range [a, b) of a larger string so that the parser never copies a line.
 */
const BACKSLASH = 92;
const COMMA = 44;
const SPACE = 32;
const EQUALS = 61;
const QUOTE = 34;

/** Tag keys and tag values (OSS `unescapeTag`): `\,` `\ ` `\=`; a backslash before anything else stays. */
export function unescapeTag(s: string, a: number, b: number): string {
  return unescape(s, a, b, false);
}

/**
 * Measurement names and field keys (OSS `escape.Unescape`, used by `Point.Name()` and the field
 * iterator): `\,` `\ ` `\=` and also `\"`.
 */
export function unescapeName(s: string, a: number, b: number): string {
  return unescape(s, a, b, true);
}

function unescape(s: string, a: number, b: number, quote: boolean): string {
  let out = '';
  let chunk = a;
  for (let i = a; i < b - 1; i++) {
    if (s.charCodeAt(i) !== BACKSLASH) continue;
    const next = s.charCodeAt(i + 1);
    if (next === COMMA || next === SPACE || next === EQUALS || (quote && next === QUOTE)) {
      out += s.slice(chunk, i);
      chunk = i + 1;
      i++; // the escaped character is kept as is
    }
  }
  return chunk === a ? s.slice(a, b) : out + s.slice(chunk, b);
}

/** String field values without their quotes (OSS `unescapeStringField`): `\\` and `\"`. */
export function unescapeStringField(s: string, a: number, b: number): string {
  let out = '';
  let chunk = a;
  for (let i = a; i < b - 1; i++) {
    if (s.charCodeAt(i) !== BACKSLASH) continue;
    const next = s.charCodeAt(i + 1);
    if (next === BACKSLASH || next === QUOTE) {
      out += s.slice(chunk, i);
      chunk = i + 1;
      i++;
    }
  }
  return chunk === a ? s.slice(a, b) : out + s.slice(chunk, b);
}

/** Byte order of the UTF-8 encodings (what Go's `bytes.Compare` sees), without encoding. */
export function compareUtf8(x: string, y: string): number {
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    let cx = x.charCodeAt(i);
    let cy = y.charCodeAt(i);
    if (cx === cy) continue;
    // UTF-16 puts surrogates (code points above U+FFFF) before U+E000..U+FFFF; UTF-8 does not.
    if (cx >= 0xd800 && cy >= 0xd800) {
      cx = cx >= 0xe000 ? cx - 0x800 : cx + 0x2000;
      cy = cy >= 0xe000 ? cy - 0x800 : cy + 0x2000;
    }
    return cx - cy;
  }
  return x.length - y.length;
}
