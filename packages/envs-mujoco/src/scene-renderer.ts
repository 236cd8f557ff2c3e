import type { SvgFrame } from '@ppo/envs';
import { hypot, PpoError } from '@ppo/utils';
import type { MainModule, MjData, MjModel } from 'mujoco-js';
import { boxOutline, cylinderOutline, ellipseOf, type Vec2 } from './scene-geometry';
import { MUJOCO_FRAME_HEIGHT, MUJOCO_FRAME_WIDTH, type MujocoView } from './scene-view';

type Vec3 = readonly [number, number, number];

const BACKGROUND = 'rgb(244,247,250)';
const GROUND_FILL = 'rgb(222,227,214)';
const GROUND_LINE = 'rgb(96,104,88)';
const GRID_LINE = 'rgb(186,194,176)';
/** Geoms of the world body (rails, arena walls). */
const STATIC_COLOR = 'rgb(120,120,128)';
/** One colour per moving body, in body order, repeating. */
const BODY_COLORS = ['rgb(214,112,48)', 'rgb(52,120,190)', 'rgb(70,160,90)', 'rgb(170,80,160)', 'rgb(200,170,40)', 'rgb(60,170,170)', 'rgb(200,70,80)'];
const OUTLINE = 'rgb(40,40,48)';
/** A plane whose normal is this close to perpendicular to the view direction is seen edge-on (a ground line). */
const EDGE_ON = 1e-6;
/** Below this many pixels a capsule's axis is seen end-on and it is drawn as a circle. */
const MIN_SEGMENT_PX = 0.01;

