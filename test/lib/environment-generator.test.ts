import assert from 'node:assert/strict';
import {
  dailyComponent,
  environmentPoint,
  ENVIRONMENT_FIELDS,
  EnvironmentFieldSpec,
  generateField,
  generateValue,
  VIRTUAL_SENSOR_TAGS,
} from '../../lib/environment/generator';
import { builtInTrack } from '../../lib/environment/built-in-track';
import { gpsPosition, GpsTrack } from '../../lib/environment/gps-track';
import { createRandom } from '../../lib/environment/random';
import { toLines } from '../../lib/write/point';
import type { PointObject as WritePointObject } from '../../lib/write/point';

const DAY = 86_400_000;
const MINUTE = 60_000;
const constant = (value: number) => () => value;

function spec(name: string): EnvironmentFieldSpec {
  const found = ENVIRONMENT_FIELDS.find((f) => f.name === name);
  assert.ok(found, `no field ${name}`);
  return found;
}

/**
 * The reference maths written independently: the daily term as −(Δ/4)·cos, the slow term from the
 * day number. Returns the value before truncation, times 10.
 */
function expectedTimesTen(period: number, min: number, max: number, t: number, noise: number): number {
  const quarter = (max - min) / 4;
  const days = t / DAY;
  const slow = quarter * Math.sin((2 * Math.PI * (days - period * Math.floor(days / period))) / period);
  const daily = -quarter * Math.cos((2 * Math.PI * (t - DAY * Math.floor(t / DAY))) / DAY);
  return 10 * ((min + max) / 2 + slow + daily + noise);
}

describe('environment generator', () => {
  it('matches the reference formula at chosen times', () => {
    const times = [
      12_345_678,
      7 * DAY + 3 * 3_600_000 + 17_000,
      1_700_000_123_456,
      1_735_689_600_000 + 17 * MINUTE,
      2_000_000_000_000,
    ];
    for (const field of ENVIRONMENT_FIELDS) {
      for (const t of times) {
        for (const noise of [0.03, 0.37, 0.91]) {
          const raw = expectedTimesTen(field.period, field.min, field.max, t, noise);
          // Exactly on a 0.1 step the two ways of computing may round apart; no chosen time is that close.
          assert.ok(Math.abs(raw - Math.round(raw)) > 1e-6, `${field.name} at ${t} sits on a 0.1 step`);
          const actual = generateValue(field.period, field.min, field.max, t, constant(noise));
          assert.equal(actual, Math.trunc(raw) / 10, `${field.name} at ${t} with noise ${noise}`);
        }
      }
    }
  });

  it('is at the middle minus a quarter of the range at midnight of the epoch', () => {
    // Slow term 0, daily term −Δ/4: Temperature 20 − 10, plus the noise.
    assert.equal(generateValue(30, 0, 40, 0, constant(0.5)), 10.5);
  });

  it('peaks where both terms peak: Temperature at noon after a quarter of its 30-day period', () => {
    assert.equal(generateValue(30, 0, 40, 7.5 * DAY, constant(0.5)), 40.5);
  });

  it('adds one unit of noise and keeps a 0.1 resolution', () => {
    const low = generateValue(30, 0, 40, 0, constant(0));
    const high = generateValue(30, 0, 40, 0, constant(0.99));
    assert.equal(low, 10);
    assert.equal(high, 10.9);
  });

  it('has its daily term lowest at 00:00 UTC and highest at 12:00 UTC', () => {
    const day = 20_000 * DAY; // any midnight UTC
    let minAt = -1;
    let maxAt = -1;
    let minValue = Infinity;
    let maxValue = -Infinity;
    for (let minute = 0; minute < 1440; minute++) {
      const value = dailyComponent(0, 40, day + minute * MINUTE);
      if (value < minValue) [minValue, minAt] = [value, minute];
      if (value > maxValue) [maxValue, maxAt] = [value, minute];
    }
    assert.equal(minAt, 0);
    assert.equal(maxAt, 720);
    assert.equal(minValue, -10);
    assert.equal(maxValue, 10);
  });

  it('keeps every field in its effective range over a week of minutes', () => {
    const random = createRandom('a week');
    const start = Date.UTC(2024, 4, 1);
    for (const field of ENVIRONMENT_FIELDS) {
      const quarter = (field.max - field.min) / 4;
      // CO2 and TVOC: both terms have a 1-day period and add up to √2·Δ/4 at most.
      const swing = field.period === 1 ? Math.SQRT2 * quarter : 2 * quarter;
      const centre = (field.min + field.max) / 2;
      let seenLow = Infinity;
      let seenHigh = -Infinity;
      for (let t = start; t < start + 7 * DAY; t += MINUTE) {
        const value = generateField(field, t, random);
        seenLow = Math.min(seenLow, value);
        seenHigh = Math.max(seenHigh, value);
      }
      assert.ok(seenLow >= Math.floor(centre - swing), `${field.name} went down to ${seenLow}`);
      assert.ok(seenHigh < centre + swing + 1, `${field.name} went up to ${seenHigh}`);
      assert.ok(seenLow >= field.min && seenHigh < field.max + 1, `${field.name} left [min, max + 1)`);
    }
  });

  it('writes CO2 and TVOC as whole numbers', () => {
    const random = createRandom(3);
    for (let t = 0; t < DAY; t += 7 * MINUTE) {
      for (const name of ['CO2', 'TVOC']) {
        assert.ok(Number.isInteger(generateField(spec(name), t, random)), `${name} at ${t}`);
      }
    }
  });

  it("keeps IoT Center's field table", () => {
    assert.deepEqual(
      ENVIRONMENT_FIELDS.map((f) => [f.name, f.period, f.min, f.max, f.type]),
      [
        ['Temperature', 30, 0, 40, 'float'],
        ['Humidity', 90, 0, 99, 'float'],
        ['Pressure', 20, 970, 1050, 'float'],
        ['CO2', 1, 400, 3000, 'int'],
        ['TVOC', 1, 250, 2000, 'int'],
      ],
    );
  });
});

