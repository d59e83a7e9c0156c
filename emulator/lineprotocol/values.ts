/**
 * Field values as OSS reads them back after parsing (models/points.go field iterator `Next`,
 * `StringValue`, `IntegerValue`, ...), and the value syntax helpers the scanner shares.
 */
import type { FieldValue } from '../storage/types';
import { type Body, goQuoteBytes } from './bytes';
import { unescapeStringField } from './escape';

const QUOTE = 34;
const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const UPPER_E = 69;
const UPPER_I = 73;
const UPPER_N = 78;
const LOWER_E = 101;
const LOWER_I = 105;
const LOWER_N = 110;
const LOWER_U = 117;

export const MAX_INT64 = 9223372036854775807n;
export const MIN_INT64 = -9223372036854775808n;
export const MAX_UINT64 = 18446744073709551615n;

export function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

/** Characters that make OSS's field iterator read a value as a number (`0123456789-.nNiIu`). */
function startsNumber(c: number): boolean {
  return (
    isDigit(c) ||
    c === DOT ||
    c === MINUS ||
    c === LOWER_N ||
    c === UPPER_N ||
    c === LOWER_I ||
    c === UPPER_I ||
    c === LOWER_U
  );
}

/**
 * A field value read the way OSS's field iterator reads it (type from the first and the last
 * character), or the storage engine's complaint about it: a value OSS's scanner accepts can still be
 * unreadable after a field key that ends in `\\`, and OSS then fails in its storage engine.
 */
export function readValue(body: Body, a: number, b: number): FieldValue | string {
  const s = body.s;
  const first = s.charCodeAt(a);
  if (first === QUOTE) {
    // OSS drops the first and the last character, whatever the last one is.
    if (b - a < 2) return { type: 'string', value: '' };
    if (body.ascii) return { type: 'string', value: unescapeStringField(s, a + 1, b - 1) };
    // `\\` and `\"` are ASCII, so unescaping the decoded text gives what decoding the unescaped bytes would.
    const decoded = body.text(a + 1, b - 1);
    return { type: 'string', value: unescapeStringField(decoded, 0, decoded.length) };
  }
  if (startsNumber(first)) {
    const last = s.charCodeAt(b - 1);
    if (last === LOWER_I) {
      const v = parseInteger(s, a, b - 1, MIN_INT64, MAX_INT64);
      return v ?? `unable to parse integer value ${goQuoteBytes(s, a, b - 1)}`;
    }
    if (last === LOWER_U) {
      const v = parseInteger(s, a, b - 1, 0n, MAX_UINT64);
      return v ?? `unable to parse unsigned value ${goQuoteBytes(s, a, b - 1)}`;
    }
    const short = parseShortDecimal(s, a, b);
    if (short !== undefined) return { type: 'double', value: short };
    if (isFloatLiteral(s, a, b)) {
      const v = Number(s.slice(a, b));
      if (Number.isFinite(v)) return { type: 'double', value: v };
    }
    return `unable to parse floating point value ${goQuoteBytes(s, a, b)}`;
  }
  const v = booleanValue(s, a, b);
  if (v === null) return `unable to parse bool value ${goQuoteBytes(s, a, b)}`;
  return { type: 'boolean', value: v };
}

function parseInteger(s: string, a: number, b: number, min: bigint, max: bigint): FieldValue | null {
  const negative = s.charCodeAt(a) === MINUS;
  let i = negative ? a + 1 : a;
  if (i === b) return null;
  let small = 0;
  for (; i < b; i++) {
    const c = s.charCodeAt(i);
    if (!isDigit(c)) return null;
    small = small * 10 + (c - ZERO);
  }
  // Up to 15 digits the number is exact, which saves slicing the text.
  const v = b - a <= 15 ? BigInt(negative ? -small : small) : BigInt(s.slice(a, b));
  if (v < min || v > max) return null;
  return { type: min === 0n ? 'unsignedLong' : 'long', value: v };
}

/** Exact powers of ten: a double holds 10^0..10^22 exactly. */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * `-?digits[.digits]` with at most 15 digits, without slicing the text: the digits make an exact
 * integer and one division by an exact power of ten rounds correctly, as Number() would.
 */
function parseShortDecimal(s: string, a: number, b: number): number | undefined {
  let i = a;
  const negative = s.charCodeAt(i) === MINUS;
  if (negative) i++;
  let mantissa = 0;
  let digits = 0;
  let fraction = -1;
  for (; i < b; i++) {
    const c = s.charCodeAt(i);
    if (isDigit(c)) {
      mantissa = mantissa * 10 + (c - ZERO);
      digits++;
    } else if (c === DOT && fraction < 0) {
      fraction = digits;
    } else return undefined;
  }
  if (digits === 0 || digits > 15) return undefined;
  const v = fraction < 0 ? mantissa : mantissa / POWERS_OF_TEN[digits - fraction];
  return negative ? -v : v;
}

/** Decimal float syntax that both Go's ParseFloat and JS's Number accept: -?d*.?d*([eE][+-]?d+)? */
export function isFloatLiteral(s: string, a: number, b: number): boolean {
  let i = a;
  const sign = s.charCodeAt(i);
  if (sign === MINUS || sign === PLUS) i++;
  let digits = 0;
  while (i < b && isDigit(s.charCodeAt(i))) {
    i++;
    digits++;
  }
  if (i < b && s.charCodeAt(i) === DOT) {
    i++;
    while (i < b && isDigit(s.charCodeAt(i))) {
      i++;
      digits++;
    }
  }
  if (digits === 0) return false;
  if (i < b && (s.charCodeAt(i) === LOWER_E || s.charCodeAt(i) === UPPER_E)) {
    i++;
    if (i < b && (s.charCodeAt(i) === PLUS || s.charCodeAt(i) === MINUS)) i++;
    let exponent = 0;
    while (i < b && isDigit(s.charCodeAt(i))) {
      i++;
      exponent++;
    }
    if (exponent === 0) return false;
  }
  return i === b;
}

const TRUE_WORDS = new Set(['t', 'T', 'true', 'True', 'TRUE']);
const FALSE_WORDS = new Set(['f', 'F', 'false', 'False', 'FALSE']);

export function booleanValue(s: string, a: number, b: number): boolean | null {
  if (b - a > 5) return null;
  const word = s.slice(a, b);
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return null;
}
