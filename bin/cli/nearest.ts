/** "Did you mean …?": the known name nearest to a mistyped one, by Levenshtein distance. */

export function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length];
}

/** The candidate nearest to `name` within `maxDistance` edits (first one on a tie), or undefined. */
export function nearest(name: string, candidates: Iterable<string>, maxDistance = 2): string | undefined {
  let best: string | undefined;
  let bestDistance = maxDistance + 1;
  for (const candidate of candidates) {
    const distance = levenshtein(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** `; did you mean X?` or nothing. */
export function didYouMean(name: string, candidates: Iterable<string>, show = (c: string) => c): string {
  const found = nearest(name, candidates);
  return found === undefined ? '' : `; did you mean ${show(found)}?`;
}
