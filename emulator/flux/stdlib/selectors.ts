/**
 * Selectors keep whole rows: `first`, `last` (first/last non-null value of the column), `min`, `max`
 * (first row holding the extreme value). An empty table, or one with only nulls, stays empty.
 */
import { FluxError } from '../interpreter/errors';
import { builtin } from '../interpreter/functions';
import type { FluxFunction } from '../interpreter/values';
import { stream } from '../interpreter/values';
import type { Cell, ColumnType, Table } from '../table';
import { compareCells } from '../tables/compare';

/** Index of the selected row, or -1. */
export type Pick = (values: Cell[], type: ColumnType) => number;

/** The selectors `aggregateWindow` can compute window by window without building window tables. */
export const windowPickers = new Map<FluxFunction, Pick>();

/**
 * Which point of each storage series the selector can be computed from, given the column it selects on:
 * `first`/`last` pick the first/last row with a value in the column, and a series has a value in every row
 * of a column or in none (only `_time` and `_value` vary, and storage holds no nulls), so a series' first
 * or last row stands for it; `min`/`max` of `_time` pick a series' first/last row (times ascend, unique).
 */
type Reduction = (column: string, varying: ReadonlySet<string>) => 'first' | 'last' | undefined;

function selectorBuiltin(name: string, pick: Pick, reduction: Reduction) {
  const f = builtin({
    name,
    params: ['tables', 'column'],
    pipe: 'tables',
    run(args, site) {
      const column = args.string('column', '_value');
      let input = args.stream('tables');
      // Push-down: storage reads one point per series (a primary-key seek) instead of all of them.
      const only = input.reducible ? reduction(column, input.reducible.varying) : undefined;
      if (input.reducible && only) input = input.reducible.reduced(only);
      return stream(input.mapTables(name, site.loc, (t) => selectRow(t, column, pick)));
    },
  });
  windowPickers.set(f, pick);
  return f;
}

function selectRow(table: Table, column: string, pick: Pick): Table {
  const j = table.columns.findIndex((c) => c.label === column);
  if (j < 0) throw new FluxError(`column "${column}" does not exist`);
  const i = pick(
    table.rows.map((r) => r[j] ?? null),
    table.columns[j].type,
  );
  return { ...table, rows: i < 0 ? [] : [table.rows[i]] };
}

export const first = selectorBuiltin(
  'first',
  (values) => values.findIndex((v) => v !== null),
  () => 'first',
);

export const last = selectorBuiltin(
  'last',
  (values) => {
    for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null) return i;
    return -1;
  },
  () => 'last',
);

function extreme(name: string, better: (c: number) => boolean): Pick {
  return (values, type) => {
    // Flux's MinSelector/MaxSelector only implement numbers and times.
    if (type === 'boolean' || type === 'string')
      throw new FluxError(
        `invalid use of function: *universe.${name === 'min' ? 'Min' : 'Max'}Selector has no implementation for type ${type === 'boolean' ? 'bool' : 'string'}`,
      );
    let best = -1;
    values.forEach((v, i) => {
      if (v === null || (typeof v === 'number' && Number.isNaN(v))) return;
      if (best < 0 || better(compareCells(v, values[best]))) best = i;
    });
    return best;
  };
}

export const min = selectorBuiltin(
  'min',
  extreme('min', (c) => c < 0),
  (column, varying) => (column === '_time' && varying.has('_time') ? 'first' : undefined),
);
export const max = selectorBuiltin(
  'max',
  extreme('max', (c) => c > 0),
  (column, varying) => (column === '_time' && varying.has('_time') ? 'last' : undefined),
);
