/**
 * The t-digest Flux's `quantile(method: "estimate_tdigest")` uses (influxdata/tdigest at the commit Flux v0.196
 * pins): values are buffered unmerged, and merged into centroids whose size follows the arcsine scale function
 * when the buffer holds more than 8·compression of them or a quantile is asked for. Written from its algorithm so
 * that the estimate is InfluxDB's on any number of values.
 *
 * One thing is not reproducible: Go sorts centroids with an unstable sort, so when a merge meets centroids of equal
 * mean but different weight (only possible after a first merge, i.e. past 8·compression values in one table) and
 * their order would decide where a centroid ends, the estimate is the Go sort's: that case is refused, not guessed.
 * (Where their order only changes the rounding of a centroid's running mean, the last bits may differ from Go's.)
 */
import { FluxError } from '../interpreter/errors';

interface Centroid {
  mean: number;
  weight: number;
}

export class TDigest {
  private readonly maxProcessed: number;
  private readonly maxUnprocessed: number;
  private processed: Centroid[] = [];
  private unprocessed: Centroid[] = [];
  private cumulative: number[] = [];
  private processedWeight = 0;
  private unprocessedWeight = 0;
  private min = Number.MAX_VALUE;
  private max = -Number.MAX_VALUE;

  constructor(readonly compression: number) {
    this.maxProcessed = 2 * Math.ceil(compression);
    this.maxUnprocessed = 8 * Math.ceil(compression);
  }

  add(x: number, w = 1): void {
    if (Number.isNaN(x) || w <= 0 || Number.isNaN(w) || w === Infinity) return;
    this.unprocessed.push({ mean: x, weight: w });
    this.unprocessedWeight += w;
    if (this.processed.length > this.maxProcessed || this.unprocessed.length > this.maxUnprocessed) this.process();
  }

  private process(): void {
    if (this.unprocessed.length === 0 && this.processed.length <= this.maxProcessed) return;
    const all = this.unprocessed.concat(this.processed);
    all.sort((a, b) => a.mean - b.mean);
    this.processed = [{ ...all[0] }];
    this.processedWeight += this.unprocessedWeight;
    this.unprocessedWeight = 0;
    let soFar = all[0].weight;
    let limit = this.processedWeight * this.integratedQ(1.0);
    for (let i = 1; i < all.length; i++) {
      if (all[i].mean === all[i - 1].mean && i === 1) this.checkTies(all, 0, 0, limit, true);
      else if (all[i].mean !== all[i - 1].mean && i + 1 < all.length && all[i + 1].mean === all[i].mean)
        this.checkTies(all, i, soFar, limit, false);
      const c = all[i];
      const projected = soFar + c.weight;
      if (projected <= limit) {
        soFar = projected;
        const last = this.processed[this.processed.length - 1];
        // Centroid.Add
        if (last.weight !== 0) {
          last.weight += c.weight;
          last.mean += (c.weight * (c.mean - last.mean)) / last.weight;
        } else {
          last.weight = c.weight;
          last.mean = c.mean;
        }
      } else {
        const k1 = this.integratedLocation(soFar / this.processedWeight);
        limit = this.processedWeight * this.integratedQ(k1 + 1.0);
        soFar += c.weight;
        this.processed.push({ ...c });
      }
    }
    this.min = Math.min(this.min, this.processed[0].mean);
    this.max = Math.max(this.max, this.processed[this.processed.length - 1].mean);
    this.unprocessed = [];
  }

  /**
   * Centroids of equal mean from `start` on are ordered by Go's unstable sort. The merge does not depend on that
   * order when the whole run joins one centroid: the current one (`soFar` + the run's weight within `limit`), or a
   * new one that any of them would start and the rest would join. Otherwise the estimate would be the Go sort's.
   */
  private checkTies(all: Centroid[], start: number, soFar: number, limit: number, first: boolean): void {
    let end = start;
    let total = 0;
    let minWeight = Infinity;
    let mixed = false;
    while (end < all.length && all[end].mean === all[start].mean) {
      total += all[end].weight;
      minWeight = Math.min(minWeight, all[end].weight);
      if (all[end].weight !== all[start].weight) mixed = true;
      end++;
    }
    if (!mixed) return;
    if (first ? total <= limit : soFar + total <= limit) return;
    if (!first && soFar + minWeight > limit) {
      const next = this.processedWeight * this.integratedQ(this.integratedLocation(soFar / this.processedWeight) + 1.0);
      if (soFar + total <= next) return;
    }
    throw new FluxError(
      'quantile method "estimate_tdigest" over this table is not reproducible by the emulator (centroids of equal mean and different weights, in the order of Go\'s unstable sort): use method "exact_mean" or "exact_selector"',
    );
  }

  count(): number {
    this.process();
    return this.processedWeight;
  }

  private updateCumulative(): void {
    if (this.cumulative.length > 0 && this.cumulative[this.cumulative.length - 1] === this.processedWeight) return;
    const cumulative: number[] = [];
    let prev = 0;
    for (const c of this.processed) {
      cumulative.push(prev + c.weight / 2.0);
      prev = prev + c.weight;
    }
    cumulative.push(prev);
    this.cumulative = cumulative;
  }

  quantile(q: number): number {
    this.process();
    this.updateCumulative();
    const p = this.processed;
    if (q < 0 || q > 1 || p.length === 0) return NaN;
    if (p.length === 1) return p[0].mean;
    const index = q * this.processedWeight;
    if (index <= p[0].weight / 2.0) return this.min + ((2.0 * index) / p[0].weight) * (p[0].mean - this.min);
    const cum = this.cumulative;
    let lower = 0;
    while (lower < cum.length && !(cum[lower] >= index)) lower++;
    if (lower + 1 !== cum.length) {
      const z1 = index - cum[lower - 1];
      const z2 = cum[lower] - index;
      return weightedAverage(p[lower - 1].mean, z2, p[lower].mean, z1);
    }
    const z1 = index - this.processedWeight - p[lower - 1].weight / 2.0;
    const z2 = p[lower - 1].weight / 2.0 - z1;
    return weightedAverage(p[p.length - 1].mean, z1, this.max, z2);
  }

  private integratedQ(k: number): number {
    return (Math.sin((Math.min(k, this.compression) * Math.PI) / this.compression - Math.PI / 2.0) + 1.0) / 2.0;
  }

  private integratedLocation(q: number): number {
    return (this.compression * (Math.asin(2.0 * q - 1.0) + Math.PI / 2.0)) / Math.PI;
  }
}

function weightedAverage(x1: number, w1: number, x2: number, w2: number): number {
  return x1 <= x2 ? weightedAverageSorted(x1, w1, x2, w2) : weightedAverageSorted(x2, w2, x1, w1);
}

function weightedAverageSorted(x1: number, w1: number, x2: number, w2: number): number {
  const x = (x1 * w1 + x2 * w2) / (w1 + w2);
  return Math.max(x1, Math.min(x, x2));
}
