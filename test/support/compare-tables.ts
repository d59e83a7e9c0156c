/**
 * Table comparison for conformance tests, as /work/shared/conformance/README.md asks: column order may
 * differ between execution paths (real InfluxDB too), and so may table order, so columns are matched
 * by name and tables by group key; datatypes, group keys and rows (in order) must be equal.
 */
import type { Cell, Column, ColumnType, Table } from '../../emulator/flux/table';
import { formatTime } from '../../emulator/flux/csv/encode';

const MAX_ROW_DIFFS = 5;

/**
 * How lenient the comparison is. The defaults are exact (the conformance vectors); `TESTING_DIFF` is what Flux's
 * `testing.diff` (stdlib/experimental/diff.go) accepts: floats within 1e-6, a column missing on one side equal to an
 * all-null column on the other, and tables without rows not compared (they have no rows to differ in).
 */
export interface CompareOptions {
  floatEpsilon?: number;
  absentColumnIsNull?: boolean;
  ignoreEmptyTables?: boolean;
  /** Compare only non-key columns row by row: testing.diff checks a table's key once, not in each row. */
  keyColumnsOnlyInKey?: boolean;
}

export const TESTING_DIFF: CompareOptions = {
  floatEpsilon: 1e-6,
  absentColumnIsNull: true,
  ignoreEmptyTables: true,
  keyColumnsOnlyInKey: true,
};

/**
 * Compares two sets of tables as the conformance README says: columns by name (order ignored), group key column
 * sets and values, datatypes, rows in order; tables matched order-insensitively by group key. Returns a
 * human-readable list of differences (empty = equal).
 */
export function diffTables(got: Table[], want: Table[], options: CompareOptions = {}): string[] {
  if (options.ignoreEmptyTables) {
    got = got.filter((t) => t.rows.length > 0);
    want = want.filter((t) => t.rows.length > 0);
  }
  const diffs: string[] = [];
  const unmatchedGot = got.map((table, index) => ({ table, index }));
  const unmatchedWant: { table: Table; index: number }[] = [];
  const pairs: { got: Table; want: Table }[] = [];
  want.forEach((table, index) => {
    const signature = keySignature(table);
    const k = unmatchedGot.findIndex((g) => keySignature(g.table) === signature);
    if (k < 0) unmatchedWant.push({ table, index });
    else pairs.push({ got: unmatchedGot.splice(k, 1)[0].table, want: table });
  });
  // Tables left on both sides are paired in order, so a changed key reads as one difference, not two.
  while (unmatchedWant.length > 0 && unmatchedGot.length > 0) {
    const w = unmatchedWant.shift()!;
    const g = unmatchedGot.shift()!;
    pairs.push({ got: g.table, want: w.table });
  }
  for (const w of unmatchedWant) diffs.push(`missing table ${describeKey(w.table)} (want table ${w.index})`);
  for (const g of unmatchedGot) diffs.push(`unexpected table ${describeKey(g.table)} (got table ${g.index})`);
  for (const pair of pairs)
    diffs.push(...diffTable(pair.got, pair.want, options).map((d) => `table ${describeKey(pair.want)}: ${d}`));
  return diffs;
}

