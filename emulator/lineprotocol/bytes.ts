/**
 * The write body as bytes. OSS parses `[]byte` and never decodes it (models/points.go), so the parser
 * reads a latin1 view of the body: one char per byte, which keeps positions, lengths and byte values
 * exactly OSS's (a tag key of the single byte 0xff is its reserved `\xff`, a key length is in bytes)
 * while delimiters, all ASCII, are still found with plain string searches. Text is decoded from UTF-8
 * only when it leaves the body as a stored measurement, key or value, or in an error message.
 */
import { isAscii } from 'node:buffer';

export class Body {
  /**
   * One char per byte of the window bytes[offset, offset + s.length) that the parser reads now: the
   * whole body unless it is read in windows (see `show`). Positions given to the methods are in `s`.
   */
  s = '';
  /** Where `s` starts in `bytes`. */
  offset = 0;
  /** Counts the windows shown: positions remembered between lines are valid only in the same one. */
  window = 0;
  /** No byte is above 0x7f: the latin1 view is then the text itself and nothing needs decoding. */
  readonly ascii: boolean;

  /** Shows the first `windowBytes` bytes (all of them by default). */
  constructor(
    readonly bytes: Buffer,
    windowBytes = bytes.length,
  ) {
    this.ascii = isAscii(bytes);
    this.show(0, Math.min(windowBytes, bytes.length));
  }

  /**
   * Makes `s` the latin1 view of bytes[from, to). A window well below 1 MB is an ordinary young string
   * that dies with its body; the view of a whole large body is an external string (Node copies bodies
   * over about 1 MB out of the heap), which counts as external memory and brings full collections.
   */
  show(from: number, to: number): void {
    this.offset = from;
    this.s = this.bytes.toString('latin1', from, to);
    this.window++;
  }

  /**
   * Bytes [a, b) as stored text. OSS stores the bytes as sent and a query returns them as they are, so
   * a client decoding that answer (WHATWG UTF-8, as Node and browsers do) sees each invalid sequence
   * as U+FFFD; decoding the same way here makes it read back the same string.
   */
  text(a: number, b: number): string {
    return this.ascii ? this.s.slice(a, b) : this.bytes.toString('utf8', this.offset + a, this.offset + b);
  }

  /** Bytes [a, b) as Go's encoding/json shows them in an error message: one U+FFFD per invalid byte. */
  goText(a: number, b: number): string {
    return this.ascii ? this.s.slice(a, b) : goDecode(this.s, a, b);
  }
}

const REPLACEMENT = '\ufffd';

/**
 * The length of the valid UTF-8 sequence starting at latin1 position i, or 0 when the byte there
 * starts none: Go's utf8.DecodeRune rules (no overlongs, no surrogates, nothing above U+10FFFF).
 */
function sequenceLength(s: string, i: number, end: number): number {
  const c = s.charCodeAt(i);
  if (c < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => {
    if (i + k >= end) return false;
    const x = s.charCodeAt(i + k);
    return x >= lo && x <= hi;
  };
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    const lo = c === 0xe0 ? 0xa0 : 0x80;
    const hi = c === 0xed ? 0x9f : 0xbf;
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const lo = c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xf4 ? 0x8f : 0xbf;
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/** Decodes latin1 s[a, b) as UTF-8 the way Go ranges over a string: each invalid byte is one U+FFFD. */
export function goDecode(s: string, a: number, b: number): string {
  let out = '';
  let chunk = a;
  let i = a;
  while (i < b) {
    if (s.charCodeAt(i) < 0x80) {
      i++;
      continue;
    }
    const n = sequenceLength(s, i, b);
    if (n > 0) {
      i += n;
      continue;
    }
    out += Buffer.from(s.slice(chunk, i), 'latin1').toString('utf8') + REPLACEMENT;
    i++;
    chunk = i;
  }
  return out + Buffer.from(s.slice(chunk, b), 'latin1').toString('utf8');
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const CONTROL_ESCAPES: Record<number, string> = { 7: 'a', 8: 'b', 12: 'f', 10: 'n', 13: 'r', 9: 't', 11: 'v' };

/**
 * Go's `%q` of a byte slice (strconv.Quote), given as latin1 s[a, b): printable runes as they are,
 * invalid bytes as `\xff`, other runes as `\x..`, `\u....` or `\U........`.
 */
export function goQuoteBytes(s: string, a: number, b: number): string {
  let out = '"';
  let i = a;
  while (i < b) {
    const c = s.charCodeAt(i);
    const n = sequenceLength(s, i, b);
    if (n === 0) {
      out += `\\x${hex(c, 2)}`;
      i++;
      continue;
    }
    const rune =
      n === 1
        ? c
        : (Buffer.from(s.slice(i, i + n), 'latin1')
            .toString('utf8')
            .codePointAt(0) ?? 0);
    i += n;
    if (rune === 0x22 || rune === 0x5c) out += `\\${String.fromCharCode(rune)}`;
    else if (PRINTABLE.test(String.fromCodePoint(rune))) out += String.fromCodePoint(rune);
    else if (CONTROL_ESCAPES[rune] !== undefined) out += `\\${CONTROL_ESCAPES[rune]}`;
    else if (rune < 0x80) out += `\\x${hex(rune, 2)}`;
    else if (rune < 0x10000) out += `\\u${hex(rune, 4)}`;
    else out += `\\U${hex(rune, 8)}`;
  }
  return out + '"';
}

/** Go's `%q` of a string already decoded (every rune valid). */
export function goQuote(text: string): string {
  return goQuoteBytes(Buffer.from(text, 'utf8').toString('latin1'), 0, Buffer.byteLength(text, 'utf8'));
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}
