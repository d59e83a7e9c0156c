/**
 * One line of line protocol to one point: a port of InfluxDB OSS 2.x models/points.go `parsePoint`
 * (scanKey, scanTags, scanFields, scanNumber, scanBoolean, walkFields, scanTime) onto the bytes of the
 * body (its latin1 view, see `Body`), so that every accepted line, every rejected line and every error
 * reason is the one OSS gives.
 * Fields are then split the way OSS's field iterator splits them (`walkFields`, `scanFieldValue`).
 */
import { type FieldValue, type LineField, MAX_FIELD_VALUE_LENGTH, type Point } from '../storage/types';
import { Body } from './bytes';
import { compareUtf8, unescapeName, unescapeStringField, unescapeTag } from './escape';
import { MAX_NANO_TIME, MIN_NANO_TIME, TIME_OUT_OF_RANGE } from './precision';
import { booleanValue, isDigit, isFloatLiteral, MAX_INT64, MAX_UINT64, MIN_INT64, readValue } from './values';

const TAB = 9;
const NEWLINE = 10;
const SPACE = 32;
const QUOTE = 34;
const PLUS = 43;
const COMMA = 44;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const EQUALS = 61;
const UPPER_E = 69;
const UPPER_F = 70;
const UPPER_N = 78;
const UPPER_T = 84;
const BACKSLASH = 92;
const LOWER_E = 101;
const LOWER_F = 102;
const LOWER_I = 105;
const LOWER_N = 110;
const LOWER_T = 116;
const LOWER_U = 117;

/** Largest measurement+tags key, and largest key+field, in bytes (OSS `MaxKeyLength`). */
const MAX_KEY_LENGTH = 65535;
/** Length of the TSM field separator `#!~#` that OSS counts into the series key size. */
const FIELD_SEPARATOR_LENGTH = 4;

/** Raw texts and their unescaped strings, by position in the line (see `PointParser.text`). */
interface TextCache {
  raw: string[];
  text: string[];
}
type Unescape = (s: string, a: number, b: number) => string;

/**
 * Tag keys OSS refuses (models/points.go `reservedTagKeys`): the bytes 0xff and 0x00 it keeps field
 * keys and measurements under, and `_field`, `_measurement`, `time`. Keys are compared as raw bytes,
 * so 0xff is the one-char latin1 key.
 */
const RESERVED_TAG_KEYS: readonly { key: string; quoted: string }[] = [
  { key: '\u00ff', quoted: '"\\xff"' },
  { key: '\u0000', quoted: '"\\x00"' },
  { key: '_field', quoted: '"_field"' },
  { key: '_measurement', quoted: '"_measurement"' },
  { key: 'time', quoted: '"time"' },
];

/** Most series keys one body's parser remembers (see `PointParser.keys`). */
const MAX_KNOWN_KEYS = 10_000;

function indexOrEnd(s: string, c: string, from: number): number {
  const i = s.indexOf(c, from);
  return i < 0 ? s.length : i;
}

/** Space, tab and NUL, the bytes OSS `skipWhitespace` skips. */
export function skipWhitespace(s: string, i: number, end: number): number {
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c !== SPACE && c !== TAB && c !== 0) break;
    i++;
  }
  return i;
}

function isNumeric(c: number): boolean {
  return (c >= ZERO && c <= NINE) || c === DOT;
}

/**
 * Parses single lines. One instance serves a whole body, keeping scratch positions of tags and the
 * strings of repeated keys between lines.
 */
export class PointParser {
  private body = new Body(Buffer.alloc(0));
  /** The latin1 view of `body`: one char per byte. */
  private s = '';
  private end = 0;
  private err: string | null = null;

  private tagCount = 0;
  private readonly tagStart: number[] = [];
  private readonly tagEquals: number[] = [];
  private readonly tagEnd: number[] = [];

  /** Bytes of measurement+tags as sent (escaped), which OSS measures against MaxKeyLength. */
  private keyBytes = 0;

