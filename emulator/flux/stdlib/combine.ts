/**
 * `union(tables: [...])`: the tables of several streams as one stream; tables with the same group key
 * become one, over the union of their columns (missing cells null). And `columns()`: the column labels
 * of each table.
 */
import { FluxError } from '../interpreter/errors';
import { builtin } from '../interpreter/functions';
import { stream, typeName } from '../interpreter/values';
import { TableStream } from '../stream';
import type { Cell, Column, Table } from '../table';
import { keyMap, makeTable } from '../tables/build';
import { keyId } from '../tables/keys';
import { FLUX_TYPE } from '../tables/merge';

export const union = builtin({
  name: 'union',
  params: ['tables'],
  required: ['tables'],
  run(args) {
    const list = args.value('tables');
    if (list.type !== 'array' || list.value.length < 2)
      throw new FluxError('union needs an array of at least two streams in tables');
    const streams = list.value.map((v) => {
      if (v.type !== 'stream') throw new FluxError(`union tables must be streams, got ${typeName(v)}`);
      return v.value;
    });
    return stream(new TableStream(() => ({ tables: mergeByKey(streams.flatMap((s) => s.data().tables)) })));
  },
});

function mergeByKey(tables: Table[]): Table[] {
  const groups = new Map<string, Table[]>();
  for (const t of tables) {
    const id = keyId(t);
    const g = groups.get(id);
    if (g) g.push(t);
    else groups.set(id, [t]);
  }
  return [...groups.values()].map((g) => {
    if (g.length === 1) return g[0];
    const columns: Column[] = [];
    for (const t of g) {
      for (const c of t.columns) {
        const known = columns.find((x) => x.label === c.label);
        if (!known) columns.push(c);
        else if (known.type !== c.type)
          throw new FluxError(`union: column "${c.label}" is both ${FLUX_TYPE[known.type]} and ${FLUX_TYPE[c.type]}`);
      }
    }
    const rows = g.flatMap((t) => {
      const index = columns.map((c) => t.columns.findIndex((x) => x.label === c.label));
      return t.rows.map((r) => index.map((j): Cell => (j < 0 ? null : (r[j] ?? null))));
    });
    return makeTable(columns, g[0].keyColumns, rows, keyMap(g[0]));
  });
}

export const columns = builtin({
  name: 'columns',
  params: ['tables', 'column'],
  pipe: 'tables',
  run(args, site) {
    const column = args.string('column', '_value');
    return stream(
      args.stream('tables').mapTables('columns', site.loc, (t) => {
        const key = keyMap(t);
        const keyColumns = t.columns.filter((c) => key.has(c.label) && c.label !== column);
        const prefix = keyColumns.map((c) => key.get(c.label) ?? null);
        const rows = t.columns.map((c): Cell[] => [...prefix, c.label]);
        key.delete(column);
        return makeTable([...keyColumns, { label: column, type: 'string' }], key.keys(), rows, key);
      }),
    );
  },
});
