/**
 * RFC 3339 times as Flux writes and reads them: nanoseconds since the epoch (int64) <-> text.
 * Written like Go `t.UTC().Format(time.RFC3339Nano)`; read like Go `time.Parse(time.RFC3339, s)`.
 */
import { errors } from '../../errors';

const NS_PER_SECOND = 1_000_000_000n;
const SECONDS_PER_DAY = 86_400n;
const MIN_INT64 = -(2n ** 63n);
const MAX_INT64 = 2n ** 63n - 1n;

/** RFC3339Nano in UTC: `2018-05-22T19:53:26.1Z`, trailing fractional zeros (and a bare dot) trimmed. */
export function formatTime(ns: bigint): string {
  const seconds = floorDiv(ns, NS_PER_SECOND);
  const nanos = ns - seconds * NS_PER_SECOND;
  const days = floorDiv(seconds, SECONDS_PER_DAY);
  const secondOfDay = Number(seconds - days * SECONDS_PER_DAY);
  const { year, month, day } = civilFromDays(Number(days));
  const hh = Math.floor(secondOfDay / 3600);
  const mm = Math.floor((secondOfDay % 3600) / 60);
  const ss = secondOfDay % 60;
  const fraction = nanos === 0n ? '' : '.' + nanos.toString().padStart(9, '0').replace(/0+$/, '');
  return `${formatYear(year)}-${pad2(month)}-${pad2(day)}T${pad2(hh)}:${pad2(mm)}:${pad2(ss)}${fraction}Z`;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;

/**
 * Parses RFC 3339 with an optional fraction and a `Z` or `±hh:mm` offset into nanoseconds since the epoch.
 * Like Go, fraction digits past the ninth are truncated. Throws an `invalid` ApiError on anything else,
 * including times outside the int64 nanosecond range (1677-09-21 .. 2262-04-11).
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
  const ns = seconds * NS_PER_SECOND + fraction;
  if (ns < MIN_INT64 || ns > MAX_INT64) throw badTime(text, 'outside the range of int64 nanoseconds');
  return ns;
}

function badTime(text: string, why: string) {
  return errors.invalid(`cannot parse ${JSON.stringify(text)} as an RFC3339 time: ${why}`);
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b < 0n ? q - 1n : q;
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

// Proleptic Gregorian calendar <-> days since 1970-01-01 (H. Hinnant's algorithms); Date cannot reach
// every int64 nanosecond exactly and treats years 0-99 specially.
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}
