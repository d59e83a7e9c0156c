/** Ordering of cells as Flux sorts them: null first, then by value (strings by code point). */
import type { Cell } from '../table';

export function compareCells(a: Cell, b: Cell): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : -1) : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  // Different types only meet in columns Flux would have refused to merge; keep the order stable.
  return typeof a < typeof b ? -1 : typeof a > typeof b ? 1 : 0;
}

const BEYOND_SURROGATES = /[\uD800-\uFFFF]/;

/**
 * Strings in Go's order, by their UTF-8 bytes, which is code point order. JavaScript's `<` compares UTF-16 units,
 * which agrees except for a character past U+FFFF (a surrogate pair) against one in U+E000..U+FFFF.
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  if (!BEYOND_SURROGATES.test(a) || !BEYOND_SURROGATES.test(b)) return a < b ? -1 : 1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** A UTF-16 unit moved so that surrogates (code points past U+FFFF) rank after U+E000..U+FFFF. */
function codePointRank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}

export function compareRows(a: Cell[], b: Cell[], indices: number[]): number {
  for (const j of indices) {
    const c = compareCells(a[j] ?? null, b[j] ?? null);
    if (c !== 0) return c;
  }
  return 0;
}
