import assert from 'node:assert/strict';
import { column, FluxFixture, keyOf, labels, long, NOW, point, t } from './flux-harness';

const MINUTE = 60_000_000_000n;

/** Evaluates a Flux expression by putting it in a one-row table (the engine's only output). */
async function evaluate(fixture: FluxFixture, expression: string, prelude = ''): Promise<unknown> {
  const tables = await fixture.tables(
    `${prelude}\nfrom(bucket: "test") |> range(start: -1h) |> filter(fn: (r) => r._field == "v") |> map(fn: (r) => ({x: ${expression}}))`,
  );
  return column(tables[0], 'x')[0];
}

describe('flux engine: language', () => {
  let fixture: FluxFixture;
  beforeEach(() => {
    fixture = new FluxFixture();
    fixture.write([point('m', { host: 'h1' }, { v: 2.5 }, NOW - MINUTE)]);
  });
  afterEach(() => fixture.close());

  it('does integer, float and string arithmetic', async () => {
    assert.equal(await evaluate(fixture, '7 / 2 + 10 % 4 * 3'), 9n);
    assert.equal(await evaluate(fixture, '-7 / 2'), -3n);
    assert.equal(await evaluate(fixture, '1.5 * 4.0 - 0.5 / 2.0'), 5.75);
    assert.equal(await evaluate(fixture, '7.5 % 2.0'), 1.5);
    assert.equal(await evaluate(fixture, '2 ^ 10'), 1024);
    assert.equal(await evaluate(fixture, '"a" + "b"'), 'ab');
  });

  it('refuses to divide an int by zero', async () => {
    await assert.rejects(evaluate(fixture, '1 / 0'), /cannot divide by zero/);
  });

  it('evaluates conditionals and logic', async () => {
    assert.equal(
      await evaluate(
        fixture,
        'if 1 > 2 or not true then "a" else if exists r.host and r.host == "h1" then "b" else "c"',
      ),
      'b',
    );
  });

  it('interpolates values into strings', async () => {
    assert.equal(
      await evaluate(fixture, '"${r.host}: ${r._value} at ${r._time} (${n} more, ${d})"', 'n = 3\nd = 1h30m'),
      `h1: 2.5 at 2029-12-31T23:59:00.000000000Z (3 more, 1h30m)`, // times print with nine digits, as in Flux
    );
  });

  it('converts between types', async () => {
    assert.equal(await evaluate(fixture, 'float(v: "1.25") + float(v: 2)'), 3.25);
    assert.equal(await evaluate(fixture, 'int(v: 2.9) + int(v: "40") + int(v: true)'), 43n);
    assert.equal(await evaluate(fixture, 'string(v: 42) + string(v: false)'), '42false');
    assert.equal(await evaluate(fixture, 'time(v: "2020-01-01T00:00:00Z")'), t('2020-01-01T00:00:00Z'));
    assert.equal(await evaluate(fixture, 'int(v: duration(v: "1m30s"))'), 90_000_000_000n);
    assert.equal(await evaluate(fixture, 'int(v: 2020-01-01T00:00:01Z)'), t('2020-01-01T00:00:01Z'));
  });

  it('reads arrays and records', async () => {
    assert.equal(await evaluate(fixture, 'a[1] + length(arr: a)', 'a = [10, 20, 30]'), 23n);
    assert.equal(await evaluate(fixture, 'o.b.c', 'o = {a: 1, b: {c: "deep"}}'), 'deep');
    assert.equal(await evaluate(fixture, 'contains(value: r.host, set: ["h0", "h1"])'), true);
  });

  it('calls functions defined in the script, with defaults and piped tables', async () => {
    assert.equal(await evaluate(fixture, 'scale(x: 3) + scale(x: 1, by: 100)', 'scale = (x, by=10) => x * by'), 130n);
    const [table] = await fixture.tables(
      'onlyHost = (tables=<-, host) => tables |> filter(fn: (r) => r.host == host)\n' +
        'twice = (x) => {\n  y = x * 2.0\n  return y\n}\n' +
        'from(bucket: "test") |> range(start: -1h) |> onlyHost(host: "h1") |> map(fn: (r) => ({r with _value: twice(x: r._value)}))',
    );
    assert.deepEqual(column(table, '_value'), [5]);
  });

  it('adds durations to durations and, as a convenience, to times', async () => {
    assert.equal(await evaluate(fixture, 'int(v: 1h + 30m)'), 5_400_000_000_000n);
    assert.equal(await evaluate(fixture, 'now() - 1d'), NOW - 86_400_000_000_000n);
  });

  it('uses option now for now()', async () => {
    assert.equal(
      await evaluate(fixture, 'now()', 'option now = () => 2030-01-01T00:00:00Z'),
      t('2030-01-01T00:00:00Z'),
    );
  });

  it('accepts option task and reads task.every, as a task script does', async () => {
    const [table] = await fixture.tables(
      'option task = {name: "downsample", every: 5m, offset: 0m}\nfrom(bucket: "test") |> range(start: -task.every) |> mean()',
    );
    assert.equal(keyOf(table)._start, NOW - 5n * MINUTE);
    assert.deepEqual(column(table, '_value'), [2.5]);
  });

  it('imports a package under another name', async () => {
    const [table] = await fixture.tables(
      'import s "influxdata/influxdb/schema"\nfrom(bucket: "test") |> range(start: -1h) |> s.fieldsAsCols()',
    );
    assert.deepEqual(labels(table), ['_start', '_stop', '_time', '_measurement', 'host', 'v']);
  });
});

