/**
 * Nelder-Mead minimisation exactly as Flux's holtWinters runs it: gonum's `optimize.Minimize` (v0.12) with the
 * `NelderMead` method and a `FunctionConverge` converger, no evaluation or iteration limits. The steps, their order
 * and the floating-point expressions follow gonum's, so the optimizer walks the same path and stops where Flux's
 * does (holtWinters keeps the best of 16 starts, so a different local minimum would change the forecast).
 */

export interface Convergence {
  /** A major iteration improves the best value by more than this, else it counts towards `iterations`. */
  absolute: number;
  /** This many major iterations in a row without such an improvement end the search. */
  iterations: number;
}

export interface Minimum {
  x: number[];
  f: number;
}

/** gonum's error for a starting value that is +Inf or NaN, which Flux turns into a panic. */
export class OptimizerError extends Error {}

type Step = 'initialize' | 'major' | 'reflected' | 'expanded' | 'contractedOutside' | 'contractedInside' | 'shrink';

/** `optimize.Minimize(problem, initX, &Settings{Converger: converge}, &NelderMead{})`: the location and value found. */
export function minimizeNelderMead(func: (x: number[]) => number, initX: number[], converge: Convergence): Minimum {
  const dim = initX.length;
  const location: Minimum = { x: initX.slice(), f: func(initX.slice()) };
  if (location.f === Infinity || Number.isNaN(location.f)) {
    throw new OptimizerError(`optimize: function evaluation returned ${location.f}`);
  }
  const converger = new FunctionConverge(converge);
  const best: Minimum = { x: [], f: Infinity };
  const major = (): boolean => {
    best.f = location.f;
    best.x = location.x.slice();
    return converger.converged(best.f);
  };
  if (major()) return best;

  const method = new NelderMead(dim);
  let step: 'evaluate' | 'major' = method.init(location);
  for (;;) {
    if (step === 'evaluate') location.f = func(location.x.slice());
    else if (major()) return best;
    step = method.iterate(location);
  }
}

/** gonum's FunctionConverge with Relative 0. */
class FunctionConverge {
  private first = true;
  private best = 0;
  private iteration = 0;
  constructor(private readonly settings: Convergence) {}

  converged(f: number): boolean {
    if (this.first) {
      this.best = f;
      this.first = false;
      return false;
    }
    if (this.settings.iterations === 0) return false;
    const maxAbs = Math.max(Math.abs(f), Math.abs(this.best));
    if (f < this.best && this.best - f > 0 * maxAbs + this.settings.absolute) {
      this.best = f;
      this.iteration = 0;
      return false;
    }
    this.iteration++;
    return this.iteration >= this.settings.iterations;
  }
}

/** gonum's NelderMead with its default parameters (reflection 1, expansion, contraction and shrink by dimension). */
class NelderMead {
  private readonly vertices: number[][];
  private readonly values: number[];
  private readonly centroid: number[];
  private readonly reflectedPoint: number[];
  private reflectedValue = 0;
  private fillIndex = 0;
  private last: Step = 'initialize';
  private readonly simplexSize = 0.05;
  private readonly reflection = 1;
  private readonly expansion: number;
  private readonly contraction: number;
  private readonly shrink: number;

  constructor(private readonly dim: number) {
    this.vertices = Array.from({ length: dim + 1 }, () => new Array<number>(dim).fill(0));
    this.values = new Array<number>(dim + 1).fill(0);
    this.centroid = new Array<number>(dim).fill(0);
    this.reflectedPoint = new Array<number>(dim).fill(0);
    this.expansion = dim === 1 ? 2 : 1 + 2 / dim;
    this.contraction = dim === 1 ? 0.5 : 0.75 - 1 / (2 * dim);
    this.shrink = dim === 1 ? 0.5 : 1 - 1 / dim;
  }

  /** `initLocal`: the start is the last vertex; the others are the start moved by simplexSize along each axis. */
  init(location: Minimum): 'evaluate' {
    const { dim } = this;
    this.vertices[dim] = location.x.slice();
    this.values[dim] = location.f;
    this.fillIndex = 0;
    location.x[this.fillIndex] += this.simplexSize;
    this.last = 'initialize';
    return 'evaluate';
  }