  /**
   * Every field of the current line in line order (key, value, string bytes or -1), and whether the
   * line needs them passed on (see `Point.lineFields`): scratch reused between lines, turned into
   * objects only for the few lines that need it.
   */
  private fieldCount = 0;
  private readonly fieldKeys: string[] = [];
  private readonly fieldValues: FieldValue[] = [];
  private readonly fieldBytes: number[] = [];
  private needsLineFields = false;

  /** A value only OSS's storage engine would reject; reported after the timestamp checks. */
  private valueErr: string | null = null;

  /**
   * The raw text and the unescaped string of each element of the previous lines, by slot: lines of
   * one batch mostly repeat their keys, and reusing the string spares the garbage collector.
   */
  private readonly measurementCache: TextCache = { raw: [], text: [] };
  private readonly tagCache: TextCache = { raw: [], text: [] };
  private readonly fieldCache: TextCache = { raw: [], text: [] };

  /**
   * Measurement and tags of the series keys already read from this body, by their bytes as sent: a fleet's
   * batch repeats the same few series keys, and a key seen before needs no scanning, unescaping, sorting or
   * new arrays (points of one series share its tags array, which nothing mutates). Only keys without a
   * backslash are kept: their end is simply the first space.
   */
  private readonly keys = new Map<string, { measurement: string; tags: [string, string][]; bytes: number }>();
  private keysBody: Body | undefined;
  /** The window of `keysBody` that `nextBackslash` is a position in. */
  private keysWindow = 0;
  private nextBackslash = -1;

  constructor(
    private readonly multiplier: bigint,
    private readonly defaultTime: bigint,
  ) {}

  /** Parses s[start, end) (a line without its leading whitespace); returns the point or OSS's reason. */
  parse(body: Body, start: number, end: number): Point | string {
    const s = body.s;
    this.body = body;
    this.s = s;
    this.end = end;
    this.err = null;
    this.tagCount = 0;
    this.valueErr = null;

    // scanKey: measurement[,tag=value...]
    const keyStart = skipWhitespace(s, start, end);
    if (this.keysBody !== body || this.keysWindow !== body.window) {
      if (this.keysBody !== body) this.keys.clear();
      this.keysBody = body;
      this.keysWindow = body.window;
      this.nextBackslash = -1;
    }
    if (this.nextBackslash < keyStart) this.nextBackslash = indexOrEnd(s, '\\', keyStart);
    const space = s.indexOf(' ', keyStart);
    if (space > keyStart && space < end && space < this.nextBackslash) {
      const known = this.keys.get(s.slice(keyStart, space));
      if (known !== undefined) {
        this.keyBytes = known.bytes;
        return this.parseFields(space, known.measurement, known.tags);
      }
    }
    const measurementEnd = this.scanMeasurement(keyStart);
    if (this.err !== null) return this.err;
    let keyEnd = measurementEnd;
    if (measurementEnd < end && s.charCodeAt(measurementEnd) === COMMA) {
      keyEnd = this.scanTags(measurementEnd + 1);
      if (this.err !== null) return this.err;
    }
    const reserved = this.reservedTagKey();
    if (reserved !== null) return `cannot use reserved tag key ${reserved}`;
    const tags = this.readTags();
    if (tags === null) return 'duplicate tags';

    this.keyBytes = keyEnd - keyStart;
    if (this.keyBytes > MAX_KEY_LENGTH) return `max key length exceeded: ${this.keyBytes} > ${MAX_KEY_LENGTH}`;
    const measurement = this.text(this.measurementCache, 0, keyStart, measurementEnd, unescapeName);
    if (keyEnd === space && space < this.nextBackslash && this.keys.size < MAX_KNOWN_KEYS) {
      this.keys.set(s.slice(keyStart, keyEnd), { measurement, tags, bytes: this.keyBytes });
    }
    return this.parseFields(keyEnd, measurement, tags);
  }

