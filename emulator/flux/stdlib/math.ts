/**
 * The `math` package (FLUX stdlib/math, which wraps Go's math). Only the functions whose Go result JavaScript
 * reproduces bit for bit are provided: exact operations (abs, floor, ceil, trunc, round, sqrt, mod, ...) and
 * `pow` by Go's own algorithm for whole and half exponents. Transcendental functions (exp, log, sin, ...) use
 * assembly or other polynomials in Go than in V8, may differ in the last bit, and so are left out: using one is
 * the 400 `unsupported function "math.<name>"`.
 */
import { FluxError } from '../interpreter/errors';
import { Args, builtin } from '../interpreter/functions';
import type { FluxFunction, Value } from '../interpreter/values';
import { bool, float, int, record, uint } from '../interpreter/values';
import { goFrexp, goLdexp, powBySquaring } from './go-math';

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
const frexp = goFrexp;
const ldexp = goLdexp;

const isOddInt = (x: number) => Math.abs(x) < 2 ** 53 && Number.isInteger(x) && Math.abs(x % 2) === 1;

/** Go's math.Pow (pow.go), for exponents whose fractional part is 0 or ½. */
function pow(x: number, y: number): number {
  if (y === 0 || x === 1) return 1;
  if (y === 1) return x;
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x === 0) {
    const negZero = Object.is(x, -0);
    if (y < 0) return negZero && isOddInt(y) ? -Infinity : Infinity;
    return negZero && isOddInt(y) ? x : 0;
  }
  if (!Number.isFinite(y)) {
    if (x === -1) return 1;
    return Math.abs(x) < 1 === y > 0 ? 0 : Infinity;
  }
  if (!Number.isFinite(x)) {
    if (x < 0) return pow(1 / x, -y);
    return y < 0 ? 0 : Infinity;
  }
  if (y === 0.5) return Math.sqrt(x);
  if (y === -0.5) return 1 / Math.sqrt(x);
  const yi = Math.trunc(Math.abs(y));
  const yf = Math.abs(y) - yi;
  if (yf !== 0 && x < 0) return NaN;
  if (yi >= 2 ** 63) {
    if (x === -1) return 1;
    return Math.abs(x) < 1 === y > 0 ? 0 : Infinity;
  }
  let a1 = 1.0;
  if (yf !== 0) {
    if (yf !== 0.5)
      throw new FluxError(
        'math.pow with an exponent that is not a whole or half number is not supported by the emulator',
      );
    a1 = Math.sqrt(x);
  }
  const [fraction, exponent] = powBySquaring(a1, frexp(x), yi);
  return y < 0 ? ldexp(1 / fraction, -exponent) : ldexp(fraction, exponent);
}

const unary = (name: string, f: (x: number) => number): FluxFunction =>
  builtin({ name: `math.${name}`, params: ['x'], required: ['x'], run: (a) => float(f(a.float('x'))) });

const binary = (name: string, f: (x: number, y: number) => number, p = ['x', 'y']): FluxFunction =>
  builtin({ name: `math.${name}`, params: p, required: p, run: (a: Args) => float(f(a.float(p[0]), a.float(p[1]))) });

/** Go's Round: half away from zero (JavaScript's Math.round goes half up). */
function round(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const t = Math.trunc(x);
  return Math.abs(x - t) >= 0.5 ? t + Math.sign(x) : t === 0 ? (x < 0 ? -0 : 0) : t;
}

function roundToEven(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const t = Math.trunc(x);
  const d = Math.abs(x - t);
  const r = d > 0.5 || (d === 0.5 && t % 2 !== 0) ? t + Math.sign(x) : t;
  return r === 0 ? (x < 0 ? -0 : 0) : r;
}

/** Go's Max/Min: NaN wins over a number, +Inf over NaN for Max (-Inf for Min), and +0 > -0. */
function mMax(x: number, y: number): number {
  if (x === Infinity || y === Infinity) return Infinity;
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x === 0 && x === y) return Object.is(x, -0) ? y : x;
  return x > y ? x : y;
}

function mMin(x: number, y: number): number {
  if (x === -Infinity || y === -Infinity) return -Infinity;
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x === 0 && x === y) return Object.is(x, -0) ? x : y;
  return x < y ? x : y;
}

function dim(x: number, y: number): number {
  const v = x - y;
  return v <= 0 ? 0 : v;
}

/** IEEE 754 remainder: x - n·y with n the integer nearest x/y (ties to even), exactly. */
function remainder(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y) || !Number.isFinite(x) || y === 0) return NaN;
  if (!Number.isFinite(y)) return x;
  const r = x % y; // exact (fmod)
  const ay = Math.abs(y);
  let out = r;
  if (Math.abs(r) * 2 > ay || (Math.abs(r) * 2 === ay && Math.abs(((x - r) / y) % 2) === 1))
    out = r - Math.sign(r) * ay;
  return out === 0 ? (x < 0 ? -0 : 0) : out;
}

