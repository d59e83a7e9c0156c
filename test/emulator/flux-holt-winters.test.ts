/**
 * holtWinters as Flux v0.196 computes it: the Go pieces it rests on (math.Pow by squaring, Frexp and Ldexp, gonum's
 * Nelder-Mead), the grid it puts each table's values on, the table it answers, and what it refuses. The stdlib's
 * own holtWinters testcases (stdlib-conformance.test.ts) check the forecasts to the digit.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { goFrexp, goLdexp, goPowInt } from '../../emulator/flux/stdlib/go-math';
import { FIT_BUDGET, FitBudgetExceeded, holtWinters } from '../../emulator/flux/stdlib/holt-winters/forecast';
import { minimizeNelderMead, OptimizerError } from '../../emulator/flux/stdlib/holt-winters/nelder-mead';
import { column, FluxFixture, keyOf, labels, t as time } from './flux-harness';

/** array.from rows of one table (k = "a"), one a minute from 2020-01-01, the given _value literals. */
function series(values: string[], every = 1): string {
  const list = values.map((v, i) => `{k: "a", _time: ${minute(i * every)}, _value: ${v}}`);
  return `import "array"\narray.from(rows: [${list.join(', ')}]) |> group(columns: ["k"])`;
}
const minute = (m: number) => new Date(Date.UTC(2020, 0, 1, 0, m)).toISOString().replace('.000Z', 'Z');

