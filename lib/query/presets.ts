/**
 * Flux for IoT Center's views, built with the client's `flux` template so that every user value (bucket,
 * deviceId, field names) becomes an escaped string literal. Durations and function names are checked
 * against a closed syntax first and only then written as literals. Only functions of the emulator's
 * Flux subset are used.
 */
import { flux, fluxExpression, FluxParameterLike, ParameterizedQuery } from '@influxdata/influxdb-client';
import { validateDeviceId } from '../devices/device-id';
import { everyForRange, FluxDuration, parseEvery, parseRange } from './duration';
import { describeValue } from '../describe-value';
import { QueryParameterError } from './errors';

export const DEFAULT_MEASUREMENT = 'environment';
/** IoT Center's dashboard default. */
export const DEFAULT_RANGE = '-1d';
/** IoT Center backfills at most the last 7 days. */
export const MISSING_MINUTES_RANGE = '-7d';
/** The field IoT Center counts to find missing minutes. */
export const MISSING_MINUTES_FIELD = 'Temperature';
export const DEVICE_LIST_RANGE = '-30d';
/** How far back the health check looks for a device's last entry. */
export const LAST_SEEN_RANGE = '-30d';

/** The aggregates a downsampled series may use (all in the emulator's subset). */
export const AGGREGATE_FUNCTIONS = ['mean', 'median', 'min', 'max', 'sum', 'count', 'first', 'last'] as const;
export type AggregateFunction = (typeof AGGREGATE_FUNCTIONS)[number];

export interface DeviceQueryParams {
  bucket: string;
  deviceId: string;
  /** How far back, e.g. `-1d` (default). */
  range?: string;
  /** Only these fields (default: all). */
  fields?: readonly string[];
  /** Default `environment`. */
  measurement?: string;
}

export interface DownsampledQueryParams extends DeviceQueryParams {
  /** Window length, e.g. `5m`; chosen from the range when not given. */
  every?: string;
  /** Default `mean`. */
  fn?: AggregateFunction;
}

export interface DeviceListQueryParams {
  bucket: string;
  /** How far back a device counts as seen, default `-30d`. */
  range?: string;
  measurement?: string;
}

export interface MissingMinutesQueryParams {
  bucket: string;
  deviceId: string;
  /** Default `-7d`. */
  range?: string;
  /** End of the range, e.g. `-1m` to give a slow writer (Telegraf) time; default now. */
  stop?: string;
  /** Default `Temperature`. */
  field?: string;
  measurement?: string;
}

/** All rows of the device, one column per field (`v1.fieldsAsCols`), as IoT Center's dashboard reads them. */
export function deviceMeasurementsQuery(params: DeviceQueryParams): ParameterizedQuery {
  return flux`import "influxdata/influxdb/v1"

${deviceRows(params)}
  |> v1.fieldsAsCols()`;
}

/** The newest value of each field of the device, one row per field. */
export function lastValuesQuery(params: DeviceQueryParams): ParameterizedQuery {
  // last() is per series; a device whose sensor tags changed has several series per field, so the
  // newest of them is taken per field.
  return flux`${deviceRows(params)}
  |> last()
  |> group(columns: ["_field"])
  |> max(column: "_time")`;
}

/** The device's fields in windows of `every` (chosen from the range when not given), empty windows left out. */
export function downsampledQuery(params: DownsampledQueryParams): ParameterizedQuery {
  const range = parseRange(params.range ?? DEFAULT_RANGE);
  const every = params.every === undefined ? everyForRange(range) : parseEvery(params.every).literal;
  const fn = aggregateFunction(params.fn ?? 'mean');
  return flux`${deviceRows(params)}
  |> aggregateWindow(every: ${fluxExpression(every)}, fn: ${fluxExpression(fn)}, createEmpty: false)`;
}

/** One row per device that wrote in the range: `deviceId` and `lastSeen` (its newest `_time`). */
export function deviceListQuery(params: DeviceListQueryParams): ParameterizedQuery {
  const bucket = nonEmpty('bucket', params.bucket);
  const range = parseRange(params.range ?? DEVICE_LIST_RANGE);
  const measurement = nonEmpty('measurement', params.measurement ?? DEFAULT_MEASUREMENT);
  return flux`from(bucket: ${bucket})
  |> range(start: ${literal(range)})
  |> filter(fn: (r) => r._measurement == ${measurement})
  |> keep(columns: ["clientId", "_time"])
  |> group(columns: ["clientId"])
  |> max(column: "_time")
  |> group()
  |> rename(columns: {clientId: "deviceId", _time: "lastSeen"})
  |> sort(columns: ["deviceId"])`;
}