function diffTable(got: Table, want: Table, options: CompareOptions): string[] {
  const diffs: string[] = [];
  const gotKey = [...got.keyColumns].sort();
  const wantKey = [...want.keyColumns].sort();
  if (gotKey.join('\0') !== wantKey.join('\0')) {
    diffs.push(`group key columns differ: got [${gotKey.join(', ')}], want [${wantKey.join(', ')}]`);
  } else {
    for (const label of wantKey) {
      const g = keyValue(got, label);
      const w = keyValue(want, label);
      if (!sameCell(g, w))
        diffs.push(`group key ${label}: got ${show(g, typeOf(got, label))}, want ${show(w, typeOf(want, label))}`);
    }
  }
  const gotColumns = new Map(got.columns.map((c, j) => [c.label, { column: c, j }]));
  const shared: { column: Column; gotIndex: number; wantIndex: number }[] = [];
  const allNull = (t: Table, j: number) => t.rows.every((r) => (r[j] ?? null) === null);
  want.columns.forEach((column, wantIndex) => {
    const g = gotColumns.get(column.label);
    if (!g && options.absentColumnIsNull && allNull(want, wantIndex)) return;
    if (!g) diffs.push(`missing column ${column.label} (${column.type})`);
    else if (g.column.type !== column.type)
      diffs.push(`column ${column.label} is ${g.column.type}, want ${column.type}`);
    else if (!(options.keyColumnsOnlyInKey && want.keyColumns.includes(column.label)))
      shared.push({ column, gotIndex: g.j, wantIndex });
  });
  const wantLabels = new Set(want.columns.map((c) => c.label));
  got.columns.forEach((c, j) => {
    if (wantLabels.has(c.label) || (options.absentColumnIsNull && allNull(got, j))) return;
    diffs.push(`unexpected column ${c.label} (${c.type})`);
  });

  if (got.rows.length !== want.rows.length) diffs.push(`${got.rows.length} rows, want ${want.rows.length}`);
  const rowDiffs: string[] = [];
  const n = Math.min(got.rows.length, want.rows.length);
  for (let i = 0; i < n; i++) {
    const cells = shared
      .filter(
        ({ gotIndex, wantIndex }) =>
          !sameCell(got.rows[i][gotIndex] ?? null, want.rows[i][wantIndex] ?? null, options.floatEpsilon),
      )
      .map(
        ({ column, gotIndex, wantIndex }) =>
          `${column.label} got ${show(got.rows[i][gotIndex] ?? null, column.type)}, want ${show(want.rows[i][wantIndex] ?? null, column.type)}`,
      );
    if (cells.length > 0) rowDiffs.push(`row ${i}: ${cells.join('; ')}`);
  }
  diffs.push(...rowDiffs.slice(0, MAX_ROW_DIFFS));
  if (rowDiffs.length > MAX_ROW_DIFFS) diffs.push(`... and ${rowDiffs.length - MAX_ROW_DIFFS} more rows differ`);
  return diffs;
}

// Type and value of each key column, by label, so tables pair up whatever the column order.
function keySignature(table: Table): string {
  return table.keyColumns
    .map((label, k) => `${label}=${typeOf(table, label)}:${cellText(table.keyValues[k] ?? null)}`)
    .sort()
    .join('\0');
}

function describeKey(table: Table): string {
  const parts = table.keyColumns.map(
    (label, k) => `${label}=${show(table.keyValues[k] ?? null, typeOf(table, label))}`,
  );
  return `{${parts.join(', ')}}`;
}

function keyValue(table: Table, label: string): Cell {
  return table.keyValues[table.keyColumns.indexOf(label)] ?? null;
}

function typeOf(table: Table, label: string): ColumnType | undefined {
  return table.columns.find((c) => c.label === label)?.type;
}

// Exact equality; NaN equals NaN, and -0 differs from 0 because Flux writes them differently. With an epsilon,
// floats compare as testing.diff does: NaN equals NaN, else equal when |a - b| is not above it.
function sameCell(a: Cell, b: Cell, epsilon?: number): boolean {
  if (epsilon !== undefined && typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
    return !(Math.abs(a - b) > epsilon);
  }
  return typeof a === typeof b && Object.is(a, b);
}

function cellText(cell: Cell): string {
  return cell === null ? 'null' : `${typeof cell}:${String(cell)}`;
}

function show(cell: Cell, type: ColumnType | undefined): string {
  if (cell === null) return 'null';
  if (typeof cell === 'bigint') return type === 'dateTime:RFC3339' ? formatTime(cell) : `${cell}`;
  if (typeof cell === 'string') return JSON.stringify(cell);
  return Object.is(cell, -0) ? '-0' : String(cell);
}
