/**
 * Push-down gives the engine's own answer: each query runs with push-down (selectors computed from one point per
 * series, read by storage) and without it (`pushDown: false`: every row read and selected by the engine), on data
 * with several series per device, tag sets of different shapes, ties, sub-second times, every field type and
 * empty ranges; the CSV of both must be the same, errors included.
 */
import assert from 'node:assert/strict';
import { encodeResults } from '../../emulator/flux/csv/encode';
import { runFlux } from '../../emulator/flux/engine';
import type { FieldValue, Point } from '../../emulator/storage/types';
import {
  deviceListQuery,
  deviceMeasurementsQuery,
  downsampledQuery,
  lastSeenQuery,
  lastValuesQuery,
} from '../../lib/query';
import { FluxFixture, NOW } from './flux-harness';

const SECOND = 1_000_000_000n;
const DIALECT = { header: true, delimiter: ',', annotations: ['datatype', 'group', 'default'] } as const;

function point(
  tags: [string, string][],
  fields: [string, FieldValue][],
  time: bigint,
  measurement = 'environment',
): Point {
  return { measurement, tags, fields: new Map(fields), time };
}

function fixture(): FluxFixture {
  const f = new FluxFixture();
  const points: Point[] = [];
  const base = NOW - 3600n * SECOND;
  for (let d = 0; d < 4; d++) {
    for (let i = 0; i < 50; i++) {
      // device-1 changes its sensor tag half-way: two series per field; device-3 stops early.
      if (d === 3 && i > 10) break;
      const sensor: [string, string][] = d === 1 && i >= 25 ? [['TemperatureSensor', 'new']] : [];
      const tags: [string, string][] = [...sensor, ['clientId', `device-${d}`]];
      // Sub-second times, and device-0 and device-2 share their times (ties between series).
      const time = base + BigInt(i) * 60n * SECOND + (d === 2 ? 0n : BigInt(d) * 1_234_567n);
      const fields: [string, FieldValue][] = [
        ['Temperature', { type: 'double', value: 20 + Math.sin(i + d) }],
        ['CO2', { type: 'long', value: BigInt(400 + i * d) }],
      ];
      // Negative values and magnitudes where the order of summation shows in the last bits; int64 sums that wrap.
      fields.push(['delta', { type: 'double', value: i % 7 === 3 ? 1e16 * (d % 2 ? -1 : 1) : -0.1 * i - d / 3 }]);
      fields.push(['big', { type: 'long', value: 2n ** 62n + BigInt(i * 1_000_003 * (d + 1)) }]);
      if (i % 3 === 0) fields.push(['note', { type: 'string', value: `n${i}` }]);
      if (i % 4 === 1) fields.push(['ok', { type: 'boolean', value: i % 8 === 1 }]);
      points.push(point(tags, fields, time));
      // A field written between the others' times: a tag set whose series do not share their times.
      if (d === 2 && i % 5 === 0)
        points.push(point(tags, [['extra', { type: 'double', value: -i / 7 }]], time + 30n * SECOND));
    }
  }
  // Another measurement, and a tag set with an extra key.
  points.push(
    point(
      [
        ['clientId', 'device-0'],
        ['host', 'h1'],
      ],
      [['load', { type: 'double', value: 1.5 }]],
      base,
      'system',
    ),
  );
  points.push(
    point(
      [
        ['clientId', 'device-9'],
        ['zone', 'z'],
      ],
      [['Temperature', { type: 'double', value: 7 }]],
      base + SECOND,
      'environment',
    ),
  );
  f.write(points);
  return f;
}

async function csvOf(f: FluxFixture, query: string, pushDown: boolean): Promise<string> {
  try {
    const { results, error } = await runFlux(query, { ...f.context(), pushDown });
    return (
      encodeResults(results, { ...DIALECT, annotations: [...DIALECT.annotations] }) +
      (error ? `error: ${error.message}` : '')
    );
  } catch (e) {
    return `thrown: ${(e as Error).message}`;
  }
}

const FROM = 'from(bucket: "test") |> range(start: -2h)';
const ENV = `${FROM} |> filter(fn: (r) => r._measurement == "environment")`;

