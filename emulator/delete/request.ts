/**
 * Decoding a delete request body as OSS does (http/delete_handler.go `deleteRequest.UnmarshalJSON`):
 * `{start, stop, predicate?}` with RFC3339Nano times inside int64 nanoseconds, then the predicate
 * through both of OSS's parsers. Every problem is a 400 `error decoding json body: <why>` except the
 * ones OSS reports otherwise (501 for deleting by `_field`, `invalid request; ...` from InfluxQL).
 */
import { ApiError } from '../errors';
import { daysFromCivil } from '../flux/calendar';
import { decodeObject, GoJsonError, optionalString } from '../http/json';
import { checkWithInfluxQL } from './influxql-expr';
import { compilePredicate, parsePredicate, type SeriesView } from './predicate';

export interface DeleteRequest {
  /** Inclusive bounds in nanoseconds (the storage deletes in [start, stop]). */
  start: bigint;
  stop: bigint;
  matches: (series: SeriesView) => boolean;
}

const MIN_NANO_TIME = -(2n ** 63n) + 2n;
const MAX_NANO_TIME = 2n ** 63n - 2n;
const START_TOO_SOON = 'invalid start time, start time must not be before 1677-09-21T00:12:43.145224194Z';
const STOP_TOO_LATE = 'invalid stop time, stop time must not be after 2262-04-11T23:47:16.854775806Z';
const BAD_START =
  'invalid RFC3339Nano for field start, please format your time with RFC3339Nano format, example: 2009-01-02T23:00:00Z';
const BAD_STOP =
  'invalid RFC3339Nano for field stop, please format your time with RFC3339Nano format, example: 2009-01-01T23:00:00Z';

export function decodeDeleteRequest(text: string): DeleteRequest {
  const decodeError = (message: string) => new ApiError('invalid', `error decoding json body: ${message}`);
  let fields: { start: string; stop: string; predicate: string };
  try {
    fields = readFields(text);
  } catch (err) {
    if (err instanceof GoJsonError) throw decodeError(err.message);
    throw err;
  }
  let request: DeleteRequest;
  try {
    const start = parseRfc3339Nano(fields.start);
    if (start === undefined) throw new ApiError('invalid', BAD_START);
    if (start < MIN_NANO_TIME || start > MAX_NANO_TIME) throw new ApiError('invalid', START_TOO_SOON);
    const stop = parseRfc3339Nano(fields.stop);
    if (stop === undefined) throw new ApiError('invalid', BAD_STOP);
    if (stop < MIN_NANO_TIME || stop > MAX_NANO_TIME) throw new ApiError('invalid', STOP_TOO_LATE);
    request = { start, stop, matches: compilePredicate(parsePredicate(fields.predicate)) };
  } catch (err) {
    // UnmarshalJSON's errors come back through json.Decoder, wrapped once more by the handler.
    if (err instanceof ApiError && err.code === 'invalid') throw decodeError(err.message);
    throw err;
  }
  if (fields.predicate !== '') checkWithInfluxQL(fields.predicate);
  return request;
}

/** Go `encoding/json` into `deleteRequestDecode`: keys match case-insensitively, the last one wins. */
function readFields(text: string): { start: string; stop: string; predicate: string } {
  // Syntax errors come from json.Decoder itself; the rest from inside UnmarshalJSON, which says so.
  const inUnmarshal = (err: unknown) =>
    err instanceof GoJsonError && err.message.startsWith('json: cannot unmarshal')
      ? new GoJsonError(`Invalid delete predicate node request: ${err.message}`)
      : err;
  try {
    // `null` reaches UnmarshalJSON, which leaves every field empty.
    const obj = text.trim() === 'null' ? {} : decodeObject(text, 'http.deleteRequestDecode');
    const out = { start: '', stop: '', predicate: '' };
    for (const key of Object.keys(obj)) {
      const name = key.toLowerCase();
      if (name !== 'start' && name !== 'stop' && name !== 'predicate') continue;
      const value = optionalString(obj, key, `deleteRequestDecode.${name}`);
      if (value !== undefined) out[name] = value;
    }
    return out;
  } catch (err) {
    throw inUnmarshal(err);
  }
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-](\d{2}):(\d{2}))$/;

/** Go `time.Parse(time.RFC3339Nano, s)` as nanoseconds since the epoch; undefined when Go refuses it. */
export function parseRfc3339Nano(s: string): bigint | undefined {
  const m = RFC3339.exec(s);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as number[];
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  if (day < 1 || day > daysIn(year, month)) return undefined;
  let offsetMinutes = 0;
  if (m[8] !== 'Z') {
    const oh = Number(m[9]);
    const om = Number(m[10]);
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (m[8]?.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  const seconds = daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offsetMinutes * 60;
  const fraction = BigInt(((m[7] ?? '') + '000000000').slice(0, 9));
  return BigInt(seconds) * 1_000_000_000n + fraction;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return isLeap(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
