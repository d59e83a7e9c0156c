/**
 * `array.from(rows:)` (import "array", also "experimental/array"): an array of records as one table with an
 * empty group key, as Flux's stdlib/array builds it. Every record must have the same properties and types
 * (Flux's type checker demands it); a null cell takes its column's type from the other rows.
 */
import { columnTypeOf, valueToCell } from '../interpreter/cells';
import { FluxError } from '../interpreter/errors';
import { builtin } from '../interpreter/functions';
import type { Value } from '../interpreter/values';
import { array, stream, typeName } from '../interpreter/values';
import { isTrue } from '../interpreter/operators';
import { rowCaller } from './row-function';
import { TableStream } from '../stream';
import type { Column, ColumnType, Table } from '../table';
import { makeTable } from '../tables/build';

export const arrayFrom = builtin({
  name: 'array.from',
  params: ['rows'],
  pipe: 'rows',
  run(args) {
    const rows = args.value('rows');
    if (rows.type !== 'array') throw new FluxError(`argument rows must be an array of records, got ${typeName(rows)}`);
    const table = tableOfRecords(rows.value);
    return stream(new TableStream(() => ({ tables: [table] })));
  },
});

export function tableOfRecords(values: Value[]): Table {
  const records = values.map((v) => {
    if (v.type !== 'record') throw new FluxError(`rows must be records, got ${typeName(v)}`);
    return v.value;
  });
  if (records.length === 0) throw new FluxError('rows must be non-empty');
  const labels = [...records[0].keys()];
  const columns: Column[] = labels.map((label) => {
    let type: ColumnType | undefined;
    for (const rec of records) {
      const v = rec.get(label);
      if (v === undefined) throw new FluxError(`record is missing property "${label}"`);
      const t = v.type === 'null' ? v.column : columnTypeOf(v, `property "${label}"`);
      if (t && type && t !== type) throw new FluxError(`property "${label}" is ${type} in one row and ${t} in another`);
      type ??= t;
    }
    // All-null column: Flux needs a type from somewhere (debug.null(type:)), which the emulator has no syntax for.
    if (!type) throw new FluxError(`cannot infer the type of property "${label}": every value is null`);
    return { label, type };
  });
  const rows = records.map((rec) => {
    if (rec.size !== labels.length) throw new FluxError('every record in rows must have the same properties');
    return labels.map((label) => valueToCell(rec.get(label) ?? { type: 'null' }));
  });
  return makeTable(columns, [], rows);
}

/** `array.map(arr, fn: (x) => ...)`, `array.filter(arr, fn: (x) => bool)`, `array.concat(arr, v)` (FLUX stdlib/array). */
export const ARRAY_FUNCTIONS = {
  map: builtin({
    name: 'array.map',
    params: ['arr', 'fn'],
    required: ['fn'],
    pipe: 'arr',
    run(args, site) {
      const call = rowCaller(args.fn('fn'), 'x', site);
      return array(arrayArg(args.value('arr'), 'arr').map((x) => call(x)));
    },
  }),
  filter: builtin({
    name: 'array.filter',
    params: ['arr', 'fn'],
    required: ['fn'],
    pipe: 'arr',
    run(args, site) {
      const call = rowCaller(args.fn('fn'), 'x', site);
      return array(arrayArg(args.value('arr'), 'arr').filter((x) => isTrue(call(x), 'array.filter fn result')));
    },
  }),
  concat: builtin({
    name: 'array.concat',
    params: ['arr', 'v'],
    required: ['v'],
    pipe: 'arr',
    run(args) {
      return array([...arrayArg(args.value('arr'), 'arr'), ...arrayArg(args.value('v'), 'v')]);
    },
  }),
};

function arrayArg(v: Value, name: string): Value[] {
  if (v.type !== 'array') throw new FluxError(`argument ${name} must be an array, got ${typeName(v)}`);
  return v.value;
}
