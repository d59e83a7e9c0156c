import assert from 'node:assert/strict';
import type { ParameterizedQuery } from '@influxdata/influxdb-client';
import { everyForRange, parseEvery, parseFluxDuration, parseRange } from '../../lib/query/duration';
import { QueryParameterError } from '../../lib/query/errors';
import { presetQuery, PRESET_NAMES } from '../../lib/query/preset-request';
import {
  deviceListQuery,
  deviceMeasurementsQuery,
  downsampledQuery,
  lastValuesQuery,
  missingMinutesQuery,
} from '../../lib/query/presets';
import { calledFunctions, isValidFlux, stringLiterals, syntaxErrors } from '../support/flux-validate';

/** The functions the emulator's Flux engine offers. */
const EMULATOR_FUNCTIONS = new Set([
  'from',
  'range',
  'filter',
  'pivot',
  'v1.fieldsAsCols',
  'schema.fieldsAsCols',
  'aggregateWindow',
  'window',
  'mean',
  'max',
  'min',
  'sum',
  'count',
  'first',
  'last',
  'median',
  'sort',
  'limit',
  'tail',
  'group',
  'keep',
  'drop',
  'rename',
  'map',
  'yield',
  'duplicate',
  'set',
  'distinct',
  'unique',
  'schema.tagValues',
  'schema.measurements',
  'schema.fieldKeys',
]);

const HOSTILE = 'dev") |> drop(columns: ["_value"]) // ${x} \\';

const presets: Array<[string, () => ParameterizedQuery]> = [
  [
    'device measurements',
    () => deviceMeasurementsQuery({ bucket: 'iot_center', deviceId: 'dev1', fields: ['Temperature', 'CO2'] }),
  ],
  ['last values', () => lastValuesQuery({ bucket: 'iot_center', deviceId: 'dev1' })],
  ['downsampled series', () => downsampledQuery({ bucket: 'iot_center', deviceId: 'dev1', range: '-7d', fn: 'max' })],
  ['device list', () => deviceListQuery({ bucket: 'iot_center' })],
  ['missing minutes', () => missingMinutesQuery({ bucket: 'iot_center', deviceId: 'dev1', stop: '-1m' })],
];

function flux(query: ParameterizedQuery): string {
  return query.toString();
}

function rejectsParameter(build: () => unknown, parameter: string): void {
  assert.throws(
    build,
    (e: unknown) =>
      e instanceof QueryParameterError && e.parameter === parameter && e.code === 'invalid_query_parameter',
  );
}

