/**
 * A typo changes at most a third of a name's letters (at least one, but always fewer than half):
 * `version` for `versions` (1 of 8) or `adpot` for `adopt` (1 of 5) are typos; `foo` for `port`
 * (3 of 4) or `c` for `b` are not, and suggesting them would mislead more than it helps.
 */
const TYPO_FRACTION = 1 / 3;

/**
 * Optimal string alignment distance: the fewest single-character insertions, deletions,
 * substitutions or swaps of two adjacent characters that turn `a` into `b` (`verisons` →
 * `versions` is 1). Case-sensitive; O(|a|·|b|) time, O(|b|) memory.
 */
export function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (before[j - 2] ?? 0) + 1);
      row.push(d);
    }
    before = previous;
    previous = row;
  }
  return previous[b.length] ?? 0;
}

/**
 * The candidate `name` is most likely a typo of: the nearest by edit distance, ignoring case, when
 * within a third of the candidate's length (see TYPO_FRACTION); ties go to the earlier candidate.
 * Undefined when none is that close, or when `name` is itself a candidate.
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  if (candidates.includes(name)) return undefined;
  const lower = name.toLowerCase();
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const limit = Math.max(1, Math.floor(candidate.length * TYPO_FRACTION));
    // The distance is at least the difference in length: skip the work (and long garbage keys).
    if (Math.abs(candidate.length - name.length) > limit) continue;
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance <= limit && distance * 2 < candidate.length && (best === undefined || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}
