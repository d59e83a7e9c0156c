/**
 * Window arithmetic: which windows `[start, stop)` contain a time, and which overlap the query bounds.
 * Windows start at `offset + k·every` (calendar months when `every` is in months) and last `period`.
 */
import { civilFromDays } from '../calendar';
import { FluxError } from '../interpreter/errors';
import { addDuration, addMonths, floorDiv, isNegative, isZero, monthIndex } from '../interpreter/time';
import type { Duration } from '../interpreter/values';
import type { FluxLocation, Zone } from './timezone';

/** Refuses windowing that would build an absurd number of tables (e.g. `every: 1ns` over a day). */
const MAX_WINDOWS = 1_000_000;

export interface Window {
  start: bigint;
  stop: bigint;
}

export class Windower {
  private readonly every: Duration;
  private readonly period: Duration;
  private readonly zero: bigint;
  private readonly zone?: Zone;

  /**
   * In a location (Flux's interval.NewWindowInLocation), windows are laid out on its wall clock: the zero point
   * moves back by the location's fixed offset, and with a named zone each window's bounds are the instants of
   * its wall-clock bounds (so a day window is 23 or 25 hours across a DST change).
   */
  constructor(every: Duration, period: Duration, offset: Duration, location?: FluxLocation) {
    if (isNegative(every) || isZero(every)) throw new FluxError('every must be a positive duration');
    if (every.months !== 0n && every.nanoseconds !== 0n)
      throw new FluxError('every cannot mix months with days or smaller units');
    if (isNegative(period)) throw new FluxError('period must not be negative');
    this.every = every;
    this.period = isZero(period) ? every : period;
    // The zero point (epoch + offset) is moved within one `every` so indexes stay small.
    let zero = addDuration(location ? addDuration(0n, location.offset, -1n) : 0n, offset);
    this.zone = location?.zone;
    if (every.months === 0n) zero -= floorDiv(zero, every.nanoseconds) * every.nanoseconds;
    this.zero = zero;
  }

  startOf(k: bigint): bigint {
    return this.every.months !== 0n
      ? addMonths(this.zero, k * this.every.months)
      : this.zero + k * this.every.nanoseconds;
  }

  stopOf(k: bigint): bigint {
    return addDuration(this.startOf(k), this.period);
  }

  /** The largest k whose window starts at or before t. */
  indexOf(t: bigint): bigint {
    if (this.every.months === 0n) return floorDiv(t - this.zero, this.every.nanoseconds);
    // As Flux's interval.Window lastIndex: in months since the epoch, one less when t's day and time of the
    // month come before the zero's (with clamped month ends, such a window may not contain t at all).
    const target = monthIndex(t) - (withinMonth(t) < withinMonth(this.zero) ? 1n : 0n);
    return floorDiv(target - monthIndex(this.zero), this.every.months);
  }

  /** Windows containing t, latest first. */
  containing(t: bigint): Window[] {
    if (this.zone) return this.zonedOverlapping(t, t + 1n).reverse();
    const out: Window[] = [];
    for (let k = this.indexOf(t); this.stopOf(k) > t; k -= 1n) {
      out.push({ start: this.startOf(k), stop: this.stopOf(k) });
      if (out.length > MAX_WINDOWS) throw tooMany();
    }
    return out;
  }

  /** Windows overlapping [start, stop), earliest first. */
  overlapping(start: bigint, stop: bigint): Window[] {
    if (this.zone) return this.zonedOverlapping(start, stop);
    let k = this.indexOf(start);
    while (this.stopOf(k - 1n) > start) k -= 1n;
    const out: Window[] = [];
    for (; this.startOf(k) < stop; k += 1n) {
      if (this.stopOf(k) > start) out.push({ start: this.startOf(k), stop: this.stopOf(k) });
      if (out.length > MAX_WINDOWS) throw tooMany();
    }
    return out;
  }

  /**
   * When windows tile time evenly (every in nanoseconds, period = every, no named zone): the start of the window
   * holding `from`, and `every`, so the window of any t >= origin is number (t - origin) / every.
   */
  grid(from: bigint): { origin: bigint; every: bigint } | undefined {
    if (this.zone || this.every.months !== 0n || this.period.months !== 0n) return undefined;
    if (this.period.nanoseconds !== this.every.nanoseconds) return undefined;
    return { origin: this.startOf(this.indexOf(from)), every: this.every.nanoseconds };
  }

  /** The window holding t's wall clock (interval.Window.GetLatestBounds), as instants. */
  latest(t: bigint): Window {
    return this.boundsOf(this.indexOf(this.zone ? this.zone.fromLocalClock(t) : t));
  }

  private boundsOf(k: bigint): Window {
    const start = this.startOf(k);
    const stop = this.stopOf(k);
    return this.zone ? { start: this.zone.toLocalClock(start), stop: this.zone.toLocalClock(stop) } : { start, stop };
  }

  /** As interval.Window.GetOverlappingBounds, earliest first: back from the window of `stop`. */
  private zonedOverlapping(start: bigint, stop: bigint): Window[] {
    if (start >= stop) return [];
    const out: Window[] = [];
    let k = this.indexOf((this.zone as Zone).fromLocalClock(stop));
    for (let b = this.boundsOf(k); b.stop > start; b = this.boundsOf(--k)) {
      if (overlaps(b, { start, stop })) out.push(b);
      if (out.length > MAX_WINDOWS) throw tooMany();
    }
    return out.reverse();
  }
}

const contains = (b: Window, t: bigint) => t >= b.start && t < b.stop;

/** interval.Bounds.Overlaps, exactly (an empty window overlaps when its start lies in o). */
function overlaps(b: Window, o: Window): boolean {
  return contains(b, o.start) || (contains(b, o.stop) && o.stop > b.start) || contains(o, b.start);
}

const NS_PER_DAY = 86_400_000_000_000n;

/** Day of the month and time of day as one comparable number (ns from the 1st at midnight, plus a day). */
function withinMonth(t: bigint): bigint {
  const day = floorDiv(t, NS_PER_DAY);
  return t - day * NS_PER_DAY + BigInt(civilFromDays(Number(day)).day) * NS_PER_DAY;
}

export function clip(w: Window, bounds: Window | undefined): Window | undefined {
  if (!bounds) return w;
  const start = w.start > bounds.start ? w.start : bounds.start;
  const stop = w.stop < bounds.stop ? w.stop : bounds.stop;
  return start < stop ? { start, stop } : undefined;
}

function tooMany(): FluxError {
  return new FluxError(`window would create more than ${MAX_WINDOWS} windows; use a larger every`);
}
