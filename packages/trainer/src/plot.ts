/**
 * Learning-curve plots drawn by hand as SVG (no plotting library, no browser): the one chart
 * of the trainer's runs and of the benchmark reports.
 */

import { log10, pow } from '@ppo/utils';

/** One series of a {@link learningCurveSvg} plot. */
export interface PlotSeries {
  readonly label: string;
  readonly xs: readonly number[];
  readonly ys: readonly number[];
  /** CSS colour. */
  readonly color: string;
  /** `line` joins the points, `dots` draws each one faintly, `markers` joins them and marks each one. */
  readonly style: 'line' | 'dots' | 'markers';
}

/** Options of {@link learningCurveSvg}. */
export interface PlotOptions {
  readonly title: string;
  readonly xLabel?: string;
  readonly yLabel?: string;
  readonly width?: number;
  readonly height?: number;
}

/** "Nice" tick values covering [lo, hi] (1, 2 or 5 times a power of ten apart). */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(Number.isFinite(lo) && Number.isFinite(hi))) return [];
  if (hi <= lo) return [lo];
  const raw = (hi - lo) / Math.max(1, count - 1);
  const power = pow(10, Math.floor(log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** A tick label: 3 significant digits, with k and M for thousands and millions. */
export function formatTick(x: number): string {
  const a = Math.abs(x);
  if (a >= 1e6) return `${Number((x / 1e6).toPrecision(3))}M`;
  if (a >= 1e4) return `${Number((x / 1e3).toPrecision(3))}k`;
  return String(Number(x.toPrecision(4)));
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The plot's data bounds, padded; shared by the SVG and raster renderers. */
export function plotBounds(series: readonly PlotSeries[]): { x0: number; x1: number; y0: number; y1: number } {
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (const s of series) {
    s.xs.forEach((x, k) => {
      const y = s.ys[k];
      if (!Number.isFinite(x) || !Number.isFinite(y)) return;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    });
  }
  if (!Number.isFinite(x0)) return { x0: 0, x1: 1, y0: 0, y1: 1 };
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) {
    y0 -= 1;
    y1 += 1;
  }
  const pad = (y1 - y0) * 0.05;
  return { x0: Math.min(0, x0), x1, y0: y0 - pad, y1: y1 + pad };
}

/** Legend rows: the labels laid out left to right, wrapping at `width`; shared by the SVG and raster renderers. */
const LEGEND = { rowHeight: 16, swatch: 14, gap: 18, charWidth: 6.6 } as const;

/**
 * Where everything of a plot goes: the margins (the top one grows with the legend's rows, which
 * sit between the title and the plot, so that they never cover a curve) and each legend
 * entry's position. Label widths are estimated from the 12 px sans-serif text.
 */
export function plotLayout(
  series: readonly PlotSeries[],
  width: number,
): { left: number; right: number; top: number; bottom: number; legend: { x: number; y: number }[] } {
  const left = 70;
  const right = 20;
  const legend: { x: number; y: number }[] = [];
  let x = left;
  let row = 0;
  for (const s of series) {
    const w = LEGEND.swatch + 6 + s.label.length * LEGEND.charWidth;
    if (x > left && x + w > width - right) {
      row += 1;
      x = left;
    }
    legend.push({ x, y: 40 + row * LEGEND.rowHeight });
    x += w + LEGEND.gap;
  }
  const rows = series.length === 0 ? 0 : row + 1;
  return { left, right, top: 40 + rows * LEGEND.rowHeight + 4, bottom: 55, legend };
}

/**
 * A learning curve as a standalone SVG document: a title, the legend below it, axes with
 * ticks and labels, a grid, and each series as a polyline, dots or a marked line. Non-finite
 * points are skipped.
 */
export function learningCurveSvg(series: readonly PlotSeries[], options: PlotOptions): string {
  const width = options.width ?? 800;
  const height = options.height ?? 480;
  const margin = plotLayout(series, width);
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const { x0, x1, y0, y1 } = plotBounds(series);
  const sx = (x: number) => margin.left + ((x - x0) / (x1 - x0)) * plotW;
  const sy = (y: number) => margin.top + plotH - ((y - y0) / (y1 - y0)) * plotH;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  out.push(`<text x="${width / 2}" y="22" text-anchor="middle" font-size="16">${escapeXml(options.title)}</text>`);
  for (const t of niceTicks(x0, x1)) {
    const x = sx(t).toFixed(1);
    out.push(`<line x1="${x}" y1="${margin.top}" x2="${x}" y2="${margin.top + plotH}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${x}" y="${margin.top + plotH + 18}" text-anchor="middle">${formatTick(t)}</text>`);
  }
  for (const t of niceTicks(y0, y1)) {
    const y = sy(t).toFixed(1);
    out.push(`<line x1="${margin.left}" y1="${y}" x2="${margin.left + plotW}" y2="${y}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${margin.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${formatTick(t)}</text>`);
  }
  out.push(`<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${margin.left + plotW / 2}" y="${height - 12}" text-anchor="middle">${escapeXml(options.xLabel ?? 'environment steps')}</text>`);
  out.push(
    `<text x="16" y="${margin.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 16 ${margin.top + plotH / 2})">${escapeXml(options.yLabel ?? 'episodic return')}</text>`,
  );
  series.forEach((s, index) => {
    const points: [string, string][] = [];
    s.xs.forEach((x, k) => {
      const y = s.ys[k];
      if (Number.isFinite(x) && Number.isFinite(y)) points.push([sx(x).toFixed(1), sy(y).toFixed(1)]);
    });
    if (s.style !== 'dots') {
      out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${points.map((p) => p.join(',')).join(' ')}"/>`);
    }
    if (s.style !== 'line') {
      const [r, opacity] = s.style === 'dots' ? ['1.5', ' fill-opacity="0.35"'] : ['3.5', ''];
      for (const [cx, cy] of points) out.push(`<circle cx="${cx}" cy="${cy}" r="${r}" fill="${s.color}"${opacity}/>`);
    }
    const { x, y } = margin.legend[index];
    out.push(`<rect x="${x}" y="${y - 6}" width="${LEGEND.swatch}" height="4" fill="${s.color}"/>`);
    out.push(`<text x="${x + LEGEND.swatch + 6}" y="${y}">${escapeXml(s.label)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/**
 * The standard learning-curve series from metric records: every episode's return as dots, the
 * running mean of the last `window` episodes as a line, and, when the run has evaluations
 * (`eval/mean_return`), their mean returns as a marked line.
 */
export function returnSeries(records: readonly { step: number; metrics: Readonly<Record<string, number>> }[], window = 20): PlotSeries[] {
  const xs: number[] = [];
  const ys: number[] = [];
  const evalXs: number[] = [];
  const evalYs: number[] = [];
  for (const r of records) {
    const y = r.metrics['charts/episodic_return'];
    if (y !== undefined && Number.isFinite(y)) {
      xs.push(r.step);
      ys.push(y);
    }
    const e = r.metrics['eval/mean_return'];
    if (e !== undefined && Number.isFinite(e)) {
      evalXs.push(r.step);
      evalYs.push(e);
    }
  }
  const meanYs = ys.map((_, k) => {
    const from = Math.max(0, k - window + 1);
    let sum = 0;
    for (let j = from; j <= k; j++) sum += ys[j];
    return sum / (k - from + 1);
  });
  const series: PlotSeries[] = [
    { label: 'episodic return', xs, ys, color: '#4c78a8', style: 'dots' },
    { label: `mean of last ${window} episodes`, xs, ys: meanYs, color: '#e45756', style: 'line' },
  ];
  if (evalXs.length > 0) series.push({ label: 'evaluation (deterministic policy, mean return)', xs: evalXs, ys: evalYs, color: '#54a24b', style: 'markers' });
  return series;
}
