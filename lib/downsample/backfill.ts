/**
 * A one-off backfill: the task's aggregation over whole windows of the past (e.g. the 7 days a device
 * backfilled before the task existed), run as a query whose `to()` writes into the target bucket.
 */
import type { QueryApi } from '@influxdata/influxdb-client';
import { streamRows } from '../query/collect-rows';
import { parseRange } from '../query/duration';
import { fluxErrorOf } from '../query/row-cells';
import { SliceBudget } from '../query/slice-budget';
import { downsampleBackfillFlux } from './flux';
import { wholeSeconds, type DownsampleOptions } from './options';

export const DEFAULT_BACKFILL_RANGE = '-7d';

export interface BackfillWindow {
  start: Date;
  /** The last window boundary at or before now: the window still open is the task's to fill. */
  stop: Date;
}

/** Whole `every` windows (epoch-aligned, as aggregateWindow and the task schedule are) from now+range to now. */
export function backfillWindow(now: Date, range: unknown, every: string): BackfillWindow {
  const back = parseRange(range ?? DEFAULT_BACKFILL_RANGE);
  const step = wholeSeconds('every', every) * 1000;
  const stop = Math.floor(now.getTime() / step) * step;
  const start = Math.floor((now.getTime() - back.ms) / step) * step;
  return { start: new Date(start), stop: new Date(stop) };
}

/** Runs the backfill; resolves with the number of aggregated points written. */
export async function runBackfill(
  api: QueryApi,
  options: DownsampleOptions,
  org: string,
  window: BackfillWindow,
): Promise<number> {
  if (window.stop <= window.start) return 0;
  // The rows (what to() wrote) are only counted, a slice at a time: a week of many devices is many rows.
  return streamRows(api, downsampleBackfillFlux(options, org, window.start, window.stop), {
    limit: 0,
    onRow: (row) => {
      const error = fluxErrorOf(row);
      if (error) throw error;
    },
    budget: new SliceBudget(),
  });
}
