/**
 * A seedable noise source for the generator, so that a seeded virtual device writes the same series
 * every time (tests, demos) while an unseeded one behaves like IoT Center's `Math.random`.
 */

/** A source of uniform numbers in [0, 1). */
export type Random = () => number;

/**
 * mulberry32 seeded from a number (its low 32 bits) or a string (hashed); no seed gives `Math.random`.
 * mulberry32 is tiny, fast and passes the usual statistical checks; it is not for secrets.
 */
export function createRandom(seed?: number | string): Random {
  if (seed === undefined) return Math.random;
  let state = typeof seed === 'string' ? hashString(seed) : seedFromNumber(seed);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seedFromNumber(seed: number): number {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number or a string, got ${seed}`);
  // Fractional seeds keep their fraction so that 1 and 1.5 differ.
  return Number.isInteger(seed) ? seed >>> 0 : hashString(String(seed));
}

/** FNV-1a over UTF-16 code units: enough to spread a user's seed text over 32 bits. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