/**
 * Every device's last entry, for a health check: one row per device that wrote in the range, `deviceId` and
 * `lastSeen`. `last()` runs per series first (InfluxDB reads one point per series for it), so a long range
 * stays cheap; the flow compares `lastSeen` with each registered device's expected interval.
 */
export function lastSeenQuery(params: DeviceListQueryParams): ParameterizedQuery {
  const bucket = nonEmpty('bucket', params.bucket);
  const range = parseRange(params.range ?? LAST_SEEN_RANGE);
  const measurement = nonEmpty('measurement', params.measurement ?? DEFAULT_MEASUREMENT);
  return flux`from(bucket: ${bucket})
  |> range(start: ${literal(range)})
  |> filter(fn: (r) => r._measurement == ${measurement})
  |> last()
  |> keep(columns: ["clientId", "_time"])
  |> group(columns: ["clientId"])
  |> max(column: "_time")
  |> group()
  |> rename(columns: {clientId: "deviceId", _time: "lastSeen"})
  |> sort(columns: ["deviceId"])`;
}

/**
 * The minutes of the last 7 days in which the device wrote no `Temperature`: one row per empty 1-minute
 * window, `_time` being the window's stop (see lib/environment/backfill.ts `missingMinutes`). A device
 * with no data at all in the range gives no rows, so check its last entry first.
 */
export function missingMinutesQuery(params: MissingMinutesQueryParams): ParameterizedQuery {
  const bucket = nonEmpty('bucket', params.bucket);
  const deviceId = checkedDeviceId(params.deviceId);
  const start = parseRange(params.range ?? MISSING_MINUTES_RANGE);
  const stop = params.stop === undefined ? undefined : parseRange(params.stop, 'stop');
  const field = nonEmpty('field', params.field ?? MISSING_MINUTES_FIELD);
  const measurement = nonEmpty('measurement', params.measurement ?? DEFAULT_MEASUREMENT);
  const range =
    stop === undefined
      ? flux`range(start: ${literal(start)})`
      : flux`range(start: ${literal(start)}, stop: ${literal(stop)})`;
  // One table for the field, whatever its sensor tags: otherwise each tag set reports the others' minutes as empty.
  return flux`from(bucket: ${bucket})
  |> ${range}
  |> filter(fn: (r) => r._measurement == ${measurement} and r.clientId == ${deviceId} and r._field == ${field})
  |> group(columns: ["_measurement", "clientId", "_field"])
  |> aggregateWindow(every: 1m, fn: count, createEmpty: true)
  |> filter(fn: (r) => r._value == 0)`;
}

/** `from |> range |> filter` for one device, and its fields when given. */
function deviceRows(params: DeviceQueryParams): ParameterizedQuery {
  const bucket = nonEmpty('bucket', params.bucket);
  const deviceId = checkedDeviceId(params.deviceId);
  const range = parseRange(params.range ?? DEFAULT_RANGE);
  const measurement = nonEmpty('measurement', params.measurement ?? DEFAULT_MEASUREMENT);
  const base = flux`from(bucket: ${bucket})
  |> range(start: ${literal(range)})
  |> filter(fn: (r) => r._measurement == ${measurement} and r.clientId == ${deviceId})`;
  const fields = checkedFields(params.fields);
  if (fields === undefined) return base;
  const anyField = fields
    .map((field) => flux`r._field == ${field}`)
    .reduce((either, next) => flux`${either} or ${next}`);
  return flux`${base}
  |> filter(fn: (r) => ${anyField})`;
}

/** A duration that parseRange/parseEvery accepted: digits and unit letters only, safe as a literal. */
function literal(duration: FluxDuration): FluxParameterLike {
  return fluxExpression(duration.literal);
}

function checkedDeviceId(value: unknown): string {
  try {
    return validateDeviceId(value);
  } catch (e) {
    throw new QueryParameterError('deviceId', (e as Error).message);
  }
}

function checkedFields(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) {
    throw new QueryParameterError('fields', 'fields must be a non-empty list of field names, e.g. ["Temperature"]');
  }
  // Array.from, not map: map keeps the holes of a sparse list unchecked.
  return Array.from(value as unknown[], (field) => nonEmpty('fields', field));
}

function aggregateFunction(value: unknown): AggregateFunction {
  const found = AGGREGATE_FUNCTIONS.find((fn) => fn === value);
  if (!found) {
    throw new QueryParameterError(
      'fn',
      `fn must be one of ${AGGREGATE_FUNCTIONS.join(', ')}, got ${describeValue(value)}`,
    );
  }
  return found;
}

function nonEmpty(parameter: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw new QueryParameterError(parameter, `${parameter} must be a non-empty text, got ${describeValue(value)}`);
  }
  return value;
}
