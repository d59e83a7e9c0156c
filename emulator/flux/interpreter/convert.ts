/**
 * Type conversions: Flux's `string()`, `int()`, `uint()`, `float()`, `bool()`, `time()`, `duration()`,
 * and the text a value takes inside `"${...}"`. Follows FLUX stdlib/universe conversions (strconv rules).
 */
import { formatFloat, formatTime } from '../csv/encode';
import { parseFloat64 } from '../csv/float';
import { parseTime } from '../csv/time';
import { FluxError } from './errors';
import { formatDuration, parseDuration } from './time';
import { bool, bytes, duration, float, int, NULL, str, time, typeName, uint, Value } from './values';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

export function toDisplayString(v: Value): string {
  switch (v.type) {
    case 'string':
      return v.value;
    case 'int':
    case 'uint':
      return v.value.toString();
    case 'float':
      return formatFloat(v.value);
    case 'bool':
      return v.value ? 'true' : 'false';
    case 'time':
      return formatTime(v.value, 'nanoseconds');
    case 'duration':
      return formatDuration(v.value);
    case 'null':
      return '';
    default:
      throw new FluxError(`cannot convert ${typeName(v)} to string`);
  }
}

export function toStringValue(v: Value): Value {
  if (v.type === 'null') return NULL;
  if (v.type === 'regexp') return str(v.source);
  if (v.type === 'bytes') {
    try {
      return str(STRICT_UTF8.decode(v.value));
    } catch {
      throw new FluxError('bytes contained non utf8 bytes, cannot be converted into a string');
    }
  }
  return str(toDisplayString(v));
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Flux's `bytes()`: the UTF-8 of a string; nothing else converts (a null neither). */
export function toBytesValue(v: Value): Value {
  if (v.type !== 'string') throw new FluxError(`cannot convert ${typeName(v)} to bytes`);
  return bytes(new TextEncoder().encode(v.value));
}

export function toFloatValue(v: Value): Value {
  switch (v.type) {
    case 'null':
      return NULL;
    case 'float':
      return v;
    case 'int':
    case 'uint':
      return float(Number(v.value));
    case 'bool':
      return float(v.value ? 1 : 0);
    case 'string': {
      const f = parseFloat64(v.value.trim());
      if (f === undefined) throw new FluxError(`cannot convert string "${v.value}" to float`);
      return float(f);
    }
    default:
      throw new FluxError(`cannot convert ${typeName(v)} to float`);
  }
}

export function toIntValue(v: Value): Value {
  switch (v.type) {
    case 'null':
      return NULL;
    case 'int':
      return v;
    case 'uint':
      return int(v.value);
    case 'float':
      if (!Number.isFinite(v.value)) throw new FluxError(`cannot convert float ${v.value} to int`);
      return int(BigInt(Math.trunc(v.value)));
    case 'bool':
      return int(v.value ? 1n : 0n);
    case 'time':
      return int(v.value);
    case 'duration':
      if (v.value.months !== 0n) throw new FluxError('cannot convert a duration with months to int');
      return int(v.value.nanoseconds);
    case 'string': {
      const n = parseInteger(v.value);
      if (n === undefined || n < INT64_MIN || n > INT64_MAX)
        throw new FluxError(`cannot convert string "${v.value}" to int`);
      return int(n);
    }
    default:
      throw new FluxError(`cannot convert ${typeName(v)} to int`);
  }
}

export function toUintValue(v: Value): Value {
  switch (v.type) {
    case 'null':
      return NULL;
    case 'uint':
      return v;
    case 'int':
      return uint(v.value);
    case 'float':
      if (!Number.isFinite(v.value)) throw new FluxError(`cannot convert float ${v.value} to uint`);
      return uint(BigInt(Math.trunc(v.value)));
    case 'bool':
      return uint(v.value ? 1n : 0n);
    case 'time':
      return uint(v.value);
    case 'duration':
      return uint(v.value.nanoseconds);
    case 'string': {
      const n = parseInteger(v.value);
      if (n === undefined || n < 0n || n > UINT64_MAX)
        throw new FluxError(`cannot convert string "${v.value}" to uint`);
      return uint(n);
    }
    default:
      throw new FluxError(`cannot convert ${typeName(v)} to uint`);
  }
}

export function toBoolValue(v: Value): Value {
  switch (v.type) {
    case 'null':
      return NULL;
    case 'bool':
      return v;
    case 'int':
    case 'uint':
      if (v.value === 0n || v.value === 1n) return bool(v.value === 1n);
      break;
    case 'float':
      if (v.value === 0 || v.value === 1) return bool(v.value === 1);
      break;
    case 'string':
      if (v.value === 'true' || v.value === 'false') return bool(v.value === 'true');
      break;
  }
  throw new FluxError(`cannot convert ${typeName(v)} ${toDisplayStringSafe(v)} to bool`);
}

export function toTimeValue(v: Value): Value {
  switch (v.type) {
    case 'null':
      return NULL;
    case 'time':
      return v;
    case 'int':
    case 'uint':
      return time(v.value);
    case 'string':
      try {
        return time(parseTime(v.value));
      } catch {
        throw new FluxError(`cannot convert string "${v.value}" to time`);
      }
    default:
      throw new FluxError(`cannot convert ${typeName(v)} to time`);
  }
}

export function toDurationValue(v: Value): Value {
  switch (v.type) {
    case 'null':
      return NULL;
    case 'duration':
      return v;
    case 'int':
    case 'uint':
      return duration({ months: 0n, nanoseconds: v.value });
    case 'string':
      return duration(parseDuration(v.value));
    default:
      throw new FluxError(`cannot convert ${typeName(v)} to duration`);
  }
}

function parseInteger(text: string): bigint | undefined {
  return /^[+-]?\d+$/.test(text) ? BigInt(text) : undefined;
}

function toDisplayStringSafe(v: Value): string {
  try {
    return toDisplayString(v);
  } catch {
    return '';
  }
}