function fmt(v: number): string {
  // Two decimals are far below a pixel and keep frames small and deterministic.
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

function points(list: readonly Vec2[]): string {
  return list.map((p) => `${fmt(p[0])},${fmt(p[1])}`).join(' ');
}

/**
 * Draws a model's geoms as an SVG frame for a {@link MujocoView}: the static model data (types,
 * sizes, bodies, names) is read once; each frame reads the world positions `geom_xpos` and
 * rotation matrices `geom_xmat` (and the tracked body's `xpos`) of the data. Geoms are painted
 * far to near. Each geom's element carries `data-geom="<geom index>"`.
 *
 * Capsules become round-capped thick lines, spheres circles, ellipsoids ellipses, boxes and
 * cylinders polygons (their exact projected outlines; a cylinder's curved ends sampled at 32
 * directions). A plane seen edge-on is the ground: a line, filled below, with grid lines; a
 * plane seen at an angle is its rectangle (of its half-sizes; size 0 is unbounded) with a grid.
 * Height fields, meshes and SDF geoms are not drawn (no task here has them).
 */
export class SceneRenderer {
  private readonly right: Vec3;
  private readonly up: Vec3;
  /** Unit vector from the scene towards the viewer: larger is nearer. */
  private readonly toward: Vec3;
  private readonly scale: number;
  private readonly gridSpacing: number;
  private readonly trackBody: number;
  private readonly ngeom: number;
  private readonly types: Int32Array;
  private readonly sizes: Float64Array;
  private readonly colors: string[];
  private readonly order: number[];
  private readonly depth: Float64Array;
  private readonly kind: { plane: number; sphere: number; capsule: number; ellipsoid: number; cylinder: number; box: number };

  constructor(
    mujoco: MainModule,
    model: MjModel,
    private readonly view: MujocoView,
    owner: string,
  ) {
    this.right = [1, 0, 0];
    this.up = view.projection === 'side' ? [0, 0, 1] : [0, 1, 0];
    this.toward = view.projection === 'side' ? [0, -1, 0] : [0, 0, 1];
    this.scale = view.pixelsPerMeter;
    this.gridSpacing = view.gridSpacing ?? 0.5;
    this.trackBody = -1;
    if (view.track !== undefined) {
      this.trackBody = mujoco.mj_name2id(model, mujoco.mjtObj.mjOBJ_BODY.value, view.track);
      if (this.trackBody < 0) throw new PpoError('INVALID_STATE', `${owner}.render: the model has no body '${view.track}' to track`);
    }
    const g = mujoco.mjtGeom;
    this.kind = {
      plane: g.mjGEOM_PLANE.value,
      sphere: g.mjGEOM_SPHERE.value,
      capsule: g.mjGEOM_CAPSULE.value,
      ellipsoid: g.mjGEOM_ELLIPSOID.value,
      cylinder: g.mjGEOM_CYLINDER.value,
      box: g.mjGEOM_BOX.value,
    };
    // Copies: the model's views of the WebAssembly heap detach when the heap grows.
    this.ngeom = model.ngeom;
    this.types = Int32Array.from(model.geom_type as Int32Array);
    this.sizes = Float64Array.from(model.geom_size as Float64Array);
    const bodies = model.geom_bodyid as Int32Array;
    this.colors = [];
    for (let k = 0; k < this.ngeom; k++) {
      const body = bodies[k];
      this.colors.push(body === 0 ? STATIC_COLOR : BODY_COLORS[(body - 1) % BODY_COLORS.length]);
    }
    this.order = Array.from({ length: this.ngeom }, (_, k) => k);
    this.depth = new Float64Array(this.ngeom);
  }

  /** The frame of the current state of `data` (positions as of its last `mj_forward` or `mj_step`). */
  draw(data: MjData): SvgFrame {
    const xpos = data.geom_xpos as Float64Array;
    const xmat = data.geom_xmat as Float64Array;
    let cr = this.view.center[0];
    let cu = this.view.center[1];
    if (this.trackBody >= 0) {
      const b = data.xpos as Float64Array;
      const p: Vec3 = [b[3 * this.trackBody], b[3 * this.trackBody + 1], b[3 * this.trackBody + 2]];
      cr += dot(p, this.right);
      if (this.view.projection === 'top') cu += dot(p, this.up);
    }
    const k = this.scale;
    const toScreen = (p: Vec3): Vec2 => [MUJOCO_FRAME_WIDTH / 2 + k * (dot(p, this.right) - cr), MUJOCO_FRAME_HEIGHT / 2 - k * (dot(p, this.up) - cu)];
    const screenDir = (v: Vec3): Vec2 => [k * dot(v, this.right), -k * dot(v, this.up)];
    const viewCentre: Vec3 = [
      cr * this.right[0] + cu * this.up[0],
      cr * this.right[1] + cu * this.up[1],
      cr * this.right[2] + cu * this.up[2],
    ];

    for (let g = 0; g < this.ngeom; g++) {
      const p: Vec3 = [xpos[3 * g], xpos[3 * g + 1], xpos[3 * g + 2]];
      this.depth[g] = this.types[g] === this.kind.plane ? -Infinity : dot(p, this.toward);
    }
    this.order.sort((a, b) => this.depth[a] - this.depth[b] || a - b);

    const parts: string[] = [`<rect width="${MUJOCO_FRAME_WIDTH}" height="${MUJOCO_FRAME_HEIGHT}" fill="${BACKGROUND}"/>`];
    for (const g of this.order) {
      const centre: Vec3 = [xpos[3 * g], xpos[3 * g + 1], xpos[3 * g + 2]];
      const m = 9 * g;
      const axis = (j: number): Vec3 => [xmat[m + j], xmat[m + 3 + j], xmat[m + 6 + j]];
      const size = (j: number): number => this.sizes[3 * g + j];
      const c = toScreen(centre);
      const type = this.types[g];
      const tag = `data-geom="${g}"`;
      const fill = this.colors[g];
      if (type === this.kind.capsule) {
        const half = screenDir(axis(2));
        const h = size(1);
        const width = 2 * k * size(0);
        if (hypot(half[0], half[1]) * h < MIN_SEGMENT_PX) {
          parts.push(`<circle ${tag} cx="${fmt(c[0])}" cy="${fmt(c[1])}" r="${fmt(width / 2)}" fill="${fill}"/>`);
        } else {
          parts.push(
            `<line ${tag} x1="${fmt(c[0] - h * half[0])}" y1="${fmt(c[1] - h * half[1])}" x2="${fmt(c[0] + h * half[0])}" y2="${fmt(c[1] + h * half[1])}" ` +
              `stroke="${fill}" stroke-width="${fmt(width)}" stroke-linecap="round"/>`,
          );
        }
      } else if (type === this.kind.sphere) {
        parts.push(`<circle ${tag} cx="${fmt(c[0])}" cy="${fmt(c[1])}" r="${fmt(k * size(0))}" fill="${fill}" stroke="${OUTLINE}" stroke-width="1"/>`);
      } else if (type === this.kind.ellipsoid) {
        const e = ellipseOf([0, 1, 2].map((j) => scaled(screenDir(axis(j)), size(j))));
        parts.push(
          `<ellipse ${tag} cx="${fmt(c[0])}" cy="${fmt(c[1])}" rx="${fmt(e.rx)}" ry="${fmt(e.ry)}" ` +
            `transform="rotate(${fmt(e.angleDeg)} ${fmt(c[0])} ${fmt(c[1])})" fill="${fill}" stroke="${OUTLINE}" stroke-width="1"/>`,
        );
      } else if (type === this.kind.box) {
        const outline = boxOutline(c, [scaled(screenDir(axis(0)), size(0)), scaled(screenDir(axis(1)), size(1)), scaled(screenDir(axis(2)), size(2))]);
        parts.push(`<polygon ${tag} points="${points(outline)}" fill="${fill}" stroke="${OUTLINE}" stroke-width="1"/>`);
      } else if (type === this.kind.cylinder) {
        const r = size(0);
        const outline = cylinderOutline(c, [scaled(screenDir(axis(0)), r), scaled(screenDir(axis(1)), r)], scaled(screenDir(axis(2)), size(1)));
        parts.push(`<polygon ${tag} points="${points(outline)}" fill="${fill}" stroke="${OUTLINE}" stroke-width="1"/>`);
      } else if (type === this.kind.plane) {
        const normal = axis(2);
        if (Math.abs(dot(normal, this.toward)) < EDGE_ON) {
          parts.push(this.ground(tag, centre, axis(0), axis(1), normal, viewCentre, toScreen, screenDir));
        } else {
          parts.push(this.floor(tag, centre, [axis(0), axis(1)], [size(0), size(1)], viewCentre, toScreen));
        }
      }
    }
    const svg =
      `<svg xmlns="http://www.w3.org/2000/svg" width="${MUJOCO_FRAME_WIDTH}" height="${MUJOCO_FRAME_HEIGHT}" viewBox="0 0 ${MUJOCO_FRAME_WIDTH} ${MUJOCO_FRAME_HEIGHT}">` +
      `${parts.join('')}</svg>`;
    return { kind: 'svg', width: MUJOCO_FRAME_WIDTH, height: MUJOCO_FRAME_HEIGHT, svg };
  }

  /** Half the frame's diagonal in metres: every visible point is this close to the view centre. */
  private reach(): number {
    return hypot(MUJOCO_FRAME_WIDTH, MUJOCO_FRAME_HEIGHT) / 2 / this.scale;
  }

  /**
   * A plane seen edge-on, drawn unbounded (MuJoCo's planes are unbounded for collisions; the
   * size is only a rendering hint, and a runner leaves a 40 m floor within a minute): the line,
   * the side opposite its normal filled, and lines across it every `gridSpacing` metres.
   */
  private ground(
    tag: string,
    centre: Vec3,
    axis0: Vec3,
    axis1: Vec3,
    normal: Vec3,
    viewCentre: Vec3,
    toScreen: (p: Vec3) => Vec2,
    screenDir: (v: Vec3) => Vec2,
  ): string {
    // The in-plane axis not along the view direction carries the line.
    const along = Math.abs(dot(axis0, this.toward)) < Math.abs(dot(axis1, this.toward)) ? axis0 : axis1;
    const c = toScreen(centre);
    const d = unit(screenDir(along));
    const n = unit(screenDir(normal));
    const far = 2 * (MUJOCO_FRAME_WIDTH + MUJOCO_FRAME_HEIGHT);
    const tCentre = dot(sub(viewCentre, centre), along);
    const a: Vec2 = [c[0] + (tCentre * this.scale - far) * d[0], c[1] + (tCentre * this.scale - far) * d[1]];
    const b: Vec2 = [c[0] + (tCentre * this.scale + far) * d[0], c[1] + (tCentre * this.scale + far) * d[1]];
    const below = (p: Vec2): Vec2 => [p[0] - far * n[0], p[1] - far * n[1]];
    const reach = this.reach();
    const step = this.gridSpacing;
    let grid = '';
    for (let m = Math.ceil((tCentre - reach) / step); m * step <= tCentre + reach; m++) {
      const q = toScreen(add(centre, along, m * step));
      const r = below(q);
      grid += `M${fmt(q[0])} ${fmt(q[1])}L${fmt(r[0])} ${fmt(r[1])}`;
    }
    return (
      `<g ${tag}><polygon points="${points([a, b, below(b), below(a)])}" fill="${GROUND_FILL}"/>` +
      `<path d="${grid}" stroke="${GRID_LINE}" stroke-width="1"/>` +
      `<line x1="${fmt(a[0])}" y1="${fmt(a[1])}" x2="${fmt(b[0])}" y2="${fmt(b[1])}" stroke="${GROUND_LINE}" stroke-width="2"/></g>`
    );
  }

  /** A plane seen at an angle: its rectangle (size 0: unbounded, clipped to the view) and a grid. */
  private floor(tag: string, centre: Vec3, axes: readonly [Vec3, Vec3], sizes: readonly [number, number], viewCentre: Vec3, toScreen: (p: Vec3) => Vec2): string {
    const reach = this.reach();
    const offset = sub(viewCentre, centre);
    // Per in-plane axis, the interval of the rectangle that can be on screen.
    const range = axes.map((ax, j) => {
      const t = dot(offset, ax);
      const s = sizes[j] > 0 ? sizes[j] : Infinity;
      return [Math.max(-s, t - reach), Math.min(s, t + reach)] as const;
    });
    const at = (u: number, v: number): Vec2 => toScreen(add(add(centre, axes[0], u), axes[1], v));
    const [r0, r1] = range;
    if (r0[0] > r0[1] || r1[0] > r1[1]) return `<g ${tag}/>`;
    const rect = [at(r0[0], r1[0]), at(r0[1], r1[0]), at(r0[1], r1[1]), at(r0[0], r1[1])];
    const step = this.gridSpacing;
    let grid = '';
    for (let m = Math.ceil(r0[0] / step); m * step <= r0[1]; m++) {
      const p = at(m * step, r1[0]);
      const q = at(m * step, r1[1]);
      grid += `M${fmt(p[0])} ${fmt(p[1])}L${fmt(q[0])} ${fmt(q[1])}`;
    }
    for (let m = Math.ceil(r1[0] / step); m * step <= r1[1]; m++) {
      const p = at(r0[0], m * step);
      const q = at(r0[1], m * step);
      grid += `M${fmt(p[0])} ${fmt(p[1])}L${fmt(q[0])} ${fmt(q[1])}`;
    }
    return `<g ${tag}><polygon points="${points(rect)}" fill="${GROUND_FILL}"/><path d="${grid}" stroke="${GRID_LINE}" stroke-width="1"/></g>`;
  }
}

function scaled(v: Vec2, s: number): Vec2 {
  return [v[0] * s, v[1] * s];
}

function unit(v: Vec2): Vec2 {
  const n = hypot(v[0], v[1]);
  return [v[0] / n, v[1] / n];
}

function sub(a: Vec3, b: Vec3): Vec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}

function add(a: Vec3, v: Vec3, s: number): Vec3 {
  return [a[0] + s * v[0], a[1] + s * v[1], a[2] + s * v[2]];
}