  /** `iterateLocal`: takes the value just evaluated (or the major iteration just reported) and sets up the next. */
  iterate(location: Minimum): 'evaluate' | 'major' {
    const { dim, values } = this;
    switch (this.last) {
      case 'initialize':
        values[this.fillIndex] = location.f;
        this.vertices[this.fillIndex] = location.x.slice();
        this.fillIndex++;
        if (this.fillIndex === dim) {
          this.sortVertices();
          this.computeCentroid();
          return this.next('major', location);
        }
        location.x = this.vertices[dim].slice();
        location.x[this.fillIndex] += this.simplexSize;
        return 'evaluate';
      case 'major':
        return this.next('reflected', location);
      case 'reflected':
        this.reflectedValue = location.f;
        if (location.f >= values[0] && location.f < values[dim - 1]) {
          this.replaceWorst(location.x, location.f);
          return this.next('major', location);
        }
        if (location.f < values[0]) return this.next('expanded', location);
        return this.next(location.f < values[dim] ? 'contractedOutside' : 'contractedInside', location);
      case 'expanded':
        if (location.f < this.reflectedValue) this.replaceWorst(location.x, location.f);
        else this.replaceWorst(this.reflectedPoint, this.reflectedValue);
        return this.next('major', location);
      case 'contractedOutside':
        if (location.f <= this.reflectedValue) {
          this.replaceWorst(location.x, location.f);
          return this.next('major', location);
        }
        this.fillIndex = 1;
        return this.next('shrink', location);
      case 'contractedInside':
        if (location.f < values[dim]) {
          this.replaceWorst(location.x, location.f);
          return this.next('major', location);
        }
        this.fillIndex = 1;
        return this.next('shrink', location);
      case 'shrink':
        this.vertices[this.fillIndex] = location.x.slice();
        values[this.fillIndex] = location.f;
        this.fillIndex++;
        if (this.fillIndex !== dim + 1) return this.next('shrink', location);
        this.sortVertices();
        this.computeCentroid();
        return this.next('major', location);
    }
  }

  /** `returnNext`: reports the best vertex, or moves the location to the next point to evaluate. */
  private next(step: Step, location: Minimum): 'evaluate' | 'major' {
    this.last = step;
    const { dim, centroid, vertices } = this;
    if (step === 'major') {
      location.x = vertices[0].slice();
      location.f = this.values[0];
      return 'major';
    }
    if (step === 'shrink') {
      const toward = vertices[0];
      const from = vertices[this.fillIndex];
      location.x = from.map((v, i) => (v - toward[i]) * this.shrink + toward[i]);
      return 'evaluate';
    }
    const scale =
      step === 'reflected'
        ? this.reflection
        : step === 'expanded'
          ? this.reflection * this.expansion
          : step === 'contractedOutside'
            ? this.reflection * this.contraction
            : -this.contraction;
    const worst = vertices[dim];
    location.x = centroid.map((c, i) => (c - worst[i]) * scale + c);
    if (step === 'reflected') this.reflectedPoint.splice(0, dim, ...location.x);
    return 'evaluate';
  }

  private replaceWorst(x: number[], f: number): void {
    const { dim, vertices, values } = this;
    if (f >= values[dim]) throw new OptimizerError('increase in simplex value');
    vertices[dim] = x.slice();
    values[dim] = f;
    for (let i = dim - 1; i >= 0; i--) {
      if (values[i] < f) break;
      [vertices[i], vertices[i + 1]] = [vertices[i + 1], vertices[i]];
      [values[i], values[i + 1]] = [values[i + 1], values[i]];
    }
    const out = vertices[dim];
    for (let i = 0; i < dim; i++) this.centroid[i] += (-1 / dim) * out[i];
    for (let i = 0; i < dim; i++) this.centroid[i] += (1 / dim) * x[i];
  }

  /** The centroid of all but the worst vertex: sums in vertex order, then divided. */
  private computeCentroid(): void {
    const { dim, centroid } = this;
    centroid.fill(0);
    for (let i = 0; i < dim; i++) {
      const vertex = this.vertices[i];
      for (let j = 0; j < vertex.length; j++) centroid[j] += vertex[j];
    }
    for (let j = 0; j < dim; j++) centroid[j] /= dim;
  }

  /**
   * Go's sort.Sort by value. Up to 12 vertices (holtWinters without seasons, or up to 6 seasons) it is an insertion
   * sort, so equal values keep their order; past that Go's pdqsort may order equal values otherwise, which can only
   * matter on ties.
   */
  private sortVertices(): void {
    const { vertices, values } = this;
    for (let i = 1; i < values.length; i++) {
      for (let j = i; j > 0 && values[j] < values[j - 1]; j--) {
        [values[j], values[j - 1]] = [values[j - 1], values[j]];
        [vertices[j], vertices[j - 1]] = [vertices[j - 1], vertices[j]];
      }
    }
  }
}
