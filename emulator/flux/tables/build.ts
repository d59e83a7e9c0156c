/**
 * Building tables that keep the shared invariants of table.ts: key columns listed in column order and
 * key values aligned with them (taken from the first row, or given, since empty tables have no row).
 */
import type { Cell, Column, Table } from '../table';

export function makeTable(
  columns: Column[],
  keyLabels: Iterable<string>,
  rows: Cell[][],
  /** Key values by label; needed when `rows` is empty, else read from the first row. */
  knownKeyValues?: Map<string, Cell>,
): Table {
  const wanted = new Set(keyLabels);
  const keyColumns: string[] = [];
  const keyValues: Cell[] = [];
  columns.forEach((c, j) => {
    if (!wanted.has(c.label)) return;
    keyColumns.push(c.label);
    const known = knownKeyValues?.get(c.label);
    keyValues.push(known !== undefined ? known : rows.length > 0 ? (rows[0][j] ?? null) : null);
  });
  return { columns, keyColumns, keyValues, rows };
}

/** Key values of a table by label. */
export function keyMap(table: Table): Map<string, Cell> {
  return new Map(table.keyColumns.map((label, k) => [label, table.keyValues[k]]));
}

export function isKeyColumn(table: Table, label: string): boolean {
  return table.keyColumns.includes(label);
}

/** The same table with some columns removed (from the rows and from the key). */
export function withoutColumns(table: Table, remove: (label: string) => boolean): Table {
  const keep: number[] = [];
  table.columns.forEach((c, j) => {
    if (!remove(c.label)) keep.push(j);
  });
  if (keep.length === table.columns.length) return table;
  const columns = keep.map((j) => table.columns[j]);
  const rows = table.rows.map((r) => keep.map((j) => r[j] ?? null));
  return makeTable(
    columns,
    table.keyColumns.filter((l) => !remove(l)),
    rows,
    keyMap(table),
  );
}
