/**
 * A windowed read pushed into storage, for `aggregateWindow`: when its input is still `from() |> range() |>
 * filter()` with filters that keep or drop whole series, and its windows tile time evenly, storage counts each
 * series' points per window (SQL GROUP BY) and gives their values in time order, without a row table. The caller
 * reduces each window with the engine's own reducer, so the answer is the engine's to the bit.
 */
import type { SeriesKey } from '../../storage/types';
import type { Runtime } from '../interpreter/values';
import type { Bounds, TableStream } from '../stream';
import type { Cell, Table } from '../table';
import { readSelector, seriesPasses, seriesTable, seriesWiseRead } from './storage-read';
import { clip, Window, Windower } from './windows';

/** Window numbers must stay exact as JS numbers. */
const MAX_WINDOW_NUMBER = 2n ** 53n;
const MIN_TIME = -(2n ** 63n);
const MAX_TIME = 2n ** 63n - 1n;

export interface SeriesInWindows<R> {
  /** The series' table as the storage read makes it, with one row standing for all. */
  probe: Table;
  /** Its windows in order, clipped to the bounds, each with what reduce made of its values. */
  windows: { w: Window; result: R }[];
}

export interface WindowedReadResult<R> {
  series: SeriesInWindows<R>[];
  bounds: Bounds;
}

/**
 * The read, or undefined when it cannot be pushed (the engine then windows the rows itself). `reduce` gets each
 * window's values in time order (`withValues` false: as many nulls, enough for `count`); `createEmpty` adds the
 * empty windows, reduced from no values.
 */
export function windowedRead<R>(
  input: TableStream,
  runtime: Runtime,
  windower: Windower,
  options: { withValues: boolean; createEmpty: boolean },
  reduce: (values: Cell[], series: SeriesKey) => R,
): (() => WindowedReadResult<R>) | undefined {
  const pushable = seriesWiseRead(input, runtime);
  if (!pushable) return undefined;
  const { read, bounds } = pushable;
  const grid = bounds.start < bounds.stop ? windower.grid(bounds.start) : undefined;
  // Window bounds computed in SQL (origin + (k + 1)·every) must not overflow int64.
  if (!grid || grid.origin < MIN_TIME || bounds.stop - grid.origin + grid.every > MAX_TIME) return undefined;
  if ((bounds.stop - grid.origin) / grid.every >= MAX_WINDOW_NUMBER) return undefined;
  return () => {
    const selector = readSelector(read, bounds);
    if (!selector) return { series: [], bounds };
    const probeOf = (s: SeriesKey) => seriesTable({ ...s, times: [bounds.start], values: [null] }, bounds);
    // The filters go first: a reducer may fail on a series they drop (mean of strings).
    const keep = (s: SeriesKey) => seriesPasses(read, probeOf(s), runtime);
    const stored = runtime.context.points.readWindows(
      { ...selector, ...grid, values: options.withValues, keep },
      reduce,
    );
    const all = options.createEmpty
      ? windower.overlapping(bounds.start, bounds.stop).map((w) => clip(w, bounds) ?? w)
      : [];
    const series: SeriesInWindows<R>[] = [];
    for (const s of stored) {
      const windows: SeriesInWindows<R>['windows'] = [];
      let next = 0;
      for (let i = 0; i < s.windows.length; i++) {
        const start = grid.origin + BigInt(s.windows[i]) * grid.every;
        const w = clip({ start, stop: start + grid.every }, bounds) as Window;
        // Empty windows before this one, when asked for.
        for (; next < all.length && all[next].start < w.start; next++)
          windows.push({ w: all[next], result: reduce([], s) });
        if (next < all.length && all[next].start === w.start) next++;
        windows.push({ w, result: s.results[i] });
      }
      for (; next < all.length; next++) windows.push({ w: all[next], result: reduce([], s) });
      series.push({ probe: probeOf(s), windows });
    }
    return { series, bounds };
  };
}
