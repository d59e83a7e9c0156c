/**
 * Write precision and the timestamp rules of InfluxDB OSS 2.x (models/points.go `SafeCalcTime`,
 * models/time.go `MinNanoTime`/`MaxNanoTime`).
 */
export type Precision = 'ns' | 'us' | 'ms' | 's';

const MULTIPLIER: Record<Precision, bigint> = { ns: 1n, us: 1_000n, ms: 1_000_000n, s: 1_000_000_000n };

export function isPrecision(p: string): p is Precision {
  return p === 'ns' || p === 'us' || p === 'ms' || p === 's';
}

/** Nanoseconds in one unit of `precision`. */
export function precisionMultiplier(precision: Precision): bigint {
  return MULTIPLIER[precision];
}

/** int64 minus 2 at the low end: OSS keeps the two lowest values as sentinels. */
export const MIN_NANO_TIME = -9223372036854775806n;
/** int64 minus 1 at the high end: OSS needs one value above any point for exclusive ranges. */
export const MAX_NANO_TIME = 9223372036854775806n;

export const TIME_OUT_OF_RANGE = `time outside range ${MIN_NANO_TIME} - ${MAX_NANO_TIME}`;

/** Rounds down to a whole unit of `precision`, like Go's `time.Truncate` on the server clock. */
export function truncateToPrecision(ns: bigint, precision: Precision): bigint {
  const m = MULTIPLIER[precision];
  if (m === 1n) return ns;
  const r = ns % m;
  return r < 0n ? ns - r - m : ns - r;
}
