/**
 * Which minutes of the last 7 days the device still has to write (IoT Center's "Write Missing Data"):
 * asked of InfluxDB with the query presets, or the whole window when there is nothing to ask.
 */
import type { QueryApi } from '@influxdata/influxdb-client';
import {
  BACKFILL_WINDOW_MS,
  backfillMinutes,
  floorToMinute,
  type MinuteCountRow,
  missingMinutes,
} from '../environment';
import { assertNoFluxError, type FluxRow, MISSING_MINUTES_FIELD, presetQuery } from '../query';

export interface MissingDataRequest {
  bucket: string;
  deviceId: string;
  /** "Now" for the plan and for InfluxDB, so that both see the same last minute. */
  nowMs: number;
}

/**
 * The minutes (ms, ascending) in the 7 days up to `nowMs` in which the device wrote no Temperature.
 * A device without any Temperature in those days gets the whole window: the missing-minutes query
 * would return nothing for it.
 */
export async function missingMinutesOf(queryApi: QueryApi, request: MissingDataRequest): Promise<number[]> {
  const api = queryApi.with({ now: () => new Date(request.nowMs).toISOString() });
  const { bucket, deviceId } = request;
  const last = await rows(
    api,
    presetQuery('lastValues', { bucket, deviceId, range: '-7d', fields: [MISSING_MINUTES_FIELD] }),
  );
  if (last.length === 0) return backfillMinutes(request.nowMs);
  const counts = await rows(api, presetQuery('missingMinutes', { bucket, deviceId }));
  return inBackfillWindow(missingMinutes(counts.map(toCountRow)), request.nowMs);
}

/** The whole window, or the minutes from `sinceMs` on (rounded up to a whole minute), at most 7 days back. */
export function minutesSince(nowMs: number, sinceMs?: number): number[] {
  // backfillMinutes starts one minute after the last entry; 1 ms before `since` makes `since` itself the first.
  return backfillMinutes(nowMs, sinceMs === undefined ? undefined : sinceMs - 1);
}

/** The same window backfillMinutes covers: after `floor(now) − 7 days`, through `floor(now)`. */
function inBackfillWindow(minutes: number[], nowMs: number): number[] {
  const last = floorToMinute(nowMs);
  return minutes.filter((minute) => minute > last - BACKFILL_WINDOW_MS && minute <= last);
}

async function rows(api: QueryApi, query: ReturnType<typeof presetQuery>): Promise<FluxRow[]> {
  const result = await api.collectRows<FluxRow>(query);
  assertNoFluxError(result);
  return result;
}

function toCountRow(row: FluxRow): MinuteCountRow {
  return { _time: row._time, _value: row._value, _start: row._start };
}
