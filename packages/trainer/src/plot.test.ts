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

  it('puts the legend below the plot, in rows that wrap, clear of the plotting area', () => {
    const series = ['seed 1 (score -4.2)', 'seed 2 (score -5.3)', 'paper, Figure 3 (-7)', 'CleanRL v4 (1,443)', 'a fifth, rather longer label'].map((label, k) => ({
      label,
      xs: [0, 1],
      ys: [k, k + 1],
      color: '#000000',
      style: 'line' as const,
    }));
    const svg = learningCurveSvg(series, { title: 't', width: 500, height: 300, legend: 'below' });
    const labels = [...svg.matchAll(/<text x="([\d.]+)" y="([\d.]+)">([^<]+)<\/text>/g)].filter((m) => series.some((s) => s.label === m[3]));
    expect(labels.map((m) => m[3])).toEqual(series.map((s) => s.label));
    // The plotting area ends at 300 - 55 = 245 and the x-axis label sits at 288: every entry is lower.
    for (const m of labels) expect(Number(m[2])).toBeGreaterThan(288);
    // Entries fit the width (500 - 20 right margin), assuming at most 7 px per character.
    for (const m of labels) expect(Number(m[1]) + m[3].length * 7).toBeLessThanOrEqual(480);
    const rows = new Set(labels.map((m) => m[2]));
    expect(rows.size).toBeGreaterThan(1);
    // The picture grows by the legend's rows: 18 px each, plus 8.
    expect(svg).toContain(`height="${300 + rows.size * 18 + 8}"`);
    // Inside (the default) the entries sit in the plot's top-left corner, and the size is as asked.
    const inside = learningCurveSvg(series, { title: 't', width: 500, height: 300 });
    expect(inside).toContain('height="300"');
    expect(inside).toContain('<text x="100" y="52">seed 1 (score -4.2)</text>');
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
