// The parameter-economy figure: parameters on a log axis against test accuracy (or, before any training, training
// speed), one bubble per model with its area proportional to the multiply-accumulates per image.
import { escapeXml, niceTicks } from '../training/curves_svg.js';
import type { CompareReport } from './compare_models.js';

const COLORS = ['#2ca02c', '#1f77b4', '#d62728', '#9467bd', '#ff7f0e'];

export function economyChartSvg(report: CompareReport): string {
  const W = 600,
    H = 400,
    left = 64,
    right = 24,
    top = 36,
    bottom = 48;
  const trained = report.models.every((m) => m.testAcc !== undefined);
  const y = (m: CompareReport['models'][number]) => (trained ? m.testAcc! : m.trainImgPerSec);
  const yLabel = trained ? 'test accuracy' : 'training img/s';
  const ys = report.models.map(y);
  const [yLo, yHi] = trained
    ? [Math.max(0, Math.min(...ys) - 0.1), Math.min(1, Math.max(...ys) + 0.05)]
    : [0, Math.max(...ys) * 1.2];
  const lx = report.models.map((m) => Math.log10(m.params));
  const xLo = Math.floor(Math.min(...lx) - 0.2),
    xHi = Math.ceil(Math.max(...lx) + 0.2);
  const sx = (p: number) => left + ((Math.log10(p) - xLo) / (xHi - xLo)) * (W - left - right);
  const sy = (v: number) => top + (1 - (v - yLo) / (yHi - yLo || 1)) * (H - top - bottom);
  const maxMacs = Math.max(...report.models.map((m) => m.macs));
  const radius = (macs: number) => 6 + 34 * Math.sqrt(macs / maxMacs); // area ∝ MACs
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">Parameter economy at ${report.settings.resize}×${report.settings.resize} (bubble area ∝ MACs per image)</text>`,
  ];
  for (const t of niceTicks(yLo, yHi, 5)) {
    out.push(`<line x1="${left}" x2="${W - right}" y1="${sy(t)}" y2="${sy(t)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${left - 6}" y="${sy(t) + 4}" text-anchor="end">${t}</text>`);
  }
  for (let e = xLo; e <= xHi; e++) {
    out.push(`<line x1="${sx(10 ** e)}" x2="${sx(10 ** e)}" y1="${top}" y2="${H - bottom}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${sx(10 ** e)}" y="${H - bottom + 18}" text-anchor="middle">${formatCount(10 ** e)}</text>`);
  }
  out.push(
    `<rect x="${left}" y="${top}" width="${W - left - right}" height="${H - top - bottom}" fill="none" stroke="black"/>`,
  );
  out.push(`<text x="${(left + W - right) / 2}" y="${H - 10}" text-anchor="middle">parameters (log scale)</text>`);
  out.push(
    `<text transform="translate(16 ${(top + H - bottom) / 2}) rotate(-90)" text-anchor="middle">${yLabel}</text>`,
  );
  report.models.forEach((m, i) => {
    const cx = sx(m.params),
      cy = sy(y(m)),
      r = radius(m.macs),
      color = COLORS[i % COLORS.length];
    out.push(
      `<circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="${r.toFixed(1)}" fill="${color}" fill-opacity="0.35" stroke="${color}"/>`,
    );
    out.push(`<text x="${cx.toFixed(1)}" y="${(cy + 4).toFixed(1)}" text-anchor="middle">${escapeXml(m.label)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

function formatCount(n: number): string {
  return n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : `${n}`;
}
