/**
 * The track used when a user gives none. IoT Center's own GPX file (82,564 points across the USA) is
 * not shipped here, so this is a SUBSTITUTE: a closed loop of 360 points, about 14 km long, through
 * Prague around the Old Town. It is computed (not recorded) so that it is small and deterministic:
 * a circle whose radius wanders with two harmonics, like a ring road. It starts at IoT Center's
 * default device location (50.0873254, 14.4071543). With IoT Center's speed maths a lap takes about
 * 39 minutes (about 21 km/h).
 */
import type { GpsTrack, LatLon } from './gps-track';

/** IoT Center's default device location (Malostranské náměstí, Prague). */
export const DEFAULT_LAT = 50.0873254;
export const DEFAULT_LON = 14.4071543;

const CENTRE_LAT = 50.0795;
const CENTRE_LON = 14.4335;
const POINTS = 360;
const KM_PER_DEGREE_LAT = 111.32;

let cached: GpsTrack | undefined;

export function builtInTrack(): GpsTrack {
  if (!cached) cached = Object.freeze(computeTrack());
  return cached;
}

function computeTrack(): LatLon[] {
  const kmPerDegreeLon = KM_PER_DEGREE_LAT * Math.cos((CENTRE_LAT * Math.PI) / 180);
  // Polar coordinates (km) of the default location seen from the centre: the loop starts there.
  const x0 = (DEFAULT_LON - CENTRE_LON) * kmPerDegreeLon;
  const y0 = (DEFAULT_LAT - CENTRE_LAT) * KM_PER_DEGREE_LAT;
  const radius0 = Math.hypot(x0, y0);
  const angle0 = Math.atan2(y0, x0);
  const track: LatLon[] = [];
  for (let i = 0; i < POINTS; i++) {
    const a = (2 * Math.PI * i) / POINTS;
    // Both harmonics vanish at a = 0, so point 0 is exactly the default location.
    const radius = radius0 * (1 + 0.14 * Math.sin(3 * a) + 0.07 * Math.sin(5 * a));
    const angle = angle0 - a; // clockwise, like traffic on the right around a centre
    const lat = CENTRE_LAT + (radius * Math.sin(angle)) / KM_PER_DEGREE_LAT;
    const lon = CENTRE_LON + (radius * Math.cos(angle)) / kmPerDegreeLon;
    track.push([round7(lat), round7(lon)]);
  }
  return track;
}

/** GPX files carry 7 decimals (about 1 cm); more would only be noise. */
function round7(value: number): number {
  return Math.round(value * 1e7) / 1e7;
}
