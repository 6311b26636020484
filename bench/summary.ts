// Numbers as the benchmark tables print them: mean, sample standard deviation, percentages (durations: the
// library's formatDuration).
export const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
export const sd = (v: number[]) =>
  v.length < 2 ? 0 : Math.sqrt(v.reduce((a, x) => a + (x - mean(v)) ** 2, 0) / (v.length - 1));
export const pct = (v: number) => (100 * v).toFixed(2);
