/**
 * The storage read behind `from() |> range() |> filter()`: the selector narrowed by the filters
 * (push-down), one table per series and field shaped like InfluxDB's reader, then every filter
 * evaluated on the rows.
 */
import type { PointStore, SeriesData, SeriesKey, SeriesSelector } from '../../storage/types';
import { atRuntime, FluxError } from '../interpreter/errors';
import type { Runtime } from '../interpreter/values';
import { intersect, Narrowing, narrowingOfPredicate, toSelectorHints } from '../pushdown';
import { Bounds, KeyFacts, PendingRead, StreamData, TablePass, TableStream } from '../stream';
import type { Cell, Column, Table } from '../table';
import { makeTable } from '../tables/build';
import { resolveRange } from './bounds';
import { applyFilter } from './filter-rows';
import { columnsReadBy } from './row-function';

export function pendingStream(read: PendingRead, runtime: Runtime): TableStream {
  const out = new TableStream(
    () => executeRead(read, runtime),
    read,
    () => readSeriesOneByOne(read, runtime),
  );
  // Blocks keep a filtered-out stretch of a series from looking like its whole table: not with filters keeping those.
  if (read.filters.every((f) => f.onEmpty === 'drop')) out.rowBlocks = () => readRowBlocks(read, runtime);
  if (read.range && runtime.context.pushDown !== false && filtersAreSeriesConstant(read)) {
    out.reducible = {
      varying: VARYING,
      reduced: (only) => new TableStream(() => executeRead(read, runtime, only)),
    };
  }
  return out;
}

/** The columns of a storage table that differ from row to row: every other is the same on all rows of a series. */
const VARYING: ReadonlySet<string> = new Set(['_time', '_value']);

/**
 * Whether every filter reads only columns that are constant within a series (so it keeps or drops a series
 * whole, and can be applied to fewer of its rows with the same outcome): the ground of every push-down
 * beyond series narrowing.
 */
export function filtersAreSeriesConstant(read: PendingRead): boolean {
  return read.filters.every((f) => {
    const reads = columnsReadBy(f.fn);
    return reads !== undefined && ![...reads].some((c) => VARYING.has(c));
  });
}

/**
 * The read and its bounds when a transformation of `input` can be computed by storage series by series: the input
 * is still the read, push-down is on, and every filter keeps or drops whole series (none keeps empty tables: only
 * the row path knows the series without a row in range). Undefined otherwise, or when the range does not resolve
 * (the row path then reports it).
 */
export function seriesWiseRead(
  input: TableStream,
  runtime: Runtime,
): { read: PendingRead; bounds: Bounds } | undefined {
  const read = input.pendingRead;
  if (!read?.range || runtime.context.pushDown === false || !filtersAreSeriesConstant(read)) return undefined;
  if (read.filters.some((f) => f.onEmpty === 'keep')) return undefined;
  try {
    return { read, bounds: readBounds(read, runtime) };
  } catch {
    return undefined;
  }
}

/** Whether a series (its table with one row standing for all) passes the read's filters. */
export function seriesPasses(read: PendingRead, probe: Table, runtime: Runtime): boolean {
  return applyReadFilters(read, [probe], runtime).length > 0;
}

/** The time bounds of a pending read, as its range() gives them (errors located at the range() call). */
export function readBounds(read: PendingRead, runtime: Runtime): Bounds {
  if (!read.range) {
    throw new FluxError(
      `cannot submit unbounded read to "${read.bucket.name}"; try bounding 'from' with a call to 'range'`,
    );
  }
  try {
    return resolveRange(read.range.start, read.range.stop, runtime.now());
  } catch (e) {
    throw atRuntime(e, 'range', read.range.loc);
  }
}