const QUERIES: Record<string, string> = {
  'last values preset': lastValuesQuery({ bucket: 'test', deviceId: 'device-1', range: '-2h' }).toString(),
  'last seen preset': lastSeenQuery({ bucket: 'test', range: '-2h' }).toString(),
  'device list preset': deviceListQuery({ bucket: 'test', range: '-2h' }).toString(),
  'last()': `${FROM} |> last()`,
  'first()': `${FROM} |> first()`,
  'last(column: tag)': `${FROM} |> group() |> last(column: "host")`,
  'first(column: tag) over merged tables': `${FROM} |> group(columns: ["_field"]) |> first(column: "zone")`,
  'max(_time) after keep and group': `${ENV} |> keep(columns: ["clientId", "_time", "_value"]) |> group(columns: ["clientId"]) |> max(column: "_time")`,
  'min(_time) after drop and group()': `${ENV} |> drop(columns: ["_start", "_stop"]) |> group() |> min(column: "_time")`,
  'max(_time) with ties, group by field': `${ENV} |> group(columns: ["_field"]) |> max(column: "_time")`,
  'max(_value) is not pushed': `${ENV} |> filter(fn: (r) => r._field == "Temperature") |> max()`,
  'group by _time splits series': `${ENV} |> group(columns: ["_time"]) |> last()`,
  'group except': `${ENV} |> group(columns: ["_time", "_value", "_start", "_stop"], mode: "except") |> last()`,
  'filter on _value is not pushed': `${ENV} |> filter(fn: (r) => r._field == "CO2" and r._value < 420) |> last()`,
  'filter onEmpty keep': `${ENV} |> filter(fn: (r) => r.clientId == "device-3", onEmpty: "keep") |> last()`,
  'keep without _time': `${ENV} |> keep(columns: ["clientId"]) |> max(column: "_time")`,
  'keep without _value': `${ENV} |> keep(columns: ["clientId", "_time"]) |> last()`,
  'keep by fn': `${ENV} |> keep(fn: (column) => column == "_time" or column == "clientId") |> group() |> max(column: "_time")`,
  'max(_time) on strings and booleans': `${ENV} |> filter(fn: (r) => r._field == "note" or r._field == "ok") |> max(column: "_time")`,
  'last over an empty range': `from(bucket: "test") |> range(start: 2031-01-01T00:00:00Z) |> last()`,
  'last with no match': `${FROM} |> filter(fn: (r) => r.clientId == "nobody") |> last()`,
  'last of a range ending mid-series': `from(bucket: "test") |> range(start: -2h, stop: -30m) |> last()`,
  'unbounded read': 'from(bucket: "test") |> last()',
  'rename before selector is not pushed': `${ENV} |> rename(columns: {_value: "v"}) |> max(column: "_time")`,
};

