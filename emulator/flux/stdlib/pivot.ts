/**
 * `pivot(rowKey, columnKey, valueColumn)` (FLUX stdlib/universe/pivot.go): keeps the group-key columns
 * that are not in the column key and the row-key columns, in their order, then adds one column per
 * distinct column-key value (joined with `_`, in order of first appearance); one row per row-key value,
 * sorted by it. Tables whose new group keys are equal are merged. Missing cells are null.
 */
import { FluxError } from '../interpreter/errors';
import { builtin } from '../interpreter/functions';
import { stream } from '../interpreter/values';
import { formatFloat, formatTime } from '../csv/encode';
import type { Cell, Column, ColumnType, Table } from '../table';
import { keyMap, makeTable } from '../tables/build';
import { compareRows } from '../tables/compare';
import { cellId, keyId } from '../tables/keys';
import { TableStream } from '../stream';
import { fieldsAsColsRead, isFieldsAsCols } from './pivot-pushdown';

export const pivot = builtin({
  name: 'pivot',
  params: ['tables', 'rowKey', 'columnKey', 'valueColumn'],
  required: ['rowKey', 'columnKey', 'valueColumn'],
  pipe: 'tables',
  run(args, site) {
    const rowKey = args.stringArray('rowKey');
    const columnKey = args.stringArray('columnKey');
    const valueColumn = args.string('valueColumn');
    for (const c of columnKey)
      if (rowKey.includes(c)) throw new FluxError(`column name found in both rowKey and colKey: ${c}`);
    const input = args.stream('tables');
    const pushed = isFieldsAsCols(rowKey, columnKey, valueColumn) ? fieldsAsColsRead(input, site.runtime) : undefined;
    if (pushed) return stream(new TableStream(pushed));
    return stream(
      input.derive('pivot', site.loc, (data) => ({
        tables: pivotTables(data.tables, rowKey, columnKey, valueColumn),
        bounds: data.bounds,
      })),
    );
  },
});

interface Builder {
  columns: Column[];
  keyLabels: string[];
  keyValues: Map<string, Cell>;
  /** Row-key id (the cell itself for one row-key column) -> row (kept columns, then pivoted columns). */
  rows: Map<Cell | string, Cell[]>;
  pivoted: Map<string, number>;
}

function pivotTables(tables: Table[], rowKey: string[], columnKey: string[], valueColumn: string): Table[] {
  const builders = new Map<string, Builder>();
  for (const table of tables) {
    const index = (label: string) => {
      const j = table.columns.findIndex((c) => c.label === label);
      if (j < 0) throw new FluxError(`specified column does not exist in table: ${label}`);
      return j;
    };
    const rowIdx = rowKey.map(index);
    const colIdx = columnKey.map(index);
    const valueIdx = index(valueColumn);
    const valueType = table.columns[valueIdx].type;
    const kept: number[] = [];
    table.columns.forEach((c, j) => {
      if (columnKey.includes(c.label) || c.label === valueColumn) return;
      if (table.keyColumns.includes(c.label) || rowKey.includes(c.label)) kept.push(j);
    });
    const keyLabels = kept.map((j) => table.columns[j].label).filter((l) => table.keyColumns.includes(l));
    const oldKey = keyMap(table);
    const keyValues = new Map(keyLabels.map((l): [string, Cell] => [l, oldKey.get(l) ?? null]));
    const probe = makeTable(
      kept.map((j) => table.columns[j]),
      keyLabels,
      [],
      keyValues,
    );
    const id = keyId(probe);
    let b = builders.get(id);
    if (!b) {
      b = { columns: probe.columns.slice(), keyLabels, keyValues, rows: new Map(), pivoted: new Map() };
      builders.set(id, b);
    }
    // Column-key values in the group key (as `_field` of a storage read) name one column for the whole table.
    const constantName =
      table.rows.length > 0 && columnKey.every((c) => table.keyColumns.includes(c))
        ? columnName(table.rows[0], colIdx, table)
        : undefined;
    // One row-key column: its cells are the map keys (Map's SameValueZero is cellId's equality within a type).
    const singleRowKey = rowIdx.length === 1 ? rowIdx[0] : -1;
    for (const r of table.rows) {
      const name = constantName ?? columnName(r, colIdx, table);
      let at = b.pivoted.get(name);
      if (at === undefined) {
        at = b.columns.length;
        b.columns.push({ label: name, type: valueType });
        b.pivoted.set(name, at);
        for (const row of b.rows.values()) row.push(null);
      } else if (b.columns[at].type !== valueType) {
        throw new FluxError(`pivoted column "${name}" would be both ${b.columns[at].type} and ${valueType}`);
      }
      const rid: Cell | string =
        singleRowKey >= 0 ? (r[singleRowKey] ?? null) : rowIdx.map((j) => cellId(r[j] ?? null)).join('\u0000');
      let row = b.rows.get(rid);
      if (!row) {
        row = [...kept.map((j) => r[j] ?? null), ...new Array<Cell>(b.columns.length - kept.length).fill(null)];
        b.rows.set(rid, row);
      }
      row[at] = r[valueIdx] ?? null;
    }
  }
  return [...builders.values()].map((b) => {
    const sortIdx = rowKey.map((l) => b.columns.findIndex((c) => c.label === l));
    const rows = [...b.rows.values()];
    // Rows of one storage series come in time order: sort only when they are not already.
    if (!isSorted(rows, sortIdx)) rows.sort((x, y) => compareRows(x, y, sortIdx));
    return makeTable(b.columns, b.keyLabels, rows, b.keyValues);
  });
}

function columnName(r: Cell[], colIdx: number[], table: Table): string {
  if (colIdx.length === 1) return columnKeyText(r[colIdx[0]] ?? null, table.columns[colIdx[0]].type);
  return colIdx.map((j) => columnKeyText(r[j] ?? null, table.columns[j].type)).join('_');
}

function isSorted(rows: Cell[][], indices: number[]): boolean {
  for (let i = 1; i < rows.length; i++) if (compareRows(rows[i - 1], rows[i], indices) > 0) return false;
  return true;
}

/** How a column-key value names its column (Go's formatting of the value; null is "null"). */
function columnKeyText(cell: Cell, type: ColumnType): string {
  if (cell === null) return 'null';
  switch (type) {
    case 'dateTime:RFC3339':
      return formatTime(cell as bigint);
    case 'double':
      return formatFloat(cell as number);
    default:
      return String(cell);
  }
}
