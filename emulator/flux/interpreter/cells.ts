/** The table boundary: cells (typed by their column) to interpreter values and back. */
import type { Cell, ColumnType, Table } from '../table';
import { FluxError } from './errors';
import { bool, float, int, record, str, time, typeName, uint, Value } from './values';

const TYPED_NULLS = new Map<ColumnType, Value>();

/** A null read from a column of the given type (the type travels with it, e.g. into join's output schema). */
export function nullOf(type: ColumnType): Value {
  let v = TYPED_NULLS.get(type);
  if (!v) TYPED_NULLS.set(type, (v = { type: 'null', column: type }));
  return v;
}

export function cellToValue(cell: Cell, type: ColumnType): Value {
  if (cell === null) return nullOf(type);
  switch (type) {
    case 'dateTime:RFC3339':
      return time(cell as bigint);
    case 'long':
      return int(cell as bigint);
    case 'unsignedLong':
      return uint(cell as bigint);
    case 'double':
      return float(cell as number);
    case 'boolean':
      return bool(cell as boolean);
    case 'string':
      return str(cell as string);
  }
}

/** The column type a value needs, or undefined for null (its type comes from elsewhere). */
export function columnTypeOf(v: Value, what: string): ColumnType | undefined {
  switch (v.type) {
    case 'null':
      return undefined;
    case 'time':
      return 'dateTime:RFC3339';
    case 'int':
      return 'long';
    case 'uint':
      return 'unsignedLong';
    case 'float':
      return 'double';
    case 'bool':
      return 'boolean';
    case 'string':
      return 'string';
    default:
      throw new FluxError(`${what} is ${typeName(v)} type which is not supported in a flux table`);
  }
}

export function valueToCell(v: Value): Cell {
  switch (v.type) {
    case 'null':
      return null;
    case 'time':
    case 'int':
    case 'uint':
    case 'float':
    case 'bool':
    case 'string':
      return v.value;
    default:
      throw new FluxError(`${typeName(v)} cannot be stored in a table`);
  }
}

/** The record `r` that row functions (filter, map, ...) receive for one row. */
export function rowRecord(table: Table, row: number): Value {
  const fields = new Map<string, Value>();
  const cells = table.rows[row];
  table.columns.forEach((c, j) => fields.set(c.label, cellToValue(cells[j] ?? null, c.type)));
  return record(fields);
}
