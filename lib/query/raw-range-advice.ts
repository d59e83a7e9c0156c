/**
 * Whether a query should read a downsampled bucket instead: it scans more than a week of raw points in a
 * bucket that an iot-downsample node of the same connection already aggregates (of the same measurement).
 */
import type { QueryScan } from './query-scan';

/** A downsampling kept by iot-downsample: its source and target bucket. */
export interface DownsampledBucket {
  sourceBucket: string;
  targetBucket: string;
  /** Default: any measurement. */
  measurement?: string;
  /** Window of the downsampled points, e.g. `1h`. */
  every?: string;
}

export interface RawRangeAdvice {
  /** The raw bucket the query scans. */
  bucket: string;
  rangeMs: number;
  /** Whole days scanned (rounded), for a short status. */
  days: number;
  /** Where the same series is kept downsampled. */
  downsampledBucket: string;
  every?: string;
}

/** Ranges longer than this read raw are worth the advice. */
export const LONG_RAW_RANGE_MS = 7 * 86_400_000;

export function rawRangeAdvice(
  scan: QueryScan | undefined,
  downsampled: readonly DownsampledBucket[],
  longerThanMs = LONG_RAW_RANGE_MS,
): RawRangeAdvice | undefined {
  if (!scan || !(scan.rangeMs > longerThanMs)) return undefined;
  const found = downsampled.find(
    (d) =>
      d.sourceBucket === scan.bucket &&
      d.targetBucket !== scan.bucket &&
      (d.measurement === undefined || scan.measurement === undefined || d.measurement === scan.measurement),
  );
  if (!found) return undefined;
  return {
    bucket: scan.bucket,
    rangeMs: scan.rangeMs,
    days: Math.round(scan.rangeMs / 86_400_000),
    downsampledBucket: found.targetBucket,
    ...(found.every ? { every: found.every } : {}),
  };
}
