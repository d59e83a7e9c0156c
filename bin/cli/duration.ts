/**
 * Durations as the `influx` CLI reads them for `influx setup --retention`, which the influxdb:2 image runs
 * with DOCKER_INFLUXDB_INIT_RETENTION (influx-cli pkg/duration): Go's time.ParseDuration first (`72h`,
 * `1h30m`, `1.5h`), else whole numbers with units w, d, h, m, s, ms, us (µs), ns (`30d`, `1w2d`).
 * Results are nanoseconds, as Go's time.Duration.
 */

const MAX_NS = (1n << 63n) - 1n;

const GO_UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5
  μs: 1_000n, // U+03BC
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const INFLUX_UNITS: Record<string, bigint> = {
  w: 7n * 24n * GO_UNITS.h,
  d: 24n * GO_UNITS.h,
  h: GO_UNITS.h,
  m: GO_UNITS.m,
  s: GO_UNITS.s,
  ms: GO_UNITS.ms,
  us: GO_UNITS.us,
  ns: 1n,
};

export const INVALID_UNIT =
  'duration must be week(w), day(d), hour(h), min(m), sec(s), millisec(ms), microsec(us), or nanosec(ns)';

/** influx-cli's RawDurationToTimeDuration: nanoseconds, or an Error with influx's message. */
export function parseInfluxDuration(raw: string): bigint {
  if (raw === '') return 0n;
  const go = parseGoDuration(raw);
  if (typeof go === 'bigint') return go;
  const negative = raw.startsWith('-');
  const parts = parseParts(negative ? raw.slice(1) : raw, raw);
  if (negative) throw new Error('must be greater than 0');
  let total = 0n;
  for (const { magnitude, unit } of parts) {
    const scale = Object.hasOwn(INFLUX_UNITS, unit) ? INFLUX_UNITS[unit] : undefined;
    if (scale === undefined) throw new Error(INVALID_UNIT);
    total += magnitude * scale;
  }
  if (total > MAX_NS) throw new Error(`invalid duration ${raw}`);
  return total;
}

function parseParts(text: string, input: string): Array<{ magnitude: bigint; unit: string }> {
  const parts: Array<{ magnitude: bigint; unit: string }> = [];
  let rest = text;
  while (rest.length > 0) {
    const digits = /^\d*/.exec(rest)?.[0] ?? '';
    if (digits === '') throw new Error(`invalid duration ${rest}`);
    const magnitude = BigInt(digits);
    if (magnitude > MAX_NS) throw new Error(`strconv.ParseInt: parsing "${digits}": value out of range`);
    rest = rest.slice(digits.length);
    const letters = /^\p{L}*/u.exec(rest)?.[0] ?? '';
    if (letters === '') throw new Error(`duration is missing a unit: ${input}`);
    rest = rest.slice(letters.length);
    parts.push({ magnitude, unit: letters === 'µs' ? 'us' : letters });
  }
  return parts;
}

/** Go's time.ParseDuration: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`; nanoseconds, or an Error with Go's message. */
export function parseGoDuration(raw: string): bigint | Error {
  const invalid = () => new Error(`time: invalid duration ${JSON.stringify(raw)}`);
  let s = raw;
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s.startsWith('-');
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') return invalid();
  let total = 0n;
  while (s !== '') {
    const number = /^(\d*)(?:\.(\d*))?/.exec(s);
    const whole = number?.[1] ?? '';
    const fraction = number?.[2];
    if (whole === '' && (fraction === undefined || fraction === '')) return invalid();
    s = s.slice(number?.[0].length ?? 0);
    const unitText = /^[^\d.]*/.exec(s)?.[0] ?? '';
    if (unitText === '') return new Error(`time: missing unit in duration ${JSON.stringify(raw)}`);
    s = s.slice(unitText.length);
    const unit = Object.hasOwn(GO_UNITS, unitText) ? GO_UNITS[unitText] : undefined;
    if (unit === undefined) {
      return new Error(`time: unknown unit ${JSON.stringify(unitText)} in duration ${JSON.stringify(raw)}`);
    }
    let value = BigInt(whole === '' ? '0' : whole) * unit;
    if (fraction) value += BigInt(Math.floor(Number(`0.${fraction}`) * Number(unit)));
    total += value;
    if (total > MAX_NS + 1n) return invalid();
  }
  if (negative) return -total;
  return total > MAX_NS ? invalid() : total;
}
