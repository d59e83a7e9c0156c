/**
 * What a user gives `iot-write` → line protocol, validated at the edge: every bad point gets a reason and
 * the good ones still go. Input is a point object, an array of them, or line-protocol text.
 */
import { escape } from '@influxdata/influxdb-client';
import { clip } from '../describe-value';
import { checkLine, RESERVED_FIELD_KEYS, RESERVED_TAG_KEYS, splitLines } from './line-protocol';
import {
  fieldKeyProblem,
  FORBIDDEN_NAME_REASON,
  FORBIDDEN_NAMES,
  nameProblem,
  quoted,
  seriesKeyProblem,
  stringFieldProblem,
  utf8Bytes,
} from './limits';
import type { Precision } from './timestamp';
import { describe, toProtocolTimestamp } from './timestamp';

/** A field value whose line-protocol type is stated, e.g. `{type: 'int', value: 1200}` for `CO2=1200i`. */
export type TypedFieldValue =
  | { type: 'int'; value: number | bigint | string }
  | { type: 'uint'; value: number | bigint | string }
  | { type: 'float'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string };

/** A bare number is a float (so a field keeps one type); use `{type: 'int', value}` for an integer. */
export type FieldValue = number | string | boolean | TypedFieldValue;

/**
 * A number, bigint or digit text is in the pipeline's precision (default ms); a Date or an RFC 3339 text
 * is converted. Omitted: the server's time.
 */
export type PointTimestamp = number | bigint | Date | string;

export interface PointObject {
  /** Default `environment`. */
  measurement?: string;
  /** Override the default tags (e.g. `clientId`) of the pipeline. */
  tags?: Record<string, string>;
  /** At least one; `null`/`undefined` values are left out. */
  fields: Record<string, FieldValue | null | undefined>;
  timestamp?: PointTimestamp;
}

/** What `write()` takes: one point, several (points or line-protocol texts), or line-protocol text. */
export type WriteInput = PointObject | ReadonlyArray<PointObject | string> | string;

export interface PointDefaults {
  /** Default `environment`. */
  measurement: string;
  /** Added to every point object; the point's own tags win. Not added to line-protocol text. */
  defaultTags: Record<string, string>;
  /** Unit of numeric timestamps and of the written lines. Default `ms`. */
  precision: Precision;
}

export const DEFAULT_POINT_DEFAULTS: PointDefaults = { measurement: 'environment', defaultTags: {}, precision: 'ms' };

export interface InputError {
  /** Position in the array (or of the line in the text; 0 for a single point). */
  index: number;
  reason: string;
}

export interface Conversion {
  lines: string[];
  errors: InputError[];
}

const POINT_KEYS = ['measurement', 'tags', 'fields', 'timestamp'];

/** Converts and validates; never throws. */
export function toLines(input: unknown, defaults: Partial<PointDefaults> = {}): Conversion {
  const d: PointDefaults = { ...DEFAULT_POINT_DEFAULTS, ...defaults };
  const out: Conversion = { lines: [], errors: [] };
  if (typeof input === 'string') {
    addText(input, d.precision, out, (lineIndex) => lineIndex);
  } else if (Array.isArray(input)) {
    // A plain loop, not forEach: a hole in a sparse array is a missing point, reported like any other.
    for (let index = 0; index < input.length; index++) {
      const item: unknown = input[index];
      if (typeof item === 'string') addText(item, d.precision, out, () => index);
      else addPoint(item, index, d, out);
    }
  } else if (isRecord(input)) {
    addPoint(input, 0, d, out);
  } else {
    out.errors.push({
      index: 0,
      reason: `input must be a point object, an array of points or line protocol text, not ${describe(input)}`,
    });
  }
  return out;
}

function addText(text: string, precision: Precision, out: Conversion, indexOf: (lineIndex: number) => number): void {
  for (const raw of splitLines(text)) {
    const checked = checkLine(raw.text, precision);
    if (checked.ok === 'skip') continue;
    if (checked.ok) out.lines.push(checked.line);
    else out.errors.push({ index: indexOf(raw.index), reason: `${checked.reason}: '${clip(raw.text)}'` });
  }
}

