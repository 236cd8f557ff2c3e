/** A dependency-free SVG line chart for the apps' learning curves. */

/** One named line of {@link lineChartSvg}. */
export interface Series {
  readonly name: string;
  readonly color: string;
  readonly points: readonly (readonly [number, number])[];
}

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * An SVG document with one polyline per series over shared axes (y from `yRange`, default the
 * data range), axis labels and a legend. Non-finite points are skipped.
 */
export function lineChartSvg(options: { title: string; xLabel: string; series: readonly Series[]; yRange?: readonly [number, number] }): string {
  const width = 640;
  const height = 360;
  const m = { left: 56, right: 16, top: 32, bottom: 44 };
  const finite = options.series.flatMap((s) => s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)));
  const xs = finite.map(([x]) => x);
  const ys = finite.map(([, y]) => y);
  const x0 = Math.min(0, ...xs);
  const x1 = Math.max(x0 + 1, ...xs);
  const [y0, y1] = options.yRange ?? [Math.min(0, ...ys), Math.max(1e-9, ...ys)];
  const px = (x: number): number => m.left + ((x - x0) / (x1 - x0)) * (width - m.left - m.right);
  const py = (y: number): number => height - m.bottom - ((y - y0) / (y1 - y0 || 1)) * (height - m.top - m.bottom);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${escape(options.title)}</text>`,
    `<line x1="${m.left}" y1="${height - m.bottom}" x2="${width - m.right}" y2="${height - m.bottom}" stroke="black"/>`,
    `<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${height - m.bottom}" stroke="black"/>`,
    `<text x="${(width + m.left) / 2}" y="${height - 8}" text-anchor="middle">${escape(options.xLabel)}</text>`,
  ];
  for (let k = 0; k <= 4; k++) {
    const y = y0 + ((y1 - y0) * k) / 4;
    const x = x0 + ((x1 - x0) * k) / 4;
    parts.push(`<text x="${m.left - 6}" y="${py(y) + 4}" text-anchor="end">${y.toFixed(2)}</text>`);
    parts.push(`<text x="${px(x)}" y="${height - m.bottom + 16}" text-anchor="middle">${Number(x.toPrecision(3))}</text>`);
  }
  options.series.forEach((s, i) => {
    const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)).map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`);
    parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="1.5" points="${pts.join(' ')}"/>`);
    parts.push(`<text x="${m.left + 10}" y="${m.top + 14 + 16 * i}" fill="${s.color}">${escape(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