  /** The rest of the line after its series key (which ends at `keyEnd`). */
  private parseFields(keyEnd: number, measurement: string, tags: [string, string][]): Point | string {
    const s = this.s;
    const end = this.end;
    const fieldsStart = skipWhitespace(s, keyEnd, end);
    const fieldsEnd = this.scanFields(fieldsStart);
    if (this.err !== null) return this.err;
    if (fieldsEnd === fieldsStart) return 'missing fields';
    const fields = this.walkFields(fieldsStart, fieldsEnd);
    if (this.err !== null) return this.err;

    const time = this.scanTime(fieldsEnd);
    if (this.err !== null || time === null) return this.err ?? 'bad timestamp';
    if (this.valueErr !== null) return this.valueErr;

    const point: Point = {
      measurement,
      tags,
      fields,
      time,
    };
    if (this.needsLineFields) point.lineFields = this.collectLineFields();
    return point;
  }

  private collectLineFields(): LineField[] {
    const out: LineField[] = [];
    for (let f = 0; f < this.fieldCount; f++) {
      const field: LineField = { key: this.fieldKeys[f], value: this.fieldValues[f] };
      if (this.fieldBytes[f] >= 0) field.bytes = this.fieldBytes[f];
      out.push(field);
    }
    return out;
  }

  /** s[a, b) unescaped, reusing the string of the same slot of an earlier line when the text is the same. */
  private text(cache: TextCache, slot: number, a: number, b: number, unescape: Unescape): string {
    const s = this.s;
    const raw = cache.raw[slot];
    if (raw !== undefined && raw.length === b - a && s.startsWith(raw, a)) return cache.text[slot];
    let text: string;
    if (this.body.ascii) {
      text = unescape(s, a, b);
      // Unescaping only removes characters: the same length means the raw text is the string itself.
      cache.raw[slot] = text.length === b - a ? text : s.slice(a, b);
    } else {
      // Unescaping drops only a backslash before an ASCII character, so it gives the same text
      // before or after decoding; after, it works on the decoded string.
      const decoded = this.body.text(a, b);
      text = unescape(decoded, 0, decoded.length);
      cache.raw[slot] = s.slice(a, b);
    }
    cache.text[slot] = text;
    return text;
  }

  private fail(reason: string, at: number): number {
    this.err = reason;
    return at;
  }

  /** Returns the end of the measurement: the unescaped comma or space after it. */
  private scanMeasurement(i: number): number {
    const s = this.s;
    const end = this.end;
    if (i >= end || s.charCodeAt(i) === COMMA) return this.fail('missing measurement', i);
    for (;;) {
      i++;
      if (i >= end) return this.fail('missing fields', i);
      if (s.charCodeAt(i - 1) === BACKSLASH) continue;
      const c = s.charCodeAt(i);
      if (c === COMMA || c === SPACE) return i;
    }
  }

  /** Scans `k=v[,k=v...]` from the first tag key; returns the position of the space after the last value. */
  private scanTags(i: number): number {
    const s = this.s;
    const end = this.end;
    for (;;) {
      // scanTagsKey
      const n = this.tagCount;
      this.tagStart[n] = i;
      if (i >= end) return this.fail('missing tag key', i);
      let c = s.charCodeAt(i);
      if (c === SPACE || c === COMMA || c === EQUALS) return this.fail('missing tag key', i);
      for (;;) {
        i++;
        if (i >= end) return this.fail('missing tag value', i);
        c = s.charCodeAt(i);
        const escaped = s.charCodeAt(i - 1) === BACKSLASH;
        if ((c === SPACE || c === COMMA) && !escaped) return this.fail('missing tag value', i);
        if (c === EQUALS && !escaped) break;
      }
      this.tagEquals[n] = i;
      this.tagCount = n + 1;
      i++;

      // scanTagsValue
      if (i >= end) return this.fail('missing tag value', i);
      c = s.charCodeAt(i);
      if (c === COMMA || c === SPACE) return this.fail('missing tag value', i);
      for (;;) {
        i++;
        if (i >= end) return this.fail('missing fields', i);
        c = s.charCodeAt(i);
        if (s.charCodeAt(i - 1) === BACKSLASH) continue;
        if (c === EQUALS) return this.fail('invalid tag format', i);
        if (c === COMMA) {
          this.tagEnd[n] = i;
          i++;
          break;
        }
        if (c === SPACE) {
          this.tagEnd[n] = i;
          return i;
        }
      }
    }
  }

