/**
 * Holt-Winters damped forecasting as Flux v0.196 computes it (stdlib/universe/holt_winters/holt_winters.go, itself
 * InfluxQL's): initial level, trend and seasons from the first values; alpha, beta, gamma and phi fitted by
 * minimising the sum of squared errors from 16 starting guesses with Nelder-Mead; then the recursive relations run
 * `n` steps past the data. Expressions keep Go's order so that the floating-point results match.
 */
import { minimizeNelderMead } from './nelder-mead';
import { goPowOf } from '../go-math';

/** One value per interval; null where the interval had none. */
export type Series = ReadonlyArray<number | null>;

export interface Forecast {
  values: number[];
  minSSE: number;
}

const WEIGHT = 0.5;
const CONVERGENCE = { absolute: 1.0e-4, iterations: 100 };
const GUESS_LOWER = 0.3;
const GUESS_UPPER = 1.0;
const GUESS_STEP = 0.4;
const SEASONALS_START = 6;

/** Arrow's Value(i) of a null slot: the zero its builder stored. */
const valueAt = (vs: Series, i: number): number => vs[i] ?? 0;
const isValid = (vs: Series, i: number): boolean => vs[i] !== null && vs[i] !== undefined;

/**
 * The emulator's bound on the fit (Flux has none): each evaluation of the error walks the whole series, and
 * Nelder-Mead in 6 + seasonality dimensions from 16 starts may take millions of them (300 values with 24 seasons:
 * ~100 million values walked, ~10 s). Counted in values walked: about 8 s of work on this machine at most.
 */
export const FIT_BUDGET = 100_000_000;

/** The fit needed more work than FIT_BUDGET allows. */
export class FitBudgetExceeded extends Error {}

export function holtWinters(
  vs: Series,
  n: number,
  seasonality: number,
  withFit: boolean,
  budget = FIT_BUDGET,
): Forecast {
  const seasonal = seasonality >= 2;
  const l = vs.length;
  if (l < 2 || (seasonal && l < seasonality) || n <= 0) return { values: [], minSSE: 0 };
  const m = seasonality;

  let l0 = 0;
  if (seasonal) {
    for (let i = 0; i < m; i++) if (isValid(vs, i)) l0 += (1 / m) * valueAt(vs, i);
  } else l0 += WEIGHT * valueAt(vs, 0);

  let b0 = 0;
  if (seasonal) {
    for (let i = 0; i < m && m + i < l; i++) {
      if (isValid(vs, i) && isValid(vs, m + i)) b0 += (1 / (m * m)) * (valueAt(vs, m + i) - valueAt(vs, i));
    }
  } else if (isValid(vs, 1)) b0 = WEIGHT * (valueAt(vs, 1) - valueAt(vs, 0));

  const initParams = new Array<number>(seasonal ? SEASONALS_START + m : SEASONALS_START).fill(0);
  initParams[4] = l0;
  initParams[5] = b0;
  if (seasonal) {
    // A missing value starts its season at 1.
    for (let i = 0; i < m; i++) initParams[i + SEASONALS_START] = isValid(vs, i) ? valueAt(vs, i) / l0 : 1;
  }

  const model = { vs, n, seasonal, withFit };
  let work = 0;
  const sse = (params: number[]): number => {
    work += l;
    if (work > budget) throw new FitBudgetExceeded(`the fit walked more than ${budget} values`);
    return sumOfSquaredErrors(model, params);
  };
  let minSSE = Infinity;
  let bestParams: number[] | undefined;
  for (let alpha = GUESS_LOWER; alpha < GUESS_UPPER; alpha += GUESS_STEP) {
    for (let beta = GUESS_LOWER; beta < GUESS_UPPER; beta += GUESS_STEP) {
      for (let gamma = GUESS_LOWER; gamma < GUESS_UPPER; gamma += GUESS_STEP) {
        for (let phi = GUESS_LOWER; phi < GUESS_UPPER; phi += GUESS_STEP) {
          initParams[0] = alpha;
          initParams[1] = beta;
          initParams[2] = gamma;
          initParams[3] = phi;
          const result = minimizeNelderMead(sse, initParams, CONVERGENCE);
          if (result.f < minSSE || bestParams === undefined) {
            minSSE = result.f;
            bestParams = result.x;
          }
        }
      }
    }
  }
  return { values: forecast(model, (bestParams as number[]).slice(), false), minSSE };
}

interface Model {
  vs: Series;
  n: number;
  seasonal: boolean;
  withFit: boolean;
}

/** The fit of the data (`onlyFit`), or the `n` forecast values (after the fit when `withFit`). Changes `params`. */
function forecast(model: Model, params: number[], onlyFit: boolean): number[] {
  const { vs, seasonal } = model;
  const h = onlyFit ? 0 : model.n;
  constrain(params);
  let yT = valueAt(vs, 0);
  const phi = params[3];
  const phiTo = goPowOf(phi);
  let phiH = phi;
  let lT = params[4];
  let bT = params[5];
  // The seasons are a ring buffer of past sT values.
  let m = 0;
  let so = 0;
  if (seasonal) {
    m = params.length - SEASONALS_START;
    if (m === 1) params[SEASONALS_START] = 1;
    so = m - 1;
  }
  const l = vs.length;
  const out: number[] = [];
  if (onlyFit || model.withFit) out.push(yT);
  let stm = 1;
  let stmh = 1;
  for (let t = 1; t < l + h; t++) {
    if (seasonal) {
      const hm = t % m;
      stm = params[SEASONALS_START + ((t - m + so) % m)];
      stmh = params[SEASONALS_START + ((t - m + hm + so) % m)];
    }
    const alpha = params[0];
    const beta = params[1];
    const gamma = params[2];
    const lTp = lT;
    const bTp = bT;
    lT = alpha * (yT / stm) + (1 - alpha) * (lTp + phi * bTp);
    bT = beta * (lT - lTp) + (1 - beta) * phi * bTp;
    const sT = gamma * (yT / (lTp + phi * bTp)) + (1 - gamma) * stm;
    yT = (lT + phiH * bT) * stmh;
    phiH += phiTo(t);
    if (seasonal) {
      params[SEASONALS_START + ((t + so) % m)] = sT;
      so++;
    }
    if (onlyFit || (model.withFit && t < l) || t >= l) out.push(yT);
  }
  return out;
}

function sumOfSquaredErrors(model: Model, params: number[]): number {
  const fit = forecast(model, params.slice(), true);
  let sse = 0;
  for (let i = 0; i < fit.length; i++) {
    // A missing value has no error.
    if (isValid(model.vs, i)) {
      const diff = fit[i] - valueAt(model.vs, i);
      sse += diff * diff;
    }
  }
  return sse;
}

/** alpha, beta, gamma and phi within [0, 1]. */
function constrain(params: number[]): void {
  for (let i = 0; i < 4; i++) {
    if (params[i] > 1) params[i] = 1;
    if (params[i] < 0) params[i] = 0;
  }
}
