/** lib/downsample: the options a form gives, checked, and the Flux of the task and of a backfill built from them. */
import assert from 'node:assert/strict';
import {
  backfillWindow,
  downsampleBackfillFlux,
  downsampleTaskFlux,
  DownsampleOptionError,
  lastRunOf,
  parseDownsampleOptions,
  type DownsampleInput,
} from '../../lib/downsample';
import { QueryParameterError } from '../../lib/query/errors';
import { isValidFlux, stringLiterals, syntaxErrors } from '../support/flux-validate';

const BASE: DownsampleInput = { sourceBucket: 'iot_center', targetBucket: 'iot_center_1h', retention: '400d' };

const refused = (input: DownsampleInput, option: string, message: RegExp) =>
  assert.throws(
    () => parseDownsampleOptions({ ...BASE, ...input }),
    (e: unknown) => e instanceof DownsampleOptionError && e.option === option && message.test(e.message),
  );

describe('downsample options', () => {
  it('fills the defaults: every 1h, no offset, mean of every field of environment', () => {
    const options = parseDownsampleOptions(BASE);
    assert.deepEqual(
      { ...options, fields: [...options.fields] },
      {
        sourceBucket: 'iot_center',
        targetBucket: 'iot_center_1h',
        retentionSeconds: 400 * 86_400,
        every: '1h',
        offset: '0s',
        measurement: 'environment',
        fn: 'mean',
        fields: [],
      },
    );
  });

  it('reads per-field aggregates from text or an object, dropping those equal to the default', () => {
    const fromText = parseDownsampleOptions({ ...BASE, fields: ' TVOC: last, CO2 :max, Humidity: mean ' });
    assert.deepEqual(
      [...fromText.fields],
      [
        ['CO2', 'max'],
        ['TVOC', 'last'],
      ],
    );
    const fromObject = parseDownsampleOptions({ ...BASE, fn: 'max', fields: { Temperature: 'sum', CO2: 'max' } });
    assert.deepEqual([...fromObject.fields], [['Temperature', 'sum']]);
  });

  it('keeps points forever when the retention is 0 or blank', () => {
    assert.equal(parseDownsampleOptions({ ...BASE, retention: '0' }).retentionSeconds, 0);
    assert.equal(parseDownsampleOptions({ ...BASE, retention: 0 }).retentionSeconds, 0);
    assert.equal(parseDownsampleOptions({ ...BASE, retention: '' }).retentionSeconds, 0);
  });

  it('refuses bucket names InfluxDB refuses, and a target equal to the source', () => {
    refused({ targetBucket: '_tasks' }, 'targetBucket', /may not start with _/);
    refused({ sourceBucket: 'a"b' }, 'sourceBucket', /may not include "/);
    refused({ targetBucket: 'a\nb' }, 'targetBucket', /control characters/);
    refused({ targetBucket: 'x'.repeat(256) }, 'targetBucket', /longer than 255/);
    refused({ targetBucket: '' }, 'targetBucket', /must be a bucket name/);
    refused({ targetBucket: 42 }, 'targetBucket', /must be a bucket name, got 42/);
    refused({ targetBucket: 'iot_center' }, 'targetBucket', /must differ/);
  });

  it('refuses durations a task cannot have: sub-second, months, signs, Flux expressions', () => {
    refused({ every: '500ms' }, 'every', /w, d, h, m or s/);
    refused({ every: '1mo' }, 'every', /w, d, h, m or s/);
    refused({ every: '-1h' }, 'every', /w, d, h, m or s/);
    refused({ every: '0' }, 'every', /at least 1s/);
    refused({ offset: '1h) |> drop(' }, 'offset', /w, d, h, m or s/);
    refused({ retention: '30m' }, 'retention', /at least 1h/);
    refused({ retention: '1000y' }, 'retention', /w, d, h, m or s/);
  });

  it('refuses an aggregate outside mean, min, max, last, sum and malformed field lists', () => {
    refused({ fn: 'median' }, 'fn', /one of mean, min, max, last, sum/);
    refused({ fields: 'CO2 max' }, 'fields', /field: function/);
    refused({ fields: 'CO2: count' }, 'fields (CO2)', /one of mean/);
    refused({ fields: 'CO2: max, CO2: min' }, 'fields', /twice/);
    refused({ fields: ['CO2'] }, 'fields', /must be/);
  });
});

describe('downsample Flux', () => {
  it('is the documented downsampling task for the defaults', () => {
    const source = downsampleTaskFlux(parseDownsampleOptions(BASE), { name: 'downsample iot_center', org: 'my-org' });
    assert.equal(
      source,
      `option task = {name: "downsample iot_center", every: 1h, offset: 0s}

data = from(bucket: "iot_center")
  |> range(start: -task.every)
  |> filter(fn: (r) => r._measurement == "environment")

data
  |> aggregateWindow(every: 1h, fn: mean, createEmpty: false)
  |> to(bucket: "iot_center_1h", org: "my-org")
  |> yield(name: "mean")
`,
    );
    assert.ok(isValidFlux(source), 'valid Flux');
  });

  it('has one pipeline per aggregate; the default takes the fields the others do not name', () => {
    const options = parseDownsampleOptions({
      ...BASE,
      every: '15m',
      offset: '2m',
      fields: 'CO2: max, TVOC: max, Pressure: last',
    });
    const source = downsampleTaskFlux(options, { name: 't', org: 'o' });
    assert.match(source, /^option task = \{name: "t", every: 15m, offset: 2m\}/);
    assert.match(
      source,
      /data\n {2}\|> filter\(fn: \(r\) => r\._field != "CO2" and r\._field != "Pressure" and r\._field != "TVOC"\)\n {2}\|> aggregateWindow\(every: 15m, fn: mean/,
    );
    assert.match(
      source,
      /data\n {2}\|> filter\(fn: \(r\) => r\._field == "CO2" or r\._field == "TVOC"\)\n {2}\|> aggregateWindow\(every: 15m, fn: max/,
    );
    assert.match(source, /r\._field == "Pressure"\)\n {2}\|> aggregateWindow\(every: 15m, fn: last/);
    assert.deepEqual(
      [...source.matchAll(/yield\(name: "(\w+)"\)/g)].map((m) => m[1]),
      ['mean', 'max', 'last'],
    );
    assert.ok(isValidFlux(source));
  });

  it('writes names as string literals, whatever they hold', () => {
    const hostile = 'x") |> drop(columns: ["_value"]) //';
    const options = parseDownsampleOptions({
      sourceBucket: 'src \\ ${x} )',
      targetBucket: 'dst \\ ${x}',
      measurement: hostile,
      fields: { [`${hostile}`]: 'max' },
    });
    const source = downsampleTaskFlux(options, { name: `n ${hostile}`, org: `o ${hostile}` });
    assert.deepEqual(syntaxErrors(source), []);
    const literals = stringLiterals(source);
    for (const text of [`n ${hostile}`, 'src \\ ${x} )', 'dst \\ ${x}', hostile, `o ${hostile}`])
      assert.ok(literals.includes(text), `${text} is one literal`);
    assert.ok(!/\|> drop/.test(source.replace(/"(?:[^"\\]|\\.)*"/g, '""')), 'no code outside the literals');
  });

  it('backfills over absolute times, without task options', () => {
    const options = parseDownsampleOptions(BASE);
    const source = downsampleBackfillFlux(
      options,
      'my-org',
      new Date('2024-01-01T00:00:00Z'),
      new Date('2024-01-08T00:00:00Z'),
    );
    assert.ok(!source.includes('option task'));
    assert.match(source, /range\(start: 2024-01-01T00:00:00\.000Z, stop: 2024-01-08T00:00:00\.000Z\)/);
    assert.ok(isValidFlux(source));
  });
});

describe('downsample backfill window and run summary', () => {
  it('covers whole windows, ending at the last boundary before now', () => {
    const window = backfillWindow(new Date('2024-01-08T10:35:12Z'), '-7d', '1h');
    assert.deepEqual(window, { start: new Date('2024-01-01T10:00:00Z'), stop: new Date('2024-01-08T10:00:00Z') });
    assert.throws(() => backfillWindow(new Date(), '7d', '1h'), QueryParameterError);
  });

  it('sums up the last run from the task', () => {
    assert.deepEqual(lastRunOf({ status: 'active' }), { state: 'waiting' });
    assert.deepEqual(
      lastRunOf({ status: 'active', latestCompleted: '2024-01-01T11:00:00Z', lastRunStatus: 'success' }),
      {
        state: 'success',
        at: '2024-01-01 11:00Z',
      },
    );
    assert.deepEqual(
      lastRunOf({
        status: 'active',
        latestCompleted: '2024-01-01T11:00:00Z',
        lastRunStatus: 'failed',
        lastRunError: 'boom',
      }),
      { state: 'failed', at: '2024-01-01 11:00Z', error: 'boom' },
    );
    assert.deepEqual(lastRunOf({ status: 'inactive', lastRunStatus: 'success' }), { state: 'inactive' });
  });
});
