import assert from 'node:assert/strict';
import { builtInTrack, DEFAULT_LAT, DEFAULT_LON } from '../../lib/environment/built-in-track';
import {
  GPX_SPEED_MODIFIER,
  gpsPosition,
  GpsTrack,
  GpsTrackError,
  gpsTrackIndex,
  MONTH_MS,
  parseGpsTrack,
} from '../../lib/environment/gps-track';

// Four points: M = floor(400000/4)·4 = 400000 segments per month, so one segment lasts 6480 ms.
const SQUARE: GpsTrack = [
  [0, 0],
  [0, 10],
  [10, 10],
  [10, 0],
];
const SEGMENT_MS = MONTH_MS / GPX_SPEED_MODIFIER;

function near(actual: { lat: number; lon: number }, lat: number, lon: number): void {
  assert.ok(
    Math.abs(actual.lat - lat) < 1e-6 && Math.abs(actual.lon - lon) < 1e-6,
    `got ${JSON.stringify(actual)}, expected ${lat}, ${lon}`,
  );
}

describe('GPS track position', () => {
  it('is the first point at the start of the cycle', () => {
    assert.deepEqual(gpsPosition(SQUARE, 0), { lat: 0, lon: 0 });
  });

  it('is exactly on a point at a segment boundary', () => {
    near(gpsPosition(SQUARE, SEGMENT_MS), 0, 10);
    near(gpsPosition(SQUARE, 2 * SEGMENT_MS), 10, 10);
  });

  it('interpolates linearly inside a segment', () => {
    near(gpsPosition(SQUARE, SEGMENT_MS / 2), 0, 5);
    near(gpsPosition(SQUARE, SEGMENT_MS + SEGMENT_MS / 4), 2.5, 10);
  });

  it('wraps from the last point back to the first', () => {
    near(gpsPosition(SQUARE, 3 * SEGMENT_MS + SEGMENT_MS / 2), 5, 0);
    near(gpsPosition(SQUARE, 4 * SEGMENT_MS), 0, 0);
  });

  it('repeats every 30 days', () => {
    for (const t of [0, 1234, SEGMENT_MS * 7.3, 12 * 86_400_000 + 999]) {
      const here = gpsPosition(SQUARE, t);
      near(gpsPosition(SQUARE, t + MONTH_MS), here.lat, here.lon);
      near(gpsPosition(SQUARE, t + 5 * MONTH_MS), here.lat, here.lon);
    }
  });

  it('approaches the first point again just before the cycle ends', () => {
    near(gpsPosition(SQUARE, MONTH_MS - SEGMENT_MS / 2), 5, 0);
  });

  it("uses M = floor(400000/N)·N: 330256 for IoT Center's 82564-point track", () => {
    const n = 82564;
    assert.equal(gpsTrackIndex(n, MONTH_MS / 8), 330256 / 8);
    assert.equal(gpsTrackIndex(n, MONTH_MS / 2), (330256 / 2) % n);
    // 4 laps per cycle: a quarter of the month is one lap, back at the start.
    assert.ok(gpsTrackIndex(n, MONTH_MS / 4) < 1e-6);
  });

  it('stays on the track for times before 1970', () => {
    const position = gpsPosition(SQUARE, -SEGMENT_MS / 2);
    near(position, 5, 0);
  });

  it('stands still on a one-point track', () => {
    assert.deepEqual(gpsPosition([[50, 14]], 123456789), { lat: 50, lon: 14 });
  });
});

describe('GPS track parsing', () => {
  it('accepts [lat, lon] pairs and {lat, lon} objects', () => {
    assert.deepEqual(parseGpsTrack([[1, 2], { lat: 3, lon: 4 }]), [
      [1, 2],
      [3, 4],
    ]);
  });

  it('rejects an empty or missing track', () => {
    assert.throws(() => parseGpsTrack([]), GpsTrackError);
    assert.throws(() => parseGpsTrack('track'), GpsTrackError);
  });

  it('rejects a latitude outside -90..90 and names the point', () => {
    assert.throws(
      () =>
        parseGpsTrack([
          [0, 0],
          [91, 0],
        ]),
      /point 1 has latitude 91/,
    );
  });

  it('rejects a longitude that is not a number', () => {
    assert.throws(() => parseGpsTrack([{ lat: 1, lon: '2' }]), /point 0 has longitude 2/);
  });

  it('refuses a hole in a sparse array as a missing point', () => {
    const sparse: unknown[] = [[50, 14]];
    sparse[2] = [50.1, 14.1];
    assert.throws(() => parseGpsTrack(sparse), /GPS track point 1 must be \[lat, lon\] or \{lat, lon\}/);
  });

  it('names a coordinate of any type without a TypeError', () => {
    assert.throws(() => parseGpsTrack([[Object.create(null), 0]]), /point 0 has latitude an object;/);
    assert.throws(() => parseGpsTrack([[0, 5n]]), /point 0 has longitude 5n;/);
  });
});

describe('built-in GPS track', () => {
  const track = builtInTrack();

  it('has a few hundred points', () => {
    assert.equal(track.length, 360);
  });

  it("starts at IoT Center's default location", () => {
    assert.deepEqual(track[0], [DEFAULT_LAT, DEFAULT_LON]);
  });

  it('is a closed loop of short segments in Prague', () => {
    for (let i = 0; i < track.length; i++) {
      const [lat1, lon1] = track[i];
      const [lat2, lon2] = track[(i + 1) % track.length];
      const km = Math.hypot((lat2 - lat1) * 111.32, (lon2 - lon1) * 111.32 * Math.cos((lat1 * Math.PI) / 180));
      assert.ok(km < 0.1, `segment ${i} is ${km} km long`);
      assert.ok(lat1 > 50.0 && lat1 < 50.15 && lon1 > 14.3 && lon1 < 14.6, `point ${i} is outside Prague`);
    }
  });

  it('is the same array every time', () => {
    assert.equal(builtInTrack(), track);
    assert.ok(Object.isFrozen(track));
  });
});