describe('holtWinters', () => {
  describe("Go's math.Pow, Frexp and Ldexp", () => {
    it('takes exact powers exactly, and 1, 0 and NaN as Go does', () => {
      assert.equal(goPowInt(0.5, 10), 2 ** -10);
      assert.equal(goPowInt(0.75, 2), 0.5625);
      assert.equal(goPowInt(1, 12345), 1);
      assert.equal(goPowInt(0, 3), 0);
      assert.equal(goPowInt(0.3, 1), 0.3);
      assert.ok(Number.isNaN(goPowInt(NaN, 2)));
      assert.equal(goPowInt(0.3, 5000), 0, 'underflows to zero');
    });

    it('stays within rounding of Math.pow for damping factors, down into the subnormals', () => {
      // Go squares the mantissa without correct rounding: each squaring may double the error, so it grows with y.
      fc.assert(
        fc.property(fc.double({ min: 0.01, max: 0.999, noNaN: true }), fc.integer({ min: 1, max: 3000 }), (x, y) => {
          const go = goPowInt(x, y);
          const js = Math.pow(x, y);
          assert.ok(Math.abs(go - js) <= Math.max(y * 2 ** -52 * js, 4 * 2 ** -1074), `${x}^${y}: ${go} vs ${js}`);
        }),
        { numRuns: 2000 },
      );
    });

    it('splits a number into a fraction in [0.5, 1) and a power of two, and puts it back, subnormals too', () => {
      fc.assert(
        fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
          const [fraction, exponent] = goFrexp(x);
          if (x !== 0) assert.ok(Math.abs(fraction) >= 0.5 && Math.abs(fraction) < 1, `${x} → ${fraction}`);
          assert.equal(goLdexp(fraction, exponent), x);
        }),
        { numRuns: 2000 },
      );
      assert.deepEqual(goFrexp(5e-324), [0.5, -1073]);
      assert.equal(goLdexp(0.75, -1074), 5e-324, 'rounds to the nearest subnormal');
      assert.equal(goLdexp(0.5, -1075), 0);
      assert.equal(goLdexp(0.5, 1025), Infinity);
    });
  });

  describe("gonum's Nelder-Mead", () => {
    it('finds the minimum of a smooth bowl', () => {
      const bowl = ([x, y]: number[]) => (x - 1) ** 2 + 10 * (y + 2) ** 2;
      const found = minimizeNelderMead(bowl, [0, 0], { absolute: 1e-12, iterations: 100 });
      assert.ok(Math.abs(found.x[0] - 1) < 1e-4 && Math.abs(found.x[1] + 2) < 1e-4, JSON.stringify(found));
      assert.ok(found.f < 1e-8);
    });

    it('refuses a start whose value is NaN or +Inf, as gonum does', () => {
      assert.throws(() => minimizeNelderMead(() => NaN, [0], { absolute: 1e-4, iterations: 10 }), OptimizerError);
      assert.throws(() => minimizeNelderMead(() => Infinity, [0], { absolute: 1e-4, iterations: 10 }), OptimizerError);
    });
  });

  describe('the fit', () => {
    it('stops once it has walked its budget of values, as a series that would take minutes would', () => {
      // Three values ~100,000 minutes apart on a one-minute grid: every step of the fit walks 100,000 intervals.
      const grid: Array<number | null> = [1, ...new Array<number | null>(99_998).fill(null), 3];
      assert.throws(() => holtWinters(grid, 1, 0, false, 5_000_000), FitBudgetExceeded);
      assert.ok(FIT_BUDGET >= 10_000_000, 'the budget lets ordinary series through');
      const small = holtWinters([1, 2, 3, 4, 5, 6], 2, 0, false, 5_000_000);
      assert.equal(small.values.length, 2);
    });
  });

  describe('in a query', () => {
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
    const ramp = ['1.0', '2.0', '3.0', '4.0', '5.0', '6.0', '7.0', '8.0'];

    it('forecasts n intervals after the last value: group key, _time, _value as float', async () => {
      const t = await only(`${series(ramp)} |> holtWinters(n: 3, interval: 1m)`);
      assert.deepEqual(labels(t), ['k', '_time', '_value']);
      assert.deepEqual(keyOf(t), { k: 'a' });
      assert.deepEqual(column(t, '_time'), [minute(8), minute(9), minute(10)].map(time));
      for (const v of column(t, '_value')) assert.equal(typeof v, 'number');
      const [first, , last] = column(t, '_value') as number[];
      assert.ok(first > 7 && last > first, `a rising ramp keeps rising: ${String(column(t, '_value'))}`);
    });

    it('with withFit, gives the fit of every interval from the first value on, then the forecast', async () => {
      const t = await only(`${series(ramp)} |> holtWinters(n: 2, interval: 1m, withFit: true)`);
      assert.deepEqual(
        column(t, '_time'),
        Array.from({ length: 10 }, (_, i) => time(minute(i))),
      );
      assert.equal(column(t, '_value')[0], 1, 'the fit starts at the first value');
    });

    it('with withMinSSE, adds the sum of squared errors of the fit on every row', async () => {
      const t = await only(`${series(ramp)} |> holtWinters(n: 2, interval: 1m, withMinSSE: true)`);
      assert.deepEqual(labels(t), ['k', '_time', '_value', 'minSSE']);
      const sse = column(t, 'minSSE') as number[];
      assert.ok(sse[0] >= 0 && sse[0] === sse[1], String(sse));
    });

    it('puts the values on a grid of the interval: the first of an interval counts, a missing one is a gap', async () => {
      // Values at minutes 0, 0:20 (same minute once rounded: skipped), 1, 4 (two missing minutes), 5.
      const rows = [
        ['2020-01-01T00:00:00Z', '1.0'],
        ['2020-01-01T00:00:20Z', '100.0'],
        ['2020-01-01T00:01:00Z', '2.0'],
        ['2020-01-01T00:04:00Z', '5.0'],
        ['2020-01-01T00:05:00Z', '6.0'],
      ].map(([at, v]) => `{_time: ${at}, _value: ${v}}`);
      const t = await only(
        `import "array"\narray.from(rows: [${rows.join(', ')}]) |> holtWinters(n: 1, interval: 1m, withFit: true)`,
      );
      // Six minutes of fit (0 to 5, two of them gaps) and one forecast.
      assert.deepEqual(
        column(t, '_time'),
        Array.from({ length: 7 }, (_, i) => time(minute(i))),
      );
      const sse = await only(
        `import "array"\narray.from(rows: [${rows.join(', ')}]) |> holtWinters(n: 1, interval: 1m, withMinSSE: true)`,
      );
      assert.ok((column(sse, 'minSSE')[0] as number) < 50, 'the skipped 100.0 is not fitted');
    });

    it('takes integer and unsigned values, and another value and time column', async () => {
      const ints = await only(`${series(['1', '2', '3', '4'])} |> holtWinters(n: 1, interval: 1m)`);
      assert.equal(typeof column(ints, '_value')[0], 'number');
      const renamed = await only(
        `${series(ramp)} |> rename(columns: {_value: "level", _time: "at"}) |> holtWinters(n: 1, interval: 1m, column: "level", timeColumn: "at")`,
      );
      assert.deepEqual(labels(renamed), ['k', '_time', '_value']);
    });

    it('gives a table without rows for fewer than two values, or n under 1', async () => {
      for (const query of [
        `${series(['1.0'])} |> holtWinters(n: 3, interval: 1m)`,
        `${series(ramp)} |> holtWinters(n: 0, interval: 1m)`,
        `${series(['1.0', '2.0', '3.0'])} |> holtWinters(n: 2, interval: 1m, seasonality: 4)`,
      ]) {
        const t = await only(query);
        assert.deepEqual([labels(t), t.rows.length], [['k', '_time', '_value'], 0], query);
      }
    });

    it('refuses what Flux refuses, and an interval it cannot put on a grid', async () => {
      await assert.rejects(
        fixture.tables(`${series(['"x"', '"y"'])} |> holtWinters(n: 1, interval: 1m)`),
        /holtWinters can work only on numerical types, got string/,
      );
      await assert.rejects(
        fixture.tables(`${series(ramp)} |> holtWinters(n: 1, interval: 1m, column: "nope")`),
        /cannot find column nope/,
      );
      await assert.rejects(
        fixture.tables(`${series(ramp)} |> holtWinters(n: 1, interval: 1m, timeColumn: "nope")`),
        /cannot find time column nope/,
      );
      await assert.rejects(
        fixture.tables(`${series(['1.0', 'float(v: "NaN")'])} |> holtWinters(n: 1, interval: 1m)`),
        /NaN\/Inf in input/,
      );
      await assert.rejects(
        fixture.tables(`${series(ramp)} |> holtWinters(n: 1)`),
        /missing required argument interval/,
      );
      for (const interval of ['0s', '-1m', '1mo']) {
        await assert.rejects(
          fixture.tables(`${series(ramp)} |> holtWinters(n: 1, interval: ${interval})`),
          /interval must be a positive duration of fixed length/,
          interval,
        );
      }
      await assert.rejects(
        fixture.tables(`${series(ramp, 60 * 24 * 400)} |> holtWinters(n: 1, interval: 1s)`),
        /more than 1000000 intervals/,
      );
      await assert.rejects(
        fixture.tables(`${series(ramp)} |> holtWinters(n: 100001, interval: 1m)`),
        /n is over 100000 \(an emulator limit\)/,
      );
    });
  });
});
