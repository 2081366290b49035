/** Levenshtein distance between two strings. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

/**
 * The candidate closest to `word` for a "did you mean" hint: an exact case-insensitive match,
 * else a prefix match, else the nearest within a third of the word's length (at least 2 edits).
 */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  const list = [...candidates];
  const same = list.find((c) => c.toLowerCase() === lower);
  if (same) return same;
  const prefix = list.filter((c) => c.toLowerCase().startsWith(lower) || lower.startsWith(c.toLowerCase()));
  if (prefix.length === 1) return prefix[0];
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of list) {
    const d = editDistance(c.toLowerCase(), lower);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}