  /** The first reserved raw tag key in line order, quoted the way Go's %q does, or null. */
  private reservedTagKey(): string | null {
    for (let j = 0; j < this.tagCount; j++) {
      const a = this.tagStart[j];
      const length = this.tagEquals[j] - a;
      for (const r of RESERVED_TAG_KEYS) {
        if (r.key.length === length && this.s.startsWith(r.key, a)) return r.quoted;
      }
    }
    return null;
  }

  /**
   * Unescaped tags sorted by key, or null when two keys are equal. (Unescaping is one-to-one on
   * what the scanner accepts, so equal unescaped keys are exactly OSS's equal raw keys.)
   */
  private readTags(): [string, string][] | null {
    const n = this.tagCount;
    const tags: [string, string][] = new Array(n);
    let sorted = true;
    for (let j = 0; j < n; j++) {
      const eq = this.tagEquals[j];
      tags[j] = [
        this.text(this.tagCache, 2 * j, this.tagStart[j], eq, unescapeTag),
        this.text(this.tagCache, 2 * j + 1, eq + 1, this.tagEnd[j], unescapeTag),
      ];
      if (j > 0) {
        const c = compareUtf8(tags[j - 1][0], tags[j][0]);
        if (c === 0) return null;
        if (c > 0) sorted = false;
      }
    }
    if (sorted) return tags;
    for (let j = 1; j < n; j++) {
      const t = tags[j];
      let k = j - 1;
      while (k >= 0 && compareUtf8(tags[k][0], t[0]) > 0) {
        tags[k + 1] = tags[k];
        k--;
      }
      tags[k + 1] = t;
    }
    for (let j = 1; j < n; j++) if (tags[j - 1][0] === tags[j][0]) return null;
    return tags;
  }

  /** OSS `scanFields`: validates `k=v[,k=v...]`; returns the position of the space (or end) after it. */
  private scanFields(i: number): number {
    const s = this.s;
    const end = this.end;
    let quoted = false;
    let equals = 0;
    let commas = 0;
    while (i < end) {
      const c = s.charCodeAt(i);
      if (c === BACKSLASH && i + 1 < end) {
        i += 2;
        continue;
      }
      // Quotes count only in values; a quote in a field key is an ordinary character.
      if (c === QUOTE && equals > commas) {
        quoted = !quoted;
        i++;
        continue;
      }
      if (c === EQUALS && !quoted) {
        equals++;
        const before = s.charCodeAt(i - 1);
        if ((before === SPACE || before === COMMA) && s.charCodeAt(i - 2) !== BACKSLASH) {
          return this.fail('missing field key', i);
        }
        if (i + 1 >= end) return this.fail('missing field value', i);
        const next = s.charCodeAt(i + 1);
        if (next === COMMA || next === SPACE) return this.fail('missing field value', i);
        if (isNumeric(next) || next === MINUS || next === UPPER_N || next === LOWER_N) {
          i = this.scanNumber(i + 1);
          if (this.err !== null) return i;
          continue;
        }
        if (next !== QUOTE) {
          i = this.scanBoolean(i + 1);
          if (this.err !== null) return i;
          continue;
        }
      }
      if (c === COMMA && !quoted) commas++;
      if (c === SPACE && !quoted) break;
      i++;
    }
    if (quoted) return this.fail('unbalanced quotes', i);
    if (equals === 0 || commas !== equals - 1) return this.fail('invalid field format', i);
    return i;
  }

