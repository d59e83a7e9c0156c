/**
 * What InfluxDB 2.7 can store, checked at the edge so that one point is refused with its reason instead
 * of the server refusing a whole batch (400) or dropping the point (422): key sizes (models.MaxKeyLength),
 * string field size (tsdb.MaxFieldValueLength), well-formed UTF-8, and names that survive the trip.
 */
import { clip } from '../describe-value';

/** Measurement + tags as written in the line, and that key + `#!~#` + a field key, in bytes. */
export const MAX_KEY_BYTES = 65535;
/** Bytes of the storage engine's field separator, counted into the key of each field. */
export const FIELD_SEPARATOR_BYTES = 4;
/** A longer string field value is dropped by the storage engine (422 partial write). */
export const MAX_STRING_FIELD_BYTES = 1024 * 1024;

/**
 * Names JavaScript objects cannot hold as plain keys: `__proto__` would be lost (or change a prototype)
 * when a tag or field of that name is read back into a row object, so it is refused when written.
 */
export const FORBIDDEN_NAMES: readonly string[] = ['__proto__'];
export const FORBIDDEN_NAME_REASON =
  'is not allowed: objects that read the point back could not hold it as a plain name';

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex -- as above
const CONTROL_ALL = /[\u0000-\u001f\u007f]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** `'name'` for a message: clipped, its control characters shown as `\uXXXX`. */
export function quoted(name: string): string {
  return `'${clip(name).replace(CONTROL_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}'`;
}

/** Why a text cannot be sent as UTF-8 (a lone UTF-16 surrogate would become U+FFFD), or undefined. */
export function utf8Problem(text: string): string | undefined {
  const found = LONE_SURROGATE.exec(text);
  if (!found) return undefined;
  return `is not valid UTF-8 (a lone surrogate ${codePoint(found[0])} at position ${found.index})`;
}

/**
 * Why a measurement, tag key, tag value or field key cannot be written as given, or undefined: line
 * breaks, tabs and other control characters would be stored as `\n`-style escapes, not as themselves.
 */
export function nameProblem(text: string): string | undefined {
  const control = CONTROL.exec(text);
  if (control) {
    return `has a control character (${codePoint(control[0])}) at position ${control.index}, which line protocol cannot carry`;
  }
  return utf8Problem(text);
}

/** Why a string field value cannot be stored, or undefined. */
export function stringFieldProblem(value: string): string | undefined {
  // Each UTF-16 unit is at most 3 UTF-8 bytes: most texts need no counting.
  if (value.length * 3 > MAX_STRING_FIELD_BYTES) {
    const bytes = utf8Bytes(value);
    if (bytes > MAX_STRING_FIELD_BYTES) {
      return `is a text of ${bytes} bytes; InfluxDB stores at most ${MAX_STRING_FIELD_BYTES} (1 MiB) in a string field`;
    }
  }
  return utf8Problem(value);
}

export function seriesKeyProblem(bytes: number): string | undefined {
  return bytes > MAX_KEY_BYTES
    ? `measurement and tags are ${bytes} bytes; InfluxDB allows at most ${MAX_KEY_BYTES} (max key length exceeded)`
    : undefined;
}

/** The series key + separator + field key must fit too. */
export function fieldKeyProblem(seriesKeyBytes: number, fieldKeyBytes: number): string | undefined {
  const bytes = seriesKeyBytes + FIELD_SEPARATOR_BYTES + fieldKeyBytes;
  return bytes > MAX_KEY_BYTES
    ? `with the measurement and tags it makes a key of ${bytes} bytes; InfluxDB allows at most ${MAX_KEY_BYTES} (max key length exceeded)`
    : undefined;
}

function codePoint(ch: string): string {
  return `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}
