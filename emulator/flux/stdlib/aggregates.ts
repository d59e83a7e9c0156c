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
 * Flux's t-digest (influxdata/tdigest, compression 1000) keeps one centroid per value while the weight a centroid
 * may take near the median, n·π/(2·compression), stays below 2: up to 636 values. Then its estimate is the plain
 * interpolation below; past that it merges centroids and estimates differently, so larger inputs are refused.
 */
const TDIGEST_EXACT_MAX_VALUES = 600;
const DEFAULT_COMPRESSION = 1000;

/** `compression` is only honoured at its default (0 means the default in Flux); anything else is refused. */
function checkCompression(args: Args): void {
  const c = args.has('compression') ? args.float('compression') : 0;
  if (c !== 0 && c !== DEFAULT_COMPRESSION)
    throw new FluxError(`quantile compression ${c} is not supported by the emulator (only the default, 1000)`);
}

function quantileReducer(q: number, method: string): Reducer {
  if (!(q >= 0 && q <= 1)) throw new FluxError(`quantile q must be between 0 and 1, got ${q}`);
  if (method !== 'estimate_tdigest' && method !== 'exact_mean') {
    throw new FluxError(
      `quantile method "${method}" is not supported by the emulator (use estimate_tdigest or exact_mean)`,
    );
  }
  return (values, type) => {
    const xs = numbers(values, type, 'quantile').sort((a, b) => a - b);
    const n = xs.length;
    if (n === 0) return { cell: null, type: 'double' };
    if (method === 'estimate_tdigest' && n > TDIGEST_EXACT_MAX_VALUES)
      throw new FluxError(
        `quantile method "estimate_tdigest" over more than ${TDIGEST_EXACT_MAX_VALUES} values in a table is not supported by the emulator (use method: "exact_mean")`,
      );
    // exact_mean interpolates at q·(n-1); a t-digest of unit centroids (small data) at q·n - 1/2.
    const pos = method === 'exact_mean' ? q * (n - 1) : Math.min(Math.max(q * n - 0.5, 0), n - 1);
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    const cell = lo === hi ? xs[lo] : xs[lo] * (hi - pos) + xs[hi] * (pos - lo);
    return { cell, type: 'double' };
  };
}

export const quantile = aggregateBuiltin(
  'quantile',
  ['q', 'method', 'compression'],
  (args) => {
    checkCompression(args);
    return quantileReducer(args.float('q'), args.string('method', 'estimate_tdigest'));
  },
  false,
);

export const median = aggregateBuiltin('median', ['method', 'compression'], (args) => {
  checkCompression(args);
  return quantileReducer(0.5, args.string('method', 'estimate_tdigest'));
});
