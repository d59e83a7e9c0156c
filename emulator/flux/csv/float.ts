/** Doubles as Go's strconv writes and reads them, which is what Flux puts in and takes from CSV. */

/**
 * Go `strconv.FormatFloat(v, 'f', -1, 64)`: the shortest digits that read back to the same double,
 * never an exponent (`1e21` -> `1000000000000000000000`), and `NaN`, `+Inf`, `-Inf`, `-0`.
 */
export function formatFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  // In this range JS writes the same shortest digits without an exponent (ECMAScript Number::toString).
  const magnitude = Math.abs(v);
  if (magnitude >= 1e-6 && magnitude < 1e21) return String(v);
  // JS picks the same shortest round-trip digits as Go; only the layout differs.
  const [mantissa, exp] = Math.abs(v).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const pointAt = Number(exp) + 1; // digits before the decimal point
  let text: string;
  if (pointAt <= 0) text = '0.' + '0'.repeat(-pointAt) + digits;
  else if (pointAt >= digits.length) text = digits + '0'.repeat(pointAt - digits.length);
  else text = digits.slice(0, pointAt) + '.' + digits.slice(pointAt);
  return v < 0 ? '-' + text : text;
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INFINITY = /^([+-]?)inf(?:inity)?$/i;

/**
 * Go `strconv.ParseFloat(s, 64)` for decimal text and the special values (`NaN`, `Inf`, `+Infinity`...,
 * any case). Returns undefined for text Go rejects, and for overflow, which Go reports as a range error.
 * Hexadecimal floats (`0x1p-2`) are not supported.
 */
export function parseFloat64(text: string): number | undefined {
  if (/^nan$/i.test(text)) return NaN;
  const inf = INFINITY.exec(text);
  if (inf) return inf[1] === '-' ? -Infinity : Infinity;
  if (!DECIMAL.test(text)) return undefined;
  const v = Number(text);
  return Number.isFinite(v) ? v : undefined;
}
