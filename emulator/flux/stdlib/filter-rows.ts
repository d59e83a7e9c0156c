/** Keeps the rows for which a predicate is true; tables left empty go unless onEmpty is "keep". */
import { rowRecord } from '../interpreter/cells';
import { isTrue } from '../interpreter/operators';
import type { FluxFunction, Runtime } from '../interpreter/values';
import type { Loc } from '../parser/ast';
import type { Table } from '../table';
import { columnsReadBy, rowCaller } from './row-function';

export function applyFilter(
  tables: Table[],
  fn: FluxFunction,
  onEmpty: 'drop' | 'keep',
  site: { name: string; loc: Loc; runtime: Runtime },
): Table[] {
  const call = rowCaller(fn, 'r', site);
  const reads = columnsReadBy(fn);
  const out: Table[] = [];
  for (const table of tables) {
    let rows: Table['rows'];
    if (reads && table.rows.length > 0 && readsOnlyKey(table, reads)) {
      // The predicate sees the same values on every row (typically `r._measurement == ...`).
      rows = isTrue(call(rowRecord(table, 0)), 'filter fn result') ? table.rows : [];
    } else rows = table.rows.filter((_, i) => isTrue(call(rowRecord(table, i)), 'filter fn result'));
    if (rows.length > 0 || onEmpty === 'keep') out.push(rows.length === table.rows.length ? table : { ...table, rows });
  }
  return out;
}

/** Every column read is a group-key column or absent (null on every row). */
function readsOnlyKey(table: Table, reads: Set<string>): boolean {
  for (const label of reads) {
    if (!table.keyColumns.includes(label) && table.columns.some((c) => c.label === label)) return false;
  }
  return true;
}
