/**
 * The options of one downsampling (source and target bucket, schedule, aggregate per field), checked once
 * here so that the Flux builder can write them as literals: bucket and field names become escaped string
 * literals, durations are whole seconds of a closed syntax (`1h`, `30m`, `400d`).
 */
import { describeValue } from '../describe-value';

/** The aggregates a downsampling task may apply to a field. */
export const DOWNSAMPLE_FUNCTIONS = ['mean', 'min', 'max', 'last', 'sum'] as const;
export type DownsampleFunction = (typeof DOWNSAMPLE_FUNCTIONS)[number];

export const DEFAULT_DOWNSAMPLE_MEASUREMENT = 'environment';
export const DEFAULT_EVERY = '1h';
export const DEFAULT_FUNCTION: DownsampleFunction = 'mean';
/** InfluxDB Cloud refuses longer bucket names; OSS accepts them, but no sensible name needs more. */
export const MAX_BUCKET_NAME_LENGTH = 255;
const MAX_NAME_LENGTH = 256;
/** InfluxDB keeps points for at least an hour: a shorter retention is refused by the server. */
const MIN_RETENTION_SECONDS = 3600;

export interface DownsampleOptions {
  sourceBucket: string;
  targetBucket: string;
  /** Seconds the target bucket keeps points; 0 = forever. */
  retentionSeconds: number;
  /** Window length and task schedule, e.g. `1h`. */
  every: string;
  /** How long after each window the task runs (late points), e.g. `5m`; `0s` for none. */
  offset: string;
  measurement: string;
  /** The aggregate of every field not named in `fields`. */
  fn: DownsampleFunction;
  /** Per-field aggregates that differ from `fn`, e.g. `{CO2: 'max'}`. */
  fields: ReadonlyMap<string, DownsampleFunction>;
}

/** What a node form or msg gives; every value is checked by `parseDownsampleOptions`. */
export interface DownsampleInput {
  sourceBucket?: unknown;
  targetBucket?: unknown;
  /** A duration such as `400d`, or `0`/empty for forever. */
  retention?: unknown;
  every?: unknown;
  offset?: unknown;
  measurement?: unknown;
  fn?: unknown;
  /** `CO2: max, TVOC: last` or `{CO2: 'max'}`. */
  fields?: unknown;
}

/** A downsampling option that cannot be used; `option` is its name in the form. */
export class DownsampleOptionError extends Error {
  readonly code = 'invalid_downsample_option';
  override name = 'DownsampleOptionError';
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(message);
  }
}

