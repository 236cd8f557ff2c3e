import { checkEnv, make, type SvgFrame } from '@ppo/envs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AntEnv } from './ant';
import { HalfCheetahEnv } from './half-cheetah';
import { HopperEnv } from './hopper';
import { HumanoidEnv } from './humanoid';
import { InvertedDoublePendulumEnv } from './inverted-double-pendulum';
import { InvertedPendulumEnv } from './inverted-pendulum';
import type { MujocoEnv } from './mujoco-env';
import { ReacherEnv } from './reacher';
import { MUJOCO_ENV_IDS, registerMujocoEnvs } from './register';
import { compileModel, getMujoco, initMujoco } from './runtime';
import { SceneRenderer } from './scene-renderer';
import { SwimmerEnv } from './swimmer';
import { actionSequence, heapBytes, parseSvg, svgElements, type SvgNode } from './test-utils';
import { Walker2dEnv } from './walker2d';

beforeAll(async () => {
  await initMujoco();
  registerMujocoEnvs();
});

/** Coordinates are written with two decimals: half a hundredth of a pixel, plus float noise. */
const PX_TOL = 0.0051;

const ALL: [string, () => MujocoEnv][] = [
  ['HalfCheetah-v5', () => new HalfCheetahEnv()],
  ['Hopper-v5', () => new HopperEnv()],
  ['Walker2d-v5', () => new Walker2dEnv()],
  ['Swimmer-v5', () => new SwimmerEnv()],
  ['InvertedPendulum-v5', () => new InvertedPendulumEnv()],
  ['InvertedDoublePendulum-v5', () => new InvertedDoublePendulumEnv()],
  ['Reacher-v5', () => new ReacherEnv()],
  ['Ant-v5', () => new AntEnv()],
  ['Humanoid-v5', () => new HumanoidEnv()],
];

/** The element drawn for geom `index`. */
function geomElement(root: SvgNode, index: number): SvgNode {
  const found = svgElements(root).filter((e) => e.attrs['data-geom'] === String(index));
  expect(found).toHaveLength(1);
  return found[0];
}

function num(node: SvgNode, name: string): number {
  const v = Number(node.attrs[name]);
  expect(Number.isFinite(v), `${node.name}.${name} = ${node.attrs[name]}`).toBe(true);
  return v;
}

function polygonPoints(node: SvgNode): [number, number][] {
  return node.attrs.points.split(' ').map((p) => p.split(',').map(Number) as [number, number]);
}

function expectNear(actual: number, expected: number, what: string): void {
  if (!(Math.abs(actual - expected) <= PX_TOL)) throw new Error(`${what}: expected ${expected}, got ${actual} (tolerance ${PX_TOL} px)`);
}

describe('render() of every task', () => {
  it.each(ALL)('%s draws a well-formed 480x320 SVG with one element per geom', (_, create) => {
    const env = create();
    env.reset({ seed: 3 });
    const frame = env.render();
    expect(frame.kind).toBe('svg');
    expect([frame.width, frame.height]).toEqual([480, 320]);
    const root = parseSvg(frame.svg);
    expect(root.name).toBe('svg');
    expect([root.attrs.width, root.attrs.height]).toEqual(['480', '320']);
    const ngeom = env['model'].ngeom;
    for (let g = 0; g < ngeom; g++) geomElement(root, g);
    env.close();
  });

  it.each(ALL)('%s: the same state gives the same frame, another state another frame', (_, create) => {
    const a = create();
    const b = create();
    a.reset({ seed: 5 });
    b.setState(a.getState());
    expect(b.render().svg).toBe(a.render().svg);
    const before = a.render().svg;
    for (const action of actionSequence(a.nu, 3, 11)) a.step(action);
    expect(a.render().svg).not.toBe(before);
    a.close();
    b.close();
  });

  it.each(MUJOCO_ENV_IDS.map((r) => r.id))('checkEnv passes for %s with its frame, which make() forwards through the time limit', (id) => {
    const env = make<Float32Array, Float32Array>(id);
    expect(() => checkEnv(env, { seed: 2, steps: 20, render: true })).not.toThrow();
    const frame = env.render?.() as SvgFrame;
    expect(frame.kind).toBe('svg');
    expect(parseSvg(frame.svg).name).toBe('svg');
    env.close();
  });

  it('raises before reset and after close', () => {
    const env = new HopperEnv();
    expect(() => env.render()).toThrow(/Hopper-v5\.render: call reset\(\) first/);
    env.reset({ seed: 0 });
    env.close();
    expect(() => env.render()).toThrow(/closed/);
  });

  it('allocates nothing in the WebAssembly heap and survives heap growth', () => {
    const env = new HalfCheetahEnv();
    env.reset({ seed: 0 });
    const first = env.render().svg;
    const heap = heapBytes(env);
    for (let k = 0; k < 2000; k++) env.render();
    expect(heapBytes(env)).toBe(heap);
    // Growing the heap detaches the typed-array views; render re-reads them.
    const others = Array.from({ length: 4 }, () => new HumanoidEnv());
    expect(heapBytes(others[0])).toBeGreaterThan(heap);
    expect(env.render().svg).toBe(first);
    for (const o of others) o.close();
    env.close();
  });
});

