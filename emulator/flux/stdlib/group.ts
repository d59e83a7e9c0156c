/**
 * `group(columns=[], mode="by")`: regroups rows across tables by the values of the key columns
 * (`by`: the listed columns a table has; `except`: all its other columns). Rows keep their order;
 * tables with different columns merge into the union of their columns, missing cells null. Output
 * tables are ordered by key value, as Flux's group lookup yields them.
 */
import { FluxError } from '../interpreter/errors';
import { builtin } from '../interpreter/functions';
import { stream } from '../interpreter/values';
import type { TableStream } from '../stream';
import type { Cell, Column, Table } from '../table';
import { makeTable } from '../tables/build';
import { compareCells } from '../tables/compare';
import { cellId } from '../tables/keys';

export const group = builtin({
  name: 'group',
  params: ['tables', 'columns', 'mode'],
  pipe: 'tables',
  run(args, site) {
    const columns = args.stringArray('columns', []);
    const mode = args.string('mode', 'by');
    if (mode !== 'by' && mode !== 'except') throw new FluxError(`mode must be "by" or "except", got "${mode}"`);
    const input = args.stream('tables');
    const apply = (s: TableStream) =>
      s.derive('group', site.loc, (data) => ({
        tables: groupTables(data.tables, columns, mode),
        bounds: data.bounds,
      }));
    // Grouping by columns constant within a storage series keeps each series' rows together and in order.
    return stream(
      input.carryReducible(apply(input), apply, (varying) => {
        const splits =
          mode === 'by' ? columns.some((c) => varying.has(c)) : [...varying].some((c) => !columns.includes(c));
        return splits ? undefined : varying;
      }),
    );
  },
});

interface Group {
  keyLabels: string[];
  keyCells: Cell[];
  columns: Column[];
  rows: { table: Table; row: Cell[] }[];
  order: number;
}

/** `extend` (experimental.group): each table's own key plus `columns`. */
export function groupTables(tables: Table[], columns: string[], mode: 'by' | 'except' | 'extend'): Table[] {
  const groups = new Map<string, Group>();
  for (const table of tables) {
    const keyLabels =
      mode === 'by'
        ? columns.filter((l) => table.columns.some((c) => c.label === l))
        : mode === 'extend'
          ? table.columns.map((c) => c.label).filter((l) => columns.includes(l) || table.keyColumns.includes(l))
          : table.columns.map((c) => c.label).filter((l) => !columns.includes(l));
    const keyIdx = keyLabels.map((l) => table.columns.findIndex((c) => c.label === l));
    const typeIds = keyIdx.map((j) => table.columns[j].type).join(',');
    const addRow = (row: Cell[] | undefined) => {
      const keyCells = keyIdx.map((j) => (row ? (row[j] ?? null) : null));
      const id = `${keyLabels.join(',')}|${typeIds}|${keyCells.map(cellId).join('\u0000')}`;
      let g = groups.get(id);
      if (!g) groups.set(id, (g = { keyLabels, keyCells, columns: [], rows: [], order: groups.size }));
      for (const c of table.columns) if (!g.columns.some((x) => x.label === c.label)) g.columns.push(c);
      if (row) g.rows.push({ table, row });
    };
    if (table.rows.length === 0 && keyLabels.every((l) => table.keyColumns.includes(l))) {
      // An empty table still exists as a group when its key values are known.
      const keyCells = keyLabels.map((l) => table.keyValues[table.keyColumns.indexOf(l)] ?? null);
      const id = `${keyLabels.join(',')}|${typeIds}|${keyCells.map(cellId).join('\u0000')}`;
      let g = groups.get(id);
      if (!g) groups.set(id, (g = { keyLabels, keyCells, columns: [], rows: [], order: groups.size }));
      for (const c of table.columns) if (!g.columns.some((x) => x.label === c.label)) g.columns.push(c);
    }
    for (const row of table.rows) addRow(row);
  }
  const sorted = [...groups.values()].sort((a, b) => compareKeys(a, b) || a.order - b.order);
  return sorted.map((g) => {
    const rows = g.rows.map(({ table, row }) => {
      const index = g.columns.map((c) => table.columns.findIndex((x) => x.label === c.label));
      return index.map((j) => (j < 0 ? null : (row[j] ?? null)));
    });
    return makeTable(
      g.columns,
      g.keyLabels,
      rows,
      new Map(g.keyLabels.map((l, k): [string, Cell] => [l, g.keyCells[k]])),
    );
  });
}

function compareKeys(a: Group, b: Group): number {
  const la = a.keyLabels.join(',');
  const lb = b.keyLabels.join(',');
  if (la !== lb) return la < lb ? -1 : 1;
  for (let k = 0; k < a.keyCells.length; k++) {
    const c = compareCells(a.keyCells[k], b.keyCells[k]);
    if (c !== 0) return c;
  }
  return 0;
}
