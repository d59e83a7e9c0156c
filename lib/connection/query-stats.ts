/**
 * How the queries run through a connection went since the last look: count, errors and latency (median
 * and longest). App health reads and resets it once a period; nothing else keeps query timings.
 */

export interface QueryPeriod {
  /** Queries that finished (well or not) in the period. */
  queries: number;
  /** Of those, the ones that failed. */
  errors: number;
  /** Median duration in ms; 0 when no query ran. */
  p50Ms: number;
  /** Longest duration in ms; 0 when no query ran. */
  maxMs: number;
}

/** A period keeps at most this many durations; beyond it the median is of a sample of the period's first. */
const MAX_SAMPLES = 10_000;

export class QueryStats {
  private durations: number[] = [];
  private count = 0;
  private errors = 0;
  private max = 0;

  /** One query that took `ms` and succeeded or not. */
  record(ms: number, ok: boolean): void {
    const duration = Number.isFinite(ms) && ms > 0 ? ms : 0;
    this.count++;
    if (!ok) this.errors++;
    this.max = Math.max(this.max, duration);
    if (this.durations.length < MAX_SAMPLES) this.durations.push(duration);
  }

  /** The period so far, and a new one begins. */
  take(): QueryPeriod {
    const period: QueryPeriod = {
      queries: this.count,
      errors: this.errors,
      p50Ms: median(this.durations),
      maxMs: this.max,
    };
    this.durations = [];
    this.count = 0;
    this.errors = 0;
    this.max = 0;
    return period;
  }
}

/** The middle value (the mean of the two middle ones for an even count); 0 for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
