/**
 * `integral` (FLUX stdlib/universe/integral.go): the area under the column by the trapezoidal rule, in `unit`s,
 * one row per table (key columns and the column as float). With `interpolate: "linear"` the first and last
 * segments are extended to the table's `_start` and `_stop`. `timeWeightedAvg` is composed on it (prelude.ts).
 */
import { FluxError } from '../interpreter/errors';
import { builtin } from '../interpreter/functions';
import { stream } from '../interpreter/values';
import type { Table } from '../table';
import { keyMap, makeTable } from '../tables/build';
import { fixedPositiveNanoseconds } from './units';

export const integral = builtin({
  name: 'integral',
  params: ['tables', 'unit', 'timeColumn', 'column', 'interpolate'],
  pipe: 'tables',
  run(args, site) {
    const unit = Number(
      fixedPositiveNanoseconds(args.duration('unit', { months: 0n, nanoseconds: 1_000_000_000n }), 'integral unit'),
    );
    const timeColumn = args.string('timeColumn', '_time');
    const column = args.string('column', '_value');
    const interpolate = args.string('interpolate', '') === 'linear';
    return stream(
      args
        .stream('tables')
        .mapTables('integral', site.loc, (t) => integrate(t, { unit, timeColumn, column, interpolate })),
    );
  },
});

interface Options {
  unit: number;
  timeColumn: string;
  column: string;
  interpolate: boolean;
}

function integrate(t: Table, o: Options): Table {
  const key = keyMap(t);
  const start = key.get('_start');
  const stop = key.get('_stop');
  if (typeof start !== 'bigint') throw new FluxError('integral function needs _start column to be part of group key');
  if (typeof stop !== 'bigint') throw new FluxError('integral function needs _stop column to be part of group key');
  const j = t.columns.findIndex((c) => c.label === o.column);
  if (j < 0) throw new FluxError(`column "${o.column}" does not exist`);
  if (t.keyColumns.includes(o.column)) throw new FluxError('cannot aggregate columns that are part of the group key');
  const type = t.columns[j].type;
  if (type !== 'double' && type !== 'long' && type !== 'unsignedLong')
    throw new FluxError(`cannot perform integral over ${type}`);
  const ti = t.columns.findIndex((c) => c.label === o.timeColumn);
  if (ti < 0) throw new FluxError(`no column "${o.timeColumn}" exists`);
  if (t.rows.some((r) => r[ti] === null)) throw new FluxError('integral found null time in time column');

  const ts: bigint[] = [];
  const vs: number[] = [];
  let sum = 0;
  let previous = 0n;
  t.rows.forEach((r, i) => {
    const tm = r[ti] as bigint;
    // As Flux: the previous time starts at 0 (the epoch), and a repeated time keeps the first row's value.
    if (previous > tm) throw new FluxError('integral found out-of-order times in time column');
    if (previous === tm && i !== 0) return;
    previous = tm;
    const cell = r[j];
    if (cell === null) return;
    const v = Number(cell);
    const n = ts.length;
    if (n > 0) sum += (0.5 * (v + vs[n - 1]) * Number(tm - ts[n - 1])) / o.unit;
    ts.push(tm);
    vs.push(v);
    if (n === 1 && o.interpolate && start < ts[0]) {
      const m = (vs[1] - vs[0]) / Number(ts[1] - ts[0]);
      const y = vs[0] - m * Number(ts[0] - start);
      sum += (0.5 * (y + vs[0]) * Number(ts[0] - start)) / o.unit;
    }
  });
  let value: number;
  if (ts.length === 0) value = 0;
  else if (ts.length === 1) value = o.interpolate ? (vs[0] * Number(stop - start)) / o.unit : 0;
  else {
    value = sum;
    if (o.interpolate) {
      const n = ts.length;
      const m = (vs[n - 1] - vs[n - 2]) / Number(ts[n - 1] - ts[n - 2]);
      const y = vs[n - 1] + m * Number(stop - ts[n - 1]);
      value += (0.5 * (y + vs[n - 1]) * Number(stop - ts[n - 1])) / o.unit;
    }
  }
  const keyCols = t.columns.filter((c) => t.keyColumns.includes(c.label));
  return makeTable(
    [...keyCols, { label: o.column, type: 'double' }],
    t.keyColumns,
    [[...keyCols.map((c) => key.get(c.label) ?? null), value]],
    key,
  );
}