describe('flux engine: results', () => {
  let fixture: FluxFixture;
  beforeEach(() => {
    fixture = new FluxFixture();
    fixture.write([
      point('m', { host: 'h1' }, { v: 1 }, NOW - MINUTE),
      point('m', { host: 'h1' }, { v: 3 }, NOW - 2n * MINUTE),
    ]);
  });
  afterEach(() => fixture.close());

  it('names a result after each yield, in order', async () => {
    const { results } = await fixture.run(
      'data = from(bucket: "test") |> range(start: -1h)\ndata |> max() |> yield(name: "high")\ndata |> min() |> yield(name: "low")',
    );
    assert.deepEqual(
      results.map((r) => [r.name, column(r.tables[0], '_value')]),
      [
        ['high', [3]],
        ['low', [1]],
      ],
    );
  });

  it('yields a bare stream expression as _result', async () => {
    const { results } = await fixture.run('x = 1\nfrom(bucket: "test") |> range(start: -1h) |> count()');
    assert.deepEqual(
      results.map((r) => r.name),
      ['_result'],
    );
    assert.deepEqual(column(results[0].tables[0], '_value'), [2n]);
  });

  it('passes tables through a yield in the middle of a pipeline', async () => {
    const { results } = await fixture.run(
      'from(bucket: "test") |> range(start: -1h) |> yield(name: "raw") |> sum() |> yield(name: "total")',
    );
    assert.deepEqual(
      results.map((r) => [r.name, r.tables[0].rows.length]),
      [
        ['raw', 2],
        ['total', 1],
      ],
    );
  });

  it('produces no result for a script without table streams', async () => {
    assert.deepEqual((await fixture.run('x = 1 + 1')).results, []);
  });
});

describe('flux engine: csv.from()', () => {
  let fixture: FluxFixture;
  beforeEach(() => {
    fixture = new FluxFixture();
  });
  afterEach(() => fixture.close());

  const CSV = [
    '#datatype,string,long,dateTime:RFC3339,double,string,string',
    '#group,false,false,false,false,true,true',
    '#default,_result,,,,,',
    ',result,table,_time,_value,_field,_measurement',
    ',,0,2029-06-01T10:00:00Z,1.5,v,m',
    ',,0,2029-06-01T10:01:00Z,2.5,v,m',
  ].join('\n');

  it('reads annotated CSV as tables', async () => {
    const [table] = await fixture.tables(`import "csv"\ncsv.from(csv: ${JSON.stringify(CSV)})`);
    assert.deepEqual(labels(table), ['_time', '_value', '_field', '_measurement']);
    assert.deepEqual(table.keyColumns, ['_field', '_measurement']);
    assert.deepEqual(column(table, '_value'), [1.5, 2.5]);
  });

  it('adds _start and _stop when range() filters CSV tables', async () => {
    const [table] = await fixture.tables(
      `import "csv"\ncsv.from(csv: ${JSON.stringify(CSV)}) |> range(start: 2029-06-01T10:00:30Z, stop: 2029-06-01T11:00:00Z)`,
    );
    assert.deepEqual(table.keyColumns, ['_start', '_stop', '_field', '_measurement']);
    assert.deepEqual(column(table, '_value'), [2.5]);
  });

  it('rejects malformed CSV when called', async () => {
    await assert.rejects(fixture.run('import "csv"\ncsv.from(csv: "#datatype,string\\nno header")'), (e: Error) =>
      /error calling function "csv.from"/.test(e.message),
    );
  });
});