export function parseDownsampleOptions(input: DownsampleInput): DownsampleOptions {
  const sourceBucket = bucketName('sourceBucket', input.sourceBucket);
  const targetBucket = bucketName('targetBucket', input.targetBucket);
  if (sourceBucket === targetBucket)
    throw new DownsampleOptionError('targetBucket', 'the target bucket must differ from the source bucket');
  const every = blankAs(input.every, DEFAULT_EVERY);
  if (wholeSeconds('every', every) < 1) throw new DownsampleOptionError('every', 'every must be at least 1s, e.g. 1h');
  const offset = blankAs(input.offset, '0s');
  wholeSeconds('offset', offset);
  const retentionSeconds = wholeSeconds('retention', blankAs(input.retention, '0'));
  if (retentionSeconds !== 0 && retentionSeconds < MIN_RETENTION_SECONDS)
    throw new DownsampleOptionError('retention', 'retention must be at least 1h, or 0 to keep points forever');
  const fn = aggregate('fn', blankAs(input.fn, DEFAULT_FUNCTION));
  const fields = new Map(
    [...fieldAggregates(input.fields)].filter(([, fieldFn]) => fieldFn !== fn).sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  return {
    sourceBucket,
    targetBucket,
    retentionSeconds,
    // Both passed wholeSeconds: texts of digits and units.
    every: String(every).trim(),
    offset: String(offset).trim(),
    measurement: name('measurement', blankAs(input.measurement, DEFAULT_DOWNSAMPLE_MEASUREMENT)),
    fn,
    fields,
  };
}

/** OSS refuses `_` first (system buckets) and quotation marks; a control character is never meant. */
export function bucketName(option: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new DownsampleOptionError(option, `${option} must be a bucket name, got ${describeValue(value)}`);
  const bucket = value.trim();
  if (bucket.startsWith('_'))
    throw new DownsampleOptionError(option, `${option} ${describeValue(bucket)}: bucket names may not start with _`);
  if (bucket.includes('"'))
    throw new DownsampleOptionError(option, `${option} ${describeValue(bucket)}: bucket names may not include "`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(bucket))
    throw new DownsampleOptionError(option, `${option} may not contain control characters`);
  if (bucket.length > MAX_BUCKET_NAME_LENGTH)
    throw new DownsampleOptionError(option, `${option} is longer than ${MAX_BUCKET_NAME_LENGTH} characters`);
  return bucket;
}

const UNIT_SECONDS: Record<string, number> = { w: 604_800, d: 86_400, h: 3600, m: 60, s: 1 };
const DURATION = /^(?:[0-9]{1,9}[wdhms])+$/;

/**
 * Seconds of a duration in w/d/h/m/s: tasks need whole seconds, and months or years have no fixed
 * length. Throws for anything else (a sub-second unit, a sign, spaces inside).
 */
export function wholeSeconds(option: string, value: unknown): number {
  const text = typeof value === 'string' ? value.trim() : '';
  if (text === '0') return 0;
  if (!DURATION.test(text))
    throw new DownsampleOptionError(
      option,
      `${option} must be a duration in w, d, h, m or s, such as 1h, 30m or 400d, got ${describeValue(value)}`,
    );
  let seconds = 0;
  for (const [, amount, unit] of text.matchAll(/([0-9]+)([wdhms])/g)) seconds += Number(amount) * UNIT_SECONDS[unit];
  if (seconds > 100 * 365 * 86_400) throw new DownsampleOptionError(option, `${option} ${text} is too long`);
  return seconds;
}

/** `CO2: max, TVOC: last` (a form field) or `{CO2: 'max'}` (a msg or a flow variable). */
function fieldAggregates(value: unknown): Map<string, DownsampleFunction> {
  const out = new Map<string, DownsampleFunction>();
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return out;
  let pairs: Array<[unknown, unknown]>;
  if (typeof value === 'string') {
    pairs = value
      .split(',')
      .filter((part) => part.trim() !== '')
      .map((part) => {
        const at = part.lastIndexOf(':');
        if (at < 0)
          throw new DownsampleOptionError('fields', `fields: write field: function, got ${describeValue(part.trim())}`);
        return [part.slice(0, at).trim(), part.slice(at + 1).trim()];
      });
  } else if (typeof value === 'object' && !Array.isArray(value)) {
    pairs = Object.entries(value);
  } else {
    throw new DownsampleOptionError(
      'fields',
      `fields must be "field: function, ..." text, got ${describeValue(value)}`,
    );
  }
  for (const [field, fieldFn] of pairs) {
    const checked = name('fields', field);
    if (out.has(checked)) throw new DownsampleOptionError('fields', `fields names ${checked} twice`);
    out.set(checked, aggregate(`fields (${checked})`, fieldFn));
  }
  return out;
}

function aggregate(option: string, value: unknown): DownsampleFunction {
  const text = typeof value === 'string' ? value.trim() : value;
  const found = DOWNSAMPLE_FUNCTIONS.find((fn) => fn === text);
  if (!found)
    throw new DownsampleOptionError(
      option,
      `${option} must be one of ${DOWNSAMPLE_FUNCTIONS.join(', ')}, got ${describeValue(value)}`,
    );
  return found;
}

/** A measurement or field name: any non-empty text (it is written as an escaped string literal). */
function name(option: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_NAME_LENGTH)
    throw new DownsampleOptionError(option, `${option} must be a name of 1 to ${MAX_NAME_LENGTH} characters`);
  return value.trim();
}

/** Not given (undefined, null, blank text) reads as the default; a number as its text (a form's 0). */
function blankAs(value: unknown, fallback: string): unknown {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value.trim() === '' ? fallback : value;
}
