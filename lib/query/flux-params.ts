/**
 * InfluxDB Cloud's convention for parameterized Flux, `params.deviceId`, `params.range`..., offered for
 * Flux a user writes: a `params = {...}` record built with the client's `flux` template (every value a
 * checked literal, never pasted text) is put in front of the user's Flux, after its imports.
 */
import { flux, fluxExpression, type ParameterizedQuery } from '@influxdata/influxdb-client';
import { validateDeviceId } from '../devices/device-id';
import { parseEvery, parseRange } from './duration';
import { describeValue } from '../describe-value';
import { MAX_LIST_LENGTH, MAX_PARAMETER_LENGTH, QueryParameterError } from './errors';
import { denseCopy } from './preset-request';

/** Parameter values as a node or message gives them; `undefined` means not given. */
export type FluxParamValues = Record<string, unknown>;

/** The parameters with a meaning of their own, in the order the record lists them. */
const KNOWN = ['bucket', 'deviceId', 'range', 'every', 'fields'];
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `params = {bucket: "...", deviceId: "...", range: -1h, every: 1m, fields: ["Temperature"]}`: range and
 * every are durations, fields a list of texts; other names may hold texts, numbers, booleans, Dates
 * (time literals) or lists of those. Throws QueryParameterError for a value Flux cannot hold.
 */
export function fluxParamsRecord(values: FluxParamValues): ParameterizedQuery {
  const names = [
    // Stryker disable next-line MethodExpression: a known name that is not given reads as undefined and is skipped below either way
    ...KNOWN.filter((name) => name in values),
    ...Object.keys(values).filter((name) => !KNOWN.includes(name)),
  ];
  const entries = names.flatMap((name) => {
    const value = values[name];
    if (value === undefined || value === '') return [];
    if (!IDENTIFIER.test(name)) {
      throw new QueryParameterError(
        name,
        `parameter name ${describeValue(name)} is not a Flux identifier (letters, digits, _)`,
      );
    }
    return [flux`${fluxExpression(name)}: ${paramValue(name, value)}`];
  });
  const body = entries.length === 0 ? flux`` : entries.reduce((all, entry) => flux`${all}, ${entry}`);
  return flux`params = {${body}}`;
}

/** True when the Flux reads `params.<name>` and does not define `params` itself. */
export function usesParams(source: string): boolean {
  return /\bparams\s*\./.test(source) && !/^\s*params\s*=/m.test(source);
}

/** The user's Flux with the params record after its package clause and imports (Flux wants those first). */
export function withParamsRecord(source: string, values: FluxParamValues): string {
  const record = fluxParamsRecord(values).toString();
  const at = endOfImports(source);
  return at === 0 ? `${record}\n${source}` : `${source.slice(0, at)}\n${record}${source.slice(at)}`;
}

function paramValue(name: string, value: unknown): unknown {
  switch (name) {
    case 'range':
      return fluxExpression(parseRange(value).literal);
    case 'every':
      return fluxExpression(parseEvery(value).literal);
    case 'deviceId':
      try {
        return validateDeviceId(value);
      } catch (e) {
        throw new QueryParameterError('deviceId', (e as Error).message);
      }
    case 'fields':
      return fieldList(value);
    default:
      return simpleValue(name, value);
  }
}

function fieldList(value: unknown): string[] {
  const list =
    typeof value === 'string'
      ? value
          .split(',')
          .map((field) => field.trim())
          .filter((field) => field !== '')
      : denseCopy(value);
  if (!Array.isArray(list) || list.length === 0 || !list.every((field) => typeof field === 'string' && field !== '')) {
    throw new QueryParameterError('fields', 'fields must be a list of field names or a comma-separated text');
  }
  return checkedList('fields', list);
}

/** Texts, finite numbers, booleans and Dates are literals the template escapes; lists of them are arrays. */
function simpleValue(name: string, given: unknown): unknown {
  const value = denseCopy(given);
  const ok = (v: unknown): boolean =>
    typeof v === 'string' ||
    typeof v === 'boolean' ||
    Number.isFinite(v) || // false for anything but a finite number
    (v instanceof Date && Number.isFinite(v.getTime()));
  if (ok(value)) return checkedLength(name, value);
  // An empty list has no type, so the one-type check refuses it too.
  if (Array.isArray(value) && value.every(ok) && new Set(value.map((v) => typeof v)).size === 1)
    return checkedList(name, value);
  const got = Array.isArray(value) ? 'a list of mixed or unsupported values' : describeValue(value);
  throw new QueryParameterError(
    name,
    `parameter ${name} must be a text, a number, a boolean, a Date or a non-empty list of one of those, got ${got}`,
  );
}

/** A huge text or list is refused here rather than sent to InfluxDB inside the query. */
function checkedList<T>(name: string, list: T[]): T[] {
  if (list.length > MAX_LIST_LENGTH) {
    throw new QueryParameterError(
      name,
      `parameter ${name} has ${list.length} values; at most ${MAX_LIST_LENGTH} are allowed`,
    );
  }
  for (const item of list) checkedLength(name, item);
  return list;
}

function checkedLength<T>(name: string, value: T): T {
  if (typeof value === 'string' && value.length > MAX_PARAMETER_LENGTH) {
    throw new QueryParameterError(
      name,
      `parameter ${name} is a text of ${value.length} characters; at most ${MAX_PARAMETER_LENGTH} are allowed`,
    );
  }
  return value;
}

/** Offset just after the leading comments, package clause and imports; 0 when there are none. */
function endOfImports(source: string): number {
  const space = /(?:\s|\/\/[^\n]*)*/y;
  const clause = /package\s+[A-Za-z_][A-Za-z0-9_]*|import\s+(?:[A-Za-z_][A-Za-z0-9_]*\s+)?"(?:[^"\\\n]|\\.)*"/y;
  let end = 0;
  let at = 0;
  for (;;) {
    space.lastIndex = at;
    space.exec(source);
    clause.lastIndex = space.lastIndex;
    const match = clause.exec(source);
    if (!match) return end;
    at = end = clause.lastIndex;
  }
}
