import assert from 'node:assert/strict';
import { column, FluxFixture, keyOf, labels, long, point, t } from './flux-harness';

/**
 * m,host=h1 v (float) and n (int), between 10:00 and 10:03:
 * 10:00:10 v=1 n=1 | 10:00:20 v=2 n=2 | 10:00:40 v=4 n=4 | 10:01:10 v=7 n=7 | 10:02:50 v=3 n=3
 */
function data(fixture: FluxFixture): void {
  const rows: [string, number][] = [
    ['10:00:10', 1],
    ['10:00:20', 2],
    ['10:00:40', 4],
    ['10:01:10', 7],
    ['10:02:50', 3],
  ];
  fixture.write(rows.map(([time, x]) => point('m', { host: 'h1' }, { v: x, n: long(x) }, t(`2029-06-01T${time}Z`))));
}

const RANGE = 'from(bucket: "test") |> range(start: 2029-06-01T10:00:00Z, stop: 2029-06-01T10:03:00Z)';
const V = `${RANGE} |> filter(fn: (r) => r._field == "v")`;
const N = `${RANGE} |> filter(fn: (r) => r._field == "n")`;

describe('flux engine: aggregates and selectors', () => {
  let fixture: FluxFixture;
  beforeEach(() => {
    fixture = new FluxFixture();
    data(fixture);
  });
  afterEach(() => fixture.close());

  const single = async (query: string) => {
    const tables = await fixture.tables(query);
    assert.equal(tables.length, 1);
    return tables[0];
  };

  it('mean keeps the group-key columns and a double _value, dropping _time', async () => {
    const table = await single(`${N} |> mean()`);
    assert.deepEqual(labels(table), ['_start', '_stop', '_field', '_measurement', 'host', '_value']);
    assert.deepEqual(table.keyColumns, ['_start', '_stop', '_field', '_measurement', 'host']);
    assert.equal(table.columns[5].type, 'double');
    assert.deepEqual(column(table, '_value'), [3.4]);
  });

  it('sum keeps the column type', async () => {
    assert.deepEqual(column(await single(`${N} |> sum()`), '_value'), [17n]);
    assert.deepEqual(column(await single(`${V} |> sum()`), '_value'), [17]);
  });

  it('count gives a long', async () => {
    const table = await single(`${V} |> count()`);
    assert.equal(table.columns.find((c) => c.label === '_value')?.type, 'long');
    assert.deepEqual(column(table, '_value'), [5n]);
  });

  it('median interpolates between the two middle values', async () => {
    assert.deepEqual(column(await single(`${V} |> median()`), '_value'), [3]);
    assert.deepEqual(column(await single(`${V} |> limit(n: 4) |> median()`), '_value'), [3]);
  });

  it('aggregates another column when asked', async () => {
    const table = await single(`${V} |> map(fn: (r) => ({r with w: r._value * 2.0})) |> mean(column: "w")`);
    assert.deepEqual(column(table, 'w'), [6.8]);
  });

  it('gives count 0 and mean null for an empty table', async () => {
    const empty = `${V} |> filter(fn: (r) => r._value > 100.0, onEmpty: "keep")`;
    assert.deepEqual(column(await single(`${empty} |> count()`), '_value'), [0n]);
    assert.deepEqual(column(await single(`${empty} |> mean()`), '_value'), [null]);
  });

  it('first, last, min and max keep the selected row', async () => {
    const pick = async (fn: string) => {
      const table = await single(`${V} |> ${fn}()`);
      assert.deepEqual(labels(table), ['_start', '_stop', '_time', '_value', '_field', '_measurement', 'host']);
      return [column(table, '_time')[0], column(table, '_value')[0]];
    };
    assert.deepEqual(await pick('first'), [t('2029-06-01T10:00:10Z'), 1]);
    assert.deepEqual(await pick('last'), [t('2029-06-01T10:02:50Z'), 3]);
    assert.deepEqual(await pick('min'), [t('2029-06-01T10:00:10Z'), 1]);
    assert.deepEqual(await pick('max'), [t('2029-06-01T10:01:10Z'), 7]);
  });

  it('max of _time finds the latest entry', async () => {
    const table = await single(`${RANGE} |> group() |> max(column: "_time")`);
    assert.deepEqual(column(table, '_time'), [t('2029-06-01T10:02:50Z')]);
  });

  it('refuses to average strings', async () => {
    await assert.rejects(
      fixture.run(`${V} |> map(fn: (r) => ({r with _value: "x"})) |> mean()`),
      /mean cannot aggregate a column of type string/,
    );
  });
});

