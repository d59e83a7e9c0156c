import assert from 'node:assert/strict';
import { column, FluxFixture, keyOf, labels, long, NOW, point, t } from './flux-harness';

const MINUTE = 60_000_000_000n;
const HOUR = 60n * MINUTE;

/** dev1 and dev2 write Temperature (float) and CO2 (int) every minute for the last 10 minutes. */
function environment(fixture: FluxFixture): void {
  const points = [];
  for (let i = 1; i <= 10; i++) {
    for (const [dev, base] of [
      ['dev1', 20],
      ['dev2', 30],
    ] as const) {
      points.push(
        point(
          'environment',
          { clientId: dev },
          { Temperature: base + i, CO2: long(400 + i) },
          NOW - BigInt(i) * MINUTE,
        ),
      );
    }
  }
  points.push(point('memory', { host: 'h1' }, { used: 50 }, NOW - MINUTE));
  fixture.write(points);
}

describe('flux engine: from() and range()', () => {
  let fixture: FluxFixture;
  beforeEach(() => {
    fixture = new FluxFixture();
    environment(fixture);
  });
  afterEach(() => fixture.close());

  it('gives one table per series and field, ordered by series key', async () => {
    const tables = await fixture.tables('from(bucket: "test") |> range(start: -1h)');
    assert.deepEqual(
      tables.map((tb) => [keyOf(tb)._measurement, keyOf(tb).clientId ?? keyOf(tb).host, keyOf(tb)._field]),
      [
        ['environment', 'dev1', 'CO2'],
        ['environment', 'dev1', 'Temperature'],
        ['environment', 'dev2', 'CO2'],
        ['environment', 'dev2', 'Temperature'],
        ['memory', 'h1', 'used'],
      ],
    );
  });

  it('lays out _start, _stop, _time, _value, then tags sorted with _field and _measurement', async () => {
    const [first] = await fixture.tables('from(bucket: "test") |> range(start: -1h)');
    assert.deepEqual(labels(first), ['_start', '_stop', '_time', '_value', '_field', '_measurement', 'clientId']);
    assert.deepEqual(first.keyColumns, ['_start', '_stop', '_field', '_measurement', 'clientId']);
    assert.deepEqual(
      first.columns.map((c) => c.type),
      ['dateTime:RFC3339', 'dateTime:RFC3339', 'dateTime:RFC3339', 'long', 'string', 'string', 'string'],
    );
  });

  it('sorts tag keys by bytes, so uppercase tags come before _field', async () => {
    fixture.write([point('env2', { CO2Sensor: 's1', clientId: 'd' }, { v: 1 }, NOW - MINUTE)]);
    const [table] = await fixture.tables(
      'from(bucket: "test") |> range(start: -1h) |> filter(fn: (r) => r._measurement == "env2")',
    );
    assert.deepEqual(labels(table), [
      '_start',
      '_stop',
      '_time',
      '_value',
      'CO2Sensor',
      '_field',
      '_measurement',
      'clientId',
    ]);
  });

  it('returns rows by time with the range bounds as _start and _stop', async () => {
    const [table] = await fixture.tables(
      'from(bucket: "test") |> range(start: -1h) |> filter(fn: (r) => r._field == "CO2" and r.clientId == "dev1")',
    );
    assert.deepEqual(
      column(table, '_time'),
      [10n, 9n, 8n, 7n, 6n, 5n, 4n, 3n, 2n, 1n].map((i) => NOW - i * MINUTE),
    );
    assert.deepEqual(keyOf(table)._start, NOW - HOUR);
    assert.deepEqual(keyOf(table)._stop, NOW);
    assert.deepEqual(new Set(column(table, '_start')), new Set([NOW - HOUR]));
  });

  it('includes the start and excludes the stop', async () => {
    const [table] = await fixture.tables(
      'from(bucket: "test") |> range(start: 2029-12-31T23:52:00Z, stop: 2029-12-31T23:55:00Z) |> filter(fn: (r) => r._field == "CO2" and r.clientId == "dev1")',
    );
    assert.deepEqual(column(table, '_time'), [
      t('2029-12-31T23:52:00Z'),
      t('2029-12-31T23:53:00Z'),
      t('2029-12-31T23:54:00Z'),
    ]);
  });

  it('reads an int start as unix seconds', async () => {
    const tables = await fixture.tables(
      'from(bucket: "test") |> range(start: 0) |> filter(fn: (r) => r._measurement == "memory")',
    );
    assert.equal(keyOf(tables[0])._start, 0n);
  });

  it('accepts now() and relative stops', async () => {
    const [table] = await fixture.tables(
      'from(bucket: "test") |> range(start: -5m, stop: now()) |> filter(fn: (r) => r._field == "CO2" and r.clientId == "dev1")',
    );
    assert.equal(table.rows.length, 5);
    const [older] = await fixture.tables(
      'from(bucket: "test") |> range(start: -1h, stop: -5m) |> filter(fn: (r) => r._field == "CO2" and r.clientId == "dev1")',
    );
    assert.equal(older.rows.length, 5);
    assert.equal(keyOf(older)._stop, NOW - 5n * MINUTE);
  });

  it('resolves relative ranges against the now option of the script', async () => {
    const [table] = await fixture.tables(
      'option now = () => 2029-12-31T23:55:30Z\nfrom(bucket: "test") |> range(start: -2m) |> filter(fn: (r) => r._field == "CO2" and r.clientId == "dev1")',
    );
    assert.deepEqual(column(table, '_time'), [t('2029-12-31T23:54:00Z'), t('2029-12-31T23:55:00Z')]);
    assert.equal(keyOf(table)._stop, t('2029-12-31T23:55:30Z'));
  });

  it('reads a bucket by id', async () => {
    const tables = await fixture.tables(`from(bucketID: "${fixture.buckets[0].id}") |> range(start: -1h)`);
    assert.equal(tables.length, 5);
  });

  it('returns no tables for a range without data', async () => {
    assert.deepEqual(await fixture.tables('from(bucket: "test") |> range(start: -1h, stop: -30m)'), []);
  });

  it('lists the readable buckets with buckets()', async () => {
    fixture.buckets.push({ ...fixture.buckets[0], id: '00000000000000b2', name: 'other', retentionSeconds: 3600 });
    const [table] = await fixture.tables('buckets()');
    assert.deepEqual(labels(table), ['name', 'id', 'organizationID', 'retentionPolicy', 'retentionPeriod']);
    assert.deepEqual(column(table, 'name'), ['test', 'other']);
    assert.deepEqual(column(table, 'retentionPeriod'), [0n, 3_600_000_000_000n]);
  });
});

