/**
 * What a query reads, as far as can be told without running it: the bucket, how far back its range starts
 * and the measurement. Presets know theirs; Flux text is read for its first `from(bucket: ...)`, `range(start:
 * ...)` and `_measurement == ...` (literals, or `params.<name>` with the query's parameters). Anything else
 * (absolute times, variables, several sources) gives no scan: advice is only offered when it is certain.
 */
import { parseFluxDuration } from './duration';
import { DEFAULT_MEASUREMENT, DEFAULT_RANGE } from './presets';

export interface QueryScan {
  bucket: string;
  /** How far back the range starts, in ms. */
  rangeMs: number;
  /** Undefined when the query reads any measurement (or it cannot be told). */
  measurement?: string;
}

/** Presets that chart raw points over their range; the others (last seen, missing minutes) need the raw points. */
const SERIES_PRESETS = new Set(['measurements', 'downsampled']);

export function presetScan(preset: unknown, params: Record<string, unknown>): QueryScan | undefined {
  if (typeof preset !== 'string' || !SERIES_PRESETS.has(preset)) return undefined;
  const bucket = params.bucket;
  if (typeof bucket !== 'string' || bucket === '') return undefined;
  const range = relativeRangeMs(params.range === undefined || params.range === '' ? DEFAULT_RANGE : params.range);
  if (range === undefined) return undefined;
  const measurement =
    typeof params.measurement === 'string' && params.measurement !== '' ? params.measurement : DEFAULT_MEASUREMENT;
  return { bucket, rangeMs: range, measurement };
}

/** A string literal, or `params.<name>` read from `params`. */
const VALUE = String.raw`(?:"((?:[^"\\]|\\.)*)"|params\.([A-Za-z_][A-Za-z0-9_]*))`;
const FROM = new RegExp(String.raw`\bfrom\s*\(\s*bucket\s*:\s*${VALUE}\s*\)`, 'g');
const RANGE = new RegExp(
  String.raw`\brange\s*\(\s*start\s*:\s*(?:(-[0-9][0-9a-zµ]*)|params\.([A-Za-z_][A-Za-z0-9_]*))\s*[,)]`,
  'g',
);
const MEASUREMENT = new RegExp(String.raw`r\._measurement\s*==\s*${VALUE}`, 'g');

export function fluxScan(flux: string, params: Record<string, unknown>): QueryScan | undefined {
  const froms = [...flux.matchAll(FROM)];
  const ranges = [...flux.matchAll(RANGE)];
  if (froms.length !== 1 || ranges.length !== 1) return undefined;
  const bucket = valueOf(froms[0][1], froms[0][2], params);
  const rangeMs = relativeRangeMs(ranges[0][1] ?? (ranges[0][2] ? params[ranges[0][2]] : undefined));
  if (bucket === undefined || bucket === '' || rangeMs === undefined) return undefined;
  const measurements = [...flux.matchAll(MEASUREMENT)].map((m) => valueOf(m[1], m[2], params));
  const measurement = measurements.length === 1 ? measurements[0] : undefined;
  return measurement === undefined ? { bucket, rangeMs } : { bucket, rangeMs, measurement };
}

function valueOf(literal: string | undefined, param: string | undefined, params: Record<string, unknown>) {
  if (literal !== undefined) return literal.replace(/\\(.)/g, '$1');
  const value = param === undefined ? undefined : params[param];
  return typeof value === 'string' ? value : undefined;
}

function relativeRangeMs(value: unknown): number | undefined {
  const duration = typeof value === 'string' ? parseFluxDuration(value.trim()) : undefined;
  return duration && duration.negative && duration.ms > 0 ? duration.ms : undefined;
}
