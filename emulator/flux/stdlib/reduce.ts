/**
 * `reduce(fn: (r, accumulator) => ..., identity)` (FLUX stdlib/universe/reduce.go): folds each table's rows into
 * one record, starting from `identity`. The output row has the group key (a key column the record sets takes its
 * value) and the record's other properties sorted by label; a null property is Flux's error.
 */
import { compareStrings } from '../tables/compare';
import { columnTypeOf, rowRecord, valueToCell } from '../interpreter/cells';
import { FluxError } from '../interpreter/errors';
import { builtin, callFunction } from '../interpreter/functions';
import type { Value } from '../interpreter/values';
import { stream, typeName } from '../interpreter/values';
import type { Cell, Column } from '../table';
import { keyMap, makeTable } from '../tables/build';
import { keyId } from '../tables/keys';

export const reduce = builtin({
  name: 'reduce',
  params: ['tables', 'fn', 'identity'],
  required: ['fn', 'identity'],
  pipe: 'tables',
  run(args, site) {
    const fn = args.fn('fn');
    const identity = args.value('identity');
    if (identity.type !== 'record') throw new FluxError(`identity must be a record, got ${typeName(identity)}`);
    for (const p of fn.params)
      if (p.required && p.name !== 'r' && p.name !== 'accumulator')
        throw new FluxError(`the function passed as fn has a required parameter "${p.name}" that reduce cannot give`);
    const callSite = { name: fn.name, loc: site.loc, runtime: site.runtime };
    const seen = new Set<string>();
    return stream(
      args.stream('tables').mapTables('reduce', site.loc, (t) => {
        let accumulator: Value = identity;
        t.rows.forEach((_, i) => {
          accumulator = callFunction(
            fn,
            new Map([
              ['r', rowRecord(t, i)],
              ['accumulator', accumulator],
            ]),
            undefined,
            callSite,
          );
          if (accumulator.type !== 'record')
            throw new FluxError(`reduce fn must return a record, got ${typeName(accumulator)}`);
        });
        const fields = (accumulator as Extract<Value, { type: 'record' }>).value;
        const key = keyMap(t);
        const keyColumns: Column[] = [];
        for (const c of t.columns) {
          if (!t.keyColumns.includes(c.label)) continue;
          const v = fields.get(c.label);
          if (v === undefined) {
            keyColumns.push(c);
            continue;
          }
          const type = columnTypeOf(v, `reduce property "${c.label}"`);
          if (type !== c.type)
            throw new FluxError(`reduce property "${c.label}" changes the type of a group-key column: not supported`);
          key.set(c.label, valueToCell(v));
          keyColumns.push(c);
        }
        const labels = [...fields.keys()].filter((l) => !t.keyColumns.includes(l)).sort(compareStrings);
        const columns: Column[] = [...keyColumns];
        const row: Cell[] = keyColumns.map((c) => key.get(c.label) ?? null);
        for (const label of labels) {
          const v = fields.get(label) as Value;
          const type = columnTypeOf(v, `reduce property "${label}"`);
          if (!type) throw new FluxError(`null values are not supported for "${label}" in the reduce() function`);
          columns.push({ label, type });
          row.push(valueToCell(v));
        }
        const out = makeTable(columns, t.keyColumns, [row], key);
        const id = keyId(out);
        if (seen.has(id)) throw new FluxError('two reducers writing result to the same table');
        seen.add(id);
        return out;
      }),
    );
  },
});
