// "Did you mean …?" for a mistyped option or command: the closest known name by edit distance, when it is close.

/** Edits (insert, delete, substitute, swap two neighbours) from a to b: optimal string alignment distance. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i]!,
        up = d[i - 1]!;
      row[j] = Math.min(up[j]! + 1, row[j - 1]! + 1, up[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        row[j] = Math.min(row[j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** The known name nearest to `typed`, if it is within a third of its length in edits (at least 1), or a prefix match. */
export function closest(typed: string, known: readonly string[]): string | undefined {
  const scored = known.map((name) => ({
    name,
    d: name.startsWith(typed) && typed.length >= 3 ? 0.5 : editDistance(typed, name),
  }));
  const best = scored.sort((a, b) => a.d - b.d)[0];
  return best && best.d <= Math.max(1, Math.floor(typed.length / 3)) ? best.name : undefined;
}

export const didYouMean = (typed: string, known: readonly string[], prefix = ''): string => {
  const match = closest(typed, known);
  return match === undefined ? '' : ` (did you mean ${prefix}${match}?)`;
};
