import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { learningCurveSvg, returnSeries } from './plot';
import { loadResvg, writeLearningCurvePng } from './svg-png';
import { decodePng, type DecodedPng } from './test-png';

const dir = mkdtempSync(join(tmpdir(), 'ppo-svg-png-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const records = Array.from({ length: 120 }, (_, k): { step: number; metrics: Record<string, number> } => ({
  step: 100 * (k + 1),
  metrics: k % 20 === 19 ? { 'eval/mean_return': 2 * k } : { 'charts/episodic_return': k + 10 * Math.sin(k) },
}));
const series = returnSeries(records);
const svg = learningCurveSvg(series, { title: 'PPO on CartPole-v1 (seed 1)' });

/** Pixels in a box that are dark (text) or near a colour (a curve). */
function count(image: DecodedPng, box: { x0: number; x1: number; y0: number; y1: number }, test: (r: number, g: number, b: number) => boolean): number {
  let n = 0;
  for (let y = box.y0; y < box.y1; y++) {
    for (let x = box.x0; x < box.x1; x++) {
      const k = (y * image.width + x) * 3;
      if (test(image.rgb[k], image.rgb[k + 1], image.rgb[k + 2])) n += 1;
    }
  }
  return n;
}
const dark = (r: number, g: number, b: number) => r < 100 && g < 100 && b < 100;
const near = (rgb: readonly number[]) => (r: number, g: number, b: number) => Math.abs(r - rgb[0]) + Math.abs(g - rgb[1]) + Math.abs(b - rgb[2]) < 60;
const TITLE = { x0: 200, x1: 600, y0: 4, y1: 30 };
const LEGEND = { x0: 60, x1: 700, y0: 30, y1: 46 };
const X_LABEL = { x0: 300, x1: 500, y0: 455, y1: 478 };
const PLOT = { x0: 75, x1: 775, y0: 70, y1: 420 };
const RED = [0xe4, 0x57, 0x56];
const GREEN = [0x54, 0xa2, 0x4b];

describe('writeLearningCurvePng', () => {
  it('renders the SVG with resvg where @resvg/resvg-js loads (here): title, legend and axis label are drawn', () => {
    const resvg = loadResvg();
    expect(resvg, '@resvg/resvg-js should install and load on this platform').not.toBeNull();
    const path = join(dir, 'resvg.png');
    expect(writeLearningCurvePng(path, svg, series, resvg)).toBe('resvg');
    const image = decodePng(readFileSync(path));
    expect([image.width, image.height]).toEqual([800, 480]);
    for (const [name, box] of Object.entries({ TITLE, LEGEND, X_LABEL })) expect(count(image, box, dark), name).toBeGreaterThan(40);
    expect(count(image, PLOT, near(RED))).toBeGreaterThan(200);
    expect(count(image, PLOT, near(GREEN))).toBeGreaterThan(100);
  });

  it('falls back to the built-in rasterizer where resvg does not load: the same curves, no words', () => {
    const path = join(dir, 'pixels.png');
    expect(writeLearningCurvePng(path, svg, series, null)).toBe('pixels');
    const image = decodePng(readFileSync(path));
    expect([image.width, image.height]).toEqual([800, 480]);
    for (const [name, box] of Object.entries({ TITLE, LEGEND, X_LABEL })) expect(count(image, box, dark), name).toBe(0);
    expect(count(image, PLOT, near(RED))).toBeGreaterThan(200);
    expect(count(image, PLOT, near(GREEN))).toBeGreaterThan(100);
  });

  it('by default uses the pixels when loading @resvg/resvg-js fails (not installed, or no binary for the platform)', async () => {
    vi.resetModules();
    vi.doMock('node:module', () => ({
      createRequire: () => (id: string) => {
        throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
      },
    }));
    try {
      const missing = await import('./svg-png');
      expect(missing.loadResvg()).toBeNull();
      const path = join(dir, 'default.png');
      expect(missing.writeLearningCurvePng(path, svg, series)).toBe('pixels');
      expect(decodePng(readFileSync(path)).width).toBe(800);
    } finally {
      vi.doUnmock('node:module');
      vi.resetModules();
    }
    expect(writeLearningCurvePng(join(dir, 'default-here.png'), svg, series)).toBe('resvg');
  });
});