/** Applies the read's filters to tables made from its series, in order, as the engine does after a read. */
export function applyReadFilters(read: PendingRead, tables: Table[], runtime: Runtime): Table[] {
  for (const f of read.filters) {
    try {
      tables = applyFilter(tables, f.fn, f.onEmpty, { name: 'filter', loc: f.loc, runtime });
    } catch (e) {
      throw atRuntime(e, 'filter', f.loc);
    }
  }
  return tables;
}

function executeRead(read: PendingRead, runtime: Runtime, only?: 'first' | 'last'): StreamData {
  const bounds = readBounds(read, runtime);
  const tables = readSeries(read, bounds, runtime, only).map((s) => seriesTable(s, bounds));
  return { tables: applyReadFilters(read, tables, runtime), bounds };
}

/**
 * The read's tables as executeRead makes them, series by series: storage is asked for one series' points only when
 * the one before was used, so a long range is never held whole. The bounds are resolved (and fail) at the call.
 */
function readSeriesOneByOne(read: PendingRead, runtime: Runtime): TablePass {
  return passSeriesByKey(read, runtime, function* (points, one, key, bounds) {
    const s = onlySeries(points.read(one), key);
    if (s) yield* applyReadFilters(read, [seriesTable(s, bounds)], runtime);
  });
}

/**
 * The read's series keys, each turned into tables by `tablesOf` only when the tables before were used; the bounds
 * and the selector are resolved (and fail) at the call, the key facts come from the keys.
 */
function passSeriesByKey(
  read: PendingRead,
  runtime: Runtime,
  tablesOf: (points: PointStore, one: SeriesSelector, key: SeriesKey, bounds: Bounds) => Iterable<Table>,
): TablePass {
  const bounds = readBounds(read, runtime);
  const selector = readSelector(read, bounds);
  if (!selector) return { tables: [], keys: NO_KEYS };
  const { points } = runtime.context;
  const keys = points.seriesKeys(selector);
  const tables = (function* () {
    for (const key of keys) yield* tablesOf(points, seriesSelector(selector, key), key, bounds);
  })();
  return { tables, ...keyFactsOf(keys) };
}

const NO_KEYS: KeyFacts = { possible: new Set(), uniform: new Set() };

/**
 * The key facts of the tables of these series (seriesTable's keys; filters drop tables, never change keys): labels
 * with one value in every series are uniform. None when two series differ only in type (their tables share a key).
 */
function keyFactsOf(keys: SeriesKey[]): { keys?: KeyFacts } {
  const possible = new Set(['_start', '_stop', '_field', '_measurement']);
  const ids = new Set<string>();
  /** The labels with one value in every series so far. */
  let common: Map<string, string> | undefined;
  for (const key of keys) {
    const id = JSON.stringify([key.measurement, key.field, [...key.tags].sort()]);
    if (ids.has(id)) return {};
    ids.add(id);
    const labels = new Map<string, string>([['_measurement', key.measurement], ['_field', key.field], ...key.tags]);
    for (const label of labels.keys()) possible.add(label);
    if (!common) common = labels;
    else for (const [label, value] of common) if (labels.get(label) !== value) common.delete(label);
  }
  return { keys: { possible, uniform: new Set(['_start', '_stop', ...(common?.keys() ?? [])]) } };
}

/** About how many rows a block of a long series holds (see readRowBlocks). */
const BLOCK_ROWS = 4096n;

/**
 * As readSeriesOneByOne, but each series read in slices of time holding about BLOCK_ROWS points, each slice a table
 * (the later ones of a series marked `continuesPrevious`), so even one long series is never held whole. A slice's
 * length follows the density of the one before; an empty slice jumps to the series' next point.
 */
