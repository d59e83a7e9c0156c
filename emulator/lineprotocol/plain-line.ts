/**
 * The fast path for the common line: no quote and no backslash anywhere in it, a series key seen
 * before in this body, and fields that are short decimals, `<n>i`, `<n>u` or booleans. Such a line is
 * read in one pass over its bytes, without slicing values or building intermediate arrays. Anything
 * else (and every error) is left to the exact port of OSS in point.ts: `parse` then returns undefined,
 * so a line gets the same point, or the same error, whichever path reads it.
 */
import * as codes from '../storage/point-batch';
import type { PointBatch } from '../storage/point-batch';
import type { Point } from '../storage/types';
import type { Body } from './bytes';
import { MAX_NANO_TIME, MIN_NANO_TIME } from './precision';

const TAB = 9;
const SPACE = 32;
const COMMA = 44;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const EQUALS = 61;
const UPPER_F = 70;
const UPPER_T = 84;
const LOWER_F = 102;
const LOWER_I = 105;
const LOWER_T = 116;
const LOWER_U = 117;

/** Largest key+field in bytes (OSS `MaxKeyLength`), with the 4 bytes of the TSM field separator. */
const MAX_KEY_LENGTH = 65535;
const FIELD_SEPARATOR_LENGTH = 4;
/** Most digits a double holds exactly: up to here a number is read without slicing its text. */
const EXACT_DIGITS = 15;
/** Longer digit strings are left to the exact parser (10^309 is Infinity, which OSS refuses). */
const MAX_PLAIN_DIGITS = 300;
/** Most series keys remembered per body, as point.ts does. */
const MAX_KNOWN_KEYS = 10_000;

// Imported constants are read through their module's getters under the CommonJS that tsx runs the sources
// as (tests, benchmarks); copies here are plain constants that the JIT folds into the loop.
const BOOLEAN = codes.BOOLEAN;
const DOUBLE = codes.DOUBLE;
const LONG = codes.LONG;
const UNSIGNED = codes.UNSIGNED;
const MIN_TIME = MIN_NANO_TIME;
const MAX_TIME = MAX_NANO_TIME;

/** Exact powers of ten (a double holds 10^0..10^22 exactly), as values.ts divides by them. */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);

interface KnownSeries {
  /** Where the key's bytes first came in the body's bytes: comparing bytes is cheaper than hashing a string. */
  at: number;
  /** The series of the line that followed this one last time: fleets send their devices in the same order. */
  next: KnownSeries | undefined;
  /** Its index in the batch's series. */
  index: number;
  /** Bytes of measurement+tags as sent. */
  bytes: number;
}

/** What a bad or unusual line makes `parse` return: the caller then asks the exact parser. */
export const UNUSUAL = false;

/** Reads the plain lines of one body into its batch: its caches hold positions in that body. */
export class PlainLineParser {
  /** Measurement and tags by the series key's bytes as sent (a latin1 string), filled by `remember`. */
  private readonly series = new Map<string, KnownSeries>();
  private previous: KnownSeries | undefined;
  /** The raw text and the batch's key index of each field key by its position in the line, from earlier lines. */
  private readonly fieldRaw: string[] = [];
  private readonly fieldKey: number[] = [];
  /** The last timestamp's digits and its value: a batch of a fleet repeats one time over many lines. */
  private lastTimeText = '';
  private lastTime = 0n;

  constructor(
    private readonly batch: PointBatch,
    private readonly multiplier: bigint,
    private readonly defaultTime: bigint,
  ) {}

  /**
   * Keeps the series key of a plain line the exact parser has just read (`point`), for the lines
   * after it. In a line without quotes and backslashes the series key ends at the first space.
   */
  remember(body: Body, start: number, end: number, point: Point): void {
    const space = body.s.indexOf(' ', start);
    if (space < 0 || space >= end || this.series.size >= MAX_KNOWN_KEYS) return;
    const known = {
      at: body.offset + start,
      next: undefined,
      index: this.batch.addSeries(point.measurement, point.tags),
      bytes: space - start,
    };
    this.series.set(body.s.slice(start, space), known);
    if (this.previous !== undefined) this.previous.next = known;
    this.previous = known;
  }