describe('flux engine: filter()', () => {
  let fixture: FluxFixture;
  beforeEach(() => {
    fixture = new FluxFixture();
    environment(fixture);
  });
  afterEach(() => fixture.close());

  const temperatures = async (predicate: string) => {
    const tables = await fixture.tables(
      `from(bucket: "test") |> range(start: -1h) |> filter(fn: (r) => r._field == "Temperature") |> filter(fn: ${predicate})`,
    );
    return tables.map((tb) => [keyOf(tb).clientId, column(tb, '_value')]);
  };

  it('compares with ==, !=, <, <=, >, >= (numbers of different kinds compare)', async () => {
    assert.deepEqual(await temperatures('(r) => r._value >= 29.0 and r._value < 32'), [
      ['dev1', [30, 29]],
      ['dev2', [31]],
    ]);
    assert.deepEqual(await temperatures('(r) => r._value <= 21 or r._value > 39.5'), [
      ['dev1', [21]],
      ['dev2', [40]],
    ]);
    assert.deepEqual(await temperatures('(r) => r.clientId != "dev1" and r._value == 35.0'), [['dev2', [35]]]);
  });

  it('matches regular expressions with =~ and !~', async () => {
    assert.deepEqual(await temperatures('(r) => r.clientId =~ /2$/ and r._value > 39.0'), [['dev2', [40]]]);
    assert.deepEqual(await temperatures('(r) => r.clientId !~ /^dev2$/ and r._value < 22.0'), [['dev1', [21]]]);
  });

  it('reads columns with brackets and negates with not', async () => {
    assert.deepEqual(await temperatures('(r) => not (r["clientId"] == "dev1") and r._value < 32.0'), [['dev2', [31]]]);
  });

  it('tests for columns with exists', async () => {
    assert.deepEqual(await temperatures('(r) => exists r.host'), []);
    assert.equal((await temperatures('(r) => exists r.clientId')).length, 2);
  });

  it('drops tables left empty unless onEmpty is keep', async () => {
    const kept = await fixture.tables(
      'from(bucket: "test") |> range(start: -1h) |> filter(fn: (r) => r._field == "Temperature") |> filter(fn: (r) => r._value > 35.0, onEmpty: "keep")',
    );
    assert.deepEqual(
      kept.map((tb) => [keyOf(tb).clientId, tb.rows.length]),
      [
        ['dev1', 0],
        ['dev2', 5],
      ],
    );
  });

  it('compares a missing column as null, which never matches', async () => {
    assert.deepEqual(await temperatures('(r) => r.nope == "x"'), []);
  });
});