describe('query presets', () => {
  for (const [name, build] of presets) {
    it(`${name}: is Flux that the Flux language service accepts`, () => {
      const source = flux(build());
      assert.deepEqual(syntaxErrors(source), []);
      assert.equal(isValidFlux(source), true, source);
    });

    it(`${name}: calls only functions the emulator offers`, () => {
      const called = calledFunctions(flux(build()));
      assert.ok(called.length > 2);
      assert.deepEqual(
        called.filter((fn) => !EMULATOR_FUNCTIONS.has(fn)),
        [],
      );
    });
  }

  it('reads device measurements one column per field with v1.fieldsAsCols', () => {
    const source = flux(deviceMeasurementsQuery({ bucket: 'b', deviceId: 'dev1' }));
    assert.match(source, /^import "influxdata\/influxdb\/v1"/);
    assert.match(source, /\|> range\(start: -1d\)/);
    assert.match(source, /r\._measurement == "environment" and r\.clientId == "dev1"/);
    assert.match(source, /\|> v1\.fieldsAsCols\(\)$/);
    assert.deepEqual(calledFunctions(source), ['from', 'range', 'filter', 'v1.fieldsAsCols']);
  });

  it('filters the given fields', () => {
    const source = flux(deviceMeasurementsQuery({ bucket: 'b', deviceId: 'd', fields: ['Temperature', 'Humidity'] }));
    assert.match(source, /filter\(fn: \(r\) => r\._field == "Temperature" or r\._field == "Humidity"\)/);
  });

  it('keeps a hostile deviceId a single string literal', () => {
    for (const build of [deviceMeasurementsQuery, lastValuesQuery, downsampledQuery, missingMinutesQuery]) {
      const source = flux(build({ bucket: 'b', deviceId: HOSTILE }));
      assert.equal(isValidFlux(source), true, source);
      assert.ok(stringLiterals(source).includes(HOSTILE), source);
      assert.ok(!calledFunctions(source).includes('drop'), source);
    }
  });

  it('keeps hostile bucket and field names string literals', () => {
    const source = flux(
      deviceMeasurementsQuery({ bucket: 'b") |> yield(name: "x', deviceId: 'd', fields: ['T" or true or "', 'CO2'] }),
    );
    assert.equal(isValidFlux(source), true, source);
    const literals = stringLiterals(source);
    assert.ok(literals.includes('b") |> yield(name: "x'));
    assert.ok(literals.includes('T" or true or "'));
    assert.ok(!calledFunctions(source).includes('yield'));
  });

  it('takes the last value of each field', () => {
    const source = flux(lastValuesQuery({ bucket: 'b', deviceId: 'd', range: '-30d' }));
    assert.match(
      source,
      /range\(start: -30d\)[\s\S]*\|> last\(\)\n\s+\|> group\(columns: \["_field"\]\)\n\s+\|> max\(column: "_time"\)/,
    );
  });

  it('downsamples with aggregateWindow and the mean by default', () => {
    const source = flux(downsampledQuery({ bucket: 'b', deviceId: 'd', range: '-1h' }));
    assert.match(source, /aggregateWindow\(every: 1m, fn: mean, createEmpty: false\)/);
  });

  it('uses the every that is given', () => {
    const source = flux(downsampledQuery({ bucket: 'b', deviceId: 'd', range: '-1d', every: '2m30s' }));
    assert.match(source, /aggregateWindow\(every: 2m30s, fn: mean, createEmpty: false\)/);
  });

  it('lists devices with their last-seen time', () => {
    const source = flux(deviceListQuery({ bucket: 'b' }));
    assert.match(source, /range\(start: -30d\)/);
    assert.match(source, /\|> group\(columns: \["clientId"\]\)\n\s+\|> max\(column: "_time"\)/);
    assert.match(source, /rename\(columns: \{clientId: "deviceId", _time: "lastSeen"\}\)/);
  });

  it('finds missing minutes by counting Temperature per minute over 7 days', () => {
    const source = flux(missingMinutesQuery({ bucket: 'b', deviceId: 'd' }));
    assert.match(source, /range\(start: -7d\)/);
    assert.match(source, /r\._field == "Temperature"/);
    assert.match(
      source,
      /aggregateWindow\(every: 1m, fn: count, createEmpty: true\)\n\s+\|> filter\(fn: \(r\) => r\._value == 0\)$/,
    );
  });

  it('stops the missing-minutes range where asked', () => {
    assert.match(
      flux(missingMinutesQuery({ bucket: 'b', deviceId: 'd', stop: '-1m' })),
      /range\(start: -7d, stop: -1m\)/,
    );
  });

  it('rejects a range that is not a negative Flux duration', () => {
    for (const range of ['1d', '-1x', '-1d) |> drop()', '-', '-0s', 'now()', '']) {
      rejectsParameter(() => deviceMeasurementsQuery({ bucket: 'b', deviceId: 'd', range }), 'range');
    }
  });

  it('rejects an every that is not a positive Flux duration', () => {
    for (const every of ['-1m', '0m', '1 m', '1m)']) {
      rejectsParameter(() => downsampledQuery({ bucket: 'b', deviceId: 'd', every }), 'every');
    }
  });

  it('rejects an invalid deviceId, bucket, field list or function', () => {
    rejectsParameter(() => lastValuesQuery({ bucket: 'b', deviceId: ' d' }), 'deviceId');
    rejectsParameter(() => lastValuesQuery({ bucket: '', deviceId: 'd' }), 'bucket');
    rejectsParameter(() => lastValuesQuery({ bucket: 'b', deviceId: 'd', fields: [] }), 'fields');
    rejectsParameter(() => lastValuesQuery({ bucket: 'b', deviceId: 'd', fields: [''] }), 'fields');
    rejectsParameter(() => downsampledQuery({ bucket: 'b', deviceId: 'd', fn: 'sum) |> drop(' as 'sum' }), 'fn');
  });
});

