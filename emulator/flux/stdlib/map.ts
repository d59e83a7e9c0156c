/**
 * `map(fn)`, following FLUX stdlib/universe/map2.go: empty tables are dropped; output columns are the
 * record's properties sorted by label, typed by the first non-null value (a property null in every row takes
 * the input column's type);
 * group-key columns that survive stay in the key, and rows are regrouped if their values now differ.
 */
import { columnTypeOf, rowRecord, valueToCell } from '../interpreter/cells';
import { FluxError } from '../interpreter/errors';
import { builtin } from '../interpreter/functions';
import type { CallSite, FluxFunction, Value } from '../interpreter/values';
import { stream, typeName } from '../interpreter/values';
import type { Cell, Column, ColumnType, Table } from '../table';
import { compareRows } from '../tables/compare';
import { makeTable } from '../tables/build';
import { cellId } from '../tables/keys';
import { rowCaller } from './row-function';

export const map = builtin({
  name: 'map',
  params: ['tables', 'fn', 'mergeKey'],
  required: ['fn'],
  pipe: 'tables',
  run(args, site) {
    const fn = args.fn('fn');
    return stream(args.stream('tables').mapTables('map', site.loc, (t) => mapTable(t, fn, site), 'changesKeys'));
  },
});

function mapTable(table: Table, fn: FluxFunction, site: CallSite): Table[] {
  if (table.rows.length === 0) return [];
  const call = rowCaller(fn, 'r', site);
  const records: Map<string, Value>[] = table.rows.map((_, i) => {
    const out = call(rowRecord(table, i));
    if (out.type !== 'record') throw new FluxError(`map fn must return a record, got ${typeName(out)}`);
    return out.value;
  });
  const columns = outputColumns(table, records);
  const rows = records.map((rec, i) =>
    columns.map((c) => {
      const v = rec.get(c.label);
      if (!v || v.type === 'null') return null;
      const type = columnTypeOf(v, `map property "${c.label}"`);
      if (type !== c.type) {
        throw new FluxError(`map property "${c.label}" is ${c.type} in the first row but ${type} in row ${i}`);
      }
      return valueToCell(v);
    }),
  );
  const keyIndices = columns.flatMap((c, j) => (table.keyColumns.includes(c.label) ? [j] : []));
  return regroup(columns, keyIndices, rows);
}

function outputColumns(table: Table, records: Map<string, Value>[]): Column[] {
  const labels = [...records[0].keys()].sort();
  const columns: Column[] = [];
  for (const label of labels) {
    // Flux types the property statically; the first non-null value stands for that type (`int(v: r._value)`
    // is int even where it is null), and a property null in every row keeps the input column's type.
    let type: ColumnType | undefined;
    for (let i = 0; type === undefined && i < records.length; i++) {
      const v = records[i].get(label);
      if (v) type = columnTypeOf(v, `map property "${label}"`);
    }
    type ??= table.columns.find((c) => c.label === label)?.type;
    // A property that is null everywhere has no type: Flux leaves it out of the table.
    if (type) columns.push({ label, type });
  }
  return columns;
}

/** Splits rows whose surviving key columns differ into one table per key (sorted by those values). */
function regroup(columns: Column[], keyIndices: number[], rows: Cell[][]): Table[] {
  const keyLabels = keyIndices.map((j) => columns[j].label);
  const varying = keyIndices.filter((j) => rows.some((r) => cellId(r[j]) !== cellId(rows[0][j])));
  if (varying.length === 0) return [makeTable(columns, keyLabels, rows)];
  const order = rows.map((_, i) => i).sort((a, b) => compareRows(rows[a], rows[b], varying) || a - b);
  const tables: Table[] = [];
  let group: Cell[][] = [];
  let groupId = '';
  for (const i of order) {
    const id = varying.map((j) => cellId(rows[i][j])).join('\u0000');
    if (group.length > 0 && id !== groupId) {
      tables.push(makeTable(columns, keyLabels, group));
      group = [];
    }
    groupId = id;
    group.push(rows[i]);
  }
  if (group.length > 0) tables.push(makeTable(columns, keyLabels, group));
  return tables;
}
