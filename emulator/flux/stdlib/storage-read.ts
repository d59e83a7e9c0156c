/**
 * The storage read behind `from() |> range() |> filter()`: the selector narrowed by the filters
 * (push-down), one table per series and field shaped like InfluxDB's reader, then every filter
 * evaluated on the rows.
 */
import type { SeriesData } from '../../storage/types';
import { atRuntime, FluxError } from '../interpreter/errors';
import type { Runtime } from '../interpreter/values';
import { intersect, Narrowing, narrowingOfPredicate, toSelectorHints } from '../pushdown';
import { Bounds, PendingRead, StreamData, TableStream } from '../stream';
import type { Cell, Column, Table } from '../table';
import { makeTable } from '../tables/build';
import { resolveRange } from './bounds';
import { applyFilter } from './filter-rows';

export function pendingStream(read: PendingRead, runtime: Runtime): TableStream {
  return new TableStream(() => executeRead(read, runtime), read);
}

function executeRead(read: PendingRead, runtime: Runtime): StreamData {
  if (!read.range) {
    throw new FluxError(
      `cannot submit unbounded read to "${read.bucket.name}"; try bounding 'from' with a call to 'range'`,
    );
  }
  let bounds: Bounds;
  try {
    bounds = resolveRange(read.range.start, read.range.stop, runtime.now());
  } catch (e) {
    throw atRuntime(e, 'range', read.range.loc);
  }
  let tables = readSeries(read, bounds, runtime).map((s) => seriesTable(s, bounds));
  for (const f of read.filters) {
    try {
      tables = applyFilter(tables, f.fn, f.onEmpty, { name: 'filter', loc: f.loc, runtime });
    } catch (e) {
      throw atRuntime(e, 'filter', f.loc);
    }
  }
  return { tables, bounds };
}

function readSeries(read: PendingRead, bounds: Bounds, runtime: Runtime): SeriesData[] {
  if (bounds.start >= bounds.stop) return [];
  let narrowing: Narrowing = new Map();
  // Filters after one that keeps empty tables must not drop series: that would lose those tables.
  for (const f of read.filters) {
    if (f.onEmpty === 'keep') break;
    narrowing = intersect(narrowing, narrowingOfPredicate(f.fn));
  }
  const { empty, hints } = toSelectorHints(narrowing);
  if (empty) return [];
  return runtime.context.points.read({ bucketId: read.bucket.id, start: bounds.start, stop: bounds.stop, ...hints });
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
