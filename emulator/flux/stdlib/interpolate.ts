/**
 * The `interpolate` package (FLUX stdlib/interpolate/linear.go): `interpolate.linear(every)` inserts, between each
 * two consecutive rows of a table, a row at every window boundary (`every` windows from the epoch) strictly before
 * the later row, its `_value` on the straight line between the two. Every column other than `_time` and `_value`
 * must be in the group key; `_value` must be a float, and a null `_time` or `_value` is an error, as upstream.
 */
import { FluxError } from '../interpreter/errors';
import { builtin } from '../interpreter/functions';
import { addDuration } from '../interpreter/time';
import type { Duration, FluxFunction } from '../interpreter/values';
import { stream } from '../interpreter/values';
import type { Cell, Table } from '../table';
import { columnIndex } from '../table';
import { makeTable } from '../tables/build';
import { Windower } from './windows';

const ZERO: Duration = { months: 0n, nanoseconds: 0n };

const linear = builtin({
  name: 'interpolate.linear',
  params: ['tables', 'every'],
  required: ['every'],
  pipe: 'tables',
  run(args, site) {
    const every = args.duration('every');
    const windows = new Windower(every, every, ZERO);
    return stream(
      args.stream('tables').mapTables('interpolate.linear', site.loc, (t) => interpolate(t, every, windows)),
    );
  },
});

function interpolate(table: Table, every: Duration, windows: Windower): Table {
  for (const c of table.columns) {
    if (!table.keyColumns.includes(c.label) && c.label !== '_time' && c.label !== '_value')
      throw new FluxError(`interpolate.linear requires column "${c.label}" to be in group key`);
  }
  const ti = columnIndex(table, '_time');
  if (ti < 0) throw new FluxError('_time column does not exist');
  const vi = columnIndex(table, '_value');
  if (vi < 0) throw new FluxError('_value column does not exist');
  if (table.columns[vi].type !== 'double')
    throw new FluxError(`cannot interpolate ${table.columns[vi].type} values; expected float values`);
  const template = table.columns.map((c) => {
    const k = table.keyColumns.indexOf(c.label);
    return k < 0 ? null : table.keyValues[k];
  });
  const row = (t: bigint, v: number): Cell[] => {
    const out = [...template];
    out[ti] = t;
    out[vi] = v;
    return out;
  };
  const rows: Cell[][] = [];
  let previous: { t: bigint; v: number } | undefined;
  for (const r of table.rows) {
    const t = r[ti];
    if (typeof t !== 'bigint') throw new FluxError('null _time found during linear interpolation');
    const v = r[vi];
    if (typeof v !== 'number') throw new FluxError('null _value found during linear interpolation');
    if (previous) {
      const slope = (v - previous.v) / Number(t - previous.t);
      const earliest = windows.containing(previous.t).at(-1);
      for (let at = earliest ? earliest.stop : t; at < t; at = addDuration(at, every))
        rows.push(row(at, previous.v + slope * Number(at - previous.t)));
    }
    rows.push(row(t, v));
    previous = { t, v };
  }
  return makeTable(
    table.columns,
    table.keyColumns,
    rows,
    new Map(table.keyColumns.map((k, i) => [k, table.keyValues[i]])),
  );
}

export const INTERPOLATE: Record<string, FluxFunction> = { linear };