describe('render() geometry against hand-computed projections', () => {
  it('HalfCheetah: the head capsule and the torso, from qpos and the MJCF, under the tracking camera', () => {
    const env = new HalfCheetahEnv();
    env.reset({ seed: 0 });
    const [rootx, rootz, rooty] = [2.0, 0.1, 0.3];
    const state = new Float64Array(env.nq + env.nv);
    state[0] = rootx;
    state[1] = rootz;
    state[2] = rooty;
    env.setState(state);
    const root = parseSvg(env.render().svg);
    // Body torso at (rootx, 0, 0.7 + rootz), turned by rooty about +y: R(t) (x, 0, z) = (x cos t + z sin t, -x sin t + z cos t).
    const rot = (t: number, x: number, z: number): [number, number] => [x * Math.cos(t) + z * Math.sin(t), -x * Math.sin(t) + z * Math.cos(t)];
    const [ox, oz] = [rootx, 0.7 + rootz];
    // The camera follows the torso body along x, centre height 0.55 m, 160 px per metre.
    const screen = (x: number, z: number): [number, number] => [240 + 160 * (x - rootx), 160 - 160 * (z - 0.55)];
    // head: pos (0.6, 0, 0.1), axisangle (0 1 0, 0.87), radius 0.046, half-length 0.15; a capsule runs along its local z.
    const [hx, hz] = rot(rooty, 0.6, 0.1);
    const [ax, az] = rot(rooty + 0.87, 0, 1);
    const head = geomElement(root, 2);
    expect(head.name).toBe('line');
    const p1 = screen(ox + hx - 0.15 * ax, oz + hz - 0.15 * az);
    const p2 = screen(ox + hx + 0.15 * ax, oz + hz + 0.15 * az);
    expectNear(num(head, 'x1'), p1[0], 'head x1');
    expectNear(num(head, 'y1'), p1[1], 'head y1');
    expectNear(num(head, 'x2'), p2[0], 'head x2');
    expectNear(num(head, 'y2'), p2[1], 'head y2');
    expectNear(num(head, 'stroke-width'), 2 * 0.046 * 160, 'head width');
    expect(head.attrs['stroke-linecap']).toBe('round');
    // torso: fromto (-0.5 0 0) (0.5 0 0); which end MuJoCo's local z points to is immaterial for a capsule.
    const torso = geomElement(root, 1);
    const [tx, tz] = rot(rooty, 0.5, 0);
    const ends = [screen(ox - tx, oz - tz), screen(ox + tx, oz + tz)];
    const drawn = [
      [num(torso, 'x1'), num(torso, 'y1')],
      [num(torso, 'x2'), num(torso, 'y2')],
    ].sort((p, q) => p[0] - q[0]);
    ends.sort((p, q) => p[0] - q[0]);
    for (let e = 0; e < 2; e++) {
      expectNear(drawn[e][0], ends[e][0], `torso end ${e} x`);
      expectNear(drawn[e][1], ends[e][1], `torso end ${e} y`);
    }
    // The ground line lies at z = 0.
    const ground = geomElement(root, 0);
    const line = ground.children.find((c) => c.name === 'line');
    expect(line).toBeDefined();
    expectNear(num(line!, 'y1'), screen(0, 0)[1], 'ground y1');
    expectNear(num(line!, 'y2'), screen(0, 0)[1], 'ground y2');
    env.close();
  });

  it('Reacher (top view): the fingertip and target spheres from the joint angles', () => {
    const env = new ReacherEnv();
    env.reset({ seed: 0 });
    const [q0, q1, gx, gy] = [0.7, -1.2, 0.12, -0.15];
    const state = new Float64Array(env.nq + env.nv);
    state.set([q0, q1, gx, gy]);
    env.setState(state);
    const root = parseSvg(env.render().svg);
    const screen = (x: number, y: number): [number, number] => [240 + 400 * x, 160 - 400 * y];
    // Links of 0.1 m; the fingertip 0.11 m from the second joint; the target slides with ref = its body position.
    const tip = screen(0.1 * Math.cos(q0) + 0.11 * Math.cos(q0 + q1), 0.1 * Math.sin(q0) + 0.11 * Math.sin(q0 + q1));
    const fingertip = geomElement(root, 8);
    expect(fingertip.name).toBe('circle');
    expectNear(num(fingertip, 'cx'), tip[0], 'fingertip cx');
    expectNear(num(fingertip, 'cy'), tip[1], 'fingertip cy');
    expectNear(num(fingertip, 'r'), 0.01 * 400, 'fingertip r');
    const target = geomElement(root, 9);
    expectNear(num(target, 'cx'), screen(gx, gy)[0], 'target cx');
    expectNear(num(target, 'cy'), screen(gx, gy)[1], 'target cy');
    expectNear(num(target, 'r'), 0.009 * 400, 'target r');
    env.close();
  });

  it('a box, an ellipsoid and a cylinder turned about y, from their rotation matrices', () => {
    const mujoco = getMujoco();
    const model = compileModel(
      mujoco,
      `<mujoco><compiler angle="radian"/><worldbody>
        <body pos="0.5 0 0.3" euler="0 0.5 0"><geom type="box" size="0.2 0.1 0.05"/></body>
        <geom type="ellipsoid" pos="-0.5 0 0.2" size="0.3 0.1 0.15" euler="0 0.4 0"/>
        <geom type="cylinder" pos="0 0.2 -0.5" size="0.1 0.25" euler="0 ${Math.PI / 2} 0"/>
      </worldbody></mujoco>`,
      'test',
    );
    const data = new mujoco.MjData(model);
    try {
      mujoco.mj_forward(model, data);
      const renderer = new SceneRenderer(mujoco, model, { projection: 'side', pixelsPerMeter: 100, center: [0, 0] }, 'test');
      const root = parseSvg(renderer.draw(data).svg);
      const screen = (x: number, z: number): [number, number] => [240 + 100 * x, 160 - 100 * z];
      // Box: corners (0.5, 0.3) +- 0.2 (cos b, -sin b) +- 0.05 (sin b, cos b) in (x, z); its y axis is along the view.
      const b = 0.5;
      const expected: [number, number][] = [];
      for (const sx of [-1, 1]) {
        for (const sz of [-1, 1]) {
          expected.push(screen(0.5 + sx * 0.2 * Math.cos(b) + sz * 0.05 * Math.sin(b), 0.3 - sx * 0.2 * Math.sin(b) + sz * 0.05 * Math.cos(b)));
        }
      }
      // Geoms are numbered world body first: ellipsoid 0, cylinder 1, box 2.
      const box = polygonPoints(geomElement(root, 2));
      expect(box).toHaveLength(4);
      for (const [x, y] of expected) {
        expect(box.some(([px, py]) => Math.abs(px - x) <= PX_TOL && Math.abs(py - y) <= PX_TOL), `corner ${x},${y} in ${JSON.stringify(box)}`).toBe(true);
      }
      // Ellipsoid: semi-axes 0.3 and 0.15 m in the view plane; its x axis (cos 0.4, -sin 0.4) in (x, z) is (cos, +sin) on the y-down screen.
      const ellipse = geomElement(root, 0);
      expect(ellipse.name).toBe('ellipse');
      expectNear(num(ellipse, 'rx'), 30, 'rx');
      expectNear(num(ellipse, 'ry'), 15, 'ry');
      const [ex, ey] = screen(-0.5, 0.2);
      expect(ellipse.attrs.transform).toBe(`rotate(${Math.round(0.4 * (18000 / Math.PI)) / 100} ${ex} ${ey})`);
      // Cylinder lying along x: a 50 x 20 px rectangle around its centre.
      const cylinder = polygonPoints(geomElement(root, 1));
      const [cx, cy] = screen(0, -0.5);
      const xs = cylinder.map((p) => p[0]);
      const ys = cylinder.map((p) => p[1]);
      expectNear(Math.min(...xs), cx - 25, 'cylinder left');
      expectNear(Math.max(...xs), cx + 25, 'cylinder right');
      expectNear(Math.min(...ys), cy - 10, 'cylinder top');
      expectNear(Math.max(...ys), cy + 10, 'cylinder bottom');
    } finally {
      data.delete();
      model.delete();
    }
  });

  it('the tracking camera keeps the torso centred and moves the ground grid', () => {
    const env = new HalfCheetahEnv();
    env.reset({ seed: 0 });
    const gridAt = (x: number): string => {
      const state = new Float64Array(env.nq + env.nv);
      state[0] = x;
      env.setState(state);
      const root = parseSvg(env.render().svg);
      const torso = geomElement(root, 1);
      expectNear((num(torso, 'x1') + num(torso, 'x2')) / 2, 240, 'torso centre');
      return geomElement(root, 0).children.find((c) => c.name === 'path')!.attrs.d;
    };
    // Grid lines every 0.5 m: a shift of 0.25 m moves them by 40 px; a whole spacing gives the same picture.
    const g0 = gridAt(0);
    expect(gridAt(0.25)).not.toBe(g0);
    expect(gridAt(0.5)).toBe(g0);
    env.close();
  });
});
