/**
 * The `date` package (FLUX stdlib/date) and `timezone` (utc, fixed). A time argument may be a duration, taken
 * relative to now(). Functions that take a `location` read the clock there (timezone.ts: fixed offsets, and named
 * zones through Intl).
 */
import { civilFromDays, daysFromCivil } from '../calendar';
import { FluxError } from '../interpreter/errors';
import { Args, builtin } from '../interpreter/functions';
import { addDuration, floorDiv } from '../interpreter/time';
import type { CallSite, Duration, FluxFunction, Value } from '../interpreter/values';
import { duration, int, time, typeName } from '../interpreter/values';
import { FluxLocation, readLocation, timeInLocation } from './timezone';
import { Windower } from './windows';

const NS_PER_DAY = 86_400_000_000_000n;

/** A Timeable: a time, or a duration from now (as Flux's ResolveTimeable). */
function timeable(args: Args, name: string, site: CallSite): bigint {
  const v = args.value(name);
  if (v.type === 'time') return v.value;
  if (v.type === 'duration') return addDuration(site.runtime.now(), v.value);
  throw new FluxError(`argument ${name} must be a time or a duration, got ${typeName(v)}`);
}

interface Civil {
  year: number;
  month: number;
  day: number;
  days: bigint;
  nanos: bigint;
}

function civil(t: bigint): Civil {
  const days = floorDiv(t, NS_PER_DAY);
  return { ...civilFromDays(Number(days)), days, nanos: t - days * NS_PER_DAY };
}

/** ISO 8601 week number, as Go's Time.ISOWeek. */
function isoWeek(c: Civil): number {
  const weekday = Number(((c.days % 7n) + 7n + 3n) % 7n); // Monday = 0
  const thursday = Number(c.days) - weekday + 3;
  const year = civilFromDays(thursday).year;
  return Math.floor((thursday - daysFromCivil(year, 1, 1)) / 7) + 1;
}

/** `located` ones are the builtins `_hour` etc. under DATE_PRELUDE's `hour = (t, location=location) => ...`. */
function part(name: string, read: (c: Civil) => number | bigint, located = true): FluxFunction {
  return builtin({
    name: `date.${located ? '_' : ''}${name}`,
    params: located ? ['t', 'location'] : ['t'],
    required: located ? ['t', 'location'] : ['t'],
    run(args, site) {
      const t = timeable(args, 't', site);
      return int(BigInt(read(civil(located ? timeInLocation(t, readLocation(args.value('location'))) : t))));
    },
  });
}

const SECOND = 1_000_000_000n;

function shift(t: bigint, d: Duration, scale: bigint, location: FluxLocation): bigint {
  // As Flux's date.add: on the location's clock, so months and days follow its calendar.
  const local = addDuration(t, location.offset);
  const moved = location.zone
    ? location.zone.toLocalClock(addDuration(location.zone.fromLocalClock(local), d, scale))
    : addDuration(local, d, scale);
  return addDuration(moved, location.offset, -1n);
}

export const DATE: Record<string, FluxFunction> = {
  nanosecond: part('nanosecond', (c) => c.nanos % SECOND, false),
  microsecond: part('microsecond', (c) => (c.nanos % SECOND) / 1000n, false),
  millisecond: part('millisecond', (c) => (c.nanos % SECOND) / 1_000_000n, false),
  second: part('second', (c) => (c.nanos / SECOND) % 60n, false),
  _minute: part('minute', (c) => (c.nanos / (60n * SECOND)) % 60n),
  _hour: part('hour', (c) => c.nanos / (3600n * SECOND)),
  _weekDay: part('weekDay', (c) => ((c.days % 7n) + 7n + 4n) % 7n),
  _monthDay: part('monthDay', (c) => c.day),
  _yearDay: part('yearDay', (c) => Number(c.days) - daysFromCivil(c.year, 1, 1) + 1),
  _month: part('month', (c) => c.month),
  _year: part('year', (c) => c.year),
  _week: part('week', isoWeek),
  _quarter: part('quarter', (c) => Math.ceil(c.month / 3)),
  _time: builtin({
    name: 'date._time',
    params: ['t', 'location'],
    required: ['t', 'location'],
    run(args, site) {
      return time(timeInLocation(timeable(args, 't', site), readLocation(args.value('location'))));
    },
  }),
  _truncate: builtin({
    name: 'date._truncate',
    params: ['t', 'unit', 'location'],
    required: ['t', 'unit', 'location'],
    run(args, site) {
      const location = readLocation(args.value('location'));
      const unit = args.duration('unit');
      const t = timeable(args, 't', site);
      return time(new Windower(unit, unit, { months: 0n, nanoseconds: 0n }, location).latest(t).start);
    },
  }),
  _add: builtin({
    name: 'date._add',
    params: ['d', 'to', 'location'],
    required: ['d', 'to', 'location'],
    run(args, site) {
      return time(shift(timeable(args, 'to', site), args.duration('d'), 1n, readLocation(args.value('location'))));
    },
  }),
  _sub: builtin({
    name: 'date._sub',
    params: ['d', 'from', 'location'],
    required: ['d', 'from', 'location'],
    run(args, site) {
      return time(shift(timeable(args, 'from', site), args.duration('d'), -1n, readLocation(args.value('location'))));
    },
  }),
  scale: builtin({
    name: 'date.scale',
    params: ['d', 'n'],
    required: ['d', 'n'],
    run(args) {
      const d = args.duration('d');
      const n = args.int('n');
      return duration({ months: d.months * n, nanoseconds: d.nanoseconds * n });
    },
  }),
};

export const DATE_CONSTANTS: Record<string, Value> = Object.fromEntries(
  [
    ...['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'].map((d, i) => [d, i] as const),
    ...[
      'January',
      'February',
      'March',
      'April',
      'May',
      'June',
      'July',
      'August',
      'September',
      'October',
      'November',
      'December',
    ].map((m, i) => [m, i + 1] as const),
  ].map(([name, n]) => [name, int(BigInt(n))]),
);

/** As FLUX stdlib/date/date.flux: the located functions default to the \`location\` option. */
export const DATE_PRELUDE = `
time = (t, location=location) => _time(t, location)
minute = (t, location=location) => _minute(t, location)
hour = (t, location=location) => _hour(t, location)
weekDay = (t, location=location) => _weekDay(t, location)
monthDay = (t, location=location) => _monthDay(t, location)
yearDay = (t, location=location) => _yearDay(t, location)
month = (t, location=location) => _month(t, location)
year = (t, location=location) => _year(t, location)
week = (t, location=location) => _week(t, location)
quarter = (t, location=location) => _quarter(t, location)
add = (d, to, location=location) => _add(d, to, location)
sub = (d, from, location=location) => _sub(d, from, location)
truncate = (t, unit, location=location) => _truncate(t, unit, location)
`;

export const TIMEZONE_PRELUDE = `
utc = {zone: "UTC", offset: 0h}
fixed = (offset) => ({zone: utc.zone, offset: offset})
`;