describe('flux engine: push-down of from() |> range() |> filter()', () => {
  let fixture: FluxFixture;
  beforeEach(() => {
    fixture = new FluxFixture();
    environment(fixture);
  });
  afterEach(() => fixture.close());

  it('passes measurement, tag and time bounds of the IoT Center query to storage', async () => {
    await fixture.tables(
      'from(bucket: "test") |> range(start: -1d) |> filter(fn: (r) => r._measurement == "environment" and r.clientId == "dev1")',
    );
    assert.deepEqual(fixture.reads, [
      {
        bucketId: fixture.buckets[0].id,
        start: NOW - 24n * HOUR,
        stop: NOW,
        measurements: ['environment'],
        tags: { clientId: ['dev1'] },
      },
    ]);
  });

  it('passes fields, and an or of equalities on one column as a list', async () => {
    await fixture.tables(
      'from(bucket: "test") |> range(start: -1h) |> filter(fn: (r) => r._field == "CO2" or r["_field"] == "Temperature")',
    );
    assert.deepEqual(fixture.reads[0].fields, ['CO2', 'Temperature']);
  });

  it('passes contains() of a tag in a set of strings as a list', async () => {
    const tables = await fixture.tables(
      'devices = ["dev2", "dev9"]\nfrom(bucket: "test") |> range(start: -1h) |> filter(fn: (r) => contains(value: r.clientId, set: devices))',
    );
    assert.deepEqual(fixture.reads[0].tags, { clientId: ['dev2', 'dev9'] });
    assert.deepEqual(
      tables.map((tb) => keyOf(tb).clientId),
      ['dev2', 'dev2'],
    );
  });

  it('combines consecutive filters', async () => {
    await fixture.tables(
      'from(bucket: "test") |> range(start: -1h) |> filter(fn: (r) => r._measurement == "environment") |> filter(fn: (r) => "dev2" == r.clientId and r._value > 35.0)',
    );
    assert.deepEqual(fixture.reads[0].measurements, ['environment']);
    assert.deepEqual(fixture.reads[0].tags, { clientId: ['dev2'] });
  });

  it('uses values of variables and records the predicate closes over', async () => {
    await fixture.tables(
      'device = {id: "dev2"}\nm = "environment"\nfrom(bucket: "test") |> range(start: -1h) |> filter(fn: (r) => r._measurement == m and r.clientId == device.id)',
    );
    assert.deepEqual(fixture.reads[0].measurements, ['environment']);
    assert.deepEqual(fixture.reads[0].tags, { clientId: ['dev2'] });
  });

  it('does not narrow on an or across different columns', async () => {
    await fixture.tables(
      'from(bucket: "test") |> range(start: -1h) |> filter(fn: (r) => r._measurement == "memory" or r.clientId == "dev1")',
    );
    assert.equal(fixture.reads[0].measurements, undefined);
    assert.equal(fixture.reads[0].tags, undefined);
  });

  it('still evaluates the whole predicate after narrowing', async () => {
    const tables = await fixture.tables(
      'from(bucket: "test") |> range(start: -1h) |> filter(fn: (r) => r._measurement == "environment" and r._field == "Temperature" and r._value > 39.0)',
    );
    assert.deepEqual(
      tables.map((tb) => column(tb, '_value')),
      [[40]],
    );
    assert.deepEqual(fixture.reads[0].fields, ['Temperature']);
  });

  it('does not ask storage at all when the predicate cannot match any series', async () => {
    const tables = await fixture.tables(
      'from(bucket: "test") |> range(start: -1h) |> filter(fn: (r) => r._field == "CO2" and r._field == "Temperature")',
    );
    assert.deepEqual(tables, []);
    assert.equal(fixture.reads.length, 0);
  });

  it('does not push a filter that keeps empty tables', async () => {
    await fixture.tables(
      'from(bucket: "test") |> range(start: -1h) |> filter(fn: (r) => r.clientId == "dev1", onEmpty: "keep")',
    );
    assert.equal(fixture.reads[0].tags, undefined);
  });

  it('reads storage once for a stream used by two yields', async () => {
    const { results } = await fixture.run(
      'data = from(bucket: "test") |> range(start: -1h) |> filter(fn: (r) => r._measurement == "environment")\n' +
        'data |> mean() |> yield(name: "mean")\ndata |> max() |> yield(name: "max")',
    );
    assert.deepEqual(
      results.map((r) => r.name),
      ['mean', 'max'],
    );
    assert.equal(fixture.reads.length, 1);
  });
});
