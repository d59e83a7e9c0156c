/**
 * Time and duration arithmetic on int64 nanoseconds. Durations with months follow the calendar in UTC,
 * clamping the day to the month's last as Flux's values.Time.Add does (Jan 31 + 1mo = Feb 29 or 28).
 */
import type { Duration } from './values';
import { FluxError } from './errors';
import { civilFromDays, daysFromCivil, floorDiv } from '../calendar';

export { floorDiv };

export const NS_PER_SECOND = 1_000_000_000n;
const NS_PER_DAY = 86_400n * NS_PER_SECOND;
export const MIN_TIME = -(2n ** 63n);
export const MAX_TIME = 2n ** 63n - 1n;

const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
  μs: 1_000n,
  ms: 1_000_000n,
  s: NS_PER_SECOND,
  m: 60n * NS_PER_SECOND,
  h: 3_600n * NS_PER_SECOND,
  d: NS_PER_DAY,
  w: 7n * NS_PER_DAY,
};

export const ZERO_DURATION: Duration = { months: 0n, nanoseconds: 0n };
export const INFINITE_DURATION: Duration = { months: 0n, nanoseconds: MAX_TIME, infinite: true };

export function durationFromParts(parts: { magnitude: bigint; unit: string }[]): Duration {
  let months = 0n;
  let nanoseconds = 0n;
  for (const { magnitude, unit } of parts) {
    if (unit === 'y') months += magnitude * 12n;
    else if (unit === 'mo') months += magnitude;
    else {
      const ns = UNIT_NS[unit];
      if (ns === undefined) throw new FluxError(`unknown duration unit "${unit}"`);
      nanoseconds += magnitude * ns;
    }
  }
  return { months, nanoseconds };
}

/** Parses Flux duration syntax, e.g. `1h30m`, `-5m`, `1mo` (what `duration(v: "...")` accepts). */
export function parseDuration(text: string): Duration {
  const m = /^(-?)((?:\d+(?:y|mo|w|d|h|ms|us|µs|μs|ns|m|s))+)$/.exec(text.trim());
  if (!m) throw new FluxError(`invalid duration ${JSON.stringify(text)}`);
  const parts = [...m[2].matchAll(/(\d+)(y|mo|w|d|h|ms|us|µs|μs|ns|m|s)/g)].map((p) => ({
    magnitude: BigInt(p[1]),
    unit: p[2],
  }));
  const d = durationFromParts(parts);
  return m[1] === '-' ? negate(d) : d;
}

export function negate(d: Duration): Duration {
  return { months: -d.months, nanoseconds: -d.nanoseconds, infinite: d.infinite };
}

export function isNegative(d: Duration): boolean {
  return d.months < 0n || d.nanoseconds < 0n;
}

export function isZero(d: Duration): boolean {
  return d.months === 0n && d.nanoseconds === 0n;
}

export function addDurations(a: Duration, b: Duration): Duration {
  return { months: a.months + b.months, nanoseconds: a.nanoseconds + b.nanoseconds };
}

/** `t + scale·d`: months first (calendar, UTC), then the fixed part. */
export function addDuration(t: bigint, d: Duration, scale = 1n): bigint {
  let out = t;
  if (d.months !== 0n) out = addMonths(out, d.months * scale);
  return out + d.nanoseconds * scale;
}

export function addMonths(t: bigint, months: bigint): bigint {
  const day = floorDiv(t, NS_PER_DAY);
  const timeOfDay = t - day * NS_PER_DAY;
  const { year, month, day: dayOfMonth } = civilFromDays(Number(day));
  const total = BigInt(year) * 12n + BigInt(month - 1) + months;
  const newYear = floorDiv(total, 12n);
  const newMonth = Number(total - newYear * 12n) + 1;
  const firstOfMonth = BigInt(daysFromCivil(Number(newYear), newMonth, 1));
  // Flux (values.Time.Add) clamps to the month's last day: Jan 31 + 1mo is Feb 28/29, not Go's Mar 2/3.
  const nextFirst = BigInt(daysFromCivil(Number(newYear) + (newMonth === 12 ? 1 : 0), (newMonth % 12) + 1, 1));
  const lastDay = Number(nextFirst - firstOfMonth);
  return (firstOfMonth + BigInt(Math.min(dayOfMonth, lastDay) - 1)) * NS_PER_DAY + timeOfDay;
}

/** Whole calendar months from 1970-01 to the month containing t (negative before 1970). */
export function monthIndex(t: bigint): bigint {
  const { year, month } = civilFromDays(Number(floorDiv(t, NS_PER_DAY)));
  return BigInt(year - 1970) * 12n + BigInt(month - 1);
}

/** Formats like Flux prints a duration: `1h30m`, `-5m`, `1mo2d`, `0s`. */
export function formatDuration(d: Duration): string {
  if (d.infinite) return 'inf';
  const negative = isNegative(d);
  let months = negative ? -d.months : d.months;
  let ns = negative ? -d.nanoseconds : d.nanoseconds;
  let out = '';
  const years = months / 12n;
  months -= years * 12n;
  if (years) out += `${years}y`;
  if (months) out += `${months}mo`;
  for (const [unit, size] of [
    ['w', UNIT_NS.w],
    ['d', UNIT_NS.d],
    ['h', UNIT_NS.h],
    ['m', UNIT_NS.m],
    ['s', UNIT_NS.s],
    ['ms', UNIT_NS.ms],
    ['us', UNIT_NS.us],
    ['ns', 1n],
  ] as const) {
    const n = ns / size;
    if (n) out += `${n}${unit}`;
    ns -= n * size;
  }
  if (!out) out = '0s';
  return negative ? `-${out}` : out;
}
