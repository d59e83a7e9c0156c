import assert from 'node:assert/strict';
import { column, FluxFixture, keyOf, labels, long, NOW, point, str } from './flux-harness';

const MINUTE = 60_000_000_000n;
const T1 = NOW - 3n * MINUTE;
const T2 = NOW - 2n * MINUTE;
const T3 = NOW - MINUTE;

/** cpu,host=h1 usage=1,2,3 idle=9,8,7; cpu,host=h2 usage=10,20,30 at T1..T3. */
function cpu(fixture: FluxFixture): void {
  fixture.write([
    point('cpu', { host: 'h1' }, { usage: 1, idle: 9 }, T1),
    point('cpu', { host: 'h1' }, { usage: 2, idle: 8 }, T2),
    point('cpu', { host: 'h1' }, { usage: 3, idle: 7 }, T3),
    point('cpu', { host: 'h2' }, { usage: 10 }, T1),
    point('cpu', { host: 'h2' }, { usage: 20 }, T2),
    point('cpu', { host: 'h2' }, { usage: 30 }, T3),
  ]);
}

const FROM = 'from(bucket: "test") |> range(start: -1h)';
const USAGE = `${FROM} |> filter(fn: (r) => r._field == "usage")`;

describe('flux engine: column transformations', () => {
  let fixture: FluxFixture;
  beforeEach(() => {
    fixture = new FluxFixture();
    cpu(fixture);
  });
  afterEach(() => fixture.close());

  it('keep keeps the listed columns and shrinks the group key', async () => {
    const [table] = await fixture.tables(`${USAGE} |> keep(columns: ["_time", "_value", "host", "nope"])`);
    assert.deepEqual(labels(table), ['_time', '_value', 'host']);
    assert.deepEqual(table.keyColumns, ['host']);
  });

  it('keep and drop accept a predicate on the column name', async () => {
    const [kept] = await fixture.tables(`${USAGE} |> keep(fn: (column) => column =~ /^_(time|value)$/)`);
    assert.deepEqual(labels(kept), ['_time', '_value']);
    const [dropped] = await fixture.tables(`${USAGE} |> drop(fn: (column) => column =~ /^_st/)`);
    assert.deepEqual(labels(dropped), ['_time', '_value', '_field', '_measurement', 'host']);
  });

  it('drop removes columns, ignoring ones that do not exist', async () => {
    const [table] = await fixture.tables(`${USAGE} |> drop(columns: ["_start", "_stop", "nope"])`);
    assert.deepEqual(labels(table), ['_time', '_value', '_field', '_measurement', 'host']);
    assert.deepEqual(table.keyColumns, ['_field', '_measurement', 'host']);
  });

  it('rename renames columns and their place in the group key', async () => {
    const [table] = await fixture.tables(`${USAGE} |> rename(columns: {host: "server", _value: "v"})`);
    assert.deepEqual(labels(table), ['_start', '_stop', '_time', 'v', '_field', '_measurement', 'server']);
    assert.equal(keyOf(table).server, 'h1');
  });

  it('rename accepts a function of the column name', async () => {
    const [table] = await fixture.tables(
      `${USAGE} |> drop(columns: ["_start", "_stop"]) |> rename(fn: (column) => "x" + column)`,
    );
    assert.deepEqual(labels(table), ['x_time', 'x_value', 'x_field', 'x_measurement', 'xhost']);
  });

  it('duplicate copies a column outside the group key', async () => {
    const [table] = await fixture.tables(`${USAGE} |> duplicate(column: "host", as: "server")`);
    assert.deepEqual(column(table, 'server'), ['h1', 'h1', 'h1']);
    assert.ok(!table.keyColumns.includes('server'));
  });

  it('set writes a string into every row, updating the group key (tables that now share it merge)', async () => {
    const tables = await fixture.tables(`${USAGE} |> set(key: "host", value: "all") |> set(key: "note", value: "n")`);
    assert.equal(tables.length, 1);
    assert.equal(keyOf(tables[0]).host, 'all');
    assert.deepEqual(column(tables[0], 'note'), ['n', 'n', 'n', 'n', 'n', 'n']);
    assert.ok(!tables[0].keyColumns.includes('note'));
  });

  it('drop of a key column merges the tables that now share a key, so an aggregate gives one row', async () => {
    const tables = await fixture.tables(`${FROM} |> drop(columns: ["host"]) |> count()`);
    const counts = tables.map((t) => `${String(keyOf(t)._field)}=${column(t, '_value').join(',')}`).sort();
    assert.deepEqual(counts, ['idle=3', 'usage=6']);
  });

  it('rename of a column that does not exist is an error, as in Flux', async () => {
    await assert.rejects(fixture.tables(`${USAGE} |> rename(columns: {nope: "x"})`), /column "nope" doesn't exist/);
  });

  it('duplicate onto a key column keeps it in the key with the copied value when the source is a key column', async () => {
    const [table] = await fixture.tables(`${USAGE} |> duplicate(column: "host", as: "_measurement")`);
    assert.equal(keyOf(table)._measurement, keyOf(table).host);
    await assert.rejects(
      fixture.tables(`${USAGE} |> duplicate(column: "_value", as: "host")`),
      /duplicate onto group-key column "host" from non-key column "_value" is not supported/,
    );
  });
});

describe('flux engine: map()', () => {
  let fixture: FluxFixture;
  beforeEach(() => {
    fixture = new FluxFixture();
    cpu(fixture);
  });
  afterEach(() => fixture.close());

  it('computes with {r with ...}, arithmetic and conditionals, columns sorted by name', async () => {
    const [table] = await fixture.tables(
      `${USAGE} |> filter(fn: (r) => r.host == "h1") |> map(fn: (r) => ({r with _value: r._value * 10.0 - 1.0, level: if r._value > 1.5 then "high" else "low"}))`,
    );
    assert.deepEqual(labels(table), ['_field', '_measurement', '_start', '_stop', '_time', '_value', 'host', 'level']);
    assert.deepEqual(column(table, '_value'), [9, 19, 29]);
    assert.deepEqual(column(table, 'level'), ['low', 'high', 'high']);
    assert.deepEqual(table.keyColumns, ['_field', '_measurement', '_start', '_stop', 'host']);
  });

  it('builds new records and converts types', async () => {
    const [table] = await fixture.tables(
      `${USAGE} |> filter(fn: (r) => r.host == "h2") |> map(fn: (r) => ({_time: r._time, i: int(v: r._value) % 7, s: string(v: r._value) + "%", u: uint(v: 3), f: float(v: "1.5")}))`,
    );
    assert.deepEqual(labels(table), ['_time', 'f', 'i', 's', 'u']);
    assert.deepEqual(
      table.columns.map((c) => c.type),
      ['dateTime:RFC3339', 'double', 'long', 'string', 'unsignedLong'],
    );
    assert.deepEqual(column(table, 'i'), [3n, 6n, 2n]);
    assert.deepEqual(column(table, 's'), ['10%', '20%', '30%']);
    assert.deepEqual(table.keyColumns, []);
  });

  it('regroups rows when a group-key column gets different values', async () => {
    const tables = await fixture.tables(
      `${USAGE} |> filter(fn: (r) => r.host == "h2") |> map(fn: (r) => ({r with host: if r._value > 15.0 then "big" else "small"}))`,
    );
    assert.deepEqual(
      tables.map((tb) => [keyOf(tb).host, column(tb, '_value')]),
      [
        ['big', [20, 30]],
        ['small', [10]],
      ],
    );
  });

  it('keeps the type of a column whose first value is null', async () => {
    const [table] = await fixture.tables(
      `${USAGE} |> filter(fn: (r) => r.host == "h1") |> map(fn: (r) => ({r with _value: if r._value < 2.0 then r.nope else r._value}))`,
    );
    assert.deepEqual(column(table, '_value'), [null, 2, 3]);
    assert.equal(table.columns.find((c) => c.label === '_value')?.type, 'double');
  });

  it('converts whole columns with toFloat and toString', async () => {
    fixture.write([point('counts', {}, { n: long(5) }, T1)]);
    const [table] = await fixture.tables(`${FROM} |> filter(fn: (r) => r._measurement == "counts") |> toFloat()`);
    assert.deepEqual(column(table, '_value'), [5]);
    const [asText] = await fixture.tables(`${FROM} |> filter(fn: (r) => r._measurement == "counts") |> toString()`);
    assert.deepEqual(column(asText, '_value'), ['5']);
  });
});

describe('flux engine: pivot() and fieldsAsCols()', () => {
  let fixture: FluxFixture;
  beforeEach(() => {
    fixture = new FluxFixture();
    cpu(fixture);
  });
  afterEach(() => fixture.close());

  it('turns fields into columns in order of appearance, one row per time', async () => {
    const tables = await fixture.tables(
      `${FROM} |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")`,
    );
    assert.deepEqual(tables.map(labels), [
      ['_start', '_stop', '_time', '_measurement', 'host', 'idle', 'usage'],
      ['_start', '_stop', '_time', '_measurement', 'host', 'usage'],
    ]);
    assert.deepEqual(tables[0].keyColumns, ['_start', '_stop', '_measurement', 'host']);
    assert.deepEqual(column(tables[0], 'idle'), [9, 8, 7]);
    assert.deepEqual(column(tables[0], 'usage'), [1, 2, 3]);
  });

  it('fills missing cells with null and sorts rows by the row key', async () => {
    fixture.write([point('cpu', { host: 'h1' }, { idle: 6 }, NOW - 4n * MINUTE)]);
    const [table] = await fixture.tables(
      `${FROM} |> filter(fn: (r) => r.host == "h1") |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")`,
    );
    assert.deepEqual(column(table, '_time'), [NOW - 4n * MINUTE, T1, T2, T3]);
    assert.deepEqual(column(table, 'usage'), [null, 1, 2, 3]);
  });

  it('joins multi-column keys with _', async () => {
    const [table] = await fixture.tables(
      `${USAGE} |> group() |> pivot(rowKey: ["_time"], columnKey: ["host", "_field"], valueColumn: "_value")`,
    );
    assert.deepEqual(labels(table), ['_time', 'h1_usage', 'h2_usage']);
  });

  it('v1.fieldsAsCols and schema.fieldsAsCols pivot on _field', async () => {
    const query = (pkg: string, alias: string) =>
      `import "influxdata/influxdb/${pkg}"\n${FROM} |> filter(fn: (r) => r.host == "h1") |> ${alias}.fieldsAsCols()`;
    const [v1] = await fixture.tables(query('v1', 'v1'));
    const [schema] = await fixture.tables(query('schema', 'schema'));
    assert.deepEqual(labels(v1), ['_start', '_stop', '_time', '_measurement', 'host', 'idle', 'usage']);
    assert.deepEqual(schema, v1);
  });
});

describe('flux engine: group()', () => {
  let fixture: FluxFixture;
  beforeEach(() => {
    fixture = new FluxFixture();
    cpu(fixture);
  });
  afterEach(() => fixture.close());

  it('groups by the listed columns, rows in input order', async () => {
    const tables = await fixture.tables(`${FROM} |> group(columns: ["_field"])`);
    assert.deepEqual(
      tables.map((tb) => [tb.keyColumns, keyOf(tb)._field, column(tb, '_value')]),
      [
        [['_field'], 'idle', [9, 8, 7]],
        [['_field'], 'usage', [1, 2, 3, 10, 20, 30]],
      ],
    );
  });

  it('with no columns merges everything into one table', async () => {
    const tables = await fixture.tables(`${USAGE} |> group()`);
    assert.equal(tables.length, 1);
    assert.deepEqual(tables[0].keyColumns, []);
    assert.equal(tables[0].rows.length, 6);
  });

  it('with mode except groups by every other column', async () => {
    const tables = await fixture.tables(
      `${USAGE} |> drop(columns: ["_start", "_stop"]) |> group(columns: ["_time", "_value", "host"], mode: "except")`,
    );
    assert.equal(tables.length, 1);
    assert.deepEqual(tables[0].keyColumns, ['_field', '_measurement']);
  });
});

describe('flux engine: sort(), limit(), tail(), distinct(), unique()', () => {
  let fixture: FluxFixture;
  beforeEach(() => {
    fixture = new FluxFixture();
    cpu(fixture);
    fixture.write([
      point('state', { dev: 'a' }, { s: str('on') }, T1),
      point('state', { dev: 'a' }, { s: str('off') }, T2),
      point('state', { dev: 'a' }, { s: str('on') }, T3),
    ]);
  });
  afterEach(() => fixture.close());

  const values = async (pipeline: string) =>
    (await fixture.tables(`${USAGE} |> ${pipeline}`)).map((tb) => column(tb, '_value'));

  it('sort orders rows within each table, descending on request', async () => {
    assert.deepEqual(await values('sort(columns: ["_value"], desc: true)'), [
      [3, 2, 1],
      [30, 20, 10],
    ]);
    assert.deepEqual(await values('group() |> sort()'), [[1, 2, 3, 10, 20, 30]]);
  });

  it('limit keeps n rows after an offset, per table', async () => {
    assert.deepEqual(await values('limit(n: 1)'), [[1], [10]]);
    assert.deepEqual(await values('limit(n: 5, offset: 1)'), [
      [2, 3],
      [20, 30],
    ]);
  });

  it('tail keeps the last n rows, per table', async () => {
    assert.deepEqual(await values('tail(n: 2)'), [
      [2, 3],
      [20, 30],
    ]);
    assert.deepEqual(await values('tail(n: 1, offset: 1)'), [[2], [20]]);
  });

  it('top and bottom pick the largest and smallest values', async () => {
    assert.deepEqual(await values('group() |> top(n: 2)'), [[30, 20]]);
    assert.deepEqual(await values('group() |> bottom(n: 2)'), [[1, 2]]);
  });

  it('distinct lists the distinct values as _value beside the group key', async () => {
    const [table] = await fixture.tables(`${FROM} |> filter(fn: (r) => r._measurement == "state") |> distinct()`);
    assert.deepEqual(labels(table), ['_start', '_stop', '_field', '_measurement', 'dev', '_value']);
    assert.deepEqual(column(table, '_value'), ['on', 'off']);
  });

  it('distinct of another column puts its values in _value', async () => {
    const [table] = await fixture.tables(`${USAGE} |> group() |> distinct(column: "host")`);
    assert.deepEqual(labels(table), ['_value']);
    assert.deepEqual(column(table, '_value'), ['h1', 'h2']);
  });

  it('unique keeps the first row of each value', async () => {
    const [table] = await fixture.tables(`${FROM} |> filter(fn: (r) => r._measurement == "state") |> unique()`);
    assert.deepEqual(column(table, '_time'), [T1, T2]);
  });
});
