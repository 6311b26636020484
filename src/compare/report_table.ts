// The comparison as a table: aligned text for the terminal, or Markdown for the README and the web page.
import type { CompareReport, ModelComparison } from './compare_models.js';

const COLUMNS: { header: string; cell: (m: ModelComparison) => string }[] = [
  { header: 'model', cell: (m) => m.label },
  { header: 'parameters', cell: (m) => m.params.toLocaleString('en-US') },
  { header: 'in dense layers', cell: (m) => `${(100 * m.denseShare).toFixed(1)}%` },
  { header: 'MACs / image', cell: (m) => `${(m.macs / 1e9).toFixed(3)} G` },
  { header: 'activations / image', cell: (m) => `${(m.activationBytes / 2 ** 20).toFixed(1)} MiB` },
  { header: 'train img/s', cell: (m) => m.trainImgPerSec.toFixed(1) },
  { header: 'infer img/s', cell: (m) => m.inferImgPerSec.toFixed(1) },
  { header: 'test acc', cell: (m) => (m.testAcc === undefined ? '–' : m.testAcc.toFixed(3)) },
];

/** Left-aligned first column, right-aligned numbers; `markdown` adds pipes and the alignment row. */
export function reportTable(report: CompareReport, { markdown = false } = {}): string {
  const rows = [COLUMNS.map((c) => c.header), ...report.models.map((m) => COLUMNS.map((c) => c.cell(m)))];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((r) => [...r[i]!].length)));
  const pad = (s: string, i: number) => (i === 0 ? s.padEnd(widths[i]!) : s.padStart(widths[i]!));
  const line = (r: string[]) => (markdown ? `| ${r.map(pad).join(' | ')} |` : r.map(pad).join('  '));
  const rule = markdown
    ? `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`
    : widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(rows[0]!), rule, ...rows.slice(1).map(line)].join('\n');
}

/** One sentence of what was measured, under which settings, for the table's caption. */
export function reportSettings(report: CompareReport): string {
  const { resize, timing, train } = report.settings;
  const parts = [
    `${resize}×${resize} inputs`,
    `img/s: median of ${timing.steps} steps at batch ${timing.batchSize} on ${report.backend}${report.precision === 'bf16' ? ' in bf16' : ''}${report.threads ? ` (${report.threads} threads)` : ''}`,
  ];
  if (train) {
    parts.push(
      `test acc: after ${train.epochs} epoch${train.epochs === 1 ? '' : 's'} on ${train.limitTrain ?? 'all 60000'} training images, ` +
        `batch ${train.batchSize}, seed ${train.seed}, recipe ${train.recipe ?? 'd2l'} at each model's rate (${report.models.map((m) => `${m.label} ${m.lr}`).join(', ')}), ` +
        `tested on ${train.limitTest ?? 'all 10000'} test images`,
    );
  }
  return parts.join('; ');
}

export function reportMarkdown(report: CompareReport): string {
  return `${reportTable(report, { markdown: true })}\n\n${reportSettings(report)}.\n`;
}