function readRowBlocks(read: PendingRead, runtime: Runtime): TablePass {
  return passSeriesByKey(read, runtime, function* (points, one, key, bounds) {
    let started = false;
    let from = one.start;
    let span = 1_000_000_000n;
    while (from < one.stop) {
      const to = from + span < one.stop ? from + span : one.stop;
      const slice = onlySeries(points.read({ ...one, start: from, stop: to }), key);
      if (!slice) {
        const next = onlySeries(points.read({ ...one, start: to, only: 'first' }), key);
        if (!next) break;
        from = next.times[0];
        span *= 8n;
        continue;
      }
      for (const t of applyReadFilters(read, [seriesTable(slice, bounds)], runtime)) {
        yield started ? { ...t, continuesPrevious: true as const } : t;
        started = true;
      }
      const rows = BigInt(slice.times.length);
      span = rows >= BLOCK_ROWS ? (span * BLOCK_ROWS) / rows : span * (BLOCK_ROWS / rows < 8n ? BLOCK_ROWS / rows : 8n);
      if (span < 1n) span = 1n;
      from = to;
    }
  });
}

/** The selector narrowed to one series (a series with more tags matches it too: onlySeries leaves it out). */
function seriesSelector(selector: SeriesSelector, key: SeriesKey): SeriesSelector {
  const tags = Object.fromEntries(key.tags.map(([k, v]) => [k, [v]]));
  return { ...selector, measurements: [key.measurement], fields: [key.field], tags };
}

function onlySeries(read: SeriesData[], key: SeriesKey): SeriesData | undefined {
  return read.find((s) => s.type === key.type && sameTags(s.tags, key.tags));
}

function sameTags(a: [string, string][], b: [string, string][]): boolean {
  return a.length === b.length && a.every(([k, v], i) => b[i][0] === k && b[i][1] === v);
}

function readSeries(read: PendingRead, bounds: Bounds, runtime: Runtime, only?: 'first' | 'last'): SeriesData[] {
  const selector = readSelector(read, bounds);
  if (!selector) return [];
  return runtime.context.points.read(only ? { ...selector, only } : selector);
}

/** What storage is asked for: the range, narrowed by the filters; undefined when nothing can match. */
export function readSelector(read: PendingRead, bounds: Bounds): SeriesSelector | undefined {
  if (bounds.start >= bounds.stop) return undefined;
  let narrowing: Narrowing = new Map();
  // Filters after one that keeps empty tables must not drop series: that would lose those tables.
  for (const f of read.filters) {
    if (f.onEmpty === 'keep') break;
    narrowing = intersect(narrowing, narrowingOfPredicate(f.fn));
  }
  const { empty, hints } = toSelectorHints(narrowing);
  if (empty) return undefined;
  return { bucketId: read.bucket.id, start: bounds.start, stop: bounds.stop, ...hints };
}

/**
 * One table per series and field, shaped like InfluxDB's storage reader: `_start, _stop, _time,
 * _value`, then the tags with `_field` and `_measurement`, sorted by key bytes.
 */
export function seriesTable(s: SeriesData, bounds: Bounds): Table {
  const tags: [string, string][] = [...s.tags, ['_field', s.field], ['_measurement', s.measurement]];
  tags.sort((a, b) => compareBytes(a[0], b[0]));
  const columns: Column[] = [
    { label: '_start', type: 'dateTime:RFC3339' },
    { label: '_stop', type: 'dateTime:RFC3339' },
    { label: '_time', type: 'dateTime:RFC3339' },
    { label: '_value', type: s.type },
    ...tags.map(([label]): Column => ({ label, type: 'string' })),
  ];
  const tagValues = tags.map(([, v]) => v);
  const rows: Cell[][] = new Array(s.times.length);
  for (let i = 0; i < s.times.length; i++) rows[i] = [bounds.start, bounds.stop, s.times[i], s.values[i], ...tagValues];
  const keyValues = new Map<string, Cell>([
    ['_start', bounds.start],
    ['_stop', bounds.stop],
    ...tags.map(([k, v]): [string, Cell] => [k, v]),
  ]);
  return makeTable(columns, keyValues.keys(), rows, keyValues);
}

/** Byte order of the UTF-8 encodings, as InfluxDB sorts keys. */
export function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
