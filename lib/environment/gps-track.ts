/**
 * Where the virtual device is at a given time: IoT Center's GPX maths (reference/iot-center.md 2b) over
 * a track of [lat, lon] points, walked in a 30-day cycle with linear interpolation between points.
 */
import { clip, describeValue } from '../describe-value';
import { DAY_MS } from './time';

/** Latitude and longitude in degrees (WGS 84), the order IoT Center's gpxData.json uses. */
export type LatLon = readonly [lat: number, lon: number];
export type GpsTrack = readonly LatLon[];

export interface Position {
  lat: number;
  lon: number;
}

/** IoT Center's cycle: the whole movement repeats every 30 days. */
export const MONTH_MS = 30 * DAY_MS;
/** IoT Center's speed: about this many track points are passed per 30-day cycle. */
export const GPX_SPEED_MODIFIER = 400000;

export class GpsTrackError extends Error {
  readonly code = 'invalid_gps_track';
  constructor(message: string) {
    super(message);
    this.name = 'GpsTrackError';
  }
}

/**
 * The fractional track index at `timeMs`: `((t mod MONTH) / MONTH · M) mod N` with `M = floor(400000/N) · N`,
 * so the cycle holds a whole number of laps and the position does not jump when the month wraps.
 */
export function gpsTrackIndex(length: number, timeMs: number): number {
  if (!Number.isInteger(length) || length < 1) throw new GpsTrackError('a GPS track needs at least one point');
  // A track longer than 400000 points would get M = 0 and stand still; give it one lap per cycle instead.
  const laps = Math.max(1, Math.floor(GPX_SPEED_MODIFIER / length));
  const modifier = laps * length;
  // IoT Center only sees times after 1970; a true modulo keeps earlier times on the track as well.
  const inCycle = ((timeMs % MONTH_MS) + MONTH_MS) % MONTH_MS;
  return ((inCycle / MONTH_MS) * modifier) % length;
}

/** The position at `timeMs`: linear interpolation from point `index` towards point `(index + 1) mod N`. */
export function gpsPosition(track: GpsTrack, timeMs: number): Position {
  const pos = gpsTrackIndex(track.length, timeMs);
  const index = Math.floor(pos);
  const fraction = pos - index;
  const [lat1, lon1] = track[index];
  const [lat2, lon2] = track[(index + 1) % track.length];
  return { lat: lat1 + (lat2 - lat1) * fraction, lon: lon1 + (lon2 - lon1) * fraction };
}

/** Parses a user's track: an array of `[lat, lon]` pairs or `{lat, lon}` objects, in degrees. */
export function parseGpsTrack(value: unknown): GpsTrack {
  if (!Array.isArray(value) || value.length === 0) {
    throw new GpsTrackError('a GPS track must be a non-empty array of [lat, lon] points');
  }
  // Array.from, not map: map skips the holes of a sparse array and keeps them, which breaks every tick later.
  return Array.from(value, (point: unknown, i): LatLon => {
    let lat: unknown;
    let lon: unknown;
    if (Array.isArray(point) && point.length >= 2) {
      [lat, lon] = point;
    } else if (typeof point === 'object' && point !== null && 'lat' in point && 'lon' in point) {
      ({ lat, lon } = point);
    } else {
      throw new GpsTrackError(`GPS track point ${i} must be [lat, lon] or {lat, lon}`);
    }
    if (typeof lat !== 'number' || !Number.isFinite(lat) || lat < -90 || lat > 90) {
      throw new GpsTrackError(`GPS track point ${i} has latitude ${shown(lat)}; it must be a number from -90 to 90`);
    }
    if (typeof lon !== 'number' || !Number.isFinite(lon) || lon < -180 || lon > 180) {
      throw new GpsTrackError(`GPS track point ${i} has longitude ${shown(lon)}; it must be a number from -180 to 180`);
    }
    return [lat, lon];
  });
}

/** A coordinate as a message shows it: a text as it is (clipped), anything else without throwing. */
function shown(value: unknown): string {
  return typeof value === 'string' ? clip(value) : describeValue(value);
}
