/**
 * The table model shared by the Flux engine, the CSV codec and storage reads. Values are stored
 * untagged; the column type says how to read them:
 * - `dateTime:RFC3339`: bigint nanoseconds since the epoch (int64 does not fit a JS number)
 * - `long`, `unsignedLong`: bigint
 * - `double`: number; `boolean`: boolean; `string`: string
 * - null is a missing value in any column.
 */
export type ColumnType = 'string' | 'long' | 'unsignedLong' | 'double' | 'boolean' | 'dateTime:RFC3339';

export type Cell = string | number | bigint | boolean | null;

export interface Column {
  label: string;
  type: ColumnType;
}

export interface Table {
  columns: Column[];
  /** Labels of the group-key columns, in column order. */
  keyColumns: string[];
  /** The group-key values, aligned with `keyColumns`; they also describe an empty table. */
  keyValues: Cell[];
  /** Each row is aligned with `columns`. */
  rows: Cell[][];
  /**
   * More rows of the table before (same columns and key), for a long table sent in blocks straight to the CSV
   * encoder (TableStream.blocks); never seen by a transformation.
   */
  continuesPrevious?: true;
}

/** One named result of a query (one `yield`), encoded as one block of annotated CSV. */
export interface Result {
  name: string;
  tables: Table[];
}

/** A result whose tables may still be coming (the last one of a query, see engine.ts runFluxStreaming). */
export interface StreamedResult {
  name: string;
  tables: Iterable<Table>;
  /** Its tables are made as they are pulled and not kept: one is held at a time, not the whole result. */
  pulled?: true;
}

export function columnIndex(table: Table, label: string): number {
  return table.columns.findIndex((c) => c.label === label);
}
