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
import { deviceListQuery, lastSeenQuery, lastValuesQuery } from '../../lib/query';
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
      if (i % 3 === 0) fields.push(['note', { type: 'string', value: `n${i}` }]);
      if (i % 4 === 1) fields.push(['ok', { type: 'boolean', value: i % 8 === 1 }]);
      points.push(point(tags, fields, time));
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
