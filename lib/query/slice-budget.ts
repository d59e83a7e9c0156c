/**
 * Long work on one message done in slices, so that Node-RED's editor, timers and other flows run between
 * them: a slice ends after `units` units of work (rows, points) or `ms` milliseconds, whichever comes
 * first, and the work goes on after a turn of the event loop (setImmediate, so I/O and timers run).
 */
import { performance } from 'node:perf_hooks';

export interface SliceLimits {
  /** Most units of work (rows, points) in one slice. */
  units: number;
  /** Most milliseconds one slice may take (checked every CLOCK_EVERY units). */
  ms: number;
}

export const DEFAULT_SLICE: SliceLimits = { units: 1000, ms: 5 };

/** Units between two looks at the clock: reading it for every row would cost more than the row. */
const CLOCK_EVERY = 64;

export class SliceBudget {
  private spent = 0;
  private spentAtClock = 0;
  private sliceStarted = performance.now();
  /** How many times the work gave way to the event loop. */
  yields = 0;

  constructor(private readonly limits: SliceLimits = DEFAULT_SLICE) {}

  /** Counts `units` of work done; true when the slice is over and the caller should give way. */
  spend(units = 1): boolean {
    this.spent += units;
    if (this.spent >= this.limits.units) return true;
    if (this.spent - this.spentAtClock < CLOCK_EVERY) return false;
    this.spentAtClock = this.spent;
    return performance.now() - this.sliceStarted >= this.limits.ms;
  }

  /** Gives way to the event loop; resolves when the next slice may start. */
  pause(): Promise<void> {
    this.yields++;
    return new Promise((resolve) =>
      setImmediate(() => {
        this.spent = 0;
        this.spentAtClock = 0;
        this.sliceStarted = performance.now();
        resolve();
      }),
    );
  }
}
