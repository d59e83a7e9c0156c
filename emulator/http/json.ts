/**
 * Parsing JSON request bodies at the edge into typed values, failing with the messages Go's
 * `encoding/json` gives, since OSS passes them through (e.g. `invalid json structure: <err>`).
 */

/** A body Go would refuse; `message` is worded as `encoding/json` words it. */
export class GoJsonError extends Error {}

export type JsonObject = Record<string, unknown>;

/** Parses a body that must be a JSON object (`goType` names the Go struct for the type-mismatch message). */
export function decodeObject(text: string, goType: string): JsonObject {
  if (text.trim() === '') throw new GoJsonError('EOF');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new GoJsonError(syntaxMessage(text, err));
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    if (value === null) return {};
    throw new GoJsonError(`json: cannot unmarshal ${jsonKind(value)} into Go value of type ${goType}`);
  }
  return value as JsonObject;
}

function syntaxMessage(text: string, err: unknown): string {
  const message = err instanceof Error ? err.message : '';
  if (/end of JSON input|Unterminated/.test(message)) return 'unexpected EOF';
  const position = /position (\d+)/.exec(message);
  const at = position ? text.charAt(Number(position[1])) : (/Unexpected token '(.)'/.exec(message)?.[1] ?? '');
  if (!at) return 'invalid character in JSON input';
  // The phrases of Go's encoding/json scanner for the places V8 names.
  if (/Expected property name/.test(message))
    return `invalid character '${at}' looking for beginning of object key string`;
  if (/after property name/.test(message)) return `invalid character '${at}' after object key`;
  if (/after JSON/.test(message)) return `invalid character '${at}' after top-level value`;
  return `invalid character '${at}' looking for beginning of value`;
}

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return 'number';
  return typeof value;
}

function mismatch(value: unknown, where: string, goType: string): GoJsonError {
  const kind = typeof value === 'number' ? `number ${value}` : jsonKind(value);
  return new GoJsonError(`json: cannot unmarshal ${kind} into Go struct field ${where} of type ${goType}`);
}

/** `where` is Go's field path, e.g. `QueryRequest.dialect.delimiter`. */
export function optionalString(obj: JsonObject, key: string, where: string): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw mismatch(v, where, 'string');
  return v;
}

export function optionalBoolean(obj: JsonObject, key: string, where: string): boolean | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw mismatch(v, where, 'bool');
  return v;
}

export function optionalInteger(obj: JsonObject, key: string, where: string): number | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw mismatch(v, where, 'int64');
  return v;
}

export function optionalObject(obj: JsonObject, key: string, where: string, goType: string): JsonObject | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw mismatch(v, where, goType);
  return v as JsonObject;
}

export function optionalArray(obj: JsonObject, key: string, where: string, goType: string): unknown[] | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw mismatch(v, where, goType);
  return v;
}

export function optionalStringArray(obj: JsonObject, key: string, where: string): string[] | undefined {
  const items = optionalArray(obj, key, where, '[]string');
  return items?.map((item) => {
    if (typeof item !== 'string') throw mismatch(item, where, 'string');
    return item;
  });
}
