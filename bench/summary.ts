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
