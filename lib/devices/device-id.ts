/**
 * Device ids and the authorization description that names a device. A device id travels as a tag value,
 * a URL path segment (`/api/env/<deviceId>`), a Flux string and an authorization description, so it is
 * checked once here instead of being escaped differently in each place.
 */

/**
 * At most 64 characters (Unicode code points): enough for a MAC address, a UUID or a hostname plus a
 * suffix, and short enough to read in a dashboard and a token list.
 */
export const MAX_DEVICE_ID_LENGTH = 64;

/** IoT Center's 2021 prefix, which this package keeps; matched exactly, never as a prefix of an id. */
export const DEVICE_DESCRIPTION_PREFIX = 'IoT Center: ';

export class DeviceIdError extends Error {
  readonly code = 'invalid_device_id';
  constructor(message: string) {
    super(message);
    this.name = 'DeviceIdError';
  }
}

// C0, DEL and C1 controls, plus line/paragraph separators that break one-line logs and YAML.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;
// Half of a UTF-16 pair alone: it would reach InfluxDB, YAML and URLs as U+FFFD.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Returns the id unchanged when it is usable, else throws a DeviceIdError saying what to fix. */
export function validateDeviceId(id: unknown): string {
  if (typeof id !== 'string') {
    throw new DeviceIdError(`deviceId must be a string, got ${id === null ? 'null' : typeof id}`);
  }
  if (id.length === 0) throw new DeviceIdError('deviceId is empty; give the device a name such as "virtual_device"');
  const length = codePoints(id);
  if (length > MAX_DEVICE_ID_LENGTH) {
    throw new DeviceIdError(`deviceId is ${length} characters long; at most ${MAX_DEVICE_ID_LENGTH} are allowed`);
  }
  const control = CONTROL_CHARACTERS.exec(id);
  if (control) {
    const code = control[0].codePointAt(0)?.toString(16).padStart(4, '0') ?? '';
    throw new DeviceIdError(
      `deviceId contains a control character (U+${code.toUpperCase()}) at position ${control.index}`,
    );
  }
  const surrogate = LONE_SURROGATE.exec(id);
  if (surrogate) {
    throw new DeviceIdError(
      `deviceId is not valid UTF-8: a lone surrogate (U+${surrogate[0].charCodeAt(0).toString(16).toUpperCase()}) at position ${surrogate.index}`,
    );
  }
  if (id.trim() !== id) throw new DeviceIdError(`deviceId "${id}" starts or ends with whitespace; remove it`);
  return id;
}

/** Characters as a user counts them (a pair of UTF-16 surrogates is one), without copying a huge text. */
function codePoints(text: string): number {
  let count = text.length;
  for (let i = 1; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xdc00 && unit <= 0xdfff && (text.charCodeAt(i - 1) & 0xfc00) === 0xd800) count--;
  }
  return count;
}

/** The description of the device's authorization: `IoT Center: <deviceId>`. */
export function deviceDescription(deviceId: string): string {
  return DEVICE_DESCRIPTION_PREFIX + validateDeviceId(deviceId);
}

/** The device id named by an authorization description, or undefined when it names no valid device. */
export function deviceIdFromDescription(description: string | undefined): string | undefined {
  if (description === undefined || !description.startsWith(DEVICE_DESCRIPTION_PREFIX)) return undefined;
  const id = description.slice(DEVICE_DESCRIPTION_PREFIX.length);
  try {
    return validateDeviceId(id);
  } catch {
    return undefined;
  }
}
