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
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  // Different types only meet in columns Flux would have refused to merge; keep the order stable.
  return typeof a < typeof b ? -1 : typeof a > typeof b ? 1 : 0;
}

export function compareRows(a: Cell[], b: Cell[], indices: number[]): number {
  for (const j of indices) {
    const c = compareCells(a[j] ?? null, b[j] ?? null);
    if (c !== 0) return c;
  }
  return 0;
}
