/**
 * Go's math.Frexp and math.Ldexp bit for bit (the math package's frexp, ldexp and pow use them), and Go's math.Pow
 * for a whole exponent (math/pow.go: repeated squaring of Frexp's mantissa, then Ldexp), which holtWinters uses for
 * the damping sum phi^1 + phi^2 + ... . JavaScript's Math.pow may differ from it in the last bit, and the optimizer
 * compares sums of squares built on it.
 */
const view = new DataView(new ArrayBuffer(8));
const BIAS = 1023;
const SMALLEST_NORMAL = 2.2250738585072014e-308;

function exponentBits(f: number): number {
  view.setFloat64(0, f);
  return (view.getUint32(0) >>> 20) & 0x7ff;
}

function withExponentBits(f: number, bits: number): number {
  view.setFloat64(0, f);
  view.setUint32(0, (view.getUint32(0) & ~(0x7ff << 20)) | (bits << 20));
  return view.getFloat64(0);
}

/** Go's normalize: a subnormal scaled up to a normal number, and the power of two taken out. */
function normalize(f: number): [number, number] {
  return Math.abs(f) < SMALLEST_NORMAL ? [f * 2 ** 52, -52] : [f, 0];
}

/** Go's math.Frexp: f = frac × 2^exp with |frac| in [0.5, 1). */
export function goFrexp(f: number): [number, number] {
  if (f === 0 || !Number.isFinite(f)) return [f, 0];
  const [normal, e] = normalize(f);
  const exp = e + exponentBits(normal) - BIAS + 1;
  return [withExponentBits(normal, BIAS - 1), exp];
}

/** Go's math.Ldexp: frac × 2^exp, rounding into the subnormals as Go does. */
export function goLdexp(frac: number, exp: number): number {
  if (frac === 0 || !Number.isFinite(frac)) return frac;
  // A normal result is exact either way: multiplying by a power of two only moves the exponent. Below 2^-1075
  // it is zero either way (the damping sum asks for ever smaller powers).
  const magnitude = Math.abs(frac);
  if (magnitude < 1 && exp < -1075) return frac < 0 ? -0 : 0;
  if (exp > -1000 && exp < 1000 && magnitude >= 0.5 && magnitude < 1) return frac * 2 ** exp;
  const [normal, e] = normalize(frac);
  let total = exp + e + exponentBits(normal) - BIAS;
  if (total < -1075) return frac < 0 ? -0 : 0;
  if (total > 1023) return frac < 0 ? -Infinity : Infinity;
  let m = 1;
  if (total < -1022) {
    total += 53;
    m = 1 / 2 ** 53;
  }
  return m * withExponentBits(normal, total + BIAS);
}

/** Go's math.Pow(x, y) for a whole y ≥ 1. */
export function goPowInt(x: number, y: number): number {
  return goPowOf(x)(y);
}

/**
 * Go's math.Pow(x, y) for one x and any whole y ≥ 1: x's Frexp is taken once, as holtWinters raises one phi to
 * every power up to the length of the series.
 */
export function goPowOf(x: number): (y: number) => number {
  if (x === 1) return () => 1;
  if (Number.isNaN(x)) return (y) => (y === 1 ? x : NaN);
  if (x === 0) return (y) => (y % 2 === 1 ? x : 0);
  // Go: Inf^y is Inf (or -Inf for an odd y and -Inf).
  if (!Number.isFinite(x)) return (y) => (x < 0 && y % 2 === 1 ? -Infinity : Infinity);
  const split = goFrexp(x);
  return (y) => (y === 1 ? x : goLdexp(...powBySquaring(1, split, y)));
}

/**
 * The core of Go's math.Pow: `a1` times x^y for a whole y ≥ 0, with x given by its Frexp, as a fraction and a power of
 * two (before Ldexp, which the caller applies, after inverting for a negative exponent). Integer halving by floor
 * and remainder is exact for any y below 2^63 held in a double.
 */
export function powBySquaring(a1: number, [frac, exp]: [number, number], y: number): [number, number] {
  let ae = 0;
  let x1 = frac;
  let xe = exp;
  for (let i = y; i !== 0; i = Math.floor(i / 2)) {
    if (xe < -(1 << 12) || 1 << 12 < xe) {
      // Catastrophic overflow or underflow: Ldexp makes it 0 or Inf.
      ae += xe;
      break;
    }
    if (i % 2 === 1) {
      a1 *= x1;
      ae += xe;
    }
    x1 *= x1;
    xe *= 2;
    if (x1 < 0.5) {
      x1 += x1;
      xe--;
    }
  }
  return [a1, ae];
}
