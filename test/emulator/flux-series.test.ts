import assert from 'node:assert/strict';
import { column, FluxFixture, keyOf, labels, long, NOW, point } from './flux-harness';

const SECOND = 1_000_000_000n;
const T = (s: number) => NOW - 100n * SECOND + BigInt(s) * SECOND;

/** A counter c (int) 10, 15, 12, 20 and a gauge g (float) 1, 4, 2, 8, ten seconds apart. */
function counters(fixture: FluxFixture): void {
  const c = [10, 15, 12, 20];
  const g = [1, 4, 2, 8];
  fixture.write(c.map((v, i) => point('m', { host: 'h' }, { c: long(v), g: g[i] }, T(i * 10))));
}

const C = 'from(bucket: "test") |> range(start: -1h) |> filter(fn: (r) => r._field == "c")';
const G = 'from(bucket: "test") |> range(start: -1h) |> filter(fn: (r) => r._field == "g")';

describe('flux engine: row-order transformations', () => {
  let fixture: FluxFixture;
  beforeEach(() => {
    fixture = new FluxFixture();
    counters(fixture);
  });
  afterEach(() => fixture.close());

  const values = async (query: string) => column((await fixture.tables(query))[0], '_value');

  it('difference gives the change from the previous row, dropping the first', async () => {
    assert.deepEqual(await values(`${C} |> difference()`), [5n, -3n, 8n]);
    assert.deepEqual(await values(`${C} |> difference(nonNegative: true)`), [5n, null, 8n]);
    assert.deepEqual(await values(`${C} |> difference(keepFirst: true)`), [null, 5n, -3n, 8n]);
  });

  it('increase adds up the non-negative changes of a counter that resets, from 0 (Flux increase_test)', async () => {
    assert.deepEqual(await values(`${C} |> increase()`), [0n, 5n, 17n, 25n]);
  });

  it('difference with keepFirst and initialZero starts at 0; a reset counts its new value', async () => {
    assert.deepEqual(await values(`${C} |> difference(nonNegative: true, keepFirst: true, initialZero: true)`), [
      0n,
      5n,
      12n,
      8n,
    ]);
  });

  it('cumulativeSum and difference skip listed columns a table lacks, as Flux does', async () => {
    assert.deepEqual(await values(`${C} |> cumulativeSum(columns: ["_value", "nope"])`), [10n, 25n, 37n, 57n]);
    assert.deepEqual(await values(`${C} |> difference(columns: ["_value", "nope"])`), [5n, -3n, 8n]);
  });

  it('derivative drops rows whose time repeats, and honours initialZero under nonNegative', async () => {
    assert.deepEqual(await values(`${G} |> derivative(unit: 1s, nonNegative: true, initialZero: true)`), [0.3, 0, 0.6]);
  });

  it('derivative gives the rate per unit as a float', async () => {
    assert.deepEqual(await values(`${G} |> derivative(unit: 10s)`), [3, -2, 6]);
    assert.deepEqual(await values(`${G} |> derivative(unit: 1s, nonNegative: true)`), [0.3, null, 0.6]);
  });

  it('cumulativeSum keeps a running total', async () => {
    assert.deepEqual(await values(`${C} |> cumulativeSum()`), [10n, 25n, 37n, 57n]);
  });

  it('elapsed adds the time since the previous row', async () => {
    const [table] = await fixture.tables(`${C} |> elapsed(unit: 1s)`);
    assert.deepEqual(column(table, 'elapsed'), [10n, 10n, 10n]);
  });

  it('fill replaces nulls with a value or the previous value', async () => {
    const withNull = `${G} |> map(fn: (r) => ({r with _value: if r._value == 4.0 or r._value == 2.0 then r.nope else r._value}))`;
    assert.deepEqual(await values(`${withNull} |> fill(value: 0.0)`), [1, 0, 0, 8]);
    assert.deepEqual(await values(`${withNull} |> fill(usePrevious: true)`), [1, 1, 1, 8]);
    await assert.rejects(
      fixture.run(`${withNull} |> fill(value: 0)`),
      /fill value is long but column "_value" is double/,
    );
  });

  it('timeShift moves the time columns, group key included', async () => {
    const [table] = await fixture.tables(`${C} |> timeShift(duration: 1h)`);
    assert.equal(keyOf(table)._stop, NOW + 3_600n * SECOND);
    assert.deepEqual(column(table, '_time')[0], T(0) + 3_600n * SECOND);
  });

  it('union merges streams, joining tables with the same group key', async () => {
    const tables = await fixture.tables(
      `union(tables: [${C} |> limit(n: 1), ${C} |> tail(n: 1), ${G} |> limit(n: 1)])`,
    );
    assert.deepEqual(
      tables.map((tb) => [keyOf(tb)._field, column(tb, '_value')]),
      [
        ['c', [10n, 20n]],
        ['g', [1]],
      ],
    );
  });

  it('columns lists the column labels of each table', async () => {
    const [table] = await fixture.tables(`${C} |> columns()`);
    assert.deepEqual(labels(table), ['_start', '_stop', '_field', '_measurement', 'host', '_value']);
    assert.deepEqual(column(table, '_value'), ['_start', '_stop', '_time', '_value', '_field', '_measurement', 'host']);
  });
});
