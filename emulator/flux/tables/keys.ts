/** Identity of group keys and cells, for grouping tables and rows in maps. */
import type { Cell, ColumnType, Table } from '../table';

export function cellId(cell: Cell): string {
  if (cell === null) return 'null';
  return `${typeof cell}:${String(cell)}`;
}

/** Equal for tables whose keys have the same labels, types and values, whatever the column order (`except` labels ignored). */
export function keyId(table: Table, except?: ReadonlySet<string>): string {
  const parts = table.keyColumns
    .filter((label) => !except?.has(label))
    .map((label) => {
      const k = table.keyColumns.indexOf(label);
      const type: ColumnType | undefined = table.columns.find((c) => c.label === label)?.type;
      return `${label}\u0001${type ?? ''}\u0001${cellId(table.keyValues[k] ?? null)}`;
    });
  return parts.sort().join('\u0000');
}