function addPoint(item: unknown, index: number, d: PointDefaults, out: Conversion): void {
  const result = pointToLine(item, d);
  if (typeof result === 'string') out.lines.push(result);
  else out.errors.push({ index, reason: result.reason });
}

/**
 * Names already found writable, with their escaped form and its UTF-8 length. A fleet repeats the same
 * few measurements, tag keys, tag values and field keys in every point: checked once, not once a point.
 * Bounded: it starts afresh when full, so that a stream of ever-new tag values cannot grow it.
 */
class KnownNames {
  private readonly names = new Map<string, EscapedName>();

  constructor(private readonly max: number) {}

  get(name: string): EscapedName | undefined {
    return this.names.get(name);
  }

  add(name: string, escaped: string): EscapedName {
    if (this.names.size >= this.max) this.names.clear();
    const known = { name, escaped, bytes: utf8Bytes(escaped) };
    this.names.set(name, known);
    return known;
  }
}

interface EscapedName {
  name: string;
  escaped: string;
  bytes: number;
}

const knownMeasurements = new KnownNames(1000);
const knownTagKeys = new KnownNames(1000);
const knownTagValues = new KnownNames(10_000);
const knownFieldKeys = new KnownNames(1000);

/** One point object → one line, or the reason it cannot be written. */
export function pointToLine(item: unknown, d: PointDefaults): string | { reason: string } {
  if (!isRecord(item)) return { reason: `a point must be an object with fields, not ${describe(item)}` };
  const unknown = unknownKeys(item);
  if (unknown.length > 0) {
    const names = unknown
      .slice(0, 5)
      .map((k) => quoted(k))
      .join(', ');
    const what = unknown.length > 1 ? 'properties' : 'property';
    return { reason: `unknown ${what} ${names}; a point has measurement, tags, fields and timestamp` };
  }
  const measurement = item.measurement ?? d.measurement;
  if (typeof measurement !== 'string') return { reason: `measurement must be a text, not ${describe(measurement)}` };
  const name = knownMeasurements.get(measurement) ?? checkMeasurement(measurement);
  if ('reason' in name) return name;

  const tags = checkTags(item.tags, d.defaultTags);
  if ('reason' in tags) return tags;
  const fields = checkFields(item.fields);
  if ('reason' in fields) return fields;
  const time = toProtocolTimestamp(item.timestamp, d.precision);
  if (!time.ok) return { reason: time.reason };

  let seriesKey = name.escaped;
  // Every separator (',' and '=') is one byte.
  let keyBytes = name.bytes;
  for (const [key, value] of tags.value) {
    seriesKey += `,${key.escaped}=${value.escaped}`;
    keyBytes += key.bytes + value.bytes + 2;
  }
  const keyProblem = seriesKeyProblem(keyBytes);
  if (keyProblem) return { reason: keyProblem };
  let fieldSet = '';
  for (const [key, value] of fields.value) {
    const tooLong = fieldKeyProblem(keyBytes, key.bytes);
    if (tooLong) return { reason: `field key ${quoted(key.name)} ${tooLong}` };
    fieldSet += fieldSet === '' ? `${key.escaped}=${value}` : `,${key.escaped}=${value}`;
  }
  const line = `${seriesKey} ${fieldSet}`;
  return time.value === undefined ? line : `${line} ${time.value}`;
}

/** Properties a point object does not have. */
function unknownKeys(item: Record<string, unknown>): string[] {
  const unknown: string[] = [];
  for (const key of Object.keys(item)) if (!POINT_KEYS.includes(key)) unknown.push(key);
  return unknown;
}

function checkMeasurement(measurement: string): EscapedName | { reason: string } {
  if (measurement === '') return { reason: 'measurement is empty' };
  if (measurement.startsWith('#')) {
    return { reason: `measurement ${quoted(measurement)} starts with '#', which makes the line a comment` };
  }
  if (badBackslash(measurement, true)) return { reason: `measurement ${quoted(measurement)} ${BACKSLASH_REASON}` };
  const measurementProblem = nameProblem(measurement);
  if (measurementProblem) return { reason: `measurement ${quoted(measurement)} ${measurementProblem}` };
  return knownMeasurements.add(measurement, escape.measurement(measurement));
}

