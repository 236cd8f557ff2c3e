/**
 * Node-only: the learning curve as a PNG, rasterized here and encoded with node:zlib (no
 * browser, no native download). Tick labels use a built-in 3x5 pixel font.
 */
import { deflateSync } from 'node:zlib';
import { crc32 } from './crc';
import { formatTick, niceTicks, plotBounds, plotLayout, type PlotSeries } from './plot';
import { writeFileAtomic } from './run-files';
import { PpoRangeError } from '@ppo/utils';

// 3x5 glyphs, rows top to bottom, 3 bits each (MSB = left column).
const GLYPHS: Readonly<Record<string, readonly number[]>> = {
  '0': [7, 5, 5, 5, 7],
  '1': [2, 6, 2, 2, 7],
  '2': [7, 1, 7, 4, 7],
  '3': [7, 1, 7, 1, 7],
  '4': [5, 5, 7, 1, 1],
  '5': [7, 4, 7, 1, 7],
  '6': [7, 4, 7, 5, 7],
  '7': [7, 1, 1, 1, 1],
  '8': [7, 5, 7, 5, 7],
  '9': [7, 5, 7, 1, 7],
  '-': [0, 0, 7, 0, 0],
  '.': [0, 0, 0, 0, 2],
  k: [4, 5, 6, 5, 5],
  M: [5, 7, 7, 5, 5],
};

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let k = 0; k < 4; k++) out[4 + k] = type.charCodeAt(k);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** Encodes an RGB image (row-major, 3 bytes a pixel) as a PNG file's bytes. */
export function encodePng(width: number, height: number, rgb: Uint8Array): Uint8Array {
  if (rgb.length !== width * height * 3) throw new PpoRangeError('INVALID_ARGUMENT', `rgb must hold width*height*3 = ${width * height * 3} bytes, got ${rgb.length}`);
  const raw = new Uint8Array(height * (width * 3 + 1));
  for (let y = 0; y < height; y++) raw.set(rgb.subarray(y * width * 3, (y + 1) * width * 3), y * (width * 3 + 1) + 1);
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type RGB
  const parts = [
    new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', header),
    chunk('IDAT', new Uint8Array(deflateSync(raw))),
    chunk('IEND', new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function parseColor(css: string): [number, number, number] {
  const m = /^#([0-9a-f]{6})$/i.exec(css);
  if (m === null) return [0, 0, 0];
  const v = parseInt(m[1], 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/**
 * Rasterizes the same plot as `learningCurveSvg` without its words (no title, legend or axis
 * names: the pixel font knows only digits) and writes a PNG (atomically; a link at `path` is
 * replaced, not followed). The fallback of `writeLearningCurvePng` where resvg does not load.
 */
export function writePng(path: string, series: readonly PlotSeries[], width = 800, height = 480): void {
  const rgb = new Uint8Array(width * height * 3).fill(255);
  const set = (x: number, y: number, c: readonly number[], alpha = 1) => {
    const xi = Math.round(x);
    const yi = Math.round(y);
    if (xi < 0 || yi < 0 || xi >= width || yi >= height) return;
    const k = (yi * width + xi) * 3;
    for (let j = 0; j < 3; j++) rgb[k + j] = Math.round(rgb[k + j] * (1 - alpha) + c[j] * alpha);
  };
  const line = (xa: number, ya: number, xb: number, yb: number, c: readonly number[], thick = 1) => {
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(xb - xa), Math.abs(yb - ya))));
    for (let s = 0; s <= steps; s++) {
      const x = xa + ((xb - xa) * s) / steps;
      const y = ya + ((yb - ya) * s) / steps;
      for (let dx = 0; dx < thick; dx++) for (let dy = 0; dy < thick; dy++) set(x + dx, y + dy, c);
    }
  };
  const text = (s: string, x: number, y: number, scale = 2) => {
    let cx = x;
    for (const ch of s) {
      const glyph = GLYPHS[ch];
      if (glyph !== undefined) {
        glyph.forEach((row, r) => {
          for (let col = 0; col < 3; col++) {
            if ((row >> (2 - col)) & 1) for (let a = 0; a < scale; a++) for (let b = 0; b < scale; b++) set(cx + col * scale + a, y + r * scale + b, [40, 40, 40]);
          }
        });
      }
      cx += 4 * scale;
    }
  };
  const margin = plotLayout(series, width);
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const { x0, x1, y0, y1 } = plotBounds(series);
  const sx = (x: number) => margin.left + ((x - x0) / (x1 - x0)) * plotW;
  const sy = (y: number) => margin.top + plotH - ((y - y0) / (y1 - y0)) * plotH;
  const grid = [229, 229, 229];
  for (const t of niceTicks(x0, x1)) {
    line(sx(t), margin.top, sx(t), margin.top + plotH, grid);
    const label = formatTick(t);
    text(label, sx(t) - label.length * 4, margin.top + plotH + 8);
  }
  for (const t of niceTicks(y0, y1)) {
    line(margin.left, sy(t), margin.left + plotW, sy(t), grid);
    const label = formatTick(t);
    text(label, margin.left - 8 - label.length * 8, sy(t) - 5);
  }
  const frame = [51, 51, 51];
  line(margin.left, margin.top, margin.left + plotW, margin.top, frame);
  line(margin.left, margin.top + plotH, margin.left + plotW, margin.top + plotH, frame);
  line(margin.left, margin.top, margin.left, margin.top + plotH, frame);
  line(margin.left + plotW, margin.top, margin.left + plotW, margin.top + plotH, frame);
  for (const s of series) {
    const color = parseColor(s.color);
    let prev: [number, number] | null = null;
    s.xs.forEach((x, k) => {
      const y = s.ys[k];
      if (!Number.isFinite(x) || !Number.isFinite(y)) return;
      const p: [number, number] = [sx(x), sy(y)];
      if (s.style === 'dots') {
        for (let a = -1; a <= 1; a++) for (let b = -1; b <= 1; b++) set(p[0] + a, p[1] + b, color, 0.35);
      } else if (prev !== null) {
        line(prev[0], prev[1], p[0], p[1], color, 2);
      }
      if (s.style === 'markers') for (let a = -3; a <= 3; a++) for (let b = -3; b <= 3; b++) set(p[0] + a, p[1] + b, color);
      prev = p;
    });
  }
  writeFileAtomic(path, encodePng(width, height, rgb));
}
