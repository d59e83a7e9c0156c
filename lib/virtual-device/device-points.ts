/**
 * The points the virtual device emits: IoT Center's environment point at a given minute or instant, with
 * a Date timestamp (a Date means the same instant whatever precision iot-write uses).
 */
import {
  createRandom,
  environmentPoint,
  type FieldValue,
  type GpsTrack,
  type PointObject,
  type Random,
} from '../environment';

export interface DevicePointOptions {
  /** With a seed, the point at a given time is always the same; without, the noise is Math.random. */
  seed?: string;
  track: GpsTrack;
}

/** A point object ready for iot-write: `{measurement, tags, fields, timestamp: Date}`. */
export type DevicePoint = PointObject & { timestamp: Date };

export function devicePoint(deviceId: string, timeMs: number, options: DevicePointOptions): DevicePoint {
  const point = environmentPoint(deviceId, timeMs, noiseAt(options.seed, timeMs), { track: options.track });
  return { ...point, timestamp: new Date(timeMs) };
}

/**
 * The noise of the point at `timeMs`: seeded by the seed and the time, so a minute written again (a second
 * backfill, live and backfill overlapping) gets the same values and overwrites the point with itself.
 */
function noiseAt(seed: string | undefined, timeMs: number): Random {
  return seed === undefined ? createRandom() : createRandom(`${seed}@${timeMs}`);
}

/** The main values for the node status, kept short: `21.3 °C · 45.2 %`. */
export function pointSummary(point: PointObject): string {
  const value = (name: string): string => {
    const field: FieldValue | undefined = point.fields[name];
    const v = typeof field === 'object' ? field.value : field;
    return typeof v === 'number' ? String(v) : '?';
  };
  return `${value('Temperature')} °C · ${value('Humidity')} %`;
}