describe('flux engine: schema functions', () => {
  let fixture: FluxFixture;
  beforeEach(() => {
    fixture = new FluxFixture();
    fixture.write([
      point(
        'environment',
        { clientId: 'dev2', TemperatureSensor: 'virtual_bme280' },
        { Temperature: 21, CO2: long(400) },
        NOW - MINUTE,
      ),
      point('environment', { clientId: 'dev1' }, { Temperature: 20 }, NOW - MINUTE),
      point('memory', { host: 'h1' }, { used: 5 }, NOW - MINUTE),
      point('old', { host: 'h0' }, { used: 5 }, NOW - 40n * 24n * 60n * MINUTE),
    ]);
  });
  afterEach(() => fixture.close());

  const values = async (call: string) => {
    const [table] = await fixture.tables(`import "influxdata/influxdb/schema"\n${call}`);
    assert.deepEqual(labels(table), ['_value']);
    assert.deepEqual(table.keyColumns, []);
    return column(table, '_value');
  };

  it('lists measurements with data in the last 30 days, sorted', async () => {
    assert.deepEqual(await values('schema.measurements(bucket: "test")'), ['environment', 'memory']);
  });

  it('lists tag values, optionally of one measurement', async () => {
    assert.deepEqual(await values('schema.tagValues(bucket: "test", tag: "clientId")'), ['dev1', 'dev2']);
    assert.deepEqual(await values('schema.measurementTagValues(bucket: "test", measurement: "memory", tag: "host")'), [
      'h1',
    ]);
  });

  it('lists field keys, optionally of one measurement or matching a predicate', async () => {
    assert.deepEqual(await values('schema.fieldKeys(bucket: "test")'), ['CO2', 'Temperature', 'used']);
    assert.deepEqual(await values('schema.measurementFieldKeys(bucket: "test", measurement: "environment")'), [
      'CO2',
      'Temperature',
    ]);
    assert.deepEqual(await values('schema.fieldKeys(bucket: "test", predicate: (r) => r.clientId == "dev1")'), [
      'Temperature',
    ]);
  });

  it('lists tag keys', async () => {
    assert.deepEqual(await values('schema.tagKeys(bucket: "test")'), [
      'TemperatureSensor',
      '_field',
      '_measurement',
      '_start',
      '_stop',
      'clientId',
      'host',
    ]);
    assert.deepEqual(await values('schema.measurementTagKeys(bucket: "test", measurement: "memory")'), [
      '_field',
      '_measurement',
      '_start',
      '_stop',
      'host',
    ]);
  });

  it('narrows the storage read for one measurement', async () => {
    await values('schema.measurementTagValues(bucket: "test", measurement: "memory", tag: "host")');
    assert.deepEqual(fixture.reads[0].measurements, ['memory']);
  });
});

describe('flux engine: strings package', () => {
  let fixture: FluxFixture;
  beforeEach(() => {
    fixture = new FluxFixture();
    fixture.write([point('m', { host: 'Host-1' }, { v: 1 }, NOW - MINUTE)]);
  });
  afterEach(() => fixture.close());

  const s = (expression: string) => evaluate(fixture, expression, 'import "strings"');

  it('changes case, trims and replaces', async () => {
    assert.equal(await s('strings.toUpper(v: r.host) + strings.toLower(v: "AB")'), 'HOST-1ab');
    assert.equal(await s('strings.trimSpace(v: "  x ") + strings.trim(v: "--y--", cutset: "-")'), 'xy');
    assert.equal(await s('strings.replaceAll(v: r.host, t: "-", u: "_")'), 'Host_1');
  });

  it('tests prefixes, suffixes and contents', async () => {
    assert.equal(
      await s(
        'strings.hasPrefix(v: r.host, prefix: "Host") and strings.hasSuffix(v: r.host, suffix: "1") and strings.containsStr(v: r.host, substr: "st-")',
      ),
      true,
    );
  });

  it('measures, cuts and splits', async () => {
    assert.equal(await s('strings.strlen(v: "héllo")'), 5n);
    assert.equal(await s('strings.substring(v: r.host, start: 0, end: 4)'), 'Host');
    assert.equal(await s('strings.joinStr(arr: strings.split(v: "a,b,c", t: ","), v: "+")'), 'a+b+c');
  });

  it('filters rows with a string predicate', async () => {
    const tables = await fixture.tables(
      'import "strings"\nfrom(bucket: "test") |> range(start: -1h) |> filter(fn: (r) => strings.hasPrefix(v: r.host, prefix: "Host"))',
    );
    assert.equal(tables.length, 1);
  });
});
