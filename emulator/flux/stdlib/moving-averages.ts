/**
 * `movingAverage`, `exponentialMovingAverage` and `tripleExponentialDerivative` (FLUX stdlib/universe
 * moving_average.go, triple_exponential_derivative.go and internal/moving_average). For the first two the `_value`
 * column becomes a float average over the last n rows; the first n-1 rows are dropped, and a table shorter than n
 * gives one row (its last row, with the average of what it has).
 * `timedMovingAverage`, `doubleEMA` and `tripleEMA` are composed in Flux (prelude.ts).
 */
import { FluxError } from '../interpreter/errors';
import { builtin } from '../interpreter/functions';
import { stream } from '../interpreter/values';
import type { Cell, Column, Table } from '../table';
import { keyMap, makeTable } from '../tables/build';
import { FLUX_TYPE } from '../tables/merge';

function positiveN(n: bigint): number {
  if (n <= 0n) throw new FluxError(`cannot take moving average with a period of ${n} (must be greater than 0)`);
  return Number(n);
}

/** The `_value` column as numbers (null stays null), and the table's columns with `_value` made float. */
function valueColumn(t: Table, fn: string): { j: number; values: (number | null)[]; columns: Column[] } {
  const j = t.columns.findIndex((c) => c.label === '_value');
  if (j < 0) throw new FluxError('cannot find _value column');
  const type = t.columns[j].type;
  if (type !== 'double' && type !== 'long' && type !== 'unsignedLong')
    throw new FluxError(`cannot take ${fn} of column _value (type ${FLUX_TYPE[type]})`);
  const columns = t.columns.map((c, k) => (k === j ? { label: c.label, type: 'double' as const } : c));
  return { j, values: t.rows.map((r) => (r[j] === null || r[j] === undefined ? null : Number(r[j]))), columns };
}

export const movingAverage = builtin({
  name: 'movingAverage',
  params: ['tables', 'n'],
  required: ['n'],
  pipe: 'tables',
  run(args, site) {
    const n = positiveN(args.int('n'));
    return stream(
      args.stream('tables').mapTables('movingAverage', site.loc, (t) => {
        const { j, values, columns } = valueColumn(t, 'moving average');
        // A ring buffer summed in slot order, as Flux sums it (float addition is not associative).
        const data = new Array<number>(n).fill(0);
        const present = new Array<boolean>(n).fill(false);
        let index = 0;
        const average = (): number | null => {
          let sum = 0;
          let count = 0;
          for (let k = 0; k < n; k++)
            if (present[k]) {
              sum += data[k];
              count++;
            }
          return count === 0 ? null : sum / count;
        };
        const rows: Cell[][] = [];
        values.forEach((v, i) => {
          present[index] = v !== null;
          if (v !== null) data[index] = v;
          index = (index + 1) % n;
          if (i >= n - 1) {
            const out = t.rows[i].slice();
            out[j] = average();
            rows.push(out);
          }
        });
        if (t.rows.length > 0 && t.rows.length < n) {
          const out = t.rows[t.rows.length - 1].slice();
          out[j] = average();
          rows.push(out);
        }
        return makeTable(columns, t.keyColumns, rows, keyMap(t));
      }),
    );
  },
});

export const exponentialMovingAverage = builtin({
  name: 'exponentialMovingAverage',
  params: ['tables', 'n'],
  required: ['n'],
  pipe: 'tables',
  run(args, site) {
    const n = positiveN(args.int('n'));
    return stream(
      args.stream('tables').mapTables('exponentialMovingAverage', site.loc, (t) => {
        const { j, values, columns } = valueColumn(t, 'exponential moving average');
        // Flux gives an empty table one row of nulls, key columns included; the emulator does not invent that row.
        if (t.rows.length === 0)
          throw new FluxError('exponential moving average of an empty table is not supported by the emulator');
        const rows: Cell[][] = [];
        if (t.rows.length < n) {
          // One row, the last, with the mean of what there is.
          const present = values.filter((v): v is number => v !== null);
          const out = t.rows[t.rows.length - 1].slice();
          out[j] = present.length === 0 ? null : present.reduce((sum, v) => sum + v, 0) / present.length;
          rows.push(out);
        } else {
          // The averages start at the nth row.
          emaSeries(values, n).forEach((ema, k) => {
            const out = t.rows[n - 1 + k].slice();
            out[j] = ema;
            rows.push(out);
          });
        }
        return makeTable(columns, t.keyColumns, rows, keyMap(t));
      }),
    );
  },
});