  /** OSS `scanNumber`: float, `<n>i` integer or `<n>u` unsigned; range-checks only long numbers, as OSS does. */
  private scanNumber(i: number): number {
    const s = this.s;
    const end = this.end;
    const start = i;
    let isInt = false;
    let isUnsigned = false;
    if (i < end && s.charCodeAt(i) === MINUS) {
      i++;
      if (i === end) return this.fail('invalid number', i);
    }
    let decimal = false;
    let scientific = false;
    while (i < end) {
      const c = s.charCodeAt(i);
      if (c === COMMA || c === SPACE) break;
      if (c === LOWER_I && i > start && !(isInt || isUnsigned)) {
        isInt = true;
        i++;
        continue;
      } else if (c === LOWER_U && i > start && !(isInt || isUnsigned)) {
        isUnsigned = true;
        i++;
        continue;
      }
      if (c === DOT) {
        if (decimal) return this.fail('invalid number', i);
        decimal = true;
      }
      if (i > start && (c === LOWER_E || c === UPPER_E)) {
        scientific = true;
        i++;
        continue;
      }
      if (c === PLUS || c === MINUS) {
        const before = s.charCodeAt(i - 1);
        if (before === LOWER_E || before === UPPER_E) {
          i++;
          continue;
        }
      }
      if (i + 2 < end && (c === UPPER_N || c === LOWER_N)) return this.fail('invalid number', i);
      if (!isNumeric(c)) return this.fail('invalid number', i);
      i++;
    }
    if ((isInt || isUnsigned) && (decimal || scientific)) return this.fail('invalid number', i);

    let digits = i - start;
    if (isInt) digits--;
    if (decimal) digits--;
    if (s.charCodeAt(start) === MINUS) digits--;
    if (digits === 0) return this.fail('invalid number', i);

    if (isInt) {
      if (s.charCodeAt(i - 1) !== LOWER_I) return this.fail('invalid number', i);
      // 19 digits is where int64 can overflow.
      if (i - 1 - start >= 19) {
        const text = s.slice(start, i - 1);
        const v = BigInt(text);
        if (v > MAX_INT64 || v < MIN_INT64) {
          return this.fail(
            `unable to parse integer ${text}: strconv.ParseInt: parsing "${text}": value out of range`,
            i,
          );
        }
      }
    } else if (isUnsigned) {
      if (s.charCodeAt(i - 1) !== LOWER_U) return this.fail('invalid number', i);
      if (s.charCodeAt(start) === MINUS) return this.fail('invalid number', i);
      if (i - 1 - start >= 20) {
        const text = s.slice(start, i - 1);
        if (BigInt(text) > MAX_UINT64) {
          return this.fail(
            `unable to parse unsigned ${text}: strconv.ParseUint: parsing "${text}": value out of range`,
            i,
          );
        }
      }
    } else if (scientific || i - start >= 25) {
      if (!isFloatLiteral(s, start, i) || !Number.isFinite(Number(s.slice(start, i)))) {
        return this.fail('invalid float', i);
      }
    }
    return i;
  }

  /** OSS `scanBoolean`: t T true True TRUE f F false False FALSE. */
  private scanBoolean(i: number): number {
    const s = this.s;
    const end = this.end;
    const start = i;
    const first = s.charCodeAt(i);
    if (first !== LOWER_T && first !== LOWER_F && first !== UPPER_T && first !== UPPER_F) {
      return this.fail('invalid boolean', i);
    }
    i++;
    while (i < end) {
      const c = s.charCodeAt(i);
      if (c === COMMA || c === SPACE) break;
      i++;
    }
    const length = i - start;
    if (length === 1) return i;
    if (booleanValue(s, start, i) === null) return this.fail('invalid boolean', i);
    return i;
  }

