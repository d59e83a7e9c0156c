import assert from 'node:assert/strict';
import {
  deviceListQuery,
  deviceMeasurementsQuery,
  downsampledQuery,
  lastValuesQuery,
  missingMinutesQuery,
} from '../../lib/query/presets';
import { column, FluxFixture, keyOf, labels, long, NOW, point } from './flux-harness';

const MINUTE = 60_000_000_000n;
const SENSORS = {
  TemperatureSensor: 'virtual_TemperatureSensor',
  HumiditySensor: 'virtual_HumiditySensor',
  PressureSensor: 'virtual_PressureSensor',
  CO2Sensor: 'virtual_CO2Sensor',
  TVOCSensor: 'virtual_TVOCSensor',
  GPSSensor: 'virtual_GPSSensor',
};

/** IoT Center's environment points for dev1 (1, 2, 4 and 5 minutes ago) and dev2 (1 minute ago). */
function iotData(fixture: FluxFixture): void {
  const points = [];
  for (const i of [1, 2, 4, 5]) {
    points.push(
      point(
        'environment',
        { clientId: 'dev1', ...SENSORS },
        {
          Temperature: 20 + i,
          Humidity: 50 + i,
          Pressure: 1000 + i,
          CO2: long(400 + i),
          TVOC: long(250 + i),
          Lat: 50.08,
          Lon: 14.42,
        },
        NOW - BigInt(i) * MINUTE,
      ),
    );
  }
  points.push(
    point('environment', { clientId: 'dev2', ...SENSORS }, { Temperature: 30, CO2: long(900) }, NOW - MINUTE),
  );
  points.push(point('memory', { host: 'h' }, { used: 1 }, NOW - MINUTE));
  fixture.write(points, 'iot_center');
}

describe('flux engine: IoT Center queries', () => {
  let fixture: FluxFixture;
  beforeEach(() => {
    fixture = new FluxFixture();
    fixture.buckets.push({ ...fixture.buckets[0], id: '00000000000000c1', name: 'iot_center' });
    iotData(fixture);
  });
  afterEach(() => fixture.close());

  it('answers the dashboard query with one row per time and one column per field', async () => {
    const tables = await fixture.tables(`import "influxdata/influxdb/v1"
from(bucket: "iot_center") |> range(start: -1d) |> filter(fn: (r) => r._measurement == "environment" and r.clientId == "dev1") |> v1.fieldsAsCols()`);
    assert.equal(tables.length, 1);
    const [table] = tables;
    assert.deepEqual(labels(table), [
      '_start',
      '_stop',
      '_time',
      'CO2Sensor',
      'GPSSensor',
      'HumiditySensor',
      'PressureSensor',
      'TVOCSensor',
      'TemperatureSensor',
      '_measurement',
      'clientId',
      'CO2',
      'Humidity',
      'Lat',
      'Lon',
      'Pressure',
      'TVOC',
      'Temperature',
    ]);
    assert.equal(keyOf(table).clientId, 'dev1');
    assert.deepEqual(
      column(table, '_time'),
      [5n, 4n, 2n, 1n].map((i) => NOW - i * MINUTE),
    );
    assert.deepEqual(column(table, 'Temperature'), [25, 24, 22, 21]);
    assert.deepEqual(column(table, 'CO2'), [405n, 404n, 402n, 401n]);
  });

  it('reads only the device from storage for the dashboard query', async () => {
    await fixture.tables(`import "influxdata/influxdb/v1"
from(bucket: "iot_center") |> range(start: -1d) |> filter(fn: (r) => r._measurement == "environment" and r.clientId == "dev1") |> v1.fieldsAsCols()`);
    assert.equal(fixture.reads.length, 1);
    assert.equal(fixture.reads[0].bucketId, '00000000000000c1');
    assert.deepEqual(fixture.reads[0].measurements, ['environment']);
    assert.deepEqual(fixture.reads[0].tags, { clientId: ['dev1'] });
  });

  it('runs the device-measurements preset', async () => {
    const [table] = await fixture.tables(
      deviceMeasurementsQuery({ bucket: 'iot_center', deviceId: 'dev2' }).toString(),
    );
    assert.deepEqual(column(table, 'Temperature'), [30]);
  });

  it('runs the last-values preset: the newest value of each field', async () => {
    const tables = await fixture.tables(
      lastValuesQuery({ bucket: 'iot_center', deviceId: 'dev1', fields: ['Temperature', 'CO2'] }).toString(),
    );
    assert.deepEqual(
      tables.map((tb) => [keyOf(tb)._field, column(tb, '_value')[0], column(tb, '_time')[0]]),
      [
        ['CO2', 401n, NOW - MINUTE],
        ['Temperature', 21, NOW - MINUTE],
      ],
    );
  });

  it('runs the downsampled preset', async () => {
    const tables = await fixture.tables(
      downsampledQuery({
        bucket: 'iot_center',
        deviceId: 'dev1',
        fields: ['Temperature'],
        every: '2m',
        fn: 'max',
        range: '-1h',
      }).toString(),
    );
    assert.equal(tables.length, 1);
    assert.deepEqual(column(tables[0], '_value'), [25, 24, 22]);
  });

  it('runs the device-list preset: each device with its last entry', async () => {
    const [table] = await fixture.tables(deviceListQuery({ bucket: 'iot_center' }).toString());
    assert.deepEqual(labels(table).sort(), ['deviceId', 'lastSeen']);
    assert.deepEqual(column(table, 'deviceId'), ['dev1', 'dev2']);
    assert.deepEqual(column(table, 'lastSeen'), [NOW - MINUTE, NOW - MINUTE]);
  });

  it('runs the missing-minutes preset: the empty 1-minute windows', async () => {
    const tables = await fixture.tables(
      missingMinutesQuery({ bucket: 'iot_center', deviceId: 'dev1', range: '-6m' }).toString(),
    );
    const stops = tables.flatMap((tb) => column(tb, '_time'));
    assert.deepEqual(stops, [NOW - 5n * MINUTE, NOW - 2n * MINUTE]);
  });
});
