/**
 * `holtWinters(n:, interval:, withFit:, column:, timeColumn:, seasonality:, withMinSSE:)` as Flux v0.196's
 * transformation (stdlib/universe/holt_winters.go): each table's values are put on a grid of `interval` (the first
 * value of each rounded interval, null where an interval has none), forecast `n` intervals past the last value
 * (forecast.ts), and each table becomes its group key, `_time`, `_value` (float) and, with `withMinSSE`, `minSSE`.
 */
import { FluxError } from '../../interpreter/errors';
import { builtin } from '../../interpreter/functions';
import { stream } from '../../interpreter/values';
import type { Cell, Column, Table } from '../../table';
import { makeTable } from '../../tables/build';
import { FLUX_TYPE } from '../../tables/merge';
import { FIT_BUDGET, FitBudgetExceeded, holtWinters as forecastSeries } from './forecast';
import { OptimizerError } from './nelder-mead';

/** The emulator's bounds on the grid and on the forecast (Flux has none): each holds a value per interval. */
const MAX_INTERVALS = 1_000_000;
const MAX_FORECAST = 100_000;

export const holtWinters = builtin({
  name: 'holtWinters',
  params: ['tables', 'n', 'interval', 'withFit', 'column', 'timeColumn', 'seasonality', 'withMinSSE'],
  required: ['n', 'interval'],
  pipe: 'tables',
  run(args, site) {
    const n = Number(args.int('n'));
    if (n > MAX_FORECAST) {
      throw new FluxError(`holtWinters: n is over ${MAX_FORECAST} (an emulator limit): forecast fewer intervals`);
    }
    const interval = args.duration('interval');
    if (interval.months !== 0n || interval.infinite || interval.nanoseconds <= 0n) {
      throw new FluxError('holtWinters: interval must be a positive duration of fixed length (no months)');
    }
    const options = {
      n,
      interval: interval.nanoseconds,
      withFit: args.bool('withFit', false),
      column: args.string('column', '_value'),
      timeColumn: args.string('timeColumn', '_time'),
      seasonality: Number(args.int('seasonality', 0n)),
      withMinSSE: args.bool('withMinSSE', false),
    };
    return stream(args.stream('tables').mapTables('holtWinters', site.loc, (t) => forecastTable(t, options)));
  },
});

interface Options {
  n: number;
  interval: bigint;
  withFit: boolean;
  column: string;
  timeColumn: string;
  seasonality: number;
  withMinSSE: boolean;
}

function forecastTable(t: Table, o: Options): Table {
  const timeIndex = t.columns.findIndex((c) => c.label === o.timeColumn);
  if (timeIndex < 0) throw new FluxError(`cannot find time column ${o.timeColumn}`);
  const valueIndex = t.columns.findIndex((c) => c.label === o.column);
  if (valueIndex < 0) throw new FluxError(`cannot find column ${o.column}`);
  const type = t.columns[valueIndex].type;
  if (type !== 'long' && type !== 'unsignedLong' && type !== 'double') {
    throw new FluxError(`holtWinters can work only on numerical types, got ${FLUX_TYPE[type]}`);
  }
  const { values, start, stop } = onGrid(t, timeIndex, valueIndex, o.interval);
  let result;
  try {
    result = forecastSeries(values, o.n, o.seasonality, o.withFit);
  } catch (e) {
    // Flux panics here; the emulator answers the query with the optimizer's error instead.
    if (e instanceof OptimizerError) throw new FluxError(`holtWinters: ${e.message}`);
    if (e instanceof FitBudgetExceeded) {
      throw new FluxError(
        `holtWinters: the fit walked more than ${FIT_BUDGET} values (an emulator limit): use fewer values, a longer interval or fewer seasons`,
      );
    }
    throw e;
  }
  const columns: Column[] = [
    ...t.keyColumns.map((label) => t.columns.find((c) => c.label === label) as Column),
    { label: '_time', type: 'dateTime:RFC3339' },
    { label: '_value', type: 'double' },
  ];
  if (o.withMinSSE) columns.push({ label: 'minSSE', type: 'double' });
  const clash = columns.find((c, i) => columns.findIndex((d) => d.label === c.label) !== i);
  if (clash) throw new FluxError(`holtWinters: the group key already has a column ${clash.label}`);
  let time = o.withFit ? start : stop + o.interval;
  const rows = result.values.map((value) => {
    const row: Cell[] = [...t.keyValues, time, value];
    if (o.withMinSSE) row.push(result.minSSE);
    time += o.interval;
    return row;
  });
  const key = new Map(t.keyColumns.map((label, k) => [label, t.keyValues[k]]));
  return makeTable(columns, t.keyColumns, rows, key);
}

/**
 * Flux's getCleanData: the first value of each interval (rows rounded into an interval already filled are
 * skipped), a null for each interval without one; leading null values are skipped. Also the first and last times.
 */
function onGrid(
  t: Table,
  timeIndex: number,
  valueIndex: number,
  interval: bigint,
): { values: Array<number | null>; start: bigint; stop: bigint } {
  const values: Array<number | null> = [];
  let start = 0n;
  let stop = 0n;
  let bucketEnd = -1n;
  const isFirst = () => bucketEnd === -1n;
  for (const row of t.rows) {
    const time = row[timeIndex];
    if (typeof time !== 'bigint') continue;
    const value = row[valueIndex];
    if (isFirst() && value === null) continue;
    const rounded = roundTime(time, interval);
    if (isFirst()) {
      start = time;
      bucketEnd = rounded;
      values.push(asFloat(value));
      continue;
    }
    if (rounded <= bucketEnd) continue;
    bucketEnd += interval;
    while (rounded > bucketEnd) {
      values.push(null);
      bucketEnd += interval;
      if (values.length > MAX_INTERVALS) {
        throw new FluxError(
          `holtWinters: more than ${MAX_INTERVALS} intervals of ${interval}ns between the first and last time (an emulator limit): use a longer interval`,
        );
      }
    }
    values.push(asFloat(value));
    stop = time;
  }
  return { values, start, stop };
}

function asFloat(value: Cell): number | null {
  if (value === null) return null;
  const float = Number(value);
  if (typeof value === 'number' && !Number.isFinite(float)) throw new FluxError('NaN/Inf in input');
  return float;
}

/** values.Time.Round: to the nearer multiple of the interval, halves up (Go's remainder keeps the sign). */
function roundTime(time: bigint, interval: bigint): bigint {
  const remainder = time % interval;
  const doubled = BigInt.asUintN(64, BigInt.asUintN(64, remainder) * 2n);
  return doubled < interval ? time - remainder : time + (interval - remainder);
}
