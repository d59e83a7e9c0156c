/**
 * The moving averages and momentum indicators name a column they cannot use by Flux's type names (int, uint,
 * float, bool, string, time), as Go's flux.ColType prints them, not by the annotated CSV names (long, double, ...).
 */
import assert from 'node:assert/strict';
import { FluxFixture } from './flux-harness';

const bools = `import "array"\narray.from(rows: [{_time: 2020-01-01T00:00:00Z, _value: true}, {_time: 2020-01-01T00:00:01Z, _value: false}])`;

describe('flux engine: type names in the errors of moving averages and momentum indicators', () => {
  let fixture: FluxFixture;
  beforeEach(() => {
    fixture = new FluxFixture();
  });
  afterEach(() => fixture.close());

  for (const [call, message] of [
    ['movingAverage(n: 1)', /cannot take moving average of column _value \(type bool\)/],
    ['exponentialMovingAverage(n: 1)', /cannot take exponential moving average of column _value \(type bool\)/],
    ['chandeMomentumOscillator(n: 1)', /cannot take chande momentum oscillator of column _value \(type bool\)/],
    ['relativeStrengthIndex(n: 1)', /cannot take relative strength index of column _value \(type bool\)/],
    ['kaufmansAMA(n: 1)', /cannot take KAMA of column _value \(type bool\)/],
  ] as const) {
    it(`${call} on a bool _value`, async () => {
      await assert.rejects(fixture.tables(`${bools} |> ${call}`), message);
    });
  }
});

describe('flux engine: type names in the errors of union and the diffs', () => {
  let fixture: FluxFixture;
  beforeEach(() => {
    fixture = new FluxFixture();
  });
  afterEach(() => fixture.close());
  const table = (value: string) => `array.from(rows: [{_time: 2020-01-01T00:00:00Z, _value: ${value}}])`;

  it('union names the two types of a column by their Flux names', async () => {
    await assert.rejects(
      fixture.tables(`import "array"\nunion(tables: [${table('1')}, ${table('"a"')}])`),
      /union: column "_value" is both int and string/,
    );
  });

  it('experimental.diff says "column has different types" as Flux does', async () => {
    await assert.rejects(
      fixture.tables(
        `import "array"\nimport "experimental"\nexperimental.diff(got: ${table('1.5')}, want: ${table('1')})`,
      ),
      /column "_value" has different types int != float/,
    );
  });

  it('testing.diff names the types of a column that differs by their Flux names', async () => {
    await assert.rejects(
      fixture.tables(`import "array"\nimport "testing"\ntesting.diff(got: ${table('1.5')}, want: ${table('1')})`),
      /column _value is float, want int/,
    );
  });
});
