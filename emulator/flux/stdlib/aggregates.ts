/**
 * Aggregates reduce each table to one row: the group-key columns (in table order) plus the aggregated
 * column, so `_time` and other non-key columns go. An empty table still gives one row: `count` 0,
 * the others null (what `aggregateWindow` shows for empty windows).
 */
import { FluxError } from '../interpreter/errors';
import { Args, builtin } from '../interpreter/functions';
import type { FluxFunction } from '../interpreter/values';
import { stream } from '../interpreter/values';
import type { Cell, Column, ColumnType, Table } from '../table';
import { keyMap, makeTable } from '../tables/build';
import { compareCells } from '../tables/compare';
import { TDigest } from './tdigest';

export type Reducer = (values: Cell[], type: ColumnType) => { cell: Cell; type: ColumnType };

/** The aggregates `aggregateWindow` can compute window by window without building window tables. */
export const windowReducers = new Map<FluxFunction, Reducer>();

export function aggregateBuiltin(
  name: string,
  extraParams: string[],
  reducerFor: (args: Args) => Reducer,
  hasDefaults = true,
) {
  const f = builtin({
    name,
    params: ['tables', 'column', ...extraParams],
    pipe: 'tables',
    run(args, site) {
      const column = args.string('column', '_value');
      const reduce = reducerFor(args);
      return stream(args.stream('tables').mapTables(name, site.loc, (t) => aggregateTable(t, column, reduce)));
    },
  });
  if (hasDefaults) windowReducers.set(f, reducerFor(new Args(new Map())));
  return f;
}

export function aggregateTable(table: Table, column: string, reduce: Reducer): Table {
  const j = table.columns.findIndex((c) => c.label === column);
  if (j < 0) throw new FluxError(`column "${column}" does not exist`);
  if (table.keyColumns.includes(column))
    throw new FluxError(`cannot aggregate column "${column}": it is part of the group key`);
  const { cell, type } = reduce(
    table.rows.map((r) => r[j] ?? null),
    table.columns[j].type,
  );
  const keyColumns = table.columns.filter((c) => table.keyColumns.includes(c.label));
  const key = keyMap(table);
  const columns: Column[] = [...keyColumns, { label: column, type }];
  return makeTable(columns, key.keys(), [[...keyColumns.map((c) => key.get(c.label) ?? null), cell]], key);
}

export function numbers(values: Cell[], type: ColumnType, fn: string): number[] {
  if (type !== 'double' && type !== 'long' && type !== 'unsignedLong') {
    throw new FluxError(`${fn} cannot aggregate a column of type ${type}`);
  }
  const out: number[] = [];
  for (const v of values) if (v !== null) out.push(Number(v));
  return out;
}

export const mean = aggregateBuiltin('mean', [], () => (values, type) => {
  const xs = numbers(values, type, 'mean');
  if (xs.length === 0) return { cell: null, type: 'double' };
  let sum = 0;
  for (const x of xs) sum += x;
  return { cell: sum / xs.length, type: 'double' };
});

export const sum = aggregateBuiltin('sum', [], () => (values, type) => {
  const present = values.filter((v) => v !== null);
  if (type === 'long' || type === 'unsignedLong') {
    if (present.length === 0) return { cell: null, type };
    let total = 0n;
    for (const v of present) total += v as bigint;
    return { cell: type === 'long' ? BigInt.asIntN(64, total) : BigInt.asUintN(64, total), type };
  }
  if (type !== 'double') throw new FluxError(`sum cannot aggregate a column of type ${type}`);
  if (present.length === 0) return { cell: null, type };
  let total = 0;
  for (const v of present) total += v as number;
  return { cell: total, type };
});

/** Counts rows, null values included (FLUX count.go). */
export const count = aggregateBuiltin('count', [], () => (values) => ({ cell: BigInt(values.length), type: 'long' }));

export const spread = aggregateBuiltin('spread', [], () => (values, type) => {
  const present = values.filter((v) => v !== null);
  if (type === 'long' || type === 'unsignedLong') {
    if (present.length === 0) return { cell: null, type };
    const xs = present as bigint[];
    const max = xs.reduce((a, b) => (b > a ? b : a));
    const min = xs.reduce((a, b) => (b < a ? b : a));
    return { cell: max - min, type };
  }
  const xs = numbers(values, type, 'spread');
  if (xs.length === 0) return { cell: null, type: 'double' };
  return { cell: Math.max(...xs) - Math.min(...xs), type: 'double' };
});

