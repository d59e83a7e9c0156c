/**
 * Extracting values from a stream (FLUX stdlib/universe/table_fns.go): `tableFind` runs the stream and gives its
 * first table whose group key satisfies `fn`; `getColumn` and `getRecord` read that table; `findColumn` and
 * `findRecord` do both, giving `[]` / `{}` when no table (or row, or column) matches. A table value is a stream of
 * that one table, remembered here so that only tableFind's results are accepted where Flux wants a table.
 */
import { cellToValue, rowRecord } from '../interpreter/cells';
import { FluxError } from '../interpreter/errors';
import { builtin } from '../interpreter/functions';
import { isTrue } from '../interpreter/operators';
import type { CallSite, FluxFunction, Value } from '../interpreter/values';
import { array, record, stream, typeName } from '../interpreter/values';
import { TableStream } from '../stream';
import type { Table } from '../table';
import { keyMap } from '../tables/build';
import { rowCaller } from './row-function';

const tableValues = new WeakMap<TableStream, Table>();

function keyRecord(t: Table): Value {
  const key = keyMap(t);
  const fields = new Map<string, Value>();
  for (const c of t.columns)
    if (t.keyColumns.includes(c.label)) fields.set(c.label, cellToValue(key.get(c.label) ?? null, c.type));
  return record(fields);
}

function find(input: TableStream, fn: FluxFunction, site: CallSite): Table | undefined {
  const predicate = rowCaller(fn, 'key', site);
  return input.data().tables.find((t) => isTrue(predicate(keyRecord(t)), 'tableFind fn result'));
}

function tableArgument(v: Value): Table {
  const t = v.type === 'stream' ? tableValues.get(v.value) : undefined;
  if (!t) throw new FluxError(`unexpected type for table: want table, got ${typeName(v)}`);
  return t;
}

function column(t: Table, label: string): Value | undefined {
  const j = t.columns.findIndex((c) => c.label === label);
  if (j < 0) return undefined;
  return array(t.rows.map((r) => cellToValue(r[j] ?? null, t.columns[j].type)));
}

export const tableFind = builtin({
  name: 'tableFind',
  params: ['tables', 'fn'],
  required: ['fn'],
  pipe: 'tables',
  run(args, site) {
    const t = find(args.stream('tables'), args.fn('fn'), site);
    if (!t) throw new FluxError('no table found');
    const value = new TableStream(() => ({ tables: [t] }));
    tableValues.set(value, t);
    return stream(value);
  },
});

export const getColumn = builtin({
  name: 'getColumn',
  params: ['table', 'column'],
  required: ['column'],
  pipe: 'table',
  run(args) {
    const label = args.string('column');
    const values = column(tableArgument(args.value('table')), label);
    if (!values) throw new FluxError(`cannot find column ${label}`);
    return values;
  },
});

export const getRecord = builtin({
  name: 'getRecord',
  params: ['table', 'idx'],
  required: ['idx'],
  pipe: 'table',
  run(args) {
    const t = tableArgument(args.value('table'));
    const idx = args.int('idx');
    if (idx < 0n || idx >= BigInt(t.rows.length)) throw new FluxError(`index out of bounds: ${idx}`);
    return rowRecord(t, Number(idx));
  },
});

export const findColumn = builtin({
  name: 'findColumn',
  params: ['tables', 'fn', 'column'],
  required: ['fn', 'column'],
  pipe: 'tables',
  run(args, site) {
    const label = args.string('column');
    const t = find(args.stream('tables'), args.fn('fn'), site);
    return (t && column(t, label)) ?? array([]);
  },
});

export const findRecord = builtin({
  name: 'findRecord',
  params: ['tables', 'fn', 'idx'],
  required: ['fn', 'idx'],
  pipe: 'tables',
  run(args, site) {
    const idx = args.int('idx');
    const t = find(args.stream('tables'), args.fn('fn'), site);
    if (!t || idx < 0n || idx >= BigInt(t.rows.length)) return record(new Map());
    return rowRecord(t, Number(idx));
  },
});
