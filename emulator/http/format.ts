/** Go's text formats that InfluxDB puts on the wire, so responses read byte-for-byte like OSS. */

const NS_PER_SECOND = 1_000_000_000n;

/** Go `time.Time` in JSON / `RFC3339Nano`: UTC, fractional seconds with trailing zeros trimmed. */
export function rfc3339Nano(ns: bigint): string {
  let seconds = ns / NS_PER_SECOND;
  let fraction = ns % NS_PER_SECOND;
  if (fraction < 0n) {
    fraction += NS_PER_SECOND;
    seconds -= 1n;
  }
  const base = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  const frac = fraction === 0n ? '' : '.' + fraction.toString().padStart(9, '0').replace(/0+$/, '');
  return `${base}${frac}Z`;
}

/** Go `time.Time.String()` in UTC, e.g. `2024-01-02 03:04:05.5 +0000 UTC`. */
export function goTimeString(ns: bigint): string {
  return rfc3339Nano(ns).replace('T', ' ').replace(/Z$/, ' +0000 UTC');
}

/** Go `time.Duration.String()`, e.g. `1h0m0s`, `72h0m0s`, `14m45.911966424s`, `1.5ms`, `0s`. */
export function goDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const sign = ns < 0n ? '-' : '';
  const abs = ns < 0n ? -ns : ns;
  if (abs < NS_PER_SECOND) {
    const [unit, size] = abs < 1000n ? ['ns', 1n] : abs < 1_000_000n ? ['µs', 1000n] : ['ms', 1_000_000n];
    return sign + decimal(abs, size) + unit;
  }
  const hours = abs / (3600n * NS_PER_SECOND);
  const minutes = (abs / (60n * NS_PER_SECOND)) % 60n;
  const seconds = decimal(abs % (60n * NS_PER_SECOND), NS_PER_SECOND);
  if (hours > 0n) return `${sign}${hours}h${minutes}m${seconds}s`;
  if (minutes > 0n) return `${sign}${minutes}m${seconds}s`;
  return `${sign}${seconds}s`;
}

function decimal(value: bigint, unit: bigint): string {
  const whole = value / unit;
  const rest = value % unit;
  if (rest === 0n) return whole.toString();
  const digits = unit.toString().length - 1;
  return `${whole}.${rest.toString().padStart(digits, '0').replace(/0+$/, '')}`;
}

/** Go `url.Values.Encode()`: keys sorted, `url.QueryEscape` (space → `+`, only `A-Za-z0-9-_.~` kept). */
export function goQueryEncode(values: Record<string, string>): string {
  return Object.keys(values)
    .sort()
    .map((k) => `${goQueryEscape(k)}=${goQueryEscape(values[k] ?? '')}`)
    .join('&');
}

function goQueryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
    .replace(/%20/g, '+');
}

/**
 * Go `encoding/json` output: `<`, `>`, `&`, U+2028 and U+2029 escaped; `pretty` is `json.Encoder` with
 * `SetIndent("", "\t")`, which also ends the body with a newline.
 */
export function goJson(value: unknown, pretty: boolean): string {
  const text = pretty ? JSON.stringify(value, null, '\t') + '\n' : JSON.stringify(value);
  return text.replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** Go `%q` of a string (close enough: Go writes `\x01` where JSON writes `\u0001`). */
export function goQuote(s: string): string {
  return JSON.stringify(s).replace(/\\u00([0-9a-f]{2})/g, '\\x$1');
}
