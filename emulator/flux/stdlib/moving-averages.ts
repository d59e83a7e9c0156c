/**
 * `movingAverage` and `exponentialMovingAverage` (FLUX stdlib/universe/moving_average.go and
 * internal/moving_average): the `_value` column becomes a float average over the last n rows; the first n-1 rows
 * are dropped, and a table shorter than n gives one row (its last row, with the average of what it has).
 * `timedMovingAverage`, `doubleEMA` and `tripleEMA` are composed in Flux (prelude.ts).
 */
import { FluxError } from '../interpreter/errors';
import { builtin } from '../interpreter/functions';
import { stream } from '../interpreter/values';
import type { Cell, Column, Table } from '../table';
import { keyMap, makeTable } from '../tables/build';

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
    throw new FluxError(`cannot take ${fn} of column _value (type ${type})`);
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
    const multiplier = 2 / (n + 1);
    return stream(
      args.stream('tables').mapTables('exponentialMovingAverage', site.loc, (t) => {
        const { j, values, columns } = valueColumn(t, 'exponential moving average');
        // Flux gives an empty table one row of nulls, key columns included; the emulator does not invent that row.
        if (t.rows.length === 0)
          throw new FluxError('exponential moving average of an empty table is not supported by the emulator');
        let value = 0;
        let count = 0;
        const rows: Cell[][] = [];
        values.forEach((v, i) => {
          if (i < n) {
            if (v !== null) {
              value += v;
              count++;
            }
            if (i === n - 1) {
              if (count !== 0) value /= count;
              const out = t.rows[i].slice();
              out[j] = count === 0 ? null : value;
              rows.push(out);
            }
            return;
          }
          const out = t.rows[i].slice();
          if (v === null) out[j] = count === 0 ? null : value;
          else {
            let ema: number;
            if (count === 0) {
              ema = v;
              count++;
            } else ema = v * multiplier + value * (1.0 - multiplier);
            value = ema;
            out[j] = ema;
          }
          rows.push(out);
        });
        if (t.rows.length < n) {
          const out = t.rows[t.rows.length - 1].slice();
          out[j] = count === 0 ? null : value / count;
          rows.push(out);
        }
        return makeTable(columns, t.keyColumns, rows, keyMap(t));
      }),
    );
  },
});
