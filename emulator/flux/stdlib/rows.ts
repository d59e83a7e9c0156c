/**
 * Row-order transformations, each within a table: `sort`, `limit`, `tail`, and the value filters
 * `distinct` and `unique`; plus `keys` (the group-key labels of each table).
 */
import { FluxError } from '../interpreter/errors';
import { builtin } from '../interpreter/functions';
import { stream } from '../interpreter/values';
import type { Cell, Column, Table } from '../table';
import { keyMap, makeTable } from '../tables/build';
import { compareRows } from '../tables/compare';
import { cellId } from '../tables/keys';

export const sort = builtin({
  name: 'sort',
  params: ['tables', 'columns', 'desc'],
  pipe: 'tables',
  run(args, site) {
    const columns = args.stringArray('columns', ['_value']);
    const desc = args.bool('desc', false);
    return stream(
      args.stream('tables').mapTables('sort', site.loc, (t) => {
        const idx = columns.map((l) => t.columns.findIndex((c) => c.label === l)).filter((j) => j >= 0);
        const order = t.rows.map((_, i) => i);
        order.sort((a, b) => (desc ? -1 : 1) * compareRows(t.rows[a], t.rows[b], idx) || a - b);
        return { ...t, rows: order.map((i) => t.rows[i]) };
      }),
    );
  },
});

function nonNegative(n: bigint, name: string): number {
  if (n < 0n) throw new FluxError(`${name} must not be negative`);
  return Number(n);
}

export const limit = builtin({
  name: 'limit',
  params: ['tables', 'n', 'offset'],
  required: ['n'],
  pipe: 'tables',
  run(args, site) {
    const n = nonNegative(args.int('n'), 'n');
    const offset = nonNegative(args.int('offset', 0n), 'offset');
    return stream(
      args.stream('tables').mapTables('limit', site.loc, (t) => ({ ...t, rows: t.rows.slice(offset, offset + n) })),
    );
  },
});

export const tail = builtin({
  name: 'tail',
  params: ['tables', 'n', 'offset'],
  required: ['n'],
  pipe: 'tables',
  run(args, site) {
    const n = nonNegative(args.int('n'), 'n');
    const offset = nonNegative(args.int('offset', 0n), 'offset');
    return stream(
      args.stream('tables').mapTables('tail', site.loc, (t) => {
        const end = Math.max(t.rows.length - offset, 0);
        return { ...t, rows: t.rows.slice(Math.max(end - n, 0), end) };
      }),
    );
  },
});

function columnIndexOrFail(t: Table, label: string): number {
  const j = t.columns.findIndex((c) => c.label === label);
  if (j < 0) throw new FluxError(`column "${label}" does not exist`);
  return j;
}

/** The items whose cell (by `cellOf`) has not been seen before, in order. */
function firstOccurrences<T>(items: readonly T[], cellOf: (item: T) => Cell): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const id = cellId(cellOf(item));
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** The distinct values of a column as `_value`, beside the group-key columns (FLUX distinct.go). */
export const distinct = builtin({
  name: 'distinct',
  params: ['tables', 'column'],
  pipe: 'tables',
  run(args, site) {
    const column = args.string('column', '_value');
    return stream(
      args.stream('tables').mapTables('distinct', site.loc, (t) => {
        const j = columnIndexOrFail(t, column);
        const key = keyMap(t);
        const keyColumns = t.columns.filter((c) => key.has(c.label) && c.label !== '_value');
        const columns: Column[] = [...keyColumns, { label: '_value', type: t.columns[j].type }];
        const prefix = keyColumns.map((c) => key.get(c.label) ?? null);
        const values = key.has(column)
          ? t.rows.length > 0
            ? [key.get(column) ?? null]
            : []
          : t.rows.map((r) => r[j] ?? null);
        const rows = firstOccurrences(values, (v) => v).map((v): Cell[] => [...prefix, v]);
        key.delete('_value');
        return makeTable(columns, key.keys(), rows, key);
      }),
    );
  },
});

/** Rows holding the first occurrence of each value of a column. */
export const unique = builtin({
  name: 'unique',
  params: ['tables', 'column'],
  pipe: 'tables',
  run(args, site) {
    const column = args.string('column', '_value');
    return stream(
      args.stream('tables').mapTables('unique', site.loc, (t) => {
        const j = columnIndexOrFail(t, column);
        return { ...t, rows: firstOccurrences(t.rows, (r) => r[j] ?? null) };
      }),
    );
  },
});

/** One row per group-key column, its label in `column` (used by schema.tagKeys). */
export const keys = builtin({
  name: 'keys',
  params: ['tables', 'column'],
  pipe: 'tables',
  run(args, site) {
    const column = args.string('column', '_value');
    return stream(
      args.stream('tables').mapTables('keys', site.loc, (t) => {
        const key = keyMap(t);
        const keyColumns = t.columns.filter((c) => key.has(c.label) && c.label !== column);
        const prefix = keyColumns.map((c) => key.get(c.label) ?? null);
        const rows = t.keyColumns.map((label): Cell[] => [...prefix, label]);
        key.delete(column);
        return makeTable([...keyColumns, { label: column, type: 'string' }], key.keys(), rows, key);
      }),
    );
  },
});