/** The merged tags, sorted by key; a Map, so that no key (not even `__proto__`) is special. */
function checkTags(
  given: unknown,
  defaults: Record<string, string>,
): { value: Array<[EscapedName, EscapedName]> } | { reason: string } {
  if (given !== undefined && given !== null && !isRecord(given)) {
    return { reason: `tags must be an object of texts, not ${describe(given)}` };
  }
  const merged = mergeTags(defaults, given as Record<string, unknown> | undefined | null);
  const value: Array<[EscapedName, EscapedName]> = [];
  for (const key of [...merged.keys()].sort()) {
    const v = merged.get(key);
    const knownKey = knownTagKeys.get(key);
    const knownValue = knownKey && typeof v === 'string' ? knownTagValues.get(v) : undefined;
    if (knownKey && knownValue) {
      value.push([knownKey, knownValue]);
      continue;
    }
    const problem = tagProblem(key, v);
    if (problem) return problem;
    value.push([
      knownKey ?? knownTagKeys.add(key, escape.tag(key)),
      knownTagValues.add(v as string, escape.tag(v as string)),
    ]);
  }
  return { value };
}

/** The point's tags over the defaults. */
function mergeTags(defaults: Record<string, string>, given: Record<string, unknown> | undefined | null) {
  const merged = new Map<string, unknown>();
  for (const key in defaults) if (Object.hasOwn(defaults, key)) merged.set(key, defaults[key]);
  if (given) for (const key of Object.keys(given)) merged.set(key, given[key]);
  return merged;
}

/** Why a tag cannot be written, in the order a user should fix it; undefined when it can. */
function tagProblem(key: string, v: unknown): { reason: string } | undefined {
  if (key === '') return { reason: 'a tag key is empty' };
  if (RESERVED_TAG_KEYS.includes(key)) return { reason: `tag key ${quoted(key)} is reserved by InfluxDB` };
  if (FORBIDDEN_NAMES.includes(key)) return { reason: `tag key ${quoted(key)} ${FORBIDDEN_NAME_REASON}` };
  const keyProblem = nameProblem(key);
  if (keyProblem) return { reason: `tag key ${quoted(key)} ${keyProblem}` };
  if (typeof v !== 'string') return { reason: `tag ${quoted(key)} must be a text, not ${describe(v)}` };
  if (v === '') return { reason: `tag ${quoted(key)} is empty; line protocol cannot carry an empty tag value` };
  if (badBackslash(key, false) || badBackslash(v, false)) {
    return { reason: `tag ${quoted(key)} ${BACKSLASH_REASON}` };
  }
  const valueProblem = nameProblem(v);
  if (valueProblem) return { reason: `tag ${quoted(key)} value ${valueProblem}` };
  return undefined;
}

function checkFields(given: unknown): { value: Array<[EscapedName, string]> } | { reason: string } {
  if (!isRecord(given))
    return { reason: `fields must be an object such as {temperature: 21.5}, not ${describe(given)}` };
  const value: Array<[EscapedName, string]> = [];
  for (const key of Object.keys(given).sort()) {
    const v = given[key];
    if (v === undefined || v === null) continue;
    const known = knownFieldKeys.get(key) ?? checkFieldKey(key);
    if ('reason' in known) return known;
    const encoded = encodeField(key, v);
    if (typeof encoded !== 'string') return encoded;
    value.push([known, encoded]);
  }
  if (value.length === 0) return { reason: 'a point needs at least one field' };
  return { value };
}

