/**
 * A one-off backfill: the task's aggregation over whole windows of the past (e.g. the 7 days a device
 * backfilled before the task existed), run as a query whose `to()` writes into the target bucket.
 */
import type { QueryApi } from '@influxdata/influxdb-client';
import { collectRowsLimited } from '../query/collect-rows';
import { parseRange } from '../query/duration';
import { assertNoFluxError } from '../query/shape';
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
  const rows = await collectRowsLimited(api, downsampleBackfillFlux(options, org, window.start, window.stop), 0);
  assertNoFluxError(rows);
  return rows.length;
}
