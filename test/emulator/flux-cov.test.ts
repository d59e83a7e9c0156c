import assert from 'node:assert/strict';
import { column, FluxFixture, labels } from './flux-harness';

/** Two streams of floats at the same times (x: 1 2 3 4, y: 2 4 6 9); x has one more row, at a time y lacks. */
const STREAMS = `import "array"
x = array.from(rows: [
    {_time: 2020-01-01T00:00:00Z, _value: 1.0},
    {_time: 2020-01-01T00:00:10Z, _value: 2.0},
    {_time: 2020-01-01T00:00:20Z, _value: 3.0},
    {_time: 2020-01-01T00:00:30Z, _value: 4.0},
    {_time: 2020-01-01T00:00:40Z, _value: 100.0},
])
y = array.from(rows: [
    {_time: 2020-01-01T00:00:00Z, _value: 2.0},
    {_time: 2020-01-01T00:00:10Z, _value: 4.0},
    {_time: 2020-01-01T00:00:20Z, _value: 6.0},
    {_time: 2020-01-01T00:00:30Z, _value: 9.0},
])
`;

// By hand: deviations of x -1.5 -0.5 0.5 1.5 and of y -3.25 -1.25 0.75 3.75, products summing to 11.5.
const COVARIANCE = 11.5 / 3;
const PEARSON_R = 11.5 / Math.sqrt(5 * 26.75);

function near(actual: unknown, expected: number): void {
  assert.equal(typeof actual, 'number');
  assert.ok(Math.abs((actual as number) - expected) < 1e-12, `${String(actual)} is not ${expected}`);
}

describe('flux engine: cov() and pearsonr(), as universe.flux defines them (join, then covariance)', () => {
  let fixture: FluxFixture;
  beforeEach(() => {
    fixture = new FluxFixture();
  });
  afterEach(() => fixture.close());

  const only = async (query: string) => {
    const tables = await fixture.tables(STREAMS + query);
    assert.equal(tables.length, 1);
    return tables[0];
  };

  it('gives the sample covariance of the rows whose "on" columns match, in _value', async () => {
    const t = await only('cov(x: x, y: y, on: ["_time"])');
    assert.deepEqual(labels(t), ['_value']);
    assert.equal(t.rows.length, 1);
    near(column(t, '_value')[0], COVARIANCE);
  });

  it('normalises to the Pearson R coefficient with pearsonr: true, as pearsonr() does', async () => {
    near(column(await only('cov(x: x, y: y, on: ["_time"], pearsonr: true)'), '_value')[0], PEARSON_R);
    near(column(await only('pearsonr(x: x, y: y, on: ["_time"])'), '_value')[0], PEARSON_R);
  });

  it('is symmetric in x and y', async () => {
    near(column(await only('cov(x: y, y: x, on: ["_time"])'), '_value')[0], COVARIANCE);
  });

  it('gives NaN when fewer than two rows match', async () => {
    const t = await only('cov(x: x |> filter(fn: (r) => r._value > 3.5), y: y, on: ["_time"])');
    assert.ok(Number.isNaN(column(t, '_value')[0]));
  });

  it('refuses integer values, as Flux covariance does, and a missing argument', async () => {
    await assert.rejects(
      fixture.tables(STREAMS + 'cov(x: x |> toInt(), y: y |> toInt(), on: ["_time"])'),
      /covariance does not support long/,
    );
    await assert.rejects(fixture.tables(STREAMS + 'cov(x: x, y: y)'), /missing required argument on/);
  });
});