function checkFieldKey(key: string): EscapedName | { reason: string } {
  if (key === '') return { reason: 'a field key is empty' };
  if (RESERVED_FIELD_KEYS.includes(key)) return { reason: `field key ${quoted(key)} is reserved by InfluxDB` };
  if (FORBIDDEN_NAMES.includes(key)) return { reason: `field key ${quoted(key)} ${FORBIDDEN_NAME_REASON}` };
  if (badBackslash(key, true)) return { reason: `field key ${quoted(key)} ${BACKSLASH_REASON}` };
  const keyProblem = nameProblem(key);
  if (keyProblem) return { reason: `field key ${quoted(key)} ${keyProblem}` };
  return knownFieldKeys.add(key, escape.tag(key));
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** A field value → its line-protocol form (`1.5`, `7i`, `7u`, `T`, `"text"`). */
function encodeField(key: string, v: unknown): string | { reason: string } {
  switch (typeof v) {
    case 'number':
      return encodeFloat(key, v);
    case 'bigint':
      return encodeInteger(key, v, 'int');
    case 'boolean':
      return v ? 'T' : 'F';
    case 'string':
      return encodeString(key, v);
  }
  if (!isRecord(v) || typeof v.type !== 'string' || !('value' in v)) {
    return { reason: `field ${quoted(key)} must be a number, text, boolean or {type, value}, not ${describe(v)}` };
  }
  const value = v.value;
  switch (v.type) {
    case 'float':
      return typeof value === 'number' ? encodeFloat(key, value) : typeMismatch(key, 'float', 'a number', value);
    case 'bool':
      return typeof value === 'boolean' ? (value ? 'T' : 'F') : typeMismatch(key, 'bool', 'a boolean', value);
    case 'string':
      return typeof value === 'string' ? encodeString(key, value) : typeMismatch(key, 'string', 'a text', value);
    case 'int':
    case 'uint': {
      // A safe integer is within both ranges once it is not negative for uint: no BigInt needed.
      if (Number.isSafeInteger(value) && (v.type === 'int' || (value as number) >= 0)) {
        return `${value as number}${v.type === 'int' ? 'i' : 'u'}`;
      }
      const n = toBigInt(value);
      if (typeof n !== 'bigint') return { reason: `field ${quoted(key)} of type ${v.type}: ${n.reason}` };
      return encodeInteger(key, n, v.type);
    }
    default:
      return {
        reason: `field ${quoted(key)} has unknown type ${quoted(v.type)}; use int, uint, float, bool or string`,
      };
  }
}

function encodeString(key: string, v: string): string | { reason: string } {
  const problem = stringFieldProblem(v);
  return problem ? { reason: `field ${quoted(key)} ${problem}` } : escape.quoted(v);
}

function encodeFloat(key: string, v: number): string | { reason: string } {
  if (!Number.isFinite(v)) return { reason: `field ${quoted(key)} is ${v}; InfluxDB stores only finite numbers` };
  return String(v);
}

function encodeInteger(key: string, n: bigint, type: 'int' | 'uint'): string | { reason: string } {
  const [min, max, suffix] = type === 'int' ? [INT64_MIN, INT64_MAX, 'i'] : [0n, UINT64_MAX, 'u'];
  if (n < min || n > max) {
    return { reason: `field ${quoted(key)} value ${clip(String(n))} is out of the ${type}64 range` };
  }
  return `${n}${suffix}`;
}

function toBigInt(value: unknown): bigint | { reason: string } {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return { reason: `${value} is not a whole number` };
    if (!Number.isSafeInteger(value)) {
      return { reason: `${value} is too large to be exact as a number; give it as a bigint or a text of digits` };
    }
    return BigInt(value);
  }
  // More digits than any 64-bit integer has: out of range, without reading a huge number.
  if (typeof value === 'string' && /^-?\d{1,25}$/.test(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return { reason: `${describe(value)} is out of range` };
  return { reason: `${describe(value)} is not an integer` };
}

function typeMismatch(key: string, type: string, expected: string, value: unknown): { reason: string } {
  return { reason: `field ${quoted(key)} of type ${type} needs ${expected}, not ${describe(value)}` };
}

/**
 * A plain object (not an array, Date, Map, Buffer...). By its tag rather than its prototype: objects made in
 * a function node's sandbox have that context's Object.prototype.
 */
function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && Object.prototype.toString.call(v) === '[object Object]';
}

const BACKSLASH_REASON = "has a backslash at its end or before ',', '=', ' ' or '\"', which line protocol cannot carry";

/**
 * Line protocol has no escape for a backslash: one before a separator (or at the end, before the next
 * one) would be read as escaping it. Measurement and field keys also lose a backslash before a quote.
 */
function badBackslash(s: string, quoteToo: boolean): boolean {
  return quoteToo ? /\\([,= "]|$)/.test(s) : /\\([,= ]|$)/.test(s);
}
