/**
 * The option a mistyped one most likely meant: `--max-pagse` said only "Unknown argument:
 * max-pagse" (QA 13), where yargs suggests commands but not options, and git and npm name the
 * nearest. Edit distance with adjacent swaps (a swap is the commonest typo), at most 1 for names
 * of up to 4 letters and 2 beyond, so an unrelated word gets no suggestion.
 */
export function suggestOption(typed: string, known: readonly string[]): string | null {
  const limit = typed.length <= 4 ? 1 : 2;
  let best: { name: string; distance: number } | null = null;
  for (const name of known) {
    // Each insertion or deletion costs 1, so lengths further apart than the limit are too far:
    // skipped unmeasured (a 520 KB job-file key cost 45 s of tables, bench/fuzz-22.mjs).
    if (Math.abs(typed.length - name.length) > limit) continue;
    const distance = editDistance(typed.toLowerCase(), name.toLowerCase());
    if (distance <= limit && (best === null || distance < best.distance)) best = { name, distance };
  }
  return best?.name ?? null;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}