describe('environment point', () => {
  const time = Date.UTC(2024, 0, 15, 8, 30);

  it("has IoT Center's measurement, tags, field types and timestamp", () => {
    const point = environmentPoint('dev-1', time, constant(0.5));
    assert.equal(point.measurement, 'environment');
    assert.deepEqual(point.tags, {
      clientId: 'dev-1',
      TemperatureSensor: 'virtual_TemperatureSensor',
      HumiditySensor: 'virtual_HumiditySensor',
      PressureSensor: 'virtual_PressureSensor',
      CO2Sensor: 'virtual_CO2Sensor',
      TVOCSensor: 'virtual_TVOCSensor',
      GPSSensor: 'virtual_GPSSensor',
    });
    assert.deepEqual(Object.keys(point.fields), ['Temperature', 'Humidity', 'Pressure', 'CO2', 'TVOC', 'Lat', 'Lon']);
    assert.equal(point.fields.Temperature, generateValue(30, 0, 40, time, constant(0.5)));
    assert.deepEqual(point.fields.CO2, {
      type: 'int',
      value: Math.floor(generateValue(1, 400, 3000, time, constant(0.5))),
    });
    assert.deepEqual(point.fields.TVOC, {
      type: 'int',
      value: Math.floor(generateValue(1, 250, 2000, time, constant(0.5))),
    });
    assert.equal(point.timestamp, time);
    assert.equal(Object.keys(VIRTUAL_SENSOR_TAGS).length, 6);
  });

  it("is a point the write pipeline turns into IoT Center's line protocol", () => {
    const point: WritePointObject = environmentPoint('dev-1', time, constant(0.5));
    const { lines, errors } = toLines(point, { precision: 'ms' });
    assert.deepEqual(errors, []);
    assert.equal(lines.length, 1);
    assert.match(lines[0], /^environment,/);
    assert.match(lines[0], /[,]clientId=dev-1[, ]/);
    assert.match(lines[0], /[ ,]CO2=\d+i[, ]/);
    assert.match(lines[0], /[ ,]TVOC=\d+i[, ]/);
    assert.ok(lines[0].endsWith(` ${time}`), lines[0]);
  });

  it('takes Lat and Lon from the built-in track by default', () => {
    const point = environmentPoint('dev-1', time, constant(0.5));
    const position = gpsPosition(builtInTrack(), time);
    assert.equal(point.fields.Lat, position.lat);
    assert.equal(point.fields.Lon, position.lon);
  });

  it('follows a given track', () => {
    const track: GpsTrack = [
      [10, 20],
      [11, 21],
    ];
    const point = environmentPoint('dev-1', 0, constant(0.5), { track });
    assert.equal(point.fields.Lat, 10);
    assert.equal(point.fields.Lon, 20);
  });

  it('stands at a fixed location when one is given', () => {
    const point = environmentPoint('dev-1', time, constant(0.5), { location: { lat: 48.1, lon: 11.5 } });
    assert.equal(point.fields.Lat, 48.1);
    assert.equal(point.fields.Lon, 11.5);
  });

  it('repeats the same series for the same seed and differs for another', () => {
    const series = (seed: string) => {
      const random = createRandom(seed);
      return Array.from({ length: 100 }, (_, i) => environmentPoint('d', time + i * MINUTE, random));
    };
    assert.deepEqual(series('one'), series('one'));
    assert.notDeepEqual(series('one'), series('two'));
  });
});
