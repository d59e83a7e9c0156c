/**
 * Decoding a `/api/v2/query` request (OSS http/query.go `QueryRequest`, `WithDefaults`, `Validate`):
 * a JSON body, or a raw Flux script with `Content-Type: application/vnd.flux`.
 */
import type { Annotation, Dialect } from '../flux/csv/dialect';
import {
  decodeObject,
  GoJsonError,
  type JsonObject,
  optionalBoolean,
  optionalObject,
  optionalString,
  optionalStringArray,
} from '../http/json';

export interface QueryRequest {
  query: string;
  /** An AST instead of source (OSS can run it; the emulator cannot). */
  hasAst: boolean;
  dialect: Dialect;
  /** From the body's `now`, in ns since the epoch. */
  now?: bigint;
}

/** A reason OSS words after `failed to decode request body: `. */
export class QueryDecodeError extends Error {}

export function decodeQueryRequest(contentType: string | undefined, body: string): QueryRequest {
  const mediaType = parseMediaType(contentType ?? 'application/json');
  if (mediaType === 'application/vnd.flux') return validate({ query: body });
  let json: JsonObject;
  let fields: RawRequest;
  try {
    json = decodeObject(body, 'http.QueryRequest');
    fields = readFields(json);
  } catch (err) {
    if (err instanceof GoJsonError) {
      throw new QueryDecodeError(
        "failed parsing request body as JSON; if sending a raw Flux script, set 'Content-Type: application/vnd.flux' in your request headers: " +
          err.message,
      );
    }
    throw err;
  }
  return validate(fields);
}

interface RawRequest {
  query?: string;
  type?: string;
  hasAst?: boolean;
  header?: boolean;
  delimiter?: string;
  annotations?: string[];
  commentPrefix?: string;
  dateTimeFormat?: string;
  now?: bigint;
}

function readFields(json: JsonObject): RawRequest {
  const dialect = optionalObject(json, 'dialect', 'QueryRequest.dialect', 'http.QueryDialect') ?? {};
  const at = (f: string) => `QueryRequest.dialect.${f}`;
  const out: RawRequest = {
    query: optionalString(json, 'query', 'QueryRequest.query'),
    type: optionalString(json, 'type', 'QueryRequest.type'),
    hasAst: json['ast'] !== undefined && json['ast'] !== null,
    header: optionalBoolean(dialect, 'header', at('header')),
    delimiter: optionalString(dialect, 'delimiter', at('delimiter')),
    annotations: optionalStringArray(dialect, 'annotations', at('annotations')),
    commentPrefix: optionalString(dialect, 'commentPrefix', at('commentPrefix')),
    dateTimeFormat: optionalString(dialect, 'dateTimeFormat', at('dateTimeFormat')),
  };
  const now = optionalString(json, 'now', 'QueryRequest.now');
  if (now !== undefined) out.now = parseRfc3339(now);
  return out;
}

/** Defaults, then OSS's checks in its order. */
function validate(raw: RawRequest): QueryRequest {
  const query = raw.query ?? '';
  const type = raw.type || 'flux';
  const delimiter = raw.delimiter || ',';
  const dateTimeFormat = raw.dateTimeFormat || 'RFC3339';
  const annotations = raw.annotations ?? [];
  if (query === '' && !raw.hasAst) throw new QueryDecodeError('request body requires either query or AST');
  if (type !== 'flux') throw new QueryDecodeError(`unknown query type: ${type}`);
  if (Buffer.byteLength(raw.commentPrefix ?? '') > 1) {
    throw new QueryDecodeError('invalid dialect comment prefix: must be length 0 or 1');
  }
  // Go measures bytes: a multi-byte character is not "length 1". (The misspelling is OSS's.)
  if (Buffer.byteLength(delimiter) !== 1) throw new QueryDecodeError('invalid dialect delimeter: must be length 1');
  for (const a of annotations) {
    if (a !== 'group' && a !== 'datatype' && a !== 'default') {
      throw new QueryDecodeError(`unknown dialect annotation type: ${a}`);
    }
  }
  if (dateTimeFormat !== 'RFC3339' && dateTimeFormat !== 'RFC3339Nano') {
    throw new QueryDecodeError(`unknown dialect date time format: ${dateTimeFormat}`);
  }
  const request: QueryRequest = {
    query,
    hasAst: raw.hasAst ?? false,
    dialect: { header: raw.header ?? true, delimiter, annotations: annotations as Annotation[] },
  };
  if (raw.now !== undefined) request.now = raw.now;
  return request;
}

/** Go `mime.ParseMediaType`, reduced to what matters here: the lower-cased type, or its error. */
export function parseMediaType(value: string): string {
  const type = (value.split(';')[0] ?? '').trim().toLowerCase();
  if (type === '') throw new QueryDecodeError('mime: no media type');
  if (!/^[!#$%&'*+\-.^_`|~0-9a-z]+(\/[!#$%&'*+\-.^_`|~0-9a-z]+)?$/.test(type)) {
    throw new QueryDecodeError('mime: expected token after slash');
  }
  return type;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** Go `time.Time.UnmarshalJSON` (RFC 3339, fractional seconds allowed) → ns since the epoch. */
export function parseRfc3339(value: string): bigint {
  const m = RFC3339.exec(value);
  if (!m) {
    throw new GoJsonError(
      `parsing time ${JSON.stringify(JSON.stringify(value))} as "\\"2006-01-02T15:04:05Z07:00\\"": cannot parse ${JSON.stringify(value)} as RFC3339`,
    );
  }
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  let ns = BigInt(ms) * 1_000_000n + BigInt((frac ?? '.').slice(1).padEnd(9, '0') || '0');
  if (zone && zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1n : 1n;
    const minutes = BigInt(Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
    ns -= sign * minutes * 60_000_000_000n;
  }
  return ns;
}
