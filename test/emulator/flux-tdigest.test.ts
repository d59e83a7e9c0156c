/**
 * The t-digest behind quantile(method: "estimate_tdigest"): influxdata/tdigest's own small-data expectations, and
 * the merging path (past 8·compression values) keeping the count and staying close to the exact quantile.
 */
import assert from 'node:assert/strict';
import { TDigest } from '../../emulator/flux/stdlib/tdigest';

function digestOf(xs: number[], compression = 1000): TDigest {
  const d = new TDigest(compression);
  for (const x of xs) d.add(x, 1);
  return d;
}

describe('flux engine: t-digest (influxdata/tdigest)', () => {
  it('gives influxdata/tdigest expected quantiles on small data', () => {
    assert.equal(digestOf([1, 2, 3, 4, 5]).quantile(0.5), 3);
    assert.equal(digestOf([555.349107, 432.842597]).quantile(0.25), 432.842597);
    assert.equal(digestOf([1, 2, 3, 4, 5, 5, 4, 3, 2, 1]).quantile(0.5), 3);
    assert.equal(digestOf([1, 2, 3, 4, 5, 5, 4, 3, 2, 1]).quantile(0.99), 5);
  });

  it('merges past 8·compression values, keeping every value counted', () => {
    const xs = Array.from({ length: 50_000 }, (_, i) => ((i * 0.6180339887498949) % 1) * 50_000);
    const d = digestOf(xs);
    assert.equal(d.count(), 50_000);
    for (const q of [0.01, 0.25, 0.5, 0.9, 0.999]) {
      const exact = q * 50_000;
      assert.ok(Math.abs(d.quantile(q) - exact) < 50, `q=${q}: ${d.quantile(q)} vs ${exact}`);
    }
  });

  it('refuses, rather than guesses, when Go’s unstable sort would decide the merge', () => {
    const xs = [...Array.from({ length: 9000 }, () => 1), ...Array.from({ length: 9000 }, () => 1)];
    assert.throws(() => digestOf(xs).quantile(0.5), /not reproducible by the emulator/);
  });
});
