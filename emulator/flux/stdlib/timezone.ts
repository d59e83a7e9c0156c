/**
 * The `timezone` package (FLUX stdlib/timezone) and Flux's location records `{zone, offset}`. A named zone reads
 * its UTC offsets from Node's Intl (ICU's copy of the IANA tz database), and converts clocks as Flux's
 * internal/zoneinfo does: `fromLocalClock` (UTC instant -> the zone's wall clock, read as UTC) and `toLocalClock`
 * (a wall clock -> the instant; in a gap the transition, when ambiguous the earliest instant).
 * Refused, since Intl cannot answer them as Go's tz data does: names Intl does not know, and named-zone
 * arithmetic on times before 1970 (where tz data is not guaranteed and ICU's may differ from the system's).
 */
import { FluxError } from '../interpreter/errors';
import { builtin } from '../interpreter/functions';
import type { Duration, FluxFunction, Value } from '../interpreter/values';
import { duration, record, str, typeName } from '../interpreter/values';
import { addDuration, ZERO_DURATION } from '../interpreter/time';

const NS_PER_SECOND = 1_000_000_000n;
/** Sampling step when looking for offset changes (no zone changes its offset twice within it). */
const STEP = 6 * 3600;
const YEAR_SECONDS = 366 * 86400;

interface Transition {
  /** First second (UTC) of the new offset. */
  at: number;
  offset: number;
}

interface Period {
  offset: number;
  start: number;
  end: number;
}

/** One IANA zone: offsets in seconds east of UTC, found through Intl and cached per year. */
export class Zone {
  private readonly format: Intl.DateTimeFormat;
  private readonly years = new Map<number, Transition[]>();

  private constructor(readonly name: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  private static readonly zones = new Map<string, Zone>();

  /** The zone named as in the tz database (`America/Los_Angeles`); unknown names are refused. */
  static load(name: string): Zone {
    let zone = Zone.zones.get(name);
    if (zone) return zone;
    // Intl also accepts offsets ("+01:00") and is case-insensitive; Go's LoadLocation takes tz database names.
    if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(name) || name === 'Local')
      throw new FluxError(`unknown time zone ${name}`);
    try {
      zone = new Zone(name);
    } catch {
      throw new FluxError(
        `unknown time zone ${name}: the emulator reads zones from Node's Intl (ICU tz data), which does not know it`,
      );
    }
    // Intl matches names case-insensitively; Go's tz database lookup does not.
    const resolved = zone.format.resolvedOptions().timeZone;
    if (resolved !== name && resolved.toLowerCase() === name.toLowerCase())
      throw new FluxError(`unknown time zone ${name}`);
    Zone.zones.set(name, zone);
    return zone;
  }

  /** The offset (seconds east of UTC) in effect at the UTC second `sec`. */
  offsetAt(sec: number): number {
    const parts = this.format.formatToParts(new Date(sec * 1000));
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
    const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
    return Math.round(wall / 1000) - sec;
  }

  private transitionsOfYear(year: number): Transition[] {
    let list = this.years.get(year);
    if (list) return list;
    list = [];
    const from = Date.UTC(year, 0, 1) / 1000;
    const to = Date.UTC(year + 1, 0, 1) / 1000;
    let prevSec = from;
    let prev = this.offsetAt(from);
    for (let s = Math.min(from + STEP, to); ; s = Math.min(s + STEP, to)) {
      const off = this.offsetAt(s);
      if (off !== prev) {
        // Binary search for the first second of the new offset in (prevSec, s].
        let lo = prevSec;
        let hi = s;
        while (hi - lo > 1) {
          const mid = Math.floor((lo + hi) / 2);
          if (this.offsetAt(mid) === prev) lo = mid;
          else hi = mid;
        }
        list.push({ at: hi, offset: off });
        prev = off;
      }
      prevSec = s;
      if (s >= to) break;
    }
    // A change exactly at the year's first second belongs to this year.
    const before = this.offsetAt(from - 1);
    if (before !== this.offsetAt(from)) list.unshift({ at: from, offset: this.offsetAt(from) });
    this.years.set(year, list);
    return list;
  }

