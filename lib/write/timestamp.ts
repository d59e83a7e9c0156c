/**
 * Timestamps of user points → the integer that line protocol carries, in the write precision.
 * Numbers (and digit strings, and bigints) are already in the precision; Dates and RFC 3339 texts are
 * converted, keeping sub-millisecond digits of a text when the precision can hold them.
 */
import { clip } from '../describe-value';

export type Precision = 'ns' | 'us' | 'ms' | 's';

export const PRECISIONS: readonly Precision[] = ['ns', 'us', 'ms', 's'];

const NS_PER_UNIT: Record<Precision, bigint> = { ns: 1n, us: 1_000n, ms: 1_000_000n, s: 1_000_000_000n };

/** InfluxDB's time range: int64 nanoseconds minus 2 at each end (models.MinNanoTime/MaxNanoTime). */
const MAX_NS = 9_223_372_036_854_775_806n;
const MIN_NS = -9_223_372_036_854_775_806n;

export type TimestampResult = { ok: true; value: string | undefined } | { ok: false; reason: string };

export function isPrecision(value: unknown): value is Precision {
  return typeof value === 'string' && (PRECISIONS as readonly string[]).includes(value);
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2})(?:[Tt ](\d{2}:\d{2}(?::\d{2})?)(?:[.,](\d+))?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;

/** `undefined` (no timestamp: the server's time) is fine; anything unusable gets a reason. */
export function toProtocolTimestamp(input: unknown, precision: Precision): TimestampResult {
  if (input === undefined || input === null) return { ok: true, value: undefined };
  if (typeof input === 'bigint') return inRange(input, precision, clip(String(input)));
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return fail(`timestamp ${input} is not a finite number`);
    if (Math.abs(input) >= 1e21) return outOfRange(String(input), precision);
    return inRange(BigInt(Math.floor(input)), precision, String(input));
  }
  if (input instanceof Date) {
    const ms = input.getTime();
    if (Number.isNaN(ms)) return fail('timestamp is an invalid Date');
    return fromNanos(BigInt(ms) * NS_PER_UNIT.ms, precision, input.toISOString());
  }
  if (typeof input === 'string') return fromText(input.trim(), precision);
  return fail(
    `timestamp must be a number (${precision} since the epoch), a Date or an RFC 3339 text, not ${describe(input)}`,
  );
}

/** More digits than int64 nanoseconds have: out of range in any precision, without reading a huge number. */
const MAX_DIGITS = 20;

function fromText(text: string, precision: Precision): TimestampResult {
  if (text === '') return fail('timestamp is an empty text');
  if (/^-?\d+$/.test(text)) {
    if (text.replace(/^-?0*/, '').length > MAX_DIGITS) return outOfRange(clip(text), precision);
    return inRange(BigInt(text), precision, text);
  }
  const m = RFC3339.exec(text);
  if (!m) {
    return fail(`timestamp '${clip(text)}' is neither an integer nor an RFC 3339 date such as 2024-01-02T03:04:05Z`);
  }
  const [, date, time, fraction, zone] = m;
  if (time !== undefined && zone === undefined) {
    return fail(`timestamp '${text}' has no time zone; add 'Z' or an offset such as '+02:00'`);
  }
  const whole = time === undefined ? `${date}T00:00:00Z` : `${date}T${time}${normaliseZone(zone ?? 'Z')}`;
  const ms = Date.parse(whole);
  if (Number.isNaN(ms)) return fail(`timestamp '${text}' is not a valid date`);
  const fractionNs = fraction === undefined ? 0n : BigInt(fraction.slice(0, 9).padEnd(9, '0'));
  return fromNanos(BigInt(ms) * NS_PER_UNIT.ms + fractionNs, precision, text);
}

function normaliseZone(zone: string): string {
  if (zone === 'z' || zone === 'Z') return 'Z';
  if (/^[+-]\d{2}$/.test(zone)) return `${zone}:00`;
  if (/^[+-]\d{4}$/.test(zone)) return `${zone.slice(0, 3)}:${zone.slice(3)}`;
  return zone;
}

function fromNanos(ns: bigint, precision: Precision, shown: string): TimestampResult {
  if (ns > MAX_NS || ns < MIN_NS) return outOfRange(shown);
  return { ok: true, value: String(floorDiv(ns, NS_PER_UNIT[precision])) };
}

function inRange(units: bigint, precision: Precision, shown: string): TimestampResult {
  const ns = units * NS_PER_UNIT[precision];
  if (ns > MAX_NS || ns < MIN_NS) return outOfRange(shown, precision);
  return { ok: true, value: String(units) };
}

function outOfRange(shown: string, precision?: Precision): TimestampResult {
  const unit = precision ? ` ${precision}` : '';
  return fail(`timestamp ${shown}${unit} is outside InfluxDB's range (years 1677 to 2262)`);
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

function fail(reason: string): TimestampResult {
  return { ok: false, reason };
}

export function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the text '${clip(value, 40)}'`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'function' || typeof value === 'symbol') return `a ${typeof value}`;
  return `${typeof value} ${clip(String(value))}`;
}
