import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { learningCurveSvg, niceTicks, returnSeries } from './plot';
import { encodePng } from './png';

describe('plots', () => {
  it('niceTicks picks 1-2-5 steps covering the range', () => {
    expect(niceTicks(0, 500)).toEqual([0, 100, 200, 300, 400, 500]);
    expect(niceTicks(-1.3, 0.2)).toEqual([-1, -0.5, 0]);
    expect(niceTicks(0, 1.7e6)).toEqual([0, 500_000, 1_000_000, 1_500_000]);
    expect(niceTicks(3, 3)).toEqual([3]);
  });

  it('returnSeries gives dots and the running mean of the last window episodes', () => {
    const records = [1, 2, 3, 4].map((r, k) => ({ step: 10 * (k + 1), metrics: { 'charts/episodic_return': r } }));
    records.push({ step: 50, metrics: { 'charts/SPS': 100 } as never });
    const [dots, mean] = returnSeries(records, 2);
    expect(dots.xs).toEqual([10, 20, 30, 40]);
    expect(mean.ys).toEqual([1, 1.5, 2.5, 3.5]);
  });

  it('returnSeries adds the evaluations as a marked line when the run has them', () => {
    const records: { step: number; metrics: Record<string, number> }[] = [
      { step: 10, metrics: { 'charts/episodic_return': 1 } },
      { step: 20, metrics: { 'eval/mean_return': 7, 'eval/std_return': 1 } },
      { step: 30, metrics: { 'charts/episodic_return': 2 } },
      { step: 40, metrics: { 'eval/mean_return': 9 } },
    ];
    const series = returnSeries(records);
    expect(series.map((s) => s.style)).toEqual(['dots', 'line', 'markers']);
    expect([series[2].xs, series[2].ys]).toEqual([[20, 40], [7, 9]]);
    expect(returnSeries(records.filter((r) => !('eval/mean_return' in r.metrics)))).toHaveLength(2);
  });

  it('the legend sits between the title and the plot, wrapping into rows, so it never covers a curve', () => {
    const series = Array.from({ length: 8 }, (_, k) => ({
      label: `seed ${k + 1} (score ${1000 + k})`,
      xs: [0, 1],
      ys: [k, k + 1],
      color: '#123456',
      style: k === 0 ? ('markers' as const) : ('line' as const),
    }));
    const svg = learningCurveSvg(series, { title: 'eight seeds', width: 600 });
    const frameTop = Number(/<rect x="70" y="([\d.]+)" width="[\d.]+" height="[\d.]+" fill="none"/.exec(svg)?.[1]);
    const legendYs = [...svg.matchAll(/<text x="[\d.]+" y="([\d.]+)">seed /g)].map((m) => Number(m[1]));
    expect(legendYs).toHaveLength(8);
    expect(new Set(legendYs).size).toBeGreaterThan(1); // wrapped
    for (const y of legendYs) expect(y).toBeLessThan(frameTop);
    expect(Math.min(...legendYs)).toBeGreaterThan(22); // below the title
    // `markers` draws the line and a circle on each point.
    expect(svg.match(/<polyline/g)).toHaveLength(8);
    expect(svg.match(/<circle [^>]*r="3.5"/g)).toHaveLength(2);
  });

  it('the SVG has a polyline through every finite point and escapes the title', () => {
    const svg = learningCurveSvg(
      [{ label: 'a<b', xs: [0, 1, 2, 3], ys: [0, 1, Number.NaN, 3], color: '#ff0000', style: 'line' }],
      { title: 'R&D', width: 400, height: 300 },
    );
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300"')).toBe(true);
    expect(svg).toContain('R&amp;D');
    expect(svg).toContain('a&lt;b');
    const points = /<polyline[^>]*points="([^"]*)"/.exec(svg)?.[1].split(' ');
    expect(points).toHaveLength(3);
  });

  it('encodePng writes a valid PNG (signature, IHDR, CRCs, pixels)', () => {
    const rgb = new Uint8Array(3 * 2 * 3);
    rgb.set([255, 0, 0], 0);
    rgb.set([0, 0, 255], 15);
    const png = encodePng(3, 2, rgb);
    expect(Array.from(png.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    const view = new DataView(png.buffer, png.byteOffset);
    expect(view.getUint32(16)).toBe(3);
    expect(view.getUint32(20)).toBe(2);
    // IDAT follows the 25-byte IHDR chunk at offset 33.
    const idatLength = view.getUint32(33);
    const raw = inflateSync(png.subarray(41, 41 + idatLength));
    expect(raw.length).toBe(2 * (1 + 9));
    expect(Array.from(raw.subarray(1, 4))).toEqual([255, 0, 0]);
    expect(Array.from(raw.subarray(17, 20))).toEqual([0, 0, 255]);
    expect(() => encodePng(2, 2, rgb)).toThrow(/rgb must hold width\*height\*3 = 12 bytes, got 18/);
  });
});