  /**
   * As zoneinfo's lookup: the offset at `sec` and the period [start, end) it holds for. A bound further than a
   * year away is reported as a year away (only nearby bounds matter to the clock conversions).
   */
  lookup(sec: number): Period {
    const year = new Date(sec * 1000).getUTCFullYear();
    const transitions = [year - 1, year, year + 1].flatMap((y) => this.transitionsOfYear(y));
    let start = sec - YEAR_SECONDS;
    let end = sec + YEAR_SECONDS;
    for (const t of transitions) {
      if (t.at <= sec) start = Math.max(start, t.at);
      else end = Math.min(end, t.at);
    }
    return { offset: this.offsetAt(sec), start, end };
  }

  /** zoneinfo's FromLocalClock: the UTC instant's wall clock in this zone, as a UTC time. */
  fromLocalClock(utc: bigint): bigint {
    checkRange(utc, this.name);
    return utc + BigInt(this.lookup(Number(utc / NS_PER_SECOND)).offset) * NS_PER_SECOND;
  }

  /** zoneinfo's ToLocalClock: the instant whose wall clock here is `local` (read as UTC). */
  toLocalClock(local: bigint): bigint {
    checkRange(local, this.name);
    const sec = Number(local / NS_PER_SECOND);
    let { offset, start, end } = this.lookup(sec);
    if (offset !== 0) {
      const utc = sec - offset;
      if (utc < start) {
        ({ offset, start, end } = this.lookup(start - 1));
        const u = sec - offset;
        if (u < start || u >= end) return BigInt(end) * NS_PER_SECOND;
      } else if (utc >= end) {
        ({ offset, start, end } = this.lookup(end));
        const u = sec - offset;
        if (u < start || u >= end) return BigInt(start) * NS_PER_SECOND;
      }
    }
    const prev = this.lookup(start - 1);
    const u = sec - prev.offset;
    if (u >= prev.start && u < prev.end) offset = prev.offset;
    return local - BigInt(offset) * NS_PER_SECOND;
  }
}

function checkRange(t: bigint, zone: string): void {
  if (t < 0n)
    throw new FluxError(
      `time zone ${zone} before 1970 is not supported by the emulator (its tz data comes from Intl and is only exact since 1970)`,
    );
}

/** A location record, read: a named zone (none for UTC) and a fixed offset in nanoseconds. */
export interface FluxLocation {
  zone?: Zone;
  offset: Duration;
}

export const UTC_LOCATION: FluxLocation = { offset: ZERO_DURATION };

/** As Flux's date.GetLocation: `{zone: string, offset: duration}`; zone "UTC" is no zone. */
export function readLocation(v: Value | undefined): FluxLocation {
  if (v === undefined || v.type === 'null') return UTC_LOCATION;
  if (v.type !== 'record') throw new FluxError(`location must be a record, got ${typeName(v)}`);
  const zone = v.value.get('zone');
  if (!zone) throw new FluxError('zone property missing from location record');
  if (zone.type !== 'string' && zone.type !== 'null')
    throw new FluxError(`zone property for location must be of type string, got ${typeName(zone)}`);
  const offset = v.value.get('offset');
  let d = ZERO_DURATION;
  if (offset !== undefined && offset.type !== 'null') {
    if (offset.type !== 'duration')
      throw new FluxError(`offset property for location must be of type duration, got ${typeName(offset)}`);
    d = offset.value;
  }
  if (zone.type === 'null' || zone.value === 'UTC') return { offset: d };
  return { zone: Zone.load(zone.value), offset: d };
}

/** As Flux's date.GetTimeInLocation: the wall clock at `t` in the location, as a UTC time. */
export function timeInLocation(t: bigint, loc: FluxLocation): bigint {
  return addDuration(loc.zone ? loc.zone.fromLocalClock(t) : t, loc.offset);
}

export const TIMEZONE: Record<string, FluxFunction> = {
  location: builtin({
    name: 'timezone.location',
    params: ['name'],
    required: ['name'],
    run(args) {
      const name = args.string('name');
      if (name !== 'UTC') Zone.load(name);
      return record(
        new Map<string, Value>([
          ['zone', str(name)],
          ['offset', duration(ZERO_DURATION)],
        ]),
      );
    },
  }),
};
