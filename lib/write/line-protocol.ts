/**
 * Line protocol text given to `iot-write`: split into lines the way InfluxDB does (a newline inside a
 * quoted string field value does not end the line) and check each line's shape, so that one bad line is
 * reported with a reason at the edge instead of making the server reject a whole batch.
 * Grammar and messages follow the OSS parser (models/points.go).
 */
import { clip } from '../describe-value';
import {
  fieldKeyProblem,
  FORBIDDEN_NAME_REASON,
  FORBIDDEN_NAMES,
  seriesKeyProblem,
  stringFieldProblem,
  utf8Bytes,
  utf8Problem,
} from './limits';
import type { Precision } from './timestamp';
import { toProtocolTimestamp } from './timestamp';

export const RESERVED_TAG_KEYS: readonly string[] = ['_field', '_measurement', 'time'];
/** A field called `time` cannot be stored (`invalid field name`), so it is refused here. */
export const RESERVED_FIELD_KEYS: readonly string[] = ['time'];

export interface RawLine {
  /** 0-based position of the line in the text (counting blank and comment lines). */
  index: number;
  text: string;
}

/** Splits like OSS `scanLine`: quotes count only inside the field set, after an `=` of a field. */
export function splitLines(text: string): RawLine[] {
  const out: RawLine[] = [];
  let start = 0;
  let i = 0;
  let index = 0;
  while (start <= text.length) {
    let inFields = false;
    let quoted = false;
    let equals = 0;
    let commas = 0;
    i = start;
    while (i < text.length) {
      const c = text[i];
      if (c === '\\' && i + 2 < text.length) {
        i += 2;
        continue;
      }
      if (c === ' ') inFields = true;
      if (inFields) {
        if (!quoted && c === '=') equals++;
        else if (!quoted && c === ',') commas++;
        else if (c === '"' && equals > commas) quoted = !quoted;
      }
      if (c === '\n' && !quoted) break;
      i++;
    }
    out.push({ index: index++, text: text.slice(start, i) });
    start = i + 1;
  }
  return out;
}

export type LineCheck = { ok: true; line: string } | { ok: false; reason: string } | { ok: 'skip' };

/**
 * Checks one line. Leading/trailing blanks and a trailing `\r` (text pasted from Windows) are removed;
 * blank lines and `#` comments are skipped, as the server does.
 */
export function checkLine(raw: string, precision: Precision): LineCheck {
  const line = raw.replace(/^[ \t\0]+/, '').replace(/[ \t\r]+$/, '');
  if (line === '' || line.startsWith('#')) return { ok: 'skip' };
  const encoding = utf8Problem(line);
  if (encoding) return { ok: false, reason: `line ${encoding}` };
  const reason = new LineScanner(line, precision).check();
  return reason === undefined ? { ok: true, line } : { ok: false, reason };
}

class LineScanner {
  private i = 0;
  /** Bytes of measurement and tags as written (OSS counts the escaped key). */
  private keyBytes = 0;
  constructor(
    private readonly s: string,
    private readonly precision: Precision,
  ) {}

  check(): string | undefined {
    const measurement = this.token([',', ' ']);
    if (measurement === '') return 'missing measurement';
    if (this.s[this.i] === ',') {
      this.i++;
      const tagError = this.tags();
      if (tagError) return tagError;
    }
    if (this.s[this.i] !== ' ') return 'missing fields';
    // Counted exactly, not as UTF-16 units: each field key's check adds its bytes to these.
    this.keyBytes = utf8Bytes(this.s.slice(0, this.i));
    const keyProblem = seriesKeyProblem(this.keyBytes);
    if (keyProblem) return keyProblem;
    this.skipSpaces();
    const fieldError = this.fields();
    if (fieldError) return fieldError;
    if (this.i >= this.s.length) return undefined;
    this.skipSpaces();
    const ts = this.s.slice(this.i);
    if (!/^-?\d+$/.test(ts)) return ts.includes(' ') ? 'point is invalid' : 'bad timestamp';
    const checked = toProtocolTimestamp(ts, this.precision);
    return checked.ok ? undefined : checked.reason;
  }