/**
 * Flux's internal/moving_average ExponentialMovingAverage.DoNumeric into a list: nothing until n values were
 * seen, then the mean of the non-null ones among the first n, then one EMA per value (a null repeats the last).
 */
function emaSeries(values: (number | null)[], n: number): (number | null)[] {
  const multiplier = 2 / (n + 1);
  const out: (number | null)[] = [];
  let value = 0;
  let count = 0;
  let j = 0;
  for (; j < n && j < values.length; j++) {
    const v = values[j];
    if (v !== null) {
      value += v;
      count++;
    }
  }
  if (j === n) {
    if (count !== 0) value /= count;
    out.push(count === 0 ? null : value);
  }
  for (; j < values.length; j++) {
    const v = values[j];
    if (v === null) {
      out.push(count === 0 ? null : value);
      continue;
    }
    if (count === 0) {
      value = v;
      count++;
    } else value = v * multiplier + value * (1.0 - multiplier);
    out.push(value);
  }
  return out;
}

/**
 * `tripleExponentialDerivative` (TRIX; FLUX stdlib/universe/triple_exponential_derivative.go): the percent change
 * between consecutive values of the EMA of the EMA of the EMA of `_value`, on the rows from the (3n-1)th on.
 * A table of fewer than 3n-3 rows gives one row, its last, with a null `_value`; one of 3n-2 rows gives none.
 */
export const tripleExponentialDerivative = builtin({
  name: 'tripleExponentialDerivative',
  params: ['tables', 'n'],
  required: ['n'],
  pipe: 'tables',
  run(args, site) {
    const nArg = args.int('n');
    if (nArg <= 0n)
      throw new FluxError(
        `cannot take triple exponential derivative with a period of ${nArg} (must be greater than 0)`,
      );
    const n = Number(nArg);
    const skipped = 3 * n - 2;
    return stream(
      args.stream('tables').mapTables('tripleExponentialDerivative', site.loc, (t) => {
        const { j, values, columns } = valueColumn(t, 'exponential moving average');
        const rows = t.rows;
        // The shapes below are where Flux's table builder ends up with columns of different lengths.
        if (rows.length === 0)
          throw new FluxError('triple exponential derivative of an empty table is not supported by the emulator');
        if (rows.length === skipped - 1)
          throw new FluxError(
            `triple exponential derivative of a table of exactly 3n-3 (${skipped - 1}) rows is not supported by the emulator`,
          );
        if (rows.length < skipped) {
          const last = rows[rows.length - 1].slice();
          last[j] = null;
          return makeTable(columns, t.keyColumns, [last], keyMap(t));
        }
        const numeric = t.columns.find(
          (c, k) => k !== j && (c.type === 'double' || c.type === 'long' || c.type === 'unsignedLong'),
        );
        if (numeric && rows.length > skipped)
          throw new FluxError(
            `triple exponential derivative of a table with a numeric column besides _value (${numeric.label}) is not supported by the emulator`,
          );
        const third = emaSeries(emaSeries(emaSeries(values, n), n), n);
        const out: Cell[][] = [];
        for (let i = 1; i < third.length; i++) {
          const row = rows[skipped + i - 1].slice();
          const [now, before] = [third[i], third[i - 1]];
          row[j] = now === null || before === null ? null : (now / before - 1) * 100;
          out.push(row);
        }
        return makeTable(columns, t.keyColumns, out, keyMap(t));
      }),
    );
  },
});