describe('query durations', () => {
  it('reads composite durations and tells mo and ms from m', () => {
    assert.equal(parseFluxDuration('1h30m')?.ms, 5_400_000);
    assert.equal(parseFluxDuration('1mo')?.ms, 30 * 86_400_000);
    assert.equal(parseFluxDuration('250ms')?.ms, 250);
    assert.equal(parseFluxDuration('-2w')?.negative, true);
    assert.equal(parseFluxDuration('2 w'), undefined);
  });

  it('chooses every from the range: -1h → 1m … -30d → 6h', () => {
    const every = (range: string) => everyForRange(parseRange(range));
    assert.deepEqual(['-5m', '-1h', '-6h', '-1d', '-3d', '-7d', '-30d', '-1y'].map(every), [
      '10s',
      '1m',
      '5m',
      '15m',
      '30m',
      '1h',
      '6h',
      '1d',
    ]);
  });

  it('rejects durations too long for Flux', () => {
    assert.throws(() => parseRange('-300y'), /too long/);
    assert.throws(() => parseEvery('99999999999d'), /too long/);
  });
});

describe('preset request', () => {
  it('builds each preset by name', () => {
    for (const name of PRESET_NAMES) {
      const source = flux(presetQuery(name, { bucket: 'b', deviceId: 'd' }));
      assert.equal(isValidFlux(source), true, `${name}: ${source}`);
    }
  });

  it('reads fields as a comma-separated text from a form', () => {
    const source = flux(presetQuery('measurements', { bucket: 'b', deviceId: 'd', fields: 'Temperature, CO2' }));
    assert.match(source, /r\._field == "Temperature" or r\._field == "CO2"/);
  });

  it('treats empty form values as not given', () => {
    const source = flux(presetQuery('downsampled', { bucket: 'b', deviceId: 'd', range: '', every: '', fn: '' }));
    assert.match(source, /range\(start: -1d\)[\s\S]*every: 15m, fn: mean/);
  });

  it('names an unknown preset', () => {
    assert.throws(() => presetQuery('everything', { bucket: 'b' }), /preset must be one of measurements, lastValues/);
  });

  it('names a preset or parameter of any type without a TypeError, clipped', () => {
    assert.throws(() => presetQuery(Object.create(null), { bucket: 'b' }), /, got an object$/);
    assert.throws(() => presetQuery('x'.repeat(100_000), { bucket: 'b' }), /, got "x{60}…"$/);
    assert.throws(
      () => presetQuery('downsampled', { bucket: 'b', deviceId: 'd', fn: 1n }),
      (e: unknown) => e instanceof QueryParameterError && /, got 1n$/.test(e.message),
    );
    rejectsParameter(() => presetQuery('measurements', { bucket: 'x'.repeat(65536), deviceId: 'd' }), 'bucket');
    rejectsParameter(
      () => presetQuery('measurements', { bucket: 'b', deviceId: 'd', fields: new Array(1001).fill('f') }),
      'fields',
    );
  });

  it('refuses a sparse field list, whose holes would pass unchecked, instead of failing with a TypeError', () => {
    // eslint-disable-next-line no-sparse-arrays -- the hole is the point
    for (const fields of [new Array(4), [, 'Temperature']]) {
      rejectsParameter(() => presetQuery('lastValues', { bucket: 'b', deviceId: 'd', fields }), 'fields');
    }
  });

  it('names a missing or mistyped parameter', () => {
    rejectsParameter(() => presetQuery('lastValues', { bucket: 'b' }), 'deviceId');
    rejectsParameter(() => presetQuery('deviceList', {}), 'bucket');
    rejectsParameter(() => presetQuery('downsampled', { bucket: 'b', deviceId: 'd', range: 5 }), 'range');
    rejectsParameter(() => presetQuery('downsampled', { bucket: 'b', deviceId: 'd', fn: 'avg' }), 'fn');
  });
});
