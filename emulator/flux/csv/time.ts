/**
 * RFC 3339 times as Flux writes and reads them: nanoseconds since the epoch (int64) <-> text.
 * Written like Go `t.UTC().Format(time.RFC3339Nano)`; read like Go `time.Parse(time.RFC3339, s)`.
 */
import { errors } from '../../errors';
import { civilFromDays, daysFromCivil, floorDiv } from '../calendar';

const NS_PER_SECOND = 1_000_000_000n;
const SECONDS_PER_DAY = 86_400n;

/**
 * RFC3339Nano in UTC: `2018-05-22T19:53:26.1Z`, trailing fractional zeros (and a bare dot) trimmed, as annotated
 * CSV writes times. `nanoseconds` always writes nine fraction digits, as Flux's `string(v: time)` and string
 * interpolation do (its values.Time String() uses the layout `2006-01-02T15:04:05.000000000Z07:00`).
 */
export function formatTime(ns: bigint, fraction: 'trimmed' | 'nanoseconds' = 'trimmed'): string {
  const seconds = floorDiv(ns, NS_PER_SECOND);
  const nanos = ns - seconds * NS_PER_SECOND;
  const days = floorDiv(seconds, SECONDS_PER_DAY);
  const secondOfDay = Number(seconds - days * SECONDS_PER_DAY);
  const { year, month, day } = civilFromDays(Number(days));
  const hh = Math.floor(secondOfDay / 3600);
  const mm = Math.floor((secondOfDay % 3600) / 60);
  const ss = secondOfDay % 60;
  const digits = nanos.toString().padStart(9, '0');
  const text = fraction === 'nanoseconds' ? `.${digits}` : nanos === 0n ? '' : '.' + digits.replace(/0+$/, '');
  return `${formatYear(year)}-${pad2(month)}-${pad2(day)}T${pad2(hh)}:${pad2(mm)}:${pad2(ss)}${text}Z`;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;

/**
 * Parses RFC 3339 with an optional fraction and a `Z` or `±hh:mm` offset into nanoseconds since the epoch.
 * Like Go, fraction digits past the ninth are truncated. Throws an `invalid` ApiError on anything else. A time
 * outside the int64 nanosecond range (1677-09-21 .. 2262-04-11) wraps around as Flux's does (Go's UnixNano
 * overflows): year 2600 reads as a time in 1970's past, and compares equal to what `time(v: uint)` makes of the
 * same count of nanoseconds.
 */
export function parseTime(text: string): bigint {
  const m = RFC3339.exec(text);
  if (!m) throw badTime(text, 'expected YYYY-MM-DDTHH:MM:SS[.fraction](Z|±hh:mm)');
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (month < 1 || month > 12) throw badTime(text, 'month out of range');
  if (day < 1 || day > daysInMonth(year, month)) throw badTime(text, 'day out of range');
  if (hour > 23) throw badTime(text, 'hour out of range');
  if (minute > 59) throw badTime(text, 'minute out of range');
  if (second > 59) throw badTime(text, 'second out of range');
  let offsetSeconds = 0;
  if (m[8] !== 'Z') {
    const offsetHours = Number(m[10]);
    const offsetMinutes = Number(m[11]);
    if (offsetHours > 23 || offsetMinutes > 59) throw badTime(text, 'time zone offset out of range');
    offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (m[9] === '-' ? -1 : 1);
  }
  const fraction = BigInt((m[7] ?? '').slice(0, 9).padEnd(9, '0'));
  const seconds =
    BigInt(daysFromCivil(year, month, day)) * SECONDS_PER_DAY +
    BigInt(hour * 3600 + minute * 60 + second - offsetSeconds);
  return BigInt.asIntN(64, seconds * NS_PER_SECOND + fraction);
}

function badTime(text: string, why: string) {
  return errors.invalid(`cannot parse ${JSON.stringify(text)} as an RFC3339 time: ${why}`);
}

function pad2(n: number): string {
  return n.toString().padStart(2, '0');
}

function formatYear(year: number): string {
  // Go writes at least four digits, with a leading '-' for years before 0 (unreachable for int64 nanos).
  return year < 0 ? '-' + String(-year).padStart(4, '0') : String(year).padStart(4, '0');
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  return month === 2 ? (isLeap(year) ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}
