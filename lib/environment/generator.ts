/**
 * IoT Center's virtual-device generator (app/ui/src/util/generateValue.ts; reference/iot-center.md 2a):
 * each value is a slow sine over `period` days plus a daily sine that is lowest at 00:00 UTC and highest
 * at 12:00 UTC, around the middle of [min, max], with one unit of noise and 0.1 resolution; and the
 * `environment` point built from it with IoT Center's fields, types and `*Sensor` tags
 * (DevicePage.tsx `writeEmulatedData`).
 */
import { builtInTrack } from './built-in-track';
import { gpsPosition, GpsTrack, Position } from './gps-track';
import type { FieldValue, PointObject } from './point-object';
import type { Random } from './random';
import { DAY_MS } from './time';

/** The slow component: `(Δ/4) · sin(2π · ((t/DAY) mod period) / period)`, phase anchored at the epoch. */
export function periodComponent(period: number, min: number, max: number, timeMs: number): number {
  return ((max - min) / 4) * Math.sin((((timeMs / DAY_MS) % period) / period) * 2 * Math.PI);
}

/** The daily component: `(Δ/4) · sin(2π · (t mod DAY)/DAY − π/2)`, lowest at midnight UTC. */
export function dailyComponent(min: number, max: number, timeMs: number): number {
  return ((max - min) / 4) * Math.sin(((timeMs % DAY_MS) / DAY_MS) * 2 * Math.PI - Math.PI / 2);
}

/**
 * `trunc(10 · (min + Δ/2 + P(t) + D(t) + U)) / 10`, summed in IoT Center's order so results match it
 * bit for bit given the same noise. The noise is one absolute unit, so values lie in about [min, max + 1).
 */
export function generateValue(period: number, min: number, max: number, timeMs: number, random: Random): number {
  const dif = max - min;
  const periodValue = periodComponent(period, min, max, timeMs);
  const dayValue = dailyComponent(min, max, timeMs);
  return Math.trunc((min + dif / 2 + periodValue + dayValue + random()) * 10) / 10;
}

export type EnvironmentFieldName = 'Temperature' | 'Humidity' | 'Pressure' | 'CO2' | 'TVOC';

export interface EnvironmentFieldSpec {
  name: EnvironmentFieldName;
  /** Days of the slow component. */
  period: number;
  min: number;
  max: number;
  /** CO2 and TVOC are written as integer fields (IoT Center's `intField`). */
  type: 'float' | 'int';
  /** The unit IoT Center's gauges show. */
  unit: string;
}

/** IoT Center's field table, in its order. */
export const ENVIRONMENT_FIELDS: readonly EnvironmentFieldSpec[] = Object.freeze([
  { name: 'Temperature', period: 30, min: 0, max: 40, type: 'float', unit: '°C' },
  { name: 'Humidity', period: 90, min: 0, max: 99, type: 'float', unit: '%' },
  { name: 'Pressure', period: 20, min: 970, max: 1050, type: 'float', unit: 'hPa' },
  { name: 'CO2', period: 1, min: 400, max: 3000, type: 'int', unit: 'ppm' },
  { name: 'TVOC', period: 1, min: 250, max: 2000, type: 'int', unit: 'ppm' },
] as const);

/** One field's value at `timeMs`; integer fields are floored as the client's `intField` does. */
export function generateField(spec: EnvironmentFieldSpec, timeMs: number, random: Random): number {
  const value = generateValue(spec.period, spec.min, spec.max, timeMs, random);
  return spec.type === 'int' ? Math.floor(value) : value;
}

export const ENVIRONMENT_MEASUREMENT = 'environment';

export interface EnvironmentPointOptions {
  /** The track to drive along (default: the built-in Prague loop). */
  track?: GpsTrack;
  /** A fixed position instead of a track, e.g. a device that stands still. */
  location?: Position;
}

/** The sensor tags IoT Center writes for its virtual device: `<Sensor>: virtual_<Sensor>`. */
export const VIRTUAL_SENSOR_TAGS: Readonly<Record<string, string>> = Object.freeze({
  TemperatureSensor: 'virtual_TemperatureSensor',
  HumiditySensor: 'virtual_HumiditySensor',
  PressureSensor: 'virtual_PressureSensor',
  CO2Sensor: 'virtual_CO2Sensor',
  TVOCSensor: 'virtual_TVOCSensor',
  GPSSensor: 'virtual_GPSSensor',
});

/**
 * The point of `deviceId` at `timeMs`. The noise source is drawn once per field in the table's order,
 * so a seeded source gives the same point for the same call sequence.
 */
export function environmentPoint(
  deviceId: string,
  timeMs: number,
  random: Random,
  options: EnvironmentPointOptions = {},
): PointObject {
  const fields: Record<string, FieldValue> = {};
  for (const spec of ENVIRONMENT_FIELDS) {
    const value = generateField(spec, timeMs, random);
    fields[spec.name] = spec.type === 'int' ? { type: 'int', value } : value;
  }
  const position = options.location ?? gpsPosition(options.track ?? builtInTrack(), timeMs);
  fields.Lat = position.lat;
  fields.Lon = position.lon;
  return {
    measurement: ENVIRONMENT_MEASUREMENT,
    tags: { clientId: deviceId, ...VIRTUAL_SENSOR_TAGS },
    fields,
    timestamp: timeMs,
  };
}
