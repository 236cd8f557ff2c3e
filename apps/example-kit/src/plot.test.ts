import { describe, expect, it } from 'vitest';
import { lineChartSvg } from './plot';

describe('lineChartSvg', () => {
  it('draws a chart with one polyline per series, escaping the text and skipping NaN points', () => {
    const svg = lineChartSvg({ title: 'a <b>', xLabel: 'x', series: [{ name: 'acc', color: 'red', points: [[0, 0.1], [1, Number.NaN], [2, 0.9]] }] });
    expect(svg).toContain('a &lt;b&gt;');
    expect(svg.match(/<polyline/g)).toHaveLength(1);
    expect(svg).toMatch(/points="[\d.]+,[\d.]+ [\d.]+,[\d.]+"/);
  });
});
