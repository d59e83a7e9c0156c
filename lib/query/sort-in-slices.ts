/**
 * A stable sort that gives way to the event loop between slices: the same order as
 * Array.prototype.sort (stable since ES2019) with the same comparator, for arrays too long to sort in one
 * go on Node-RED's event loop (70,000 chart points of a 10,000-row pivoted result).
 */
import type { SliceBudget } from './slice-budget';

/** Items sorted in one go before the merging starts: small enough for one slice. */
const RUN = 512;

/** A sorted copy of `items`; equal items keep their order. */
export async function sortInSlices<T>(
  items: readonly T[],
  compare: (a: T, b: T) => number,
  budget: SliceBudget,
): Promise<T[]> {
  const n = items.length;
  let from: T[] = [];
  for (let start = 0; start < n; start += RUN) {
    const run = items.slice(start, start + RUN).sort(compare);
    for (const item of run) from.push(item);
    if (budget.spend(run.length)) await budget.pause();
  }
  // Bottom-up merge of neighbouring runs; on a tie the left run's item goes first, which keeps it stable.
  let to: T[] = new Array<T>(n);
  for (let width = RUN; width < n; width *= 2) {
    for (let left = 0; left < n; left += 2 * width) {
      const middle = Math.min(left + width, n);
      const right = Math.min(left + 2 * width, n);
      let i = left;
      let j = middle;
      // Runs already in order (results come sorted by time within a table) are copied, not compared.
      const ordered = middle >= right || compare(from[middle - 1], from[middle]) <= 0;
      for (let k = left; k < right; k++) {
        if (ordered || j >= right || (i < middle && compare(from[i], from[j]) <= 0)) to[k] = from[i++];
        else to[k] = from[j++];
        if (budget.spend()) await budget.pause();
      }
    }
    [from, to] = [to, from];
  }
  return from;
}