/** Windowed aggregates: pushed down as storage counts per window when the windows are a fixed grid. */
const NUMBERS = `${ENV} |> filter(fn: (r) => r._field == "Temperature" or r._field == "delta" or r._field == "big" or r._field == "CO2")`;
const CUT = `from(bucket: "test") |> range(start: -97m, stop: -13m30s) |> filter(fn: (r) => r._measurement == "environment")`;
const WINDOW_QUERIES: Record<string, string> = {
  'downsampled preset': downsampledQuery({
    bucket: 'test',
    deviceId: 'device-1',
    range: '-2h',
    every: '10m',
  }).toString(),
  'mean, 10m': `${NUMBERS} |> aggregateWindow(every: 10m, fn: mean)`,
  'mean, 7m, windows cut by range start and stop': `from(bucket: "test") |> range(start: -97m, stop: -13m30s) |> filter(fn: (r) => r._field == "delta") |> aggregateWindow(every: 7m, fn: mean, createEmpty: false)`,
  'sum, 7m, createEmpty': `${NUMBERS} |> filter(fn: (r) => r._field != "CO2") |> aggregateWindow(every: 7m, fn: sum)`,
  'sum of int64 that wraps': `${ENV} |> filter(fn: (r) => r._field == "big") |> aggregateWindow(every: 20m, fn: sum)`,
  'count of every type, 5m': `${CUT} |> aggregateWindow(every: 5m, fn: count)`,
  'count, createEmpty false': `${CUT} |> aggregateWindow(every: 5m, fn: count, createEmpty: false)`,
  'min and max, 9m, offset 2m': `${NUMBERS} |> aggregateWindow(every: 9m, offset: 2m, fn: min) |> yield(name: "min")
${NUMBERS} |> aggregateWindow(every: 9m, offset: 2m, fn: max) |> yield(name: "max")`,
  'first and last of strings and booleans': `${CUT} |> filter(fn: (r) => r._field == "note" or r._field == "ok") |> aggregateWindow(every: 4m, fn: first) |> yield(name: "first")
${CUT} |> filter(fn: (r) => r._field == "note" or r._field == "ok") |> aggregateWindow(every: 4m, fn: last, createEmpty: false) |> yield(name: "last")`,
  'mean after a filter dropping the strings': `${CUT} |> filter(fn: (r) => r._field != "note" and r._field != "ok") |> aggregateWindow(every: 4m, fn: mean)`,
  'mean of strings fails alike': `${CUT} |> filter(fn: (r) => r._field == "note") |> aggregateWindow(every: 4m, fn: mean)`,
  'min of booleans fails alike': `${CUT} |> filter(fn: (r) => r._field == "ok") |> aggregateWindow(every: 4m, fn: min)`,
  'median, spread and stddev': `${NUMBERS} |> aggregateWindow(every: 15m, fn: median) |> yield(name: "median")
${NUMBERS} |> aggregateWindow(every: 15m, fn: spread) |> yield(name: "spread")
${NUMBERS} |> aggregateWindow(every: 15m, fn: stddev) |> yield(name: "stddev")`,
  'timeSrc _start, timeDst t': `${NUMBERS} |> aggregateWindow(every: 10m, fn: mean, timeSrc: "_start", timeDst: "t")`,
  'offset larger than every, negative offset': `${NUMBERS} |> aggregateWindow(every: 10m, offset: -23m, fn: mean) |> yield(name: "neg")
${NUMBERS} |> aggregateWindow(every: 10m, offset: 25m, fn: sum) |> yield(name: "pos")`,
  'fixed-offset location': `import "timezone"
${NUMBERS} |> aggregateWindow(every: 1h, fn: mean, location: timezone.fixed(offset: 30m))`,
  'named zone (not pushed)': `import "timezone"
${NUMBERS} |> aggregateWindow(every: 1h, fn: mean, location: timezone.location(name: "Asia/Kolkata"))`,
  'calendar months (not pushed)': `${NUMBERS} |> aggregateWindow(every: 1mo, fn: mean)`,
  'period longer than every (not pushed)': `${NUMBERS} |> aggregateWindow(every: 10m, period: 20m, fn: mean)`,
  'every larger than the range': `${NUMBERS} |> aggregateWindow(every: 1d, fn: mean)`,
  'every 1ns, no empty windows': `${CUT} |> filter(fn: (r) => r._field == "CO2") |> aggregateWindow(every: 1ns, fn: last, createEmpty: false)`,
  'every 1s, windows counted row by row': `${NUMBERS} |> aggregateWindow(every: 1s, fn: mean, createEmpty: false)`,
  'column _time (not pushed)': `${NUMBERS} |> aggregateWindow(every: 10m, fn: last, column: "_time")`,
  'filter on _value (not pushed)': `${NUMBERS} |> filter(fn: (r) => r._value > 0) |> aggregateWindow(every: 10m, fn: mean)`,
  'filter onEmpty keep (not pushed)': `${NUMBERS} |> filter(fn: (r) => r.clientId == "device-3", onEmpty: "keep") |> aggregateWindow(every: 10m, fn: count)`,
  'user function (not pushed)': `${NUMBERS} |> aggregateWindow(every: 10m, fn: (tables=<-, column) => tables |> mean(column: column))`,
  'no match': `${FROM} |> filter(fn: (r) => r.clientId == "nobody") |> aggregateWindow(every: 10m, fn: mean)`,
  'empty range': `from(bucket: "test") |> range(start: 2031-01-01T00:00:00Z) |> aggregateWindow(every: 10m, fn: count)`,
  'stop before start': `from(bucket: "test") |> range(start: -1h, stop: -2h) |> aggregateWindow(every: 10m, fn: count)`,
  unbounded: `from(bucket: "test") |> aggregateWindow(every: 10m, fn: count)`,
  'other measurement, filter by tag': `${FROM} |> filter(fn: (r) => r.host == "h1") |> aggregateWindow(every: 10m, fn: mean)`,
  'grouped downstream': `${NUMBERS} |> aggregateWindow(every: 10m, fn: mean) |> group(columns: ["_field"]) |> sum()`,
};

