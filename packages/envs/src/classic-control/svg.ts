import { cos, sin } from '@ppo/utils';
import type { SvgFrame } from '../env';

/** A point `[x, y]` in the drawing's coordinates: pixels, origin bottom-left, y up. */
export type Point = readonly [number, number];

function fmt(v: number): string {
  // Two decimals are far below a pixel and keep frames small.
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

function rgb(color: readonly [number, number, number]): string {
  return `rgb(${color[0]},${color[1]},${color[2]})`;
}

/** Rotates `p` by `angle` radians counter-clockwise, then translates it by `(dx, dy)`. */
export function rotateTranslate(p: Point, angle: number, dx: number, dy: number): Point {
  const c = cos(angle);
  const s = sin(angle);
  return [p[0] * c - p[1] * s + dx, p[0] * s + p[1] * c + dy];
}

/**
 * Builds an SVG frame in y-up pixel coordinates (as the classic-control drawings are specified),
 * flipping to SVG's y-down axis on output.
 */
export class SvgCanvas {
  private readonly parts: string[] = [];

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.parts.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="rgb(255,255,255)"/>`);
  }

  private pt(p: Point): string {
    return `${fmt(p[0])},${fmt(this.height - p[1])}`;
  }

  /** A filled polygon. */
  polygon(points: readonly Point[], color: readonly [number, number, number]): this {
    this.parts.push(`<polygon points="${points.map((p) => this.pt(p)).join(' ')}" fill="${rgb(color)}"/>`);
    return this;
  }

  /** A filled circle. */
  circle(center: Point, radius: number, color: readonly [number, number, number]): this {
    this.parts.push(
      `<circle cx="${fmt(center[0])}" cy="${fmt(this.height - center[1])}" r="${fmt(radius)}" fill="${rgb(color)}"/>`,
    );
    return this;
  }

  /** An open polyline (also a single segment). */
  polyline(points: readonly Point[], color: readonly [number, number, number], strokeWidth = 1): this {
    this.parts.push(
      `<polyline points="${points.map((p) => this.pt(p)).join(' ')}" fill="none" stroke="${rgb(color)}" stroke-width="${fmt(strokeWidth)}"/>`,
    );
    return this;
  }

  /** The finished frame. */
  toFrame(): SvgFrame {
    const svg =
      `<svg xmlns="http://www.w3.org/2000/svg" width="${this.width}" height="${this.height}" ` +
      `viewBox="0 0 ${this.width} ${this.height}">${this.parts.join('')}</svg>`;
    return { kind: 'svg', width: this.width, height: this.height, svg };
  }
}

/**
 * The mountain-car picture shared by MountainCar-v0 and MountainCarContinuous-v0 (Gymnasium's
 * 600x400 drawing): the hill `sin(3x) * 0.45 + 0.55`, the car tilted with the slope, and the flag.
 */
export function drawMountainCar(position: number, goalPosition: number): SvgFrame {
  const width = 600;
  const height = 400;
  const minPosition = -1.2;
  const maxPosition = 0.6;
  const scale = width / (maxPosition - minPosition);
  const carWidth = 40;
  const carHeight = 20;
  const clearance = 10;
  const hill = (x: number): number => sin(3 * x) * 0.45 + 0.55;
  const canvas = new SvgCanvas(width, height);
  const curve: Point[] = [];
  for (let k = 0; k < 100; k++) {
    const x = minPosition + ((maxPosition - minPosition) * k) / 99;
    curve.push([(x - minPosition) * scale, hill(x) * scale]);
  }
  canvas.polyline(curve, [0, 0, 0]);
  const angle = cos(3 * position);
  const baseX = (position - minPosition) * scale;
  const baseY = clearance + hill(position) * scale;
  const body: Point[] = [
    [-carWidth / 2, 0],
    [-carWidth / 2, carHeight],
    [carWidth / 2, carHeight],
    [carWidth / 2, 0],
  ];
  canvas.polygon(
    body.map((p) => rotateTranslate(p, angle, baseX, baseY)),
    [0, 0, 0],
  );
  for (const wheel of [
    [carWidth / 4, 0],
    [-carWidth / 4, 0],
  ] as Point[]) {
    canvas.circle(rotateTranslate(wheel, angle, baseX, baseY), carHeight / 2.5, [128, 128, 128]);
  }
  const flagX = (goalPosition - minPosition) * scale;
  const flagY1 = hill(goalPosition) * scale;
  const flagY2 = flagY1 + 50;
  canvas.polyline(
    [
      [flagX, flagY1],
      [flagX, flagY2],
    ],
    [0, 0, 0],
  );
  canvas.polygon(
    [
      [flagX, flagY2],
      [flagX, flagY2 - 10],
      [flagX + 25, flagY2 - 5],
    ],
    [204, 204, 0],
  );
  return canvas.toFrame();
}
