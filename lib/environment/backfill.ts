/**
 * "Write Missing Data for the last 7 days" (reference/iot-center.md 2c): which minutes a virtual device
 * must still write, and how to write them in chunks with progress for a bar.
 */
import { ceilToMinute, DAY_MS, floorToMinute, MINUTE_MS, toEpochMs } from './time';

/** IoT Center never backfills more than 7 days. */
export const BACKFILL_WINDOW_MS = 7 * DAY_MS;
/** IoT Center flushes (and moves the progress bar) every 2000 points. */
export const BACKFILL_CHUNK_SIZE = 2000;

/**
 * The minutes after the last entry: from `lastEntryMs + 1 min` (floored to the minute, and no earlier
 * than 7 days before now) through `nowMs` floored to the minute. No last entry means the whole window.
 */
export function backfillMinutes(nowMs: number, lastEntryMs?: number, windowMs = BACKFILL_WINDOW_MS): number[] {
  const toTime = floorToMinute(nowMs);
  const earliest = toTime - windowMs;
  const lastTime = lastEntryMs === undefined ? earliest : Math.max(floorToMinute(lastEntryMs), earliest);
  const minutes: number[] = [];
  for (let t = lastTime + MINUTE_MS; t <= toTime; t += MINUTE_MS) minutes.push(t);
  return minutes;
}

/** A row of `aggregateWindow(every: 1m, fn: count, createEmpty: true)`: `_time` is the window's stop. */
export interface MinuteCountRow {
  _time: unknown;
  _value: unknown;
  /** The query range's start, when the row still has it; windows that begin before it are cut short. */
  _start?: unknown;
}

/**
 * The minutes (window starts, ascending) whose count is 0 in every row that covers them. aggregateWindow
 * stamps a window with its stop, so the minute to write is one minute earlier; the last window is cut at
 * the range stop, hence the rounding up first. A window that begins before the range start (`_start`) is
 * dropped: the minute it names lies outside the range, where a point may already exist.
 */
export function missingMinutes(rows: Iterable<MinuteCountRow>): number[] {
  const empty = new Set<number>();
  const covered = new Set<number>();
  for (const row of rows) {
    const stop = toEpochMs(row._time);
    if (stop === undefined) throw new TypeError(`a count row has no valid _time: ${String(row._time)}`);
    const minute = ceilToMinute(stop) - MINUTE_MS;
    const rangeStart = toEpochMs(row._start);
    if (rangeStart !== undefined && minute < rangeStart) continue;
    // A device whose tags changed has one table per tag set: a minute is missing only if all are empty.
    if (row._value === 0 || row._value === null || row._value === undefined) empty.add(minute);
    else covered.add(minute);
  }
  return [...empty].filter((m) => !covered.has(m)).sort((a, b) => a - b);
}

export interface BackfillProgress {
  /** Items written so far, including this chunk. */
  written: number;
  total: number;
  /** Whole percent, 100 only when everything is written. */
  percent: number;
}

export function progressOf(written: number, total: number): BackfillProgress {
  const percent = total === 0 || written >= total ? 100 : Math.floor((written / total) * 100);
  return { written, total, percent };
}

export interface BackfillChunk<T> {
  items: T[];
  /** The progress once this chunk is written. */
  progress: BackfillProgress;
}

/** Splits `items` into chunks of `size` (IoT Center: 2000) with the progress after each one. */
export function* backfillChunks<T>(items: readonly T[], size = BACKFILL_CHUNK_SIZE): Generator<BackfillChunk<T>> {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  for (let start = 0; start < items.length; start += size) {
    const chunk = items.slice(start, start + size);
    yield { items: chunk, progress: progressOf(start + chunk.length, items.length) };
  }
}