/** Fields as columns: pushed down as one pivoted table per tag set, built from each series' times and values. */
const V1 = `import "influxdata/influxdb/v1"\n`;
const PIVOT_QUERIES: Record<string, string> = {
  'device measurements preset (two tag sets)': deviceMeasurementsQuery({
    bucket: 'test',
    deviceId: 'device-1',
    range: '-2h',
  }).toString(),
  'every device, fields at different times': `${V1}${ENV} |> v1.fieldsAsCols()`,
  'schema.fieldsAsCols': `import "influxdata/influxdb/schema"\n${ENV} |> schema.fieldsAsCols()`,
  'pivot written out': `${FROM} |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")`,
  'range cut at both ends': `${V1}${CUT} |> v1.fieldsAsCols()`,
  'filter not narrowed (!=)': `${V1}${FROM} |> filter(fn: (r) => r._field != "note" and r.clientId != "device-2") |> v1.fieldsAsCols()`,
  'tag only some series have': `${V1}${FROM} |> filter(fn: (r) => r.host == "h1" or r.zone == "z") |> v1.fieldsAsCols()`,
  'grouped downstream': `${V1}${ENV} |> v1.fieldsAsCols() |> group() |> count(column: "Temperature")`,
  'no match': `${V1}${FROM} |> filter(fn: (r) => r.clientId == "nobody") |> v1.fieldsAsCols()`,
  'empty range': `${V1}from(bucket: "test") |> range(start: 2031-01-01T00:00:00Z) |> v1.fieldsAsCols()`,
  'range over 104 days (not pushed)': `${V1}from(bucket: "test") |> range(start: 0) |> filter(fn: (r) => r.clientId == "device-0") |> v1.fieldsAsCols()`,
  'filter on _value (not pushed)': `${V1}${ENV} |> filter(fn: (r) => r._field == "CO2" and r._value > 420) |> v1.fieldsAsCols()`,
  'another row key (not pushed)': `${ENV} |> pivot(rowKey: ["_time", "clientId"], columnKey: ["_field"], valueColumn: "_value")`,
  'unbounded (not pushed)': `${V1}from(bucket: "test") |> v1.fieldsAsCols()`,
};

describe('Flux push-down gives the same answer as the engine', () => {
  let f: FluxFixture;
  before(() => {
    f = fixture();
  });
  after(() => f.close());

  for (const [name, query] of Object.entries(QUERIES)) {
    it(name, async () => {
      const pushed = await csvOf(f, query, true);
      const engine = await csvOf(f, query, false);
      assert.equal(pushed, engine);
    });
  }

  for (const [name, query] of Object.entries(WINDOW_QUERIES)) {
    it(`aggregateWindow: ${name}`, async () => {
      const pushed = await csvOf(f, query, true);
      const engine = await csvOf(f, query, false);
      assert.equal(pushed, engine);
    });
  }

  for (const [name, query] of Object.entries(PIVOT_QUERIES)) {
    it(`fieldsAsCols: ${name}`, async () => {
      const pushed = await csvOf(f, query, true);
      const engine = await csvOf(f, query, false);
      assert.equal(pushed, engine);
    });
  }

  it('has storage read times and values for the pushable fieldsAsCols', async () => {
    for (const [name, query] of Object.entries(PIVOT_QUERIES)) {
      f.reads.length = 0;
      await runFlux(query, f.context()).catch(() => undefined);
      const pivoted = f.reads.filter((s) => 'offsets' in s).length;
      if (/not pushed/.test(name)) assert.equal(pivoted, 0, name);
      else if (name !== 'empty range') assert.ok(pivoted > 0 && pivoted === f.reads.length, name);
    }
  });

  it('has storage count the windows for the pushable windowed aggregates', async () => {
    for (const [name, query] of Object.entries(WINDOW_QUERIES)) {
      f.reads.length = 0;
      // Some fail (alike, as the tests above show); what matters here is what they read.
      await runFlux(query, f.context()).catch(() => undefined);
      const windowed = f.reads.filter((s) => 'every' in s).length;
      if (/not pushed|unbounded/.test(name)) assert.equal(windowed, 0, name);
      // An empty range or a stop before the start needs no read at all.
      else if (!/empty range|stop before start/.test(name))
        assert.ok(windowed > 0 && windowed === f.reads.length, `${name}: ${windowed} of ${f.reads.length}`);
    }
  });

  it('reads one point per series for the dashboard presets', async () => {
    for (const query of [QUERIES['last values preset'], QUERIES['device list preset'], QUERIES['last seen preset']]) {
      f.reads.length = 0;
      await runFlux(query, f.context());
      assert.ok(
        f.reads.length > 0 && f.reads.every((s) => s.only === 'last'),
        `${query}: ${JSON.stringify(f.reads.map((s) => s.only))}`,
      );
    }
  });

  it('reads every point when push-down is off, or a selector cannot be pushed', async () => {
    for (const [query, pushDown] of [
      [QUERIES['device list preset'], false],
      [QUERIES['max(_value) is not pushed'], true],
      [QUERIES['group by _time splits series'], true],
    ] as const) {
      f.reads.length = 0;
      await runFlux(query, { ...f.context(), pushDown });
      assert.ok(f.reads.length > 0 && f.reads.every((s) => s.only === undefined), query);
    }
  });
});
