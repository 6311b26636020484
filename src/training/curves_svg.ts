// The d2l training figure: epoch on x, train loss, validation loss and validation accuracy as lines, a legend.
// Rendered as SVG by hand (no plotting dependency). No Node imports: the web page draws a run's live curves with
// this same code.
import type { MetricName, MetricPoint } from './progress_board.js';

const STYLE: Partial<Record<MetricName, { color: string; dash: string; label: string }>> = {
  train_loss: { color: '#1f77b4', dash: '', label: 'train_loss' },
  val_loss: { color: '#ff7f0e', dash: '6 4', label: 'val_loss' },
  val_acc: { color: '#2ca02c', dash: '2 3 8 3', label: 'val_acc' },
};

export function niceTicks(lo: number, hi: number, count: number): number[] {
  const span = hi - lo || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

export function curvesSvg(points: MetricPoint[], maxEpochs: number, title = ''): string {
  const W = 560,
    H = 360,
    left = 56,
    right = 16,
    top = title ? 32 : 16,
    bottom = 44;
  const shown = points.filter((p) => STYLE[p.name] && Number.isFinite(p.value));
  const values = shown.map((p) => p.value);
  const yLo = Math.min(0, ...values),
    yHi = Math.max(1, ...values) * 1.05; // headroom: the loss starts at ln 10
  const xHi = Math.max(maxEpochs, ...shown.map((p) => p.epoch), 1);
  const sx = (x: number) => left + (x / xHi) * (W - left - right);
  const sy = (y: number) => top + (1 - (y - yLo) / (yHi - yLo)) * (H - top - bottom);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
  ];
  if (title) out.push(`<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(title)}</text>`);
  for (const t of niceTicks(yLo, yHi, 5)) {
    out.push(`<line x1="${left}" x2="${W - right}" y1="${sy(t)}" y2="${sy(t)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${left - 6}" y="${sy(t) + 4}" text-anchor="end">${t}</text>`);
  }
  for (const t of niceTicks(0, xHi, Math.min(10, Math.ceil(xHi)))) {
    out.push(`<line x1="${sx(t)}" x2="${sx(t)}" y1="${H - bottom}" y2="${H - bottom + 4}" stroke="black"/>`);
    out.push(`<text x="${sx(t)}" y="${H - bottom + 18}" text-anchor="middle">${t}</text>`);
  }
  out.push(
    `<rect x="${left}" y="${top}" width="${W - left - right}" height="${H - top - bottom}" fill="none" stroke="black"/>`,
  );
  out.push(`<text x="${(left + W - right) / 2}" y="${H - 8}" text-anchor="middle">epoch</text>`);
  const names = Object.keys(STYLE) as MetricName[];
  names.forEach((name, i) => {
    const s = STYLE[name]!;
    const series = shown.filter((p) => p.name === name).sort((a, b) => a.epoch - b.epoch);
    if (series.length > 0) {
      const d = series.map((p) => `${sx(p.epoch).toFixed(1)},${sy(p.value).toFixed(1)}`).join(' ');
      out.push(
        `<polyline points="${d}" fill="none" stroke="${s.color}" stroke-width="2" stroke-dasharray="${s.dash}"/>`,
      );
      if (series.length === 1)
        out.push(`<circle cx="${sx(series[0]!.epoch)}" cy="${sy(series[0]!.value)}" r="3" fill="${s.color}"/>`);
    }
    const ly = top + 14 + i * 18,
      lx = W - right - 120;
    out.push(
      `<line x1="${lx}" x2="${lx + 28}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2" stroke-dasharray="${s.dash}"/>`,
    );
    out.push(`<text x="${lx + 34}" y="${ly + 4}">${s.label}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

export function escapeXml(s: string): string {
  return s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
}