export const stddev = aggregateBuiltin('stddev', ['mode'], (args) => {
  const mode = args.string('mode', 'sample');
  if (mode !== 'sample' && mode !== 'population')
    throw new FluxError(`stddev mode must be "sample" or "population", got "${mode}"`);
  return (values, type) => {
    const xs = numbers(values, type, 'stddev');
    const n = xs.length;
    if (n === 0 || (mode === 'sample' && n === 1)) return { cell: null, type: 'double' };
    const m = xs.reduce((a, b) => a + b, 0) / n;
    const ss = xs.reduce((a, b) => a + (b - m) * (b - m), 0);
    return { cell: Math.sqrt(ss / (mode === 'sample' ? n - 1 : n)), type: 'double' };
  };
});

/**
 * `quantile` and `median` as Flux's (stdlib/universe/quantile.go): `estimate_tdigest` (the default) through the same
 * t-digest as InfluxDB (./tdigest.ts, compression 1000 unless given), `exact_mean` interpolating at q·(n-1) in the
 * sorted values, and `exact_selector`, a selector: the row holding the value of rank ceil(q·n) (stable order), or
 * one row of nulls but the key for a table without values.
 */
const DEFAULT_COMPRESSION = 1000;
const METHODS = ['estimate_tdigest', 'exact_mean', 'exact_selector'];

function quantileSpec(args: Args, q: number): { method: string; compression: number } {
  if (!(q >= 0 && q <= 1)) throw new FluxError('quantile must be between 0 and 1');
  const method = args.string('method', 'estimate_tdigest');
  if (!METHODS.includes(method)) throw new FluxError(`unknown method ${method}`);
  let compression = args.has('compression') ? args.float('compression') : 0;
  if (compression > 0 && method !== 'estimate_tdigest')
    throw new FluxError('compression parameter is only valid for method estimate_tdigest');
  if (compression === 0) compression = DEFAULT_COMPRESSION;
  return { method, compression };
}

function quantileReducer(q: number, method: string, compression: number): Reducer {
  return (values, type) => {
    const xs = numbers(values, type, 'quantile');
    if (method === 'exact_mean') {
      if (xs.length === 0) return { cell: null, type: 'double' };
      // sort.Float64s: NaN first, then ascending.
      xs.sort((a, b) => (Number.isNaN(a) ? (Number.isNaN(b) ? 0 : -1) : Number.isNaN(b) ? 1 : a - b));
      const x = q * (xs.length - 1);
      const x0 = Math.floor(x);
      const x1 = Math.ceil(x);
      return { cell: x0 === x1 ? xs[x0] : xs[x0] * (x1 - x) + xs[x1] * (x - x0), type: 'double' };
    }
    const digest = new TDigest(compression);
    for (const x of xs) digest.add(x, 1);
    if (digest.count() === 0) return { cell: null, type: 'double' };
    return { cell: digest.quantile(q), type: 'double' };
  };
}

/** exact_selector: the row whose value has rank ceil(q·n) in a stable ascending sort of the non-null values. */
function selectQuantileRow(table: Table, column: string, q: number): Table {
  const j = table.columns.findIndex((c) => c.label === column);
  if (j < 0) throw new FluxError(`no column "${column}" exists`);
  const rows = table.rows.filter((r) => r[j] !== null && r[j] !== undefined);
  if (rows.length === 0) {
    const key = keyMap(table);
    return { ...table, rows: [table.columns.map((c) => (key.has(c.label) ? (key.get(c.label) ?? null) : null))] };
  }
  const sorted = rows.map((row, n) => ({ row, n })).sort((a, b) => compareCells(a.row[j], b.row[j]) || a.n - b.n);
  let index = Math.ceil(q * sorted.length);
  if (index > 0) index--;
  return { ...table, rows: [sorted[index].row] };
}

function quantileBuiltin(name: 'quantile' | 'median') {
  const f = builtin({
    name,
    params:
      name === 'quantile'
        ? ['tables', 'column', 'q', 'method', 'compression']
        : ['tables', 'column', 'method', 'compression'],
    required: name === 'quantile' ? ['q'] : [],
    pipe: 'tables',
    run(args, site) {
      const column = args.string('column', '_value');
      const q = name === 'quantile' ? args.float('q') : 0.5;
      const { method, compression } = quantileSpec(args, q);
      const input = args.stream('tables');
      if (method === 'exact_selector')
        return stream(input.mapTables(name, site.loc, (t) => selectQuantileRow(t, column, q)));
      const reduce = quantileReducer(q, method, compression);
      return stream(input.mapTables(name, site.loc, (t) => aggregateTable(t, column, reduce)));
    },
  });
  if (name === 'median') windowReducers.set(f, quantileReducer(0.5, 'estimate_tdigest', DEFAULT_COMPRESSION));
  return f;
}

export const quantile = quantileBuiltin('quantile');
export const median = quantileBuiltin('median');
