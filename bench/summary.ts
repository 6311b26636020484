// Numbers as the benchmark tables print them: mean, sample standard deviation, percentages (durations: the
// library's formatDuration).
export const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
export const sd = (v: number[]) =>
  v.length < 2 ? 0 : Math.sqrt(v.reduce((a, x) => a + (x - mean(v)) ** 2, 0) / (v.length - 1));
export const pct = (v: number) => (100 * v).toFixed(2);
/** A difference of accuracies in points with its sign: `+0.12`, `−0.30`, and `0.00` where it rounds to zero (not `-0.00`). */
export function signedPoints(diff: number): string {
  const rounded = pct(diff);
  if (Number(rounded) === 0) return '0.00';
  return rounded.startsWith('-') ? `−${rounded.slice(1)}` : `+${rounded}`;
}

/**
 * Paired differences in points, then their mean and its standard error: `+0.27, −0.42; mean −0.07, standard error
 * 0.34`. One pair has no spread to estimate an error from, so it says so instead of printing 0.00.
 */
export function pairedDifferences(diffs: number[]): string {
  const error =
    diffs.length < 2 ? 'no standard error from one seed' : `standard error ${pct(sd(diffs) / Math.sqrt(diffs.length))}`;
  return `${diffs.map(signedPoints).join(', ')}; mean ${signedPoints(mean(diffs))}, ${error}`;
}
