/**
 * The one place where tables that share a group key become one table, as Flux's table builder cache does
 * (execute/table/buffered_builder.go): a transformation that changes group keys (drop, keep, rename,
 * duplicate, set, map, ...) may give two input tables the same key, and Flux appends them into one output
 * table. Columns are the union in first-seen order, a column missing from a part is null there, and a label
 * with two types is Flux's "schema collision" error. A table without columns has no rows.
 */
import { FluxError } from '../interpreter/errors';
import type { Cell, Column, ColumnType, Table } from '../table';
import { keyMap, makeTable } from './build';
import { keyId } from './keys';

/** Flux's names for column types, as its schema-collision error writes them. */
export const FLUX_TYPE: Record<ColumnType, string> = {
  string: 'string',
  long: 'int',
  unsignedLong: 'uint',
  double: 'float',
  boolean: 'bool',
  'dateTime:RFC3339': 'time',
};

/** Tables in order of their key's first appearance, tables sharing a key merged in arrival order. */
export function mergeTablesByKey(tables: Table[]): Table[] {
  const groups = new Map<string, Table[]>();
  for (const t of tables) {
    const id = keyId(t);
    const group = groups.get(id);
    if (group) group.push(t);
    else groups.set(id, [t]);
  }
  return [...groups.values()].map((group) => (group.length === 1 ? withoutPhantomRows(group[0]) : merge(group)));
}

function withoutPhantomRows(table: Table): Table {
  return table.columns.length === 0 && table.rows.length > 0 ? { ...table, rows: [] } : table;
}

function merge(group: Table[]): Table {
  const columns: Column[] = [];
  const at = new Map<string, number>();
  for (const t of group) {
    for (const c of t.columns) {
      const j = at.get(c.label);
      if (j === undefined) {
        at.set(c.label, columns.length);
        columns.push(c);
      } else if (columns[j].type !== c.type) {
        throw new FluxError(
          `schema collision detected: column "${c.label}" is both of type ${FLUX_TYPE[c.type]} and ${FLUX_TYPE[columns[j].type]}`,
        );
      }
    }
  }
  const rows: Cell[][] = [];
  if (columns.length > 0) {
    for (const t of group) {
      const from = columns.map((c) => t.columns.findIndex((d) => d.label === c.label));
      for (const r of t.rows) rows.push(from.map((j) => (j < 0 ? null : (r[j] ?? null))));
    }
  }
  return makeTable(columns, group[0].keyColumns, rows, keyMap(group[0]));
}
