/**
 * Flux duration literals (`-1d`, `5m`, `1h30m`) checked here so that a validated duration can be written
 * into a query as a literal: the `flux` template's `fluxDuration` would emit `duration(v: ...)`, a call
 * the emulator's Flux subset does not offer.
 */
import { describeValue } from '../describe-value';
import { QueryParameterError } from './errors';

// Longest units first, so that `mo` and `ms` are not read as `m`.
const UNIT_MS: ReadonlyArray<readonly [string, number]> = [
  ['mo', 30 * 86_400_000],
  ['ms', 1],
  ['us', 0.001],
  ['µs', 0.001],
  ['ns', 0.000001],
  ['y', 365 * 86_400_000],
  ['w', 7 * 86_400_000],
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
];
const UNITS = UNIT_MS.map(([unit]) => unit).join('|');
const DURATION = new RegExp(`^(?:[0-9]+(?:${UNITS}))+$`, 'u');
const PART = new RegExp(`([0-9]+)(${UNITS})`, 'gu');
/** Flux durations are int64 nanoseconds: about 292 years. */
const MAX_MS = 9.2e12;
/** No sensible duration is longer text than this (`-292y11mo4w6d23h59m59s999ms999us999ns` is 39). */
const MAX_LITERAL_LENGTH = 64;

export interface FluxDuration {
  /** The literal as written, e.g. `-1d`. */
  literal: string;
  negative: boolean;
  /** Length in ms; months and years counted as 30 and 365 days. */
  ms: number;
}

/** Parses a duration literal such as `-1d` or `1h30m`; undefined when it is not one. */
export function parseFluxDuration(text: string): FluxDuration | undefined {
  if (text.length > MAX_LITERAL_LENGTH) return undefined;
  const negative = text.startsWith('-');
  const body = negative ? text.slice(1) : text;
  if (!DURATION.test(body)) return undefined;
  let ms = 0;
  for (const [, amount, unit] of body.matchAll(PART)) {
    ms += Number(amount) * (UNIT_MS.find(([u]) => u === unit)?.[1] ?? 0);
  }
  return { literal: text, negative, ms };
}

/** A range start relative to now, such as `-1d`: negative and not zero. */
export function parseRange(value: unknown, parameter = 'range'): FluxDuration {
  const duration = typeof value === 'string' ? parseFluxDuration(value.trim()) : undefined;
  if (!duration || !duration.negative || duration.ms === 0) {
    throw new QueryParameterError(
      parameter,
      `${parameter} must be a negative Flux duration such as -1h, -1d or -7d (how far back from now), got ${describeValue(value)}`,
    );
  }
  if (duration.ms > MAX_MS) throw new QueryParameterError(parameter, `${parameter} ${duration.literal} is too long`);
  return duration;
}

/** A window length such as `1m`: positive and not zero. */
export function parseEvery(value: unknown, parameter = 'every'): FluxDuration {
  const duration = typeof value === 'string' ? parseFluxDuration(value.trim()) : undefined;
  if (!duration || duration.negative || duration.ms === 0) {
    throw new QueryParameterError(
      parameter,
      `${parameter} must be a positive Flux duration such as 10s, 1m or 1h, got ${describeValue(value)}`,
    );
  }
  if (duration.ms > MAX_MS) throw new QueryParameterError(parameter, `${parameter} ${duration.literal} is too long`);
  return duration;
}

/** Window lengths by range, aiming at roughly 60 to 170 points per series on a dashboard chart. */
const EVERY_BY_RANGE: ReadonlyArray<readonly [maxRangeMs: number, every: string]> = [
  [15 * 60_000, '10s'],
  [3_600_000, '1m'],
  [6 * 3_600_000, '5m'],
  [86_400_000, '15m'],
  [3 * 86_400_000, '30m'],
  [7 * 86_400_000, '1h'],
  [30 * 86_400_000, '6h'],
];

/** The `every` for a downsampled series over `range` when the user gave none: -1h → 1m … -30d → 6h. */
export function everyForRange(range: FluxDuration): string {
  return EVERY_BY_RANGE.find(([maxMs]) => range.ms <= maxMs)?.[1] ?? '1d';
}