describe('flux engine: window()', () => {
  let fixture: FluxFixture;
  beforeEach(() => {
    fixture = new FluxFixture();
    data(fixture);
  });
  afterEach(() => fixture.close());

  const windows = async (query: string) =>
    (await fixture.tables(query)).map((tb) => [keyOf(tb)._start, keyOf(tb)._stop, column(tb, '_value')]);

  it('splits tables into windows with their bounds in _start and _stop', async () => {
    assert.deepEqual(await windows(`${V} |> window(every: 1m)`), [
      [t('2029-06-01T10:00:00Z'), t('2029-06-01T10:01:00Z'), [1, 2, 4]],
      [t('2029-06-01T10:01:00Z'), t('2029-06-01T10:02:00Z'), [7]],
      [t('2029-06-01T10:02:00Z'), t('2029-06-01T10:03:00Z'), [3]],
    ]);
  });

  it('clips windows to the range', async () => {
    const query =
      'from(bucket: "test") |> range(start: 2029-06-01T10:00:15Z, stop: 2029-06-01T10:01:30Z) |> filter(fn: (r) => r._field == "v") |> window(every: 1m)';
    assert.deepEqual(await windows(query), [
      [t('2029-06-01T10:00:15Z'), t('2029-06-01T10:01:00Z'), [2, 4]],
      [t('2029-06-01T10:01:00Z'), t('2029-06-01T10:01:30Z'), [7]],
    ]);
  });

  it('overlaps windows when period is longer than every', async () => {
    const result = await windows(`${V} |> window(every: 1m, period: 2m)`);
    assert.deepEqual(
      result.map(([, , v]) => v),
      [[1, 2, 4], [1, 2, 4, 7], [7, 3], [3]],
    );
  });

  it('shifts windows by offset', async () => {
    assert.deepEqual(
      (await windows(`${V} |> window(every: 1m, offset: 30s)`)).map(([, , v]) => v),
      [[1, 2], [4, 7], [3]],
    );
  });

  it('creates empty windows on request', async () => {
    const query =
      'from(bucket: "test") |> range(start: 2029-06-01T10:00:00Z, stop: 2029-06-01T10:05:00Z) |> filter(fn: (r) => r._field == "v") |> window(every: 1m, createEmpty: true)';
    assert.deepEqual(
      (await windows(query)).map(([, , v]) => v),
      [[1, 2, 4], [7], [3], [], []],
    );
  });

  it('undoes windowing with every: inf', async () => {
    assert.deepEqual(await windows(`${V} |> window(every: 1m) |> window(every: inf)`), [
      [t('2029-06-01T10:00:00Z'), t('2029-06-01T10:03:00Z'), [1, 2, 4, 7, 3]],
    ]);
  });
});

