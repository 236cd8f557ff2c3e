import { describe, expect, it } from 'vitest';
import { boxOutline, convexHull, cylinderOutline, ellipseOf, type Vec2 } from './scene-geometry';

/** A small deterministic generator for the sweeps (an LCG in [0, 1)). */
function uniforms(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 4294967296;
  };
}

/** Points `sum_j u_j A_j` for unit vectors `u` spread over the sphere (Fibonacci lattice). */
function projectedSphere(axes: readonly Vec2[], count: number): Vec2[] {
  const out: Vec2[] = [];
  for (let k = 0; k < count; k++) {
    const z = 1 - (2 * (k + 0.5)) / count;
    const r = Math.sqrt(1 - z * z);
    const phi = k * Math.PI * (3 - Math.sqrt(5));
    const u = [r * Math.cos(phi), r * Math.sin(phi), z];
    out.push([0, 1].map((i) => axes.reduce((s, a, j) => s + u[j] * a[i], 0)) as unknown as Vec2);
  }
  return out;
}

/** Where `p` lies relative to the ellipse: its quadratic form, 1 on the boundary. */
function ellipseLevel(e: { rx: number; ry: number; angleDeg: number }, p: Vec2): number {
  const t = (e.angleDeg * Math.PI) / 180;
  const u = p[0] * Math.cos(t) + p[1] * Math.sin(t);
  const v = -p[0] * Math.sin(t) + p[1] * Math.cos(t);
  return (u / e.rx) ** 2 + (v / e.ry) ** 2;
}

describe('ellipseOf', () => {
  it('gives the semi-axes and angle of a rotated ellipse in closed form', () => {
    const t = 0.5;
    const e = ellipseOf([
      [3 * Math.cos(t), 3 * Math.sin(t)],
      [-2 * Math.sin(t), 2 * Math.cos(t)],
      [0, 0],
    ]);
    expect(e.rx).toBeCloseTo(3, 12);
    expect(e.ry).toBeCloseTo(2, 12);
    expect(e.angleDeg).toBeCloseTo((t * 180) / Math.PI, 10);
  });

  it('bounds the projection of any ellipsoid, touching it (20 random ellipsoids, 4000 surface points each)', () => {
    const next = uniforms(7);
    for (let trial = 0; trial < 20; trial++) {
      const axes: Vec2[] = [0, 1, 2].map(() => [4 * next() - 2, 4 * next() - 2] as Vec2);
      const e = ellipseOf(axes);
      const levels = projectedSphere(axes, 4000).map((p) => ellipseLevel(e, p));
      expect(Math.max(...levels)).toBeLessThanOrEqual(1 + 1e-9);
      expect(Math.max(...levels)).toBeGreaterThan(0.99);
    }
  });
});

describe('convexHull and boxOutline', () => {
  it('keeps the corners of a square among interior and repeated points', () => {
    const hull = convexHull([
      [0, 0],
      [1, 0],
      [0.5, 0.5],
      [1, 1],
      [0, 1],
      [1, 1],
      [0.2, 0.9],
    ]);
    expect(hull).toEqual([
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 1],
    ]);
  });

  it('outlines a box seen along one of its axes as its face, and a general box as a hexagon', () => {
    const face = boxOutline([10, 20], [
      [3, 0],
      [0, 0],
      [0, 2],
    ]);
    expect(face).toEqual([
      [7, 18],
      [13, 18],
      [13, 22],
      [7, 22],
    ]);
    const general = boxOutline([0, 0], [
      [3, 1],
      [-1, 2],
      [1, -1.5],
    ]);
    expect(general).toHaveLength(6);
  });
});

describe('cylinderOutline', () => {
  it('is the rectangle of a cylinder seen side-on', () => {
    const out = cylinderOutline([0, 0], [[0, 10], [0, 0]], [25, 0]);
    for (const [x, y] of out) {
      expect(Math.abs(x)).toBeCloseTo(25, 12);
      expect(Math.abs(y)).toBeLessThanOrEqual(10 + 1e-12);
    }
    expect(Math.max(...out.map((p) => p[1]))).toBeCloseTo(10, 12);
  });

  it('contains every point of a randomly oriented cylinder and reaches its extent (20 cylinders)', () => {
    const next = uniforms(11);
    for (let trial = 0; trial < 20; trial++) {
      const radii: [Vec2, Vec2] = [
        [2 * next() - 1, 2 * next() - 1],
        [2 * next() - 1, 2 * next() - 1],
      ];
      const half: Vec2 = [2 * next() - 1, 2 * next() - 1];
      const outline = cylinderOutline([0, 0], radii, half);
      // Sampling the end ellipse (semi-axes p >= q) at 32 normal directions cuts its boundary by at
      // most its largest radius of curvature p^2 / q times 1 - cos(pi / 32), and never by more than its width.
      const { rx: p, ry: q } = ellipseOf(radii);
      const tolerance = Math.min(((p * p) / q) * (1 - Math.cos(Math.PI / 32)), 2 * q) + 1e-9;
      // Solid points: disc points (r cos a, r sin a) at axial positions s in [-1, 1].
      const solid: Vec2[] = [];
      for (let k = 0; k < 2000; k++) {
        const a = 2 * Math.PI * next();
        const s = 2 * next() - 1;
        solid.push([Math.cos(a) * radii[0][0] + Math.sin(a) * radii[1][0] + s * half[0], Math.cos(a) * radii[0][1] + Math.sin(a) * radii[1][1] + s * half[1]]);
      }
      // Inside a convex polygon: on the inner side of every edge (the outline runs counter-clockwise in x-right, y-up terms).
      const n = outline.length;
      const area = outline.reduce((s, p, i) => s + p[0] * outline[(i + 1) % n][1] - outline[(i + 1) % n][0] * p[1], 0);
      const orientation = Math.sign(area);
      let outside = 0;
      for (const p of solid) {
        for (let i = 0; i < n; i++) {
          const a = outline[i];
          const b = outline[(i + 1) % n];
          const cross = (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
          if (orientation * cross < -tolerance * Math.hypot(b[0] - a[0], b[1] - a[1])) outside++;
        }
      }
      expect(outside).toBe(0);
      // Every outline vertex is a point of the solid's boundary: within the extent along each axis.
      const extent = (d: Vec2): number => Math.max(...solid.map((p) => p[0] * d[0] + p[1] * d[1]));
      for (const d of [[1, 0], [0, 1], [-1, 0], [0, -1]] as Vec2[]) {
        const reach = Math.max(...outline.map((p) => p[0] * d[0] + p[1] * d[1]));
        expect(reach).toBeGreaterThanOrEqual(extent(d) - 1e-9);
        expect(reach).toBeLessThanOrEqual(extent(d) + 0.05);
      }
    }
  });
});