export const MATH: Record<string, FluxFunction> = {
  abs: unary('abs', Math.abs),
  ceil: unary('ceil', Math.ceil),
  floor: unary('floor', Math.floor),
  trunc: unary('trunc', Math.trunc),
  round: unary('round', round),
  roundtoeven: unary('roundtoeven', roundToEven),
  sqrt: unary('sqrt', Math.sqrt),
  logb: unary('logb', (x) =>
    x === 0 ? -Infinity : !Number.isFinite(x) ? Math.abs(x) : Number.isNaN(x) ? x : frexp(x)[1] - 1,
  ),
  mod: binary('mod', (x, y) => x % y),
  remainder: binary('remainder', remainder),
  copysign: binary('copysign', (x, y) =>
    Object.is(y, -0) || y < 0 || (Number.isNaN(y) && signbitOf(y)) ? -Math.abs(x) : Math.abs(x),
  ),
  dim: binary('dim', dim),
  mMax: binary('mMax', mMax),
  mMin: binary('mMin', mMin),
  pow: binary('pow', pow),
  atan2: binary('atan2', (x, y) => Math.atan2(y, x)),
  nextafter: binary('nextafter', nextafter),
  ldexp: builtin({
    name: 'math.ldexp',
    params: ['frac', 'exp'],
    required: ['frac', 'exp'],
    run: (a) => float(ldexp(a.float('frac'), Number(a.int('exp')))),
  }),
  frexp: builtin({
    name: 'math.frexp',
    params: ['f'],
    required: ['f'],
    run(a) {
      const [frac, exp] = frexp(a.float('f'));
      return record(
        new Map<string, Value>([
          ['frac', float(frac)],
          ['exp', int(BigInt(exp))],
        ]),
      );
    },
  }),
  modf: builtin({
    name: 'math.modf',
    params: ['f'],
    required: ['f'],
    run(a) {
      const [i, frac] = modf(a.float('f'));
      return record(
        new Map<string, Value>([
          ['int', float(i)],
          ['frac', float(frac)],
        ]),
      );
    },
  }),
  ilogb: builtin({
    name: 'math.ilogb',
    params: ['x'],
    required: ['x'],
    run(a) {
      const x = a.float('x');
      if (x === 0) return int(-(2n ** 31n));
      if (Number.isNaN(x) || !Number.isFinite(x)) return int(2n ** 31n - 1n);
      return int(BigInt(frexp(x)[1] - 1));
    },
  }),
  isInf: builtin({
    name: 'math.isInf',
    params: ['f', 'sign'],
    required: ['f', 'sign'],
    run(a) {
      const f = a.float('f');
      const sign = a.int('sign');
      return bool((sign >= 0n && f === Infinity) || (sign <= 0n && f === -Infinity));
    },
  }),
  isNaN: builtin({ name: 'math.isNaN', params: ['f'], required: ['f'], run: (a) => bool(Number.isNaN(a.float('f'))) }),
  signbit: builtin({ name: 'math.signbit', params: ['x'], required: ['x'], run: (a) => bool(signbitOf(a.float('x'))) }),
  mInf: builtin({
    name: 'math.mInf',
    params: ['sign'],
    required: ['sign'],
    run: (a) => float(a.int('sign') >= 0n ? Infinity : -Infinity),
  }),
  NaN: builtin({ name: 'math.NaN', params: [], run: () => float(NaN) }),
  pow10: builtin({
    name: 'math.pow10',
    params: ['n'],
    required: ['n'],
    run(a) {
      const n = a.int('n');
      // Go returns 0 below 1e-323 and +Inf above 1e308; within, the correctly rounded 10ⁿ (a decimal literal).
      return float(n < -323n ? 0 : n > 308n ? Infinity : Number(`1e${n}`));
    },
  }),
  float64bits: builtin({
    name: 'math.float64bits',
    params: ['f'],
    required: ['f'],
    run(a) {
      f64[0] = a.float('f');
      return uint(u64[0]);
    },
  }),
  float64frombits: builtin({
    name: 'math.float64frombits',
    params: ['b'],
    required: ['b'],
    run(a) {
      const b = a.value('b');
      if (b.type !== 'uint') throw new FluxError('argument b must be a uint');
      u64[0] = b.value;
      return float(f64[0]);
    },
  }),
};

function signbitOf(x: number): boolean {
  f64[0] = x;
  return u64[0] >> 63n === 1n;
}

function nextafter(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x === y) return x;
  if (x === 0) return y > 0 ? 5e-324 : -5e-324;
  f64[0] = x;
  u64[0] = y > x === x > 0 ? u64[0] + 1n : u64[0] - 1n;
  return f64[0];
}

/** Go's constants, each the float nearest the exact value (Go rounds its exact constant arithmetic once). */
export const MATH_CONSTANTS: Record<string, Value> = {
  pi: float(Math.PI),
  e: float(Math.E),
  phi: float(1.618033988749895),
  sqrt2: float(Math.SQRT2),
  sqrte: float(1.6487212707001282),
  sqrtpi: float(1.772453850905516),
  sqrtphi: float(1.272019649514069),
  ln2: float(Math.LN2),
  log2e: float(1.4426950408889634),
  ln10: float(Math.LN10),
  log10e: float(0.4342944819032518),
  maxfloat: float(Number.MAX_VALUE),
  smallestNonzeroFloat: float(5e-324),
  maxint: int(2n ** 63n - 1n),
  minint: int(-(2n ** 63n)),
  maxuint: uint(2n ** 64n - 1n),
};

/** Go's Modf: integer and fractional parts with the sign of f (Modf(±Inf) has a NaN fraction). */
function modf(f: number): [number, number] {
  if (f < 1) {
    if (f < 0) {
      const [i, frac] = modf(-f);
      return [-i, -frac];
    }
    if (f === 0) return [f, f];
    return [0, f];
  }
  const i = Math.trunc(f);
  return [i, f - i];
}
