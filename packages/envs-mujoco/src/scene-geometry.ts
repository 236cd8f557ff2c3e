/**
 * Orthographic outlines of MuJoCo's primitive shapes on the screen, as pure functions of 2D
 * vectors. A shape's local axis `j` scaled by its half-size `s_j` appears on the screen as a
 * 2D vector `A_j` (its projection); every outline below is exact for an orthographic camera
 * except the cylinder, whose rounded ends are sampled.
 */

import { atan2, cos, hypot, sin } from '@ppo/utils';

/** A 2D vector or point in screen pixels (x right, y down). */
export type Vec2 = readonly [number, number];

/** An ellipse: centre, semi-axes and the rotation of the `rx` axis from screen x, in degrees (clockwise on screen, as SVG's `rotate`). */
export interface Ellipse {
  readonly rx: number;
  readonly ry: number;
  readonly angleDeg: number;
}

/**
 * The outline of a solid ellipsoid `{ sum_j u_j A_j : |u| <= 1 }` projected to the screen: the
 * ellipse whose shape matrix is `M = sum_j A_j A_j^T` (the image of the unit ball under the
 * linear map with columns `A_j`). Also a sphere (three equal, orthogonal `A_j`).
 */
export function ellipseOf(axes: readonly Vec2[]): Ellipse {
  let a = 0;
  let b = 0;
  let c = 0;
  for (const [x, y] of axes) {
    a += x * x;
    b += x * y;
    c += y * y;
  }
  const mean = (a + c) / 2;
  const radius = hypot((a - c) / 2, b);
  return {
    rx: Math.sqrt(mean + radius),
    ry: Math.sqrt(Math.max(mean - radius, 0)),
    angleDeg: (atan2(2 * b, a - c) / 2) * (180 / Math.PI),
  };
}

/** Convex hull of points (Andrew's monotone chain), counter-clockwise in (x, y), without repeats. */
export function convexHull(points: readonly Vec2[]): Vec2[] {
  const sorted = [...points].sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  if (sorted.length < 3) return sorted;
  const cross = (o: Vec2, p: Vec2, q: Vec2): number => (p[0] - o[0]) * (q[1] - o[1]) - (p[1] - o[1]) * (q[0] - o[0]);
  const lower: Vec2[] = [];
  for (const p of sorted) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Vec2[] = [];
  for (let k = sorted.length - 1; k >= 0; k--) {
    const p = sorted[k];
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], p) <= 0) upper.pop();
    upper.push(p);
  }
  lower.pop();
  upper.pop();
  return lower.concat(upper);
}

/** The outline of a box centred at `centre` with projected half-axes `A_0, A_1, A_2`: the hull of its 8 projected corners. */
export function boxOutline(centre: Vec2, axes: readonly [Vec2, Vec2, Vec2]): Vec2[] {
  const corners: Vec2[] = [];
  for (let m = 0; m < 8; m++) {
    let x = centre[0];
    let y = centre[1];
    for (let j = 0; j < 3; j++) {
      const sign = (m >> j) & 1 ? 1 : -1;
      x += sign * axes[j][0];
      y += sign * axes[j][1];
    }
    corners.push([x, y]);
  }
  return convexHull(corners);
}

/** Directions at which a cylinder's outline is sampled, besides the two that end its straight sides. */
const CYLINDER_SAMPLES = 32;

/**
 * The outline of a cylinder: its end discs (projected radii `A_0`, `A_1`) swept along the
 * projected half-axis `halfAxis` (from the centre to one end cap). The solid is the Minkowski sum
 * of a disc and a segment, so the support point in a direction `n` is the disc's,
 * `M n / sqrt(n^T M n)` with `M = A_0 A_0^T + A_1 A_1^T`, plus `sign(n . halfAxis) * halfAxis`.
 * Sampled at evenly spaced `n`, and at the two `n` perpendicular to the axis (where the support
 * jumps from one end cap to the other, giving both ends of a straight side), it traces the convex
 * outline in order, counter-clockwise in (x, y).
 */
export function cylinderOutline(centre: Vec2, radii: readonly [Vec2, Vec2], halfAxis: Vec2): Vec2[] {
  let a = 0;
  let b = 0;
  let c = 0;
  for (const [x, y] of radii) {
    a += x * x;
    b += x * y;
    c += y * y;
  }
  const support = (phi: number, side: number): Vec2 => {
    const nx = cos(phi);
    const ny = sin(phi);
    const mx = a * nx + b * ny;
    const my = b * nx + c * ny;
    const norm = Math.sqrt(Math.max(nx * mx + ny * my, 0));
    const x = centre[0] + side * halfAxis[0];
    const y = centre[1] + side * halfAxis[1];
    return norm > 1e-12 ? [x + mx / norm, y + my / norm] : [x, y];
  };
  const sideAt = (phi: number): number => (cos(phi) * halfAxis[0] + sin(phi) * halfAxis[1] >= 0 ? 1 : -1);
  const step = (2 * Math.PI) / CYLINDER_SAMPLES;
  // The directions perpendicular to the axis, in [0, 2 pi); none when the axis is seen end-on.
  const switches: number[] = [];
  if (hypot(halfAxis[0], halfAxis[1]) > 1e-12) {
    const perpendicular = atan2(halfAxis[1], halfAxis[0]) + Math.PI / 2;
    for (const phi of [perpendicular, perpendicular + Math.PI]) switches.push(((phi % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI));
  }
  const out: Vec2[] = [];
  for (let k = 0; k < CYLINDER_SAMPLES; k++) {
    const phi = k * step;
    out.push(support(phi, sideAt(phi)));
    for (const s of switches) {
      if (s >= phi && s < phi + step) {
        // Just before the switch the support lies on the cap it leaves, just after on the other.
        const before = sideAt(s - step / 2);
        out.push(support(s, before), support(s, -before));
      }
    }
  }
  return out;
}
