/**
 * `keyValues(keyColumns)` (FLUX stdlib/universe/key_values.go): per table, the distinct values of the listed
 * columns as rows of `_key` (the column's name) and `_value`, after the group key, in order of first appearance
 * (row by row, column by column). Nulls are one distinct value across all the columns, as in Flux.
 */
import { FluxError } from '../interpreter/errors';
import { builtin } from '../interpreter/functions';
import { stream } from '../interpreter/values';
import type { Cell, Column, ColumnType } from '../table';
import { keyMap, makeTable } from '../tables/build';
import { cellId } from '../tables/keys';

export const keyValues = builtin({
  name: 'keyValues',
  params: ['tables', 'keyColumns', 'fn'],
  pipe: 'tables',
  run(args, site) {
    if (args.has('fn')) {
      if (args.has('keyColumns'))
        throw new FluxError('must provide exactly one of keyColumns list or predicate function');
      throw new FluxError('keyValues with a predicate function (fn) is not supported by the emulator');
    }
    if (!args.has('keyColumns')) throw new FluxError('neither column list nor predicate function provided');
    const keyColumns = args.stringArray('keyColumns');
    return stream(
      args.stream('tables').mapTables('keyValues', site.loc, (t) => {
        const found = keyColumns.flatMap((label) => {
          const j = t.columns.findIndex((c) => c.label === label);
          return j < 0 ? [] : [{ label, j, type: t.columns[j].type }];
        });
        if (found.length === 0)
          throw new FluxError(
            `received table with columns [${t.columns.map((c) => c.label).join(' ')}] not having key columns [${keyColumns.join(' ')}]`,
          );
        const type: ColumnType = found[found.length - 1].type;
        if (found.some((f) => f.type !== type)) throw new FluxError('keyColumns must all be the same type');
        const key = keyMap(t);
        const groupColumns = t.columns.filter((c) => t.keyColumns.includes(c.label));
        const prefix = groupColumns.map((c) => key.get(c.label) ?? null);
        const seen = new Set<string>();
        let seenNull = false;
        const rows: Cell[][] = [];
        for (const r of t.rows) {
          for (const f of found) {
            const cell = r[f.j] ?? null;
            if (cell === null) {
              if (seenNull) continue;
              seenNull = true;
            } else {
              const id = `${f.label}\u0000${cellId(cell)}`;
              if (seen.has(id)) continue;
              seen.add(id);
            }
            rows.push([...prefix, f.label, cell]);
          }
        }
        const columns: Column[] = [...groupColumns, { label: '_key', type: 'string' }, { label: '_value', type }];
        return makeTable(columns, t.keyColumns, rows, key);
      }),
    );
  },
});
