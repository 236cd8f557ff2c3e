/**
 * Learning-curve plots drawn by hand as SVG (no plotting library, no browser).
 */

/** One series of a {@link learningCurveSvg} plot. */
export interface PlotSeries {
  readonly label: string;
  readonly xs: readonly number[];
  readonly ys: readonly number[];
  /** CSS colour. */
  readonly color: string;
  /** `line` joins the points, `dots` draws each one. */
  readonly style: 'line' | 'dots';
}

/** Options of {@link learningCurveSvg}. */
export interface PlotOptions {
  readonly title: string;
  readonly xLabel?: string;
  readonly yLabel?: string;
  readonly width?: number;
  /** Height of the plot with its axes; a legend below adds its own rows to the picture. */
  readonly height?: number;
  /**
   * Where the legend goes: `'inside'` the plot's top-left corner (default), or `'below'` the
   * x-axis label, in rows that wrap at the picture's width, where it can never cover a curve.
   */
  readonly legend?: 'inside' | 'below';
}

/** Legend rows below the plot: their height and each entry's position. */
const LEGEND_ROW = 18;
/** Width of one character of the 12 px sans-serif labels, on the generous side. */
const CHAR_WIDTH = 7;

function legendBelow(series: readonly PlotSeries[], left: number, right: number): { rows: number; at: { x: number; row: number }[] } {
  const at: { x: number; row: number }[] = [];
  let x = left;
  let row = 0;
  for (const s of series) {
    const width = 20 + s.label.length * CHAR_WIDTH + 24;
    if (x > left && x + width > right) {
      row += 1;
      x = left;
    }
    at.push({ x, row });
    x += width;
  }
  return { rows: series.length === 0 ? 0 : row + 1, at };
}

/** "Nice" tick values covering [lo, hi] (1, 2 or 5 times a power of ten apart). */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(Number.isFinite(lo) && Number.isFinite(hi))) return [];
  if (hi <= lo) return [lo];
  const raw = (hi - lo) / Math.max(1, count - 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

function formatTick(x: number): string {
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

/**
 * A learning curve as a standalone SVG document: axes with ticks, a grid, a legend, and each
 * series as a polyline or dots. Non-finite points are skipped.
 */
export function learningCurveSvg(series: readonly PlotSeries[], options: PlotOptions): string {
  const width = options.width ?? 800;
  const plotHeight = options.height ?? 480;
  const margin = { left: 70, right: 20, top: 40, bottom: 55 };
  const plotW = width - margin.left - margin.right;
  const plotH = plotHeight - margin.top - margin.bottom;
  const below = options.legend === 'below' ? legendBelow(series, margin.left, width - margin.right) : null;
  const height = plotHeight + (below === null ? 0 : below.rows * LEGEND_ROW + 8);
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
  out.push(`<text x="${margin.left + plotW / 2}" y="${plotHeight - 12}" text-anchor="middle">${escapeXml(options.xLabel ?? 'environment steps')}</text>`);
  out.push(
    `<text x="16" y="${margin.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 16 ${margin.top + plotH / 2})">${escapeXml(options.yLabel ?? 'episodic return')}</text>`,
  );
  series.forEach((s, index) => {
    const points: string[] = [];
    s.xs.forEach((x, k) => {
      const y = s.ys[k];
      if (Number.isFinite(x) && Number.isFinite(y)) points.push(`${sx(x).toFixed(1)},${sy(y).toFixed(1)}`);
    });
    if (s.style === 'line') {
      out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${points.join(' ')}"/>`);
    } else {
      for (const p of points) {
        const [cx, cy] = p.split(',');
        out.push(`<circle cx="${cx}" cy="${cy}" r="1.5" fill="${s.color}" fill-opacity="0.35"/>`);
      }
    }
    const place = below?.at[index];
    const lx = place === undefined ? margin.left + 10 : place.x;
    const ly = place === undefined ? margin.top + 14 + index * 16 : plotHeight + 6 + place.row * LEGEND_ROW;
    out.push(`<rect x="${lx}" y="${ly - 8}" width="14" height="4" fill="${s.color}"/>`);
    out.push(`<text x="${lx + 20}" y="${ly - 2}">${escapeXml(s.label)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/**
 * The standard learning-curve series from metric records: every episode's return as dots and
 * the running mean of the last `window` episodes as a line.
 */
export function returnSeries(records: readonly { step: number; metrics: Readonly<Record<string, number>> }[], window = 20): PlotSeries[] {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const r of records) {
    const y = r.metrics['charts/episodic_return'];
    if (y !== undefined && Number.isFinite(y)) {
      xs.push(r.step);
      ys.push(y);
    }
  }
  const meanYs = ys.map((_, k) => {
    const from = Math.max(0, k - window + 1);
    let sum = 0;
    for (let j = from; j <= k; j++) sum += ys[j];
    return sum / (k - from + 1);
  });
  return [
    { label: 'episodic return', xs, ys, color: '#4c78a8', style: 'dots' },
    { label: `mean of last ${window} episodes`, xs, ys: meanYs, color: '#e45756', style: 'line' },
  ];
}
