/**
 * The query a message asks for, from the node's settings and the message, parsed at the edge: a preset
 * with its parameters, or Flux (the node's or msg.query) with a `params` record in front when it reads
 * `params.<name>`. Parameters reach Flux only through the client's `flux` template.
 */
import type { ParameterizedQuery } from '@influxdata/influxdb-client';
import {
  type FluxParamValues,
  fluxScan,
  presetQuery,
  presetScan,
  QueryParameterError,
  type QueryScan,
  usesParams,
  withParamsRecord,
} from '../../lib/query';

/** Rows a query may return before it is cancelled (0: no limit); a dashboard wants downsampled data beyond that. */
export const DEFAULT_ROW_LIMIT = 10000;

export const QUERY_SOURCES = ['preset', 'flux', 'msg'] as const;
export type QuerySource = (typeof QUERY_SOURCES)[number];

/** The parameters a node setting or a message property may give. */
export const PARAMETERS = ['bucket', 'deviceId', 'range', 'every', 'fields'] as const;
export type ParameterName = (typeof PARAMETERS)[number];

export interface QueryInput {
  source: string;
  /** The node's preset; `msg.preset` may override it. */
  preset: string;
  /** The node's Flux. */
  flux: string;
  /** The node's parameter values, already evaluated (empty text when not set). */
  settings: Partial<Record<ParameterName, unknown>>;
  /** The node's aggregate for the downsampled preset. */
  fn: string;
  /** The config node's bucket, used when neither the node nor the message names one. */
  defaultBucket: string;
  msg: Record<string, unknown>;
}

/** The Flux to run. */
export function buildQuery(input: QueryInput): string | ParameterizedQuery {
  const source = QUERY_SOURCES.find((s) => s === input.source);
  if (!source)
    throw new QueryParameterError(
      'source',
      `the query source must be one of ${QUERY_SOURCES.join(', ')}, got ${JSON.stringify(input.source)}`,
    );
  const params = parameters(input);
  const { msg } = input;
  switch (source) {
    case 'preset':
      return presetQuery(msg.preset ?? input.preset, {
        ...params,
        fn: msg.fn ?? (input.fn === '' ? undefined : input.fn),
        stop: msg.stop,
        field: msg.field,
        measurement: msg.measurement,
      });
    case 'flux':
      return withParams(input.flux, params, 'the node has no Flux: write a query in the node, or choose a preset');
    case 'msg':
      return fromMessage(msg.query, params);
  }
}

/** What the query built from the same input reads (bucket, range, measurement), when it can be told. */
export function scanOf(input: QueryInput): QueryScan | undefined {
  const params = parameters(input);
  const { msg } = input;
  switch (input.source) {
    case 'preset':
      return presetScan(msg.preset ?? input.preset, { ...params, measurement: msg.measurement });
    case 'flux':
      return fluxScan(input.flux, params);
    case 'msg': {
      const query = msg.query;
      if (typeof query === 'string') return fluxScan(query, params);
      if (typeof query === 'object' && query !== null && 'query' in query && typeof query.query === 'string') {
        const extra = 'params' in query && typeof query.params === 'object' ? query.params : {};
        return fluxScan(query.query, { ...params, ...extra });
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** msg.X when the message has it, else the node's setting; the config node's bucket last. */
function parameters(input: QueryInput): FluxParamValues {
  const values: FluxParamValues = {};
  for (const name of PARAMETERS) {
    const value = input.msg[name] !== undefined ? input.msg[name] : input.settings[name];
    if (value !== undefined && value !== null && value !== '') values[name] = value;
  }
  if (values.bucket === undefined && input.defaultBucket !== '') values.bucket = input.defaultBucket;
  return values;
}

/** msg.query: Flux text, or `{query, params}` whose params add to (and win over) the others. */
function fromMessage(query: unknown, params: FluxParamValues): string {
  if (typeof query === 'string') return withParams(query, params, 'msg.query is empty');
  if (
    typeof query === 'object' &&
    query !== null &&
    !Array.isArray(query) &&
    'query' in query &&
    typeof query.query === 'string'
  ) {
    const extra = 'params' in query ? query.params : undefined;
    // A plain object only: a Map, Date or array would spread to nothing and its values be lost unseen.
    if (extra !== undefined && Object.prototype.toString.call(extra) !== '[object Object]') {
      throw new QueryParameterError(
        'msg.query.params',
        'msg.query.params must be an object of parameter values, e.g. {"deviceId": "dev1"}',
      );
    }
    return withParams(
      query.query,
      { ...params, ...(extra as FluxParamValues | undefined) },
      'msg.query.query is empty',
    );
  }
  throw new QueryParameterError(
    'msg.query',
    'msg.query must be Flux text or {query: "<Flux>", params: {...}} when the node takes its query from the message',
  );
}

function withParams(flux: string, params: FluxParamValues, whenEmpty: string): string {
  if (flux.trim() === '') throw new QueryParameterError('query', whenEmpty);
  return usesParams(flux) ? withParamsRecord(flux, params) : flux;
}
