import assert from 'node:assert/strict';
import { createRandom } from '../../lib/environment/random';

function take(random: () => number, n: number): number[] {
  return Array.from({ length: n }, () => random());
}

describe('environment random source', () => {
  it('gives numbers in [0, 1)', () => {
    const values = take(createRandom(42), 10000);
    assert.ok(values.every((v) => v >= 0 && v < 1));
  });

  it('spreads its numbers over the whole interval', () => {
    const values = take(createRandom('spread'), 10000);
    const buckets = new Array<number>(10).fill(0);
    for (const v of values) buckets[Math.floor(v * 10)]++;
    assert.ok(
      buckets.every((count) => count > 900 && count < 1100),
      `uneven buckets: ${buckets.join(',')}`,
    );
  });

  it('repeats the same series for the same seed', () => {
    assert.deepEqual(take(createRandom(7), 50), take(createRandom(7), 50));
    assert.deepEqual(take(createRandom('device-1'), 50), take(createRandom('device-1'), 50));
  });

  it('gives different series for different seeds', () => {
    assert.notDeepEqual(take(createRandom(7), 50), take(createRandom(8), 50));
    assert.notDeepEqual(take(createRandom('a'), 50), take(createRandom('b'), 50));
    assert.notDeepEqual(take(createRandom(1), 50), take(createRandom(1.5), 50));
  });

  it('is Math.random when no seed is given', () => {
    assert.equal(createRandom(), Math.random);
  });

  it('rejects a seed that is not a finite number', () => {
    assert.throws(() => createRandom(Number.NaN), RangeError);
    assert.throws(() => createRandom(Infinity), RangeError);
  });
});
