import assert from 'node:assert/strict';
import { column, FluxFixture, labels, t as time } from './flux-harness';

/** array.from rows of one table, k = "a", _time one second apart from 2020-01-01, the given _value literals. */
function rows(values: string[]): string {
  const list = values.map((v, i) => `{k: "a", _time: 2020-01-01T00:00:0${i}Z, _value: ${v}}`);
  return `import "array"\nimport "internal/debug"\narray.from(rows: [${list.join(', ')}]) |> group(columns: ["k"])`;
}

function near(actual: unknown, expected: number): void {
  assert.equal(typeof actual, 'number');
  assert.ok(Math.abs((actual as number) - expected) < 1e-9, `${String(actual)} is not ${expected}`);
}

describe('flux engine: tripleExponentialDerivative(n:), as triple_exponential_derivative.go', () => {
  let fixture: FluxFixture;
  beforeEach(() => {
    fixture = new FluxFixture();
  });
  afterEach(() => fixture.close());

  const only = async (query: string) => {
    const tables = await fixture.tables(query);
    assert.equal(tables.length, 1);
    return tables[0];
  };

  it('gives the percent change of the thrice-smoothed EMA, from row 3n-1 on (n = 2, by hand)', async () => {
    // EMA (multiplier 2/3) of 1..6: 1.5 2.5 3.5 4.5 5.5; of that: 2 3 4 5; of that: 2.5 3.5 4.5.
    const t = await only(`${rows(['1.0', '2.0', '3.0', '4.0', '5.0', '6.0'])} |> tripleExponentialDerivative(n: 2)`);
    assert.deepEqual(labels(t), ['k', '_time', '_value']);
    assert.deepEqual(column(t, '_time'), [time('2020-01-01T00:00:04Z'), time('2020-01-01T00:00:05Z')]);
    const values = column(t, '_value');
    near(values[0], (3.5 / 2.5 - 1) * 100);
    near(values[1], (4.5 / 3.5 - 1) * 100);
  });

  it('makes integer values floats; with n = 1 it is the percent change from the previous row', async () => {
    const t = await only(`${rows(['1', '2', '4', '3'])} |> tripleExponentialDerivative(n: 1)`);
    assert.equal(t.columns[2].type, 'double');
    assert.deepEqual(column(t, '_value'), [100, 100, -25]);
  });

  it('repeats the last average over a null value', async () => {
    const withNull =
      'map(fn: (r) => ({r with _value: if r._value == 2.0 then debug.null(type: "float") else r._value}))';
    const t = await only(`${rows(['1.0', '2.0', '4.0'])} |> ${withNull} |> tripleExponentialDerivative(n: 1)`);
    assert.deepEqual(column(t, '_value'), [0, 300]);
  });

  it('gives a table shorter than 3n-3 rows one row, its last, with a null _value; one of 3n-2 rows none', async () => {
    const short = await only(`${rows(['1.0', '2.0'])} |> tripleExponentialDerivative(n: 2)`);
    assert.deepEqual(column(short, '_value'), [null]);
    assert.deepEqual(column(short, '_time'), [time('2020-01-01T00:00:01Z')]);
    const tables = await fixture.tables(`${rows(['1.0', '2.0', '3.0', '4.0'])} |> tripleExponentialDerivative(n: 2)`);
    assert.equal(
      tables.reduce((sum, t) => sum + t.rows.length, 0),
      0,
    );
  });

  it('refuses what Flux refuses: a period under 1, a _value that is not a number, a missing _value', async () => {
    await assert.rejects(
      fixture.tables(`${rows(['1.0'])} |> tripleExponentialDerivative(n: 0)`),
      /cannot take triple exponential derivative with a period of 0 \(must be greater than 0\)/,
    );
    await assert.rejects(
      fixture.tables(`${rows(['"x"'])} |> tripleExponentialDerivative(n: 1)`),
      /cannot take exponential moving average of column _value \(type string\)/,
    );
    await assert.rejects(
      fixture.tables(`${rows(['1.0'])} |> drop(columns: ["_value"]) |> tripleExponentialDerivative(n: 1)`),
      /cannot find _value column/,
    );
    await assert.rejects(
      fixture.tables(`${rows(['1.0'])} |> tripleExponentialDerivative()`),
      /missing required argument n/,
    );
  });

  it('refuses the shapes where Flux builds columns of different lengths', async () => {
    await assert.rejects(
      fixture.tables(`${rows(['1.0', '2.0', '3.0'])} |> tripleExponentialDerivative(n: 2)`),
      /exactly 3n-3 \(3\) rows is not supported by the emulator/,
    );
    await assert.rejects(
      fixture.tables(
        `${rows(['1.0', '2.0', '3.0'])} |> map(fn: (r) => ({r with extra: 1})) |> tripleExponentialDerivative(n: 1)`,
      ),
      /numeric column besides _value \(extra\) is not supported by the emulator/,
    );
  });
});

describe('flux engine: exponentialMovingAverage(n:), on the EMA TRIX is made of', () => {
  let fixture: FluxFixture;
  beforeEach(() => {
    fixture = new FluxFixture();
  });
  afterEach(() => fixture.close());

  it('starts at the nth row with the mean of the first n, then smooths with 2/(n+1)', async () => {
    const [t] = await fixture.tables(`${rows(['1.0', '2.0', '3.0'])} |> exponentialMovingAverage(n: 2)`);
    assert.deepEqual(column(t, '_time'), [time('2020-01-01T00:00:01Z'), time('2020-01-01T00:00:02Z')]);
    const values = column(t, '_value');
    near(values[0], 1.5);
    near(values[1], 3 * (2 / 3) + 1.5 * (1 / 3));
  });

  it('gives a table shorter than n its last row with the mean of its values', async () => {
    const [t] = await fixture.tables(`${rows(['1', '2', '6'])} |> exponentialMovingAverage(n: 5)`);
    assert.deepEqual([column(t, '_time'), column(t, '_value')], [[time('2020-01-01T00:00:02Z')], [3]]);
  });
});
