/**
 * A preset chosen by name with parameters from a message (`msg.preset`, `msg.deviceId`, `msg.range`...):
 * parsed here, at the edge, into the typed parameters the builders in presets.ts take.
 */
import type { ParameterizedQuery } from '@influxdata/influxdb-client';
import { describeValue } from '../describe-value';
import { MAX_LIST_LENGTH, MAX_PARAMETER_LENGTH, QueryParameterError } from './errors';
import {
  AggregateFunction,
  AGGREGATE_FUNCTIONS,
  deviceListQuery,
  deviceMeasurementsQuery,
  downsampledQuery,
  lastSeenQuery,
  lastValuesQuery,
  missingMinutesQuery,
} from './presets';

export const PRESET_NAMES = [
  'measurements',
  'lastValues',
  'downsampled',
  'deviceList',
  'missingMinutes',
  'lastSeen',
] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** What a message or the node's form may set; every value is checked before use. */
export interface PresetParams {
  bucket?: unknown;
  deviceId?: unknown;
  range?: unknown;
  stop?: unknown;
  every?: unknown;
  fn?: unknown;
  fields?: unknown;
  field?: unknown;
  measurement?: unknown;
}

export function isPresetName(value: unknown): value is PresetName {
  return PRESET_NAMES.some((name) => name === value);
}

/** The Flux of preset `preset` with `params`; throws QueryParameterError naming the parameter to fix. */
export function presetQuery(preset: unknown, params: PresetParams): ParameterizedQuery {
  if (!isPresetName(preset)) {
    throw new QueryParameterError(
      'preset',
      `preset must be one of ${PRESET_NAMES.join(', ')}, got ${describeValue(preset)}`,
    );
  }
  const bucket = text('bucket', params.bucket) ?? missing('bucket');
  switch (preset) {
    case 'measurements':
    case 'lastValues': {
      const device = {
        bucket,
        deviceId: text('deviceId', params.deviceId) ?? missing('deviceId'),
        range: text('range', params.range),
        fields: fieldList(params.fields),
        measurement: text('measurement', params.measurement),
      };
      return preset === 'measurements' ? deviceMeasurementsQuery(device) : lastValuesQuery(device);
    }
    case 'downsampled':
      return downsampledQuery({
        bucket,
        deviceId: text('deviceId', params.deviceId) ?? missing('deviceId'),
        range: text('range', params.range),
        every: text('every', params.every),
        fn: aggregate(params.fn),
        fields: fieldList(params.fields),
        measurement: text('measurement', params.measurement),
      });
    case 'lastSeen':
      return lastSeenQuery({
        bucket,
        range: text('range', params.range),
        measurement: text('measurement', params.measurement),
      });
    case 'deviceList':
      return deviceListQuery({
        bucket,
        range: text('range', params.range),
        measurement: text('measurement', params.measurement),
      });
    case 'missingMinutes':
      return missingMinutesQuery({
        bucket,
        deviceId: text('deviceId', params.deviceId) ?? missing('deviceId'),
        range: text('range', params.range),
        stop: text('stop', params.stop),
        field: text('field', params.field),
        measurement: text('measurement', params.measurement),
      });
  }
}

/** Undefined or an empty text means "not given" (an empty form field); anything else must be text. */
function text(parameter: string, value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string')
    throw new QueryParameterError(parameter, `${parameter} must be text, got ${typeof value}`);
  if (value.length > MAX_PARAMETER_LENGTH) {
    throw new QueryParameterError(
      parameter,
      `${parameter} is a text of ${value.length} characters; at most ${MAX_PARAMETER_LENGTH} are allowed`,
    );
  }
  return value;
}

function missing(parameter: string): never {
  throw new QueryParameterError(parameter, `${parameter} is required for this preset`);
}

/** An array with its holes as `undefined` (every and map skip holes, so a sparse list would pass unchecked). */
export function denseCopy(value: unknown): unknown {
  return Array.isArray(value) ? Array.from(value as unknown[]) : value;
}

/** A list of names, or one text with commas as a form field gives it: `Temperature, Humidity`. */
function fieldList(value: unknown): string[] | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const list =
    typeof value === 'string'
      ? value
          .split(',')
          .map((name) => name.trim())
          .filter((name) => name !== '')
      : denseCopy(value);
  if (Array.isArray(list) && list.every((name): name is string => typeof name === 'string')) {
    if (list.length > MAX_LIST_LENGTH) {
      throw new QueryParameterError(
        'fields',
        `fields has ${list.length} names; at most ${MAX_LIST_LENGTH} are allowed`,
      );
    }
    return list.map((name) => text('fields', name) ?? '');
  }
  throw new QueryParameterError('fields', 'fields must be a list of field names or a comma-separated text');
}

function aggregate(value: unknown): AggregateFunction | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const found = AGGREGATE_FUNCTIONS.find((fn) => fn === value);
  if (!found)
    throw new QueryParameterError(
      'fn',
      `fn must be one of ${AGGREGATE_FUNCTIONS.join(', ')}, got ${describeValue(value)}`,
    );
  return found;
}