  /**
   * The series predicted by the line before, when the line s[start, end) starts with its key and a
   * space. Its key holds no space, so that space is the line's first: no search for it is needed.
   */
  private predicted(body: Body, start: number, end: number): KnownSeries | undefined {
    const predicted = this.previous?.next;
    if (predicted === undefined) return undefined;
    const space = start + predicted.bytes;
    if (space >= end || body.s.charCodeAt(space) !== SPACE) return undefined;
    const at = body.offset + start;
    if (body.bytes.compare(body.bytes, predicted.at, predicted.at + predicted.bytes, at, at + predicted.bytes) !== 0)
      return undefined;
    this.previous = predicted;
    return predicted;
  }

  /** The known series whose key is s[start, space), looked up by its bytes. */
  private lookup(body: Body, start: number, space: number): KnownSeries | undefined {
    // Hashing a long key (a fleet's are hundreds of bytes) costs more than comparing it with the predicted one.
    const known = this.series.get(body.s.slice(start, space));
    if (known === undefined) return undefined;
    if (this.previous !== undefined) this.previous.next = known;
    this.previous = known;
    return known;
  }

  /**
   * Adds the point of the plain line s[start, end) to the batch and returns true, or returns UNUSUAL
   * (adding nothing) for the exact parser to read it.
   */
  parse(body: Body, start: number, end: number): boolean {
    const batch = this.batch;
    const firstField = batch.fieldCount;
    if (this.parseLine(body, start, end, firstField)) return true;
    batch.dropFieldsFrom(firstField);
    return UNUSUAL;
  }

  private parseLine(body: Body, start: number, end: number, firstField: number): boolean {
    const s = body.s;
    let known = this.predicted(body, start, end);
    let space: number;
    if (known !== undefined) space = start + known.bytes;
    else {
      space = s.indexOf(' ', start);
      if (space < 0 || space >= end) return UNUSUAL;
      known = this.lookup(body, start, space);
      if (known === undefined) return UNUSUAL;
    }

    const batch = this.batch;
    let i = space + 1;
    for (let slot = 0; ; slot++) {
      // The key: up to `=`, with nothing the exact parser treats specially in it.
      const keyStart = i;
      let key: number;
      const raw = this.fieldRaw[slot];
      if (raw !== undefined && s.startsWith(raw, i) && s.charCodeAt(i + raw.length) === EQUALS) {
        key = this.fieldKey[slot];
        i += raw.length;
      } else {
        for (; i < end; i++) {
          const c = s.charCodeAt(i);
          if (c === EQUALS) break;
          if (c === COMMA || c === SPACE || c === TAB || c === 0) return UNUSUAL;
        }
        if (i === keyStart || i >= end) return UNUSUAL;
        const text = body.text(keyStart, i);
        key = batch.keyIndex(text);
        this.fieldRaw[slot] = s.slice(keyStart, i);
        this.fieldKey[slot] = key;
      }
      if (known.bytes + FIELD_SEPARATOR_LENGTH + (i - keyStart) > MAX_KEY_LENGTH) return UNUSUAL;
      i++;

      // The value, up to the comma or space after it.
      const valueStart = i;
      let c = i < end ? s.charCodeAt(i) : COMMA;
      let type: number;
      let value: number;
      if (c === LOWER_T || c === UPPER_T || c === LOWER_F || c === UPPER_F) {
        while (i < end && (c = s.charCodeAt(i)) !== COMMA && c !== SPACE) i++;
        const flag = booleanWord(s, valueStart, i);
        if (flag === undefined) return UNUSUAL;
        type = BOOLEAN;
        value = flag ? 1 : 0;
      } else {
        const negative = c === MINUS;
        if (negative) i++;
        let mantissa = 0;
        let digits = 0;
        let fraction = -1;
        for (; i < end; i++) {
          c = s.charCodeAt(i);
          if (c >= ZERO && c <= NINE) {
            mantissa = mantissa * 10 + (c - ZERO);
            digits++;
          } else if (c === DOT && fraction < 0) fraction = digits;
          else break;
        }
        if (digits === 0) return UNUSUAL;
        if (c === LOWER_I || c === LOWER_U) {
          // `<n>i` and `<n>u`: no dot, and nothing but the end of the value after the letter.
          const letter = c;
          if (fraction >= 0 || digits > EXACT_DIGITS || (letter === LOWER_U && negative)) return UNUSUAL;
          i++;
          if (i < end && (c = s.charCodeAt(i)) !== COMMA && c !== SPACE) return UNUSUAL;
          type = letter === LOWER_I ? LONG : UNSIGNED;
          value = negative ? -mantissa : mantissa;
        } else {
          if (i < end && c !== COMMA && c !== SPACE) return UNUSUAL;
          if (digits <= EXACT_DIGITS) {
            // The digits make an exact integer and one division by an exact power of ten rounds correctly.
            const v = fraction < 0 ? mantissa : mantissa / POWERS_OF_TEN[digits - fraction];
            type = DOUBLE;
            value = negative ? -v : v;
          } else {
            // Too many digits to be exact here (GPS coordinates often have 17): Number() rounds them.
            // Hundreds of digits would overflow to Infinity, which OSS refuses: the exact parser says so.
            if (digits > MAX_PLAIN_DIGITS) return UNUSUAL;
            type = DOUBLE;
            value = Number(s.slice(valueStart, i));
          }
        }
      }
      // A repeated key: the exact parser keeps every occurrence for the storage engine's checks.
      for (let f = firstField; f < batch.fieldCount; f++) if (batch.fieldKeys[f] === key) return UNUSUAL;
      batch.addField(key, type, value);
      if (i >= end) return this.point(known, this.defaultTime);
      if (s.charCodeAt(i) === SPACE) break;
      i++; // the comma
    }
    return this.time(s, i, end, known);
  }

