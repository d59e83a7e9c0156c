/**
 * `map(fn)`, following FLUX stdlib/universe/map2.go: empty tables are dropped; output columns are the
 * record's properties sorted by label, typed by the first non-null value (a property null in every row takes
 * the input column's type);
 * group-key columns that survive stay in the key, and rows are regrouped if their values now differ.
 * `{r with ...}` setting no key column keeps every key, so a last result goes table by table (or block by block).
 */
import { columnTypeOf, rowRecord, valueToCell } from '../interpreter/cells';
import { atRuntime, FluxError } from '../interpreter/errors';
import { builtin } from '../interpreter/functions';
import type { CallSite, FluxFunction, Value } from '../interpreter/values';
import { stream, typeName } from '../interpreter/values';
import type { Cell, Column, ColumnType, Table } from '../table';
import { compareRows, compareStrings } from '../tables/compare';
import { makeTable } from '../tables/build';
import { cellId } from '../tables/keys';
import type { KeyChangingStep } from '../stream';
import { rowCaller } from './row-function';

export const map = builtin({
  name: 'map',
  params: ['tables', 'fn', 'mergeKey'],
  required: ['fn'],
  pipe: 'tables',
  run(args, site) {
    const fn = args.fn('fn');
    // `{r with ...}` setting no key column keeps every key as it was: tables go one by one, even in row blocks.
    const step: KeyChangingStep = {
      keys: (facts) => {
        const assigned = propertiesSetOnRow(fn);
        return assigned && !assigned.some((l) => facts.possible.has(l)) ? facts : undefined;
      },
      blocks: (blocks) => mapBlocks(blocks, fn, site),
    };
    return stream(args.stream('tables').mapTables('map', site.loc, (t) => mapTable(t, fn, site), step));
  },
});

/** The properties `fn` sets when its body is `{r with ...}`, which keeps every other column as it is; else undefined. */
function propertiesSetOnRow(fn: FluxFunction): string[] | undefined {
  const body = fn.definition?.node.body;
  if (body?.kind !== 'ObjectExpression' || body.with?.name !== 'r') return undefined;
  return body.properties.map((p) => p.key);
}

function mapTable(table: Table, fn: FluxFunction, site: CallSite): Table[] {
  if (table.rows.length === 0) return [];
  const records = recordsOf(table, rowCaller(fn, 'r', site));
  const columns = outputColumns(table, records) as Column[];
  const rows = rowsOf(records, columns, 0);
  const keyIndices = columns.flatMap((c, j) => (table.keyColumns.includes(c.label) ? [j] : []));
  return regroup(columns, keyIndices, rows);
}

function recordsOf(table: Table, call: (row: Value) => Value): Map<string, Value>[] {
  return table.rows.map((_, i) => {
    const out = call(rowRecord(table, i));
    if (out.type !== 'record') throw new FluxError(`map fn must return a record, got ${typeName(out)}`);
    return out.value;
  });
}

/** The rows of `records` under `columns`; `firstRow` is the table's row number of the first (for errors). */
function rowsOf(records: Map<string, Value>[], columns: Column[], firstRow: number): Cell[][] {
  return records.map((rec, i) =>
    columns.map((c) => {
      const v = rec.get(c.label);
      if (!v || v.type === 'null') return null;
      const type = columnTypeOf(v, `map property "${c.label}"`);
      if (type !== c.type) {
        throw new FluxError(
          `map property "${c.label}" is ${c.type} in the first row but ${type} in row ${firstRow + i}`,
        );
      }
      return valueToCell(v);
    }),
  );
}

/**
 * map over row blocks (see Table.continuesPrevious) with the columns the whole table gets. Those are typed by each
 * property's first non-null value, so a table's first blocks wait until every property has had one (or it ends).
 */
function mapBlocks(blocks: Iterable<Table>, fn: FluxFunction, site: CallSite): Iterable<Table> {
  let first: Table | undefined;
  let columns: Column[] | undefined;
  let waiting: Map<string, Value>[] = [];
  let rowsBefore = 0;
  let started = false;
  let call: ((row: Value) => Value) | undefined;
  const emit = (records: Map<string, Value>[], firstRow: number, table: Table, cols: Column[]): Table => {
    const keyLabels = table.keyColumns.filter((l) => cols.some((c) => c.label === l));
    const out = makeTable(cols, keyLabels, rowsOf(records, cols, firstRow));
    const continuing = started;
    started = true;
    return continuing ? { ...out, continuesPrevious: true } : out;
  };
  /** What is still waiting when the table ends, typed as the whole table would be. */
  const finish = (): Table[] => {
    if (columns || !first || waiting.length === 0) return [];
    return [emit(waiting, 0, first, outputColumns(first, waiting) as Column[])];
  };
  const push = (block: Table): Table[] => {
    const out = block.continuesPrevious ? [] : finish();
    if (!block.continuesPrevious) {
      [first, columns, waiting, rowsBefore, started] = [block, undefined, [], 0, false];
    }
    const table = first ?? block;
    const firstRow = rowsBefore;
    rowsBefore += block.rows.length;
    if (block.rows.length === 0) return out;
    call ??= rowCaller(fn, 'r', site);
    const records = recordsOf(block, call);
    if (columns) return [...out, emit(records, firstRow, table, columns)];
    waiting.push(...records);
    columns = outputColumns(table, waiting, 'typedOnly');
    if (!columns) return out;
    const ready = emit(waiting, 0, table, columns);
    waiting = [];
    return [...out, ready];
  };
  return (function* () {
    for (const block of blocks) yield* located(() => push(block), site);
    yield* located(finish, site);
  })();
}

function located(work: () => Table[], site: CallSite): Table[] {
  try {
    return work();
  } catch (e) {
    throw atRuntime(e, 'map', site.loc);
  }
}

/**
 * The output columns, or with `typedOnly` undefined while some property has no non-null value yet (more rows may
 * still type it).
 */
function outputColumns(table: Table, records: Map<string, Value>[], typedOnly?: 'typedOnly'): Column[] | undefined {
  const labels = [...records[0].keys()].sort(compareStrings);
  const columns: Column[] = [];
  for (const label of labels) {
    // Flux types the property statically; the first non-null value stands for that type (`int(v: r._value)`
    // is int even where it is null), and a property null in every row keeps the input column's type.
    let type: ColumnType | undefined;
    for (let i = 0; type === undefined && i < records.length; i++) {
      const v = records[i].get(label);
      if (v) type = columnTypeOf(v, `map property "${label}"`);
    }
    if (!type && typedOnly) return undefined;
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