  /**
   * OSS `walkFields` as `parsePoint` runs it: splits the fields the way OSS's field iterator reads
   * them, checks each series key size, and reads the values. A repeated key keeps its last value in
   * the map, as the storage engine does; the storage engine's per-field checks, which see every
   * occurrence, get them from `lineFields`.
   */
  private walkFields(start: number, end: number): Map<string, FieldValue> {
    const s = this.s;
    const body = this.body;
    const fields = new Map<string, FieldValue>();
    this.fieldCount = 0;
    this.needsLineFields = false;
    let p = start;
    for (let f = 0; p < end; f++) {
      let k = p;
      while (k < end) {
        if (s.charCodeAt(k) === EQUALS && (k === p || s.charCodeAt(k - 1) !== BACKSLASH)) break;
        k++;
      }
      if (k > end - 2) {
        this.err = `invalid value: field-key=${body.goText(p, k)}`;
        return fields;
      }
      const valueStart = k + 1;
      const valueEnd = scanFieldValue(s, valueStart, end);

      const size = this.keyBytes + FIELD_SEPARATOR_LENGTH + (k - p);
      if (size > MAX_KEY_LENGTH) {
        this.err = `max key length exceeded: ${size} > ${MAX_KEY_LENGTH}`;
        return fields;
      }

      if (this.valueErr === null) {
        const key = this.text(this.fieldCache, f, p, k, unescapeName);
        const value = valueEnd === valueStart ? `unknown field type for ${key}` : readValue(body, valueStart, valueEnd);
        if (typeof value === 'string') this.valueErr = value;
        else {
          let bytes = -1;
          // A value this long may be over OSS's MaxFieldValueLength, which counts the unescaped bytes
          // as sent; only the bytes can tell (decoding changes the length of invalid UTF-8).
          if (value.type === 'string' && (valueEnd - valueStart) * 3 > MAX_FIELD_VALUE_LENGTH) {
            bytes = unescapeStringField(s, valueStart + 1, valueEnd - 1).length;
            this.needsLineFields = true;
          }
          const n = this.fieldCount++;
          this.fieldKeys[n] = key;
          this.fieldValues[n] = value;
          this.fieldBytes[n] = bytes;
          fields.set(key, value);
          // The map did not grow: the key was given before, perhaps with another type.
          if (fields.size <= n) this.needsLineFields = true;
        }
      }
      p = valueEnd < end ? valueEnd + 1 : valueEnd;
    }
    return fields;
  }

  /** OSS `scanTime` plus the timestamp checks of `parsePoint`; null with `err` set on failure. */
  private scanTime(i: number): bigint | null {
    const s = this.s;
    const end = this.end;
    const start = skipWhitespace(s, i, end);
    i = start;
    while (i < end) {
      const c = s.charCodeAt(i);
      if (c === NEWLINE || c === SPACE) break;
      if (i === start && c === MINUS) {
        i++;
        continue;
      }
      if (!isDigit(c)) {
        this.err = 'bad timestamp';
        return null;
      }
      i++;
    }
    if (i === start) return this.defaultTime;

    const text = s.slice(start, i);
    if (text === '-') {
      this.err = 'strconv.ParseInt: parsing "-": invalid syntax';
      return null;
    }
    const ts = BigInt(text);
    if (ts > MAX_INT64 || ts < MIN_INT64) {
      this.err = `strconv.ParseInt: parsing "${text}": value out of range`;
      return null;
    }
    const time = ts * this.multiplier;
    if (time < MIN_NANO_TIME || time > MAX_NANO_TIME) {
      this.err = TIME_OUT_OF_RANGE;
      return null;
    }
    for (; i < end; i++) {
      if (s.charCodeAt(i) !== SPACE) {
        this.err = 'point is invalid';
        return null;
      }
    }
    return time;
  }
}

/** OSS `scanFieldValue`: up to the next comma outside quotes; only `\"` and `\\` are escapes here. */
function scanFieldValue(s: string, i: number, end: number): number {
  let quoted = false;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c === BACKSLASH && i + 1 < end) {
      const next = s.charCodeAt(i + 1);
      if (next === QUOTE || next === BACKSLASH) {
        i += 2;
        continue;
      }
    }
    if (c === QUOTE) {
      quoted = !quoted;
      i++;
      continue;
    }
    if (c === COMMA && !quoted) break;
    i++;
  }
  return i;
}