  /** The timestamp after the fields (s[i] is the space after them), then only spaces may follow. */
  private time(s: string, i: number, end: number, known: KnownSeries): boolean {
    let c = 0;
    while (i < end && ((c = s.charCodeAt(i)) === SPACE || c === TAB || c === 0)) i++;
    if (i >= end) return this.point(known, this.defaultTime);
    const start = i;
    if (c === MINUS) i++;
    const digitsStart = i;
    while (i < end && (c = s.charCodeAt(i)) >= ZERO && c <= NINE) i++;
    if (i === digitsStart) return UNUSUAL;
    const digitsEnd = i;
    for (; i < end; i++) if (s.charCodeAt(i) !== SPACE) return UNUSUAL;
    const length = digitsEnd - start;
    if (length !== this.lastTimeText.length || !s.startsWith(this.lastTimeText, start)) {
      // More than 19 digits may not fit int64: the exact parser words that error.
      if (length > 19) return UNUSUAL;
      const text = s.slice(start, digitsEnd);
      const time = BigInt(text) * this.multiplier;
      if (time < MIN_TIME || time > MAX_TIME) return UNUSUAL;
      this.lastTimeText = text;
      this.lastTime = time;
    }
    return this.point(known, this.lastTime);
  }

  private point(known: KnownSeries, time: bigint): boolean {
    this.batch.endPoint(known.index, time);
    return true;
  }
}

/** OSS's boolean words: t T true True TRUE, f F false False FALSE; undefined for anything else. */
function booleanWord(s: string, a: number, b: number): boolean | undefined {
  const length = b - a;
  const first = s.charCodeAt(a);
  if (length === 1) return first === LOWER_T || first === UPPER_T;
  if (length !== 4 && length !== 5) return undefined;
  const word = s.slice(a, b);
  if (word === 'true' || word === 'True' || word === 'TRUE') return true;
  if (word === 'false' || word === 'False' || word === 'FALSE') return false;
  return undefined;
}
