/**
 * A windowed read pushed into storage, for `aggregateWindow`: when its input is still `from() |> range() |>
 * filter()` with filters that keep or drop whole series, and its windows tile time evenly, storage counts each
 * series' points per window (SQL GROUP BY) and gives their values in time order, without a row table. The caller
 * reduces each window with the engine's own reducer, so the answer is the engine's to the bit.
 */
import type { Runtime } from '../interpreter/values';
import type { Bounds, TableStream } from '../stream';
import type { Cell, Table } from '../table';
import { applyReadFilters, filtersAreSeriesConstant, readBounds, readSelector, seriesTable } from './storage-read';
import { clip, Window, Windower } from './windows';

/** Window numbers must stay exact as JS numbers. */
const MAX_WINDOW_NUMBER = 2n ** 53n;
const MIN_TIME = -(2n ** 63n);
const MAX_TIME = 2n ** 63n - 1n;

export interface SeriesInWindows {
  /** The series' table as the storage read makes it, with one row (its first value) standing for all. */
  probe: Table;
  /** Its windows in order, clipped to the bounds, each with its values in time order. */
  windows: { w: Window; values: Cell[] }[];
}

export interface WindowedReadResult {
  series: SeriesInWindows[];
  bounds: Bounds;
}

/**
 * The read, or undefined when it cannot be pushed (the engine then windows the rows itself). `withValues` false
 * gives windows holding the right number of nulls (enough for `count`); `createEmpty` adds the empty windows.
 */
export function windowedRead(
  input: TableStream,
  runtime: Runtime,
  windower: Windower,
  options: { withValues: boolean; createEmpty: boolean },
): (() => WindowedReadResult) | undefined {
  const read = input.pendingRead;
  if (!read?.range || runtime.context.pushDown === false || !filtersAreSeriesConstant(read)) return undefined;
  // A filter keeping empty tables keeps series without a row in range: only the row path knows those.
  if (read.filters.some((f) => f.onEmpty === 'keep')) return undefined;
  // The bounds are needed to know the grid; resolving them here is what the read would do first anyway.
  let bounds: Bounds;
  try {
    bounds = readBounds(read, runtime);
  } catch {
    return undefined;
  }
  const grid = bounds.start < bounds.stop ? windower.grid(bounds.start) : undefined;
  // Window bounds computed in SQL (origin + (k + 1)·every) must not overflow int64.
  if (!grid || grid.origin < MIN_TIME || bounds.stop - grid.origin + grid.every > MAX_TIME) return undefined;
  if ((bounds.stop - grid.origin) / grid.every >= MAX_WINDOW_NUMBER) return undefined;
  return () => {
    const selector = readSelector(read, bounds);
    if (!selector) return { series: [], bounds };
    const stored = runtime.context.points.readWindows({ ...selector, ...grid, values: options.withValues });
    const all = options.createEmpty
      ? windower.overlapping(bounds.start, bounds.stop).map((w) => clip(w, bounds) ?? w)
      : [];
    const series: SeriesInWindows[] = [];
    for (const s of stored) {
      const values = s.values ?? new Array<Cell>(s.counts.reduce((a, b) => a + b, 0)).fill(null);
      const probe = seriesTable({ ...s, times: [bounds.start], values: [values[0] ?? null] }, bounds);
      if (applyReadFilters(read, [probe], runtime).length === 0) continue;
      const windows: SeriesInWindows['windows'] = [];
      let next = 0;
      let at = 0;
      for (let i = 0; i < s.windows.length; i++) {
        const start = grid.origin + BigInt(s.windows[i]) * grid.every;
        const w = clip({ start, stop: start + grid.every }, bounds) as Window;
        // Empty windows before this one, when asked for.
        for (; next < all.length && all[next].start < w.start; next++) windows.push({ w: all[next], values: [] });
        if (next < all.length && all[next].start === w.start) next++;
        windows.push({ w, values: values.slice(at, at + s.counts[i]) });
        at += s.counts[i];
      }
      for (; next < all.length; next++) windows.push({ w: all[next], values: [] });
      series.push({ probe, windows });
    }
    return { series, bounds };
  };
}
