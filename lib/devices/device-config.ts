/**
 * The configuration a device fetches from `GET /api/env/<deviceId>`, in IoT Center's shape
 * (app/server/apis/index.js) so that its Arduino, Python and Flutter clients work unchanged; its YAML form
 * for `Accept: text/plain`; and a redacted copy for debug and list output.
 */
import { DEFAULT_LAT, DEFAULT_LON } from '../environment/built-in-track';
import { validateDeviceId } from './device-id';

export interface DeviceConfig {
  id: string;
  influx_url: string;
  influx_org: string;
  influx_token: string;
  influx_bucket: string;
  createdAt: string;
  updatedAt: string;
  /** ISO time of the server when the config was made; clients use it to sync their clock. */
  serverTime: string;
  newlyRegistered: boolean;
  default_lat: number;
  default_lon: number;
  /** Seconds between a device's measurements. */
  measurement_interval: number;
  /** Seconds after which a device fetches its configuration again. */
  configuration_refresh: number;
  /** `/influx`, `/mqtt` or `/kafka`, as IoT Center chooses it. */
  write_endpoint: string;
  kafka_url?: string;
  kafka_topic?: string;
  mqtt_url?: string;
  mqtt_topic?: string;
  mqtt_user?: string;
  mqtt_password?: string;
  /** MQTT.js options as JSON text, as IoT Center passes its MQTT_OPTIONS variable through. */
  mqtt_options?: string;
}

/** What a device config is made of; the registry's `Device` has this shape. */
export interface RegisteredDevice {
  deviceId: string;
  token: string;
  createdAt: string;
  updatedAt: string;
  newlyRegistered: boolean;
}

export interface InfluxTarget {
  url: string;
  org: string;
  bucket: string;
}

export interface DeviceConfigSettings {
  /** Default 50.0873254 (Prague), IoT Center's. */
  defaultLat?: number;
  /** Default 14.4071543 (Prague), IoT Center's. */
  defaultLon?: number;
  /** Seconds, default 60. */
  measurementInterval?: number;
  /** Seconds, default 3600. */
  configurationRefresh?: number;
  /** Default: `/kafka` when Kafka is set, else `/mqtt` when MQTT is set, else `/influx`. */
  writeEndpoint?: string;
  mqtt?: { url: string; topic: string; user?: string; password?: string; options?: string };
  kafka?: { url: string; topic: string };
}

export const DEFAULT_MEASUREMENT_INTERVAL_S = 60;
export const DEFAULT_CONFIGURATION_REFRESH_S = 3600;
export const REDACTED = '***';

export class DeviceConfigError extends Error {
  readonly code = 'invalid_device_config';
  constructor(message: string) {
    super(message);
    this.name = 'DeviceConfigError';
  }
}

export function buildDeviceConfig(
  device: RegisteredDevice,
  influx: InfluxTarget,
  settings: DeviceConfigSettings = {},
  now: Date = new Date(),
): DeviceConfig {
  const config: DeviceConfig = {
    id: validateDeviceId(device.deviceId),
    influx_url: influx.url,
    influx_org: influx.org,
    influx_token: device.token,
    influx_bucket: influx.bucket,
    createdAt: device.createdAt,
    updatedAt: device.updatedAt,
    serverTime: now.toISOString(),
    newlyRegistered: device.newlyRegistered,
    default_lat: checkedNumber('defaultLat', settings.defaultLat ?? DEFAULT_LAT, -90, 90),
    default_lon: checkedNumber('defaultLon', settings.defaultLon ?? DEFAULT_LON, -180, 180),
    measurement_interval: checkedSeconds(
      'measurementInterval',
      settings.measurementInterval ?? DEFAULT_MEASUREMENT_INTERVAL_S,
    ),
    configuration_refresh: checkedSeconds(
      'configurationRefresh',
      settings.configurationRefresh ?? DEFAULT_CONFIGURATION_REFRESH_S,
    ),
    write_endpoint: settings.writeEndpoint ?? defaultWriteEndpoint(settings),
  };
  if (settings.kafka) {
    config.kafka_url = settings.kafka.url;
    config.kafka_topic = settings.kafka.topic;
  }
  if (settings.mqtt) {
    config.mqtt_url = settings.mqtt.url;
    config.mqtt_topic = settings.mqtt.topic;
    if (settings.mqtt.user !== undefined) config.mqtt_user = settings.mqtt.user;
    if (settings.mqtt.password !== undefined) config.mqtt_password = settings.mqtt.password;
    if (settings.mqtt.options !== undefined) config.mqtt_options = settings.mqtt.options;
  }
  return config;
}

function defaultWriteEndpoint(settings: DeviceConfigSettings): string {
  if (settings.kafka) return '/kafka';
  if (settings.mqtt) return '/mqtt';
  return '/influx';
}

function checkedNumber(name: string, value: number, min: number, max: number): number {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new DeviceConfigError(`${name} must be a number from ${min} to ${max}, got ${value}`);
  }
  return value;
}

function checkedSeconds(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new DeviceConfigError(`${name} must be a whole number of seconds, at least 1, got ${value}`);
  }
  return value;
}

/** A copy safe to log or list: the token and the MQTT password become `***`. */
export function redactDeviceConfig(config: DeviceConfig): DeviceConfig {
  const redacted: DeviceConfig = { ...config, influx_token: REDACTED };
  if (config.mqtt_password !== undefined) redacted.mqtt_password = REDACTED;
  return redacted;
}

/**
 * Flat `key: value` YAML for `Accept: text/plain`. The Arduino client takes the raw text after `: ` up to
 * the end of the line, so values stay plain wherever YAML allows; a string that YAML would read as
 * something else (a number, a boolean, null) or that could break the line is double-quoted instead.
 */
export function toYaml(config: DeviceConfig): string {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(config) as Array<[string, unknown]>) {
    if (value === undefined) continue;
    lines.push(`${yamlString(key)}: ${yamlValue(key, value)}`);
  }
  return lines.join('\n') + '\n';
}

function yamlValue(key: string, value: unknown): string {
  if (typeof value === 'string') return yamlString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new DeviceConfigError(`device config ${key} cannot be written as YAML: ${String(value)}`);
}

// Words YAML 1.1 or 1.2 reads as booleans or null; quoted so every parser sees a string.
const RESERVED_WORDS = /^(?:~|null|true|false|yes|no|y|n|on|off)$/i;
// YAML-only number forms that Number() does not accept: .inf, .nan, 0o17, 1_000, 1:20 (base 60).
const YAML_NUMBERS =
  /^(?:[-+]?\.(?:inf|nan)|0o[0-7]+|[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?)$/i;
const INDICATOR_FIRST = /^[,[\]{}#&*!|>'"%@`]/;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;

function yamlString(text: string): string {
  return isPlainSafe(text) ? text : quoted(text);
}

function isPlainSafe(text: string): boolean {
  if (text === '' || text.trim() !== text) return false;
  if (UNSAFE_CHARACTERS.test(text) || INDICATOR_FIRST.test(text)) return false;
  // `-`, `?` and `:` may start a plain scalar only when a non-space follows.
  if (/^[-?:](?:\s|$)/.test(text)) return false;
  if (text.includes(': ') || text.includes(' #') || text.endsWith(':')) return false;
  if (RESERVED_WORDS.test(text) || YAML_NUMBERS.test(text) || !Number.isNaN(Number(text))) return false;
  return true;
}

/** A YAML double-quoted scalar; JSON's escapes are all valid there, plus the two line separators. */
function quoted(text: string): string {
  return JSON.stringify(text)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