describe('flux engine: aggregateWindow()', () => {
  let fixture: FluxFixture;
  beforeEach(() => {
    fixture = new FluxFixture();
    data(fixture);
  });
  afterEach(() => fixture.close());

  const rows = async (query: string) => {
    const tables = await fixture.tables(query);
    assert.equal(tables.length, 1);
    return column(tables[0], '_time').map((time, i) => [time, column(tables[0], '_value')[i]]);
  };

  it('gives one row per window, _time at the window stop, keeping the range as _start/_stop', async () => {
    const [table] = await fixture.tables(`${V} |> aggregateWindow(every: 1m, fn: mean)`);
    assert.deepEqual(labels(table), ['_start', '_stop', '_time', '_field', '_measurement', 'host', '_value']);
    assert.deepEqual(keyOf(table)._start, t('2029-06-01T10:00:00Z'));
    assert.deepEqual(keyOf(table)._stop, t('2029-06-01T10:03:00Z'));
    assert.deepEqual(await rows(`${V} |> aggregateWindow(every: 1m, fn: mean)`), [
      [t('2029-06-01T10:01:00Z'), 7 / 3],
      [t('2029-06-01T10:02:00Z'), 7],
      [t('2029-06-01T10:03:00Z'), 3],
    ]);
  });

  it('fills empty windows with null, or 0 for count', async () => {
    const range =
      'from(bucket: "test") |> range(start: 2029-06-01T09:59:00Z, stop: 2029-06-01T10:02:00Z) |> filter(fn: (r) => r._field == "n")';
    assert.deepEqual(
      (await rows(`${range} |> aggregateWindow(every: 1m, fn: sum)`)).map(([, v]) => v),
      [null, 7n, 7n],
    );
    assert.deepEqual(
      (await rows(`${range} |> aggregateWindow(every: 1m, fn: count)`)).map(([, v]) => v),
      [0n, 3n, 1n],
    );
    assert.deepEqual(
      (await rows(`${range} |> aggregateWindow(every: 1m, fn: last)`)).map(([, v]) => v),
      [null, 4n, 7n],
    );
  });

  it('skips empty windows when createEmpty is false', async () => {
    const range =
      'from(bucket: "test") |> range(start: 2029-06-01T09:59:00Z, stop: 2029-06-01T10:02:00Z) |> filter(fn: (r) => r._field == "n")';
    assert.deepEqual(
      (await rows(`${range} |> aggregateWindow(every: 1m, fn: count, createEmpty: false)`)).map(([, v]) => v),
      [3n, 1n],
    );
  });

  it('stamps selector rows with the window stop', async () => {
    assert.deepEqual(await rows(`${V} |> aggregateWindow(every: 1m, fn: max)`), [
      [t('2029-06-01T10:01:00Z'), 4],
      [t('2029-06-01T10:02:00Z'), 7],
      [t('2029-06-01T10:03:00Z'), 3],
    ]);
  });

  it('supports every fn: mean, max, min, sum, count, first, last, median', async () => {
    const results: Record<string, unknown[]> = {};
    for (const fn of ['mean', 'max', 'min', 'sum', 'count', 'first', 'last', 'median']) {
      results[fn] = (await rows(`${V} |> aggregateWindow(every: 2m, fn: ${fn})`)).map(([, v]) => v);
    }
    assert.deepEqual(results, {
      mean: [3.5, 3],
      max: [7, 3],
      min: [1, 3],
      sum: [14, 3],
      count: [4n, 1n],
      first: [1, 3],
      last: [7, 3],
      median: [3, 3],
    });
  });

  it('clips the first and last windows to the range', async () => {
    const query =
      'from(bucket: "test") |> range(start: 2029-06-01T10:00:15Z, stop: 2029-06-01T10:01:30Z) |> filter(fn: (r) => r._field == "v") |> aggregateWindow(every: 1m, fn: count)';
    assert.deepEqual(await rows(query), [
      [t('2029-06-01T10:01:00Z'), 2n],
      [t('2029-06-01T10:01:30Z'), 1n],
    ]);
  });

  it('honours offset, timeSrc, timeDst and column', async () => {
    assert.deepEqual(
      (await rows(`${V} |> aggregateWindow(every: 1m, offset: 30s, fn: count)`)).map(([time]) => time),
      [t('2029-06-01T10:00:30Z'), t('2029-06-01T10:01:30Z'), t('2029-06-01T10:02:30Z'), t('2029-06-01T10:03:00Z')],
    );
    assert.deepEqual(
      (await rows(`${V} |> aggregateWindow(every: 1m, fn: mean, timeSrc: "_start")`)).map(([time]) => time),
      [t('2029-06-01T10:00:00Z'), t('2029-06-01T10:01:00Z'), t('2029-06-01T10:02:00Z')],
    );
    const [renamed] = await fixture.tables(`${V} |> aggregateWindow(every: 1m, fn: mean, timeDst: "at")`);
    assert.deepEqual(column(renamed, 'at'), [
      t('2029-06-01T10:01:00Z'),
      t('2029-06-01T10:02:00Z'),
      t('2029-06-01T10:03:00Z'),
    ]);
    const [other] = await fixture.tables(
      `${V} |> map(fn: (r) => ({r with w: r._value * 10.0})) |> aggregateWindow(every: 1m, fn: max, column: "w")`,
    );
    assert.deepEqual(column(other, 'w'), [40, 70, 30]);
  });

  it('calls a function written in the script like the builtin it wraps', async () => {
    const builtin = await fixture.tables(`${V} |> aggregateWindow(every: 1m, fn: mean)`);
    const custom = await fixture.tables(
      `avg = (column, tables=<-) => tables |> mean(column: column)\n${V} |> aggregateWindow(every: 1m, fn: avg)`,
    );
    assert.deepEqual(custom, builtin);
    const createEmpty =
      'from(bucket: "test") |> range(start: 2029-06-01T09:59:00Z, stop: 2029-06-01T10:02:00Z) |> filter(fn: (r) => r._field == "v")';
    const viaLast = await fixture.tables(`${createEmpty} |> aggregateWindow(every: 1m, fn: last)`);
    const viaCustom = await fixture.tables(
      `l = (column, tables=<-) => tables |> last(column: column)\n${createEmpty} |> aggregateWindow(every: 1m, fn: l)`,
    );
    assert.deepEqual(viaCustom, viaLast);
  });

  it('windows by calendar month', async () => {
    fixture.write([
      point('monthly', {}, { x: 1 }, t('2029-01-31T12:00:00Z')),
      point('monthly', {}, { x: 2 }, t('2029-02-28T12:00:00Z')),
      point('monthly', {}, { x: 3 }, t('2029-03-01T00:00:00Z')),
    ]);
    const query =
      'from(bucket: "test") |> range(start: 2029-01-01T00:00:00Z, stop: 2029-04-01T00:00:00Z) |> filter(fn: (r) => r._measurement == "monthly") |> aggregateWindow(every: 1mo, fn: sum)';
    assert.deepEqual(await rows(query), [
      [t('2029-02-01T00:00:00Z'), 1],
      [t('2029-03-01T00:00:00Z'), 2],
      [t('2029-04-01T00:00:00Z'), 3],
    ]);
  });
});
