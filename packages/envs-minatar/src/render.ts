import type { SvgFrame } from '@ppo/envs';

/** Cell size of the drawing, in pixels. */
const CELL = 16;

// One colour per channel (up to 10), dark background; a cell shows its highest active channel.
const PALETTE = ['#e8d44d', '#e0564c', '#7a5cc7', '#45b8d6', '#6cc46c', '#d98bd9', '#f29b38', '#3d7bd9', '#b9e0a5', '#f2f2f2'];

/**
 * Draws a `[10, 10, channels]` 0/1 observation as a 160×160 SVG: each cell takes the colour of
 * its highest active channel (the original's display does the same), empty cells stay black.
 */
export function renderObservation(observation: Float32Array, channels: number, title: string): SvgFrame {
  const size = 10 * CELL;
  const rects: string[] = [];
  for (let row = 0; row < 10; row++) {
    for (let col = 0; col < 10; col++) {
      const base = (row * 10 + col) * channels;
      for (let c = channels - 1; c >= 0; c--) {
        if (observation[base + c] !== 0) {
          rects.push(`<rect x="${col * CELL}" y="${row * CELL}" width="${CELL}" height="${CELL}" fill="${PALETTE[c]}"/>`);
          break;
        }
      }
    }
  }
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">` +
    `<title>${title}</title><rect width="${size}" height="${size}" fill="#000"/>${rects.join('')}</svg>`;
  return { kind: 'svg', width: size, height: size, svg };
}