  private tags(): string | undefined {
    const seen = new Set<string>();
    for (;;) {
      const key = this.token([',', ' ', '=']);
      if (key === '') return 'missing tag key';
      if (this.s[this.i] !== '=') return 'missing tag value';
      this.i++;
      const value = this.token([',', ' ', '=']);
      if (value === '') return 'missing tag value';
      if (this.s[this.i] === '=') return 'invalid tag format';
      const name = unescape(key);
      if (RESERVED_TAG_KEYS.includes(name)) return `cannot use reserved tag key "${name}"`;
      if (FORBIDDEN_NAMES.includes(name)) return `tag key "${name}" ${FORBIDDEN_NAME_REASON}`;
      if (seen.has(name)) return 'duplicate tags';
      seen.add(name);
      if (this.s[this.i] !== ',') return undefined;
      this.i++;
    }
  }

  private fields(): string | undefined {
    for (;;) {
      const key = this.token([',', ' ', '=']);
      if (key === '') return this.i >= this.s.length ? 'missing fields' : 'missing field key';
      if (this.s[this.i] !== '=') return 'missing field value';
      this.i++;
      const name = unescape(key);
      if (RESERVED_FIELD_KEYS.includes(name)) return `invalid field name: field "${name}" is reserved`;
      if (FORBIDDEN_NAMES.includes(name)) return `field key "${name}" ${FORBIDDEN_NAME_REASON}`;
      const tooLong = fieldKeyProblem(this.keyBytes, utf8Bytes(key));
      if (tooLong) return `field key "${clip(name)}" ${tooLong}`;
      const valueError = this.s[this.i] === '"' ? this.stringValue(name) : this.scalarValue(name);
      if (valueError) return valueError;
      const next = this.s[this.i];
      if (next === undefined || next === ' ') return undefined;
      if (next !== ',') return 'invalid field format';
      this.i++;
    }
  }

  private stringValue(field: string): string | undefined {
    this.i++;
    const from = this.i;
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === '\\') {
        this.i += 2;
        continue;
      }
      if (c === '"') {
        const value = this.s.slice(from, this.i).replace(/\\(["\\])/g, '$1');
        this.i++;
        const problem = stringFieldProblem(value);
        return problem ? `field "${clip(field)}" ${problem}` : undefined;
      }
      this.i++;
    }
    return 'unbalanced quotes';
  }

  private scalarValue(field: string): string | undefined {
    const value = this.token([',', ' ']);
    if (value === '') return 'missing field value';
    return checkScalar(value, field);
  }

  /** Up to (not including) the first unescaped stop character. */
  private token(stops: string[]): string {
    const from = this.i;
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === '\\' && this.i + 1 < this.s.length) {
        this.i += 2;
        continue;
      }
      if (stops.includes(c)) break;
      this.i++;
    }
    return this.s.slice(from, this.i);
  }

  private skipSpaces(): void {
    while (this.s[this.i] === ' ') this.i++;
  }
}

const BOOLEANS = new Set(['t', 'T', 'true', 'True', 'TRUE', 'f', 'F', 'false', 'False', 'FALSE']);
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

function checkScalar(raw: string, rawField: string): string | undefined {
  if (BOOLEANS.has(raw)) return undefined;
  const value = clip(raw);
  const field = clip(rawField);
  if (raw.endsWith('i')) {
    const digits = raw.slice(0, -1);
    if (!/^-?\d+$/.test(digits)) return `unable to parse integer ${value} of field "${field}"`;
    return outOfRange(digits, INT64_MIN, INT64_MAX)
      ? `integer ${value} of field "${field}" is out of range`
      : undefined;
  }
  if (raw.endsWith('u')) {
    const digits = raw.slice(0, -1);
    if (!/^\d+$/.test(digits)) return `unable to parse unsigned ${value} of field "${field}"`;
    return outOfRange(digits, 0n, UINT64_MAX) ? `unsigned ${value} of field "${field}" is out of range` : undefined;
  }
  if (!/^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw)) return `invalid number ${value} of field "${field}"`;
  return Number.isFinite(Number(raw)) ? undefined : `invalid float ${value} of field "${field}"`;
}

/** Digits beyond any 64-bit integer are out of range without reading a huge number. */
function outOfRange(digits: string, min: bigint, max: bigint): boolean {
  if (digits.replace(/^-?0*/, '').length > 20) return true;
  const n = BigInt(digits);
  return n < min || n > max;
}

/** Removes line-protocol escapes (`\,` `\=` `\ `), for comparing names. */
function unescape(s: string): string {
  return s.replace(/\\([,= ])/g, '$1');
}
