import { beforeAll, describe, expect, it } from 'vitest';
import { AntEnv } from './ant';
import { HalfCheetahEnv } from './half-cheetah';
import { HopperEnv } from './hopper';
import { HumanoidEnv } from './humanoid';
import { InvertedDoublePendulumEnv } from './inverted-double-pendulum';
import { InvertedPendulumEnv } from './inverted-pendulum';
import type { MujocoEnv } from './mujoco-env';
import { ReacherEnv } from './reacher';
import { initMujoco } from './runtime';
import { SwimmerEnv } from './swimmer';
import { actionSequence, internals, split, sumSquares } from './test-utils';
import { Walker2dEnv } from './walker2d';

beforeAll(async () => {
  await initMujoco();
});

/** float32 rounding of a float64 value, the tolerance of an observation entry. */
const f32 = (v: number): number => Math.fround(v);

function expectClose(actual: number, expected: number, tolerance: number, what: string): void {
  if (!(Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)))) {
    throw new Error(`${what}: expected ${expected}, got ${actual} (tolerance ${tolerance})`);
  }
}

/** Resets `count` times with seeds 0.. and collects `[qpos - qpos0, qvel]` of each initial state. */
function initialNoise(env: MujocoEnv, count: number): { dq: number[][]; dv: number[][] } {
  const qpos0 = env['initQpos'];
  const dq: number[][] = [];
  const dv: number[][] = [];
  for (let i = 0; i < count; i++) {
    env.reset({ seed: i });
    const { qpos, qvel } = split(env);
    dq.push(Array.from(qpos, (v, k) => v - qpos0[k]));
    dv.push(Array.from(qvel));
  }
  return { dq, dv };
}

function flat(rows: number[][]): number[] {
  return rows.flat();
}

function meanStd(values: number[]): [number, number] {
  const m = values.reduce((a, b) => a + b, 0) / values.length;
  const v = values.reduce((a, b) => a + (b - m) * (b - m), 0) / values.length;
  return [m, Math.sqrt(v)];
}

describe('HalfCheetah-v5', () => {
  it('observes qpos[1:] and qvel (17), float32', () => {
    const env = new HalfCheetahEnv();
    const { observation } = env.reset({ seed: 1 });
    expect(observation).toBeInstanceOf(Float32Array);
    expect(observation.length).toBe(17);
    expect(env.observationSpace.shape).toEqual([17]);
    expect(env.actionSpace.shape).toEqual([6]);
    expect(Array.from(env.actionSpace.low)).toEqual([-1, -1, -1, -1, -1, -1]);
    const { qpos, qvel } = split(env);
    expect(Array.from(observation)).toEqual([...Array.from(qpos.slice(1)), ...Array.from(qvel)].map(f32));
    const full = new HalfCheetahEnv({ excludeCurrentPositionsFromObservation: false });
    expect(full.reset({ seed: 1 }).observation.length).toBe(18);
    full.close();
    env.close();
  });

  it('rewards dx/dt - 0.1 |a|^2, recomputed from qpos; never terminates', () => {
    const env = new HalfCheetahEnv();
    env.reset({ seed: 2 });
    expect(env.dt).toBeCloseTo(0.05, 12);
    for (const a of actionSequence(6, 200, 3)) {
      const x0 = split(env).qpos[0];
      const r = env.step(a);
      const x1 = split(env).qpos[0];
      const forward = (x1 - x0) / 0.05;
      const ctrl = 0.1 * sumSquares(a);
      expectClose(r.reward, forward - ctrl, 1e-12, 'reward');
      expectClose(r.info.reward_forward as number, forward, 1e-12, 'reward_forward');
      expectClose(r.info.reward_ctrl as number, -ctrl, 1e-12, 'reward_ctrl');
      expect(r.info.x_position).toBe(x1);
      expect(r.terminated).toBe(false);
    }
    const weighted = new HalfCheetahEnv({ forwardRewardWeight: 2, ctrlCostWeight: 0 });
    weighted.reset({ seed: 2 });
    const x0 = split(weighted).qpos[0];
    const r = weighted.step(new Float32Array(6).fill(1));
    expectClose(r.reward, (2 * (split(weighted).qpos[0] - x0)) / 0.05, 1e-12, 'weighted reward');
    weighted.close();
    env.close();
  });

  it('resets to qpos0 + U(-0.1, 0.1) and qvel ~ N(0, 0.1^2)', () => {
    const env = new HalfCheetahEnv();
    const { dq, dv } = initialNoise(env, 300);
    const q = flat(dq);
    const v = flat(dv);
    expect(Math.max(...q.map(Math.abs))).toBeLessThanOrEqual(0.1);
    expect(Math.max(...q.map(Math.abs))).toBeGreaterThan(0.095);
    const [qm, qs] = meanStd(q);
    expect(Math.abs(qm)).toBeLessThan(0.005);
    expect(qs).toBeGreaterThan(0.1 / Math.sqrt(3) - 0.003);
    expect(qs).toBeLessThan(0.1 / Math.sqrt(3) + 0.003);
    const [vm, vs] = meanStd(v);
    expect(Math.abs(vm)).toBeLessThan(0.005);
    expect(vs).toBeGreaterThan(0.097);
    expect(vs).toBeLessThan(0.103);
    // A normal, not a uniform: values beyond 0.2 (2 sigma) occur.
    expect(v.some((x) => Math.abs(x) > 0.2)).toBe(true);
    env.close();
  });
});

describe.each([
  ['Hopper-v5', () => new HopperEnv(), 11, 3],
  ['Walker2d-v5', () => new Walker2dEnv(), 17, 6],
] as const)('%s', (name, build, obsSize, nu) => {
  it('observes qpos[1:] and clip(qvel, -10, 10)', () => {
    const env = build();
    env.reset({ seed: 0 });
    const state = env.getState();
    state[env.nq + 3] = 25; // a joint velocity beyond the clip
    state[env.nq + 4] = -25;
    env.setState(state);
    const { qpos, qvel } = split(env);
    const obs = env.step(new Float32Array(nu)).observation;
    expect(obs.length).toBe(obsSize);
    const after = split(env);
    const expected = [...Array.from(after.qpos.slice(1)), ...Array.from(after.qvel, (v) => Math.min(10, Math.max(-10, v)))];
    expect(Array.from(obs)).toEqual(expected.map(f32));
    expect(qpos.length + qvel.length - 1).toBe(obsSize);
    env.close();
  });

  it('rewards 1 + dx/dt - 1e-3 |a|^2 while healthy', () => {
    const env = build();
    env.reset({ seed: 4 });
    let steps = 0;
    for (const a of actionSequence(nu, 100, 9, 0.3)) {
      const x0 = split(env).qpos[0];
      const r = env.step(a);
      const x1 = split(env).qpos[0];
      const healthy = r.terminated ? 0 : 1;
      expectClose(r.reward, healthy + (x1 - x0) / 0.008 - 1e-3 * sumSquares(a), 1e-12, `${name} reward`);
      expect(r.info.reward_survive).toBe(healthy);
      steps++;
      if (r.terminated) break;
    }
    expect(steps).toBeGreaterThan(5);
    env.close();
  });

  it('resets with U(-5e-3, 5e-3) on qpos and qvel', () => {
    const env = build();
    const { dq, dv } = initialNoise(env, 200);
    const all = [...flat(dq), ...flat(dv)];
    expect(Math.max(...all.map(Math.abs))).toBeLessThanOrEqual(5e-3);
    expect(Math.max(...all.map(Math.abs))).toBeGreaterThan(4.9e-3);
    const [m, s] = meanStd(all);
    expect(Math.abs(m)).toBeLessThan(2e-4);
    expectClose(s, 5e-3 / Math.sqrt(3), 0.05 * (5e-3 / Math.sqrt(3)) / 1, 'std');
    env.close();
  });
});

describe('healthy ranges', () => {
  /** Sets one qpos or qvel entry of a fresh reset state, steps once with a zero action. */
  function stepFrom(env: MujocoEnv, edits: Record<number, number>): { terminated: boolean; reward: number; survive: unknown } {
    env.reset({ seed: 0 });
    const state = env.getState();
    for (const [k, v] of Object.entries(edits)) state[Number(k)] = v;
    env.setState(state);
    const r = env.step(new Float32Array(env.nu));
    return { terminated: r.terminated, reward: r.reward, survive: r.info.reward_survive };
  }

  it('Hopper-v5 terminates on low torso, large angle or a state entry beyond 100', () => {
    const env = new HopperEnv();
    expect(stepFrom(env, {}).terminated).toBe(false);
    expect(stepFrom(env, { 1: 0.6 })).toMatchObject({ terminated: true, survive: 0 });
    expect(stepFrom(env, { 2: 0.25 }).terminated).toBe(true);
    expect(stepFrom(env, { 2: -0.25 }).terminated).toBe(true);
    expect(stepFrom(env, { [env.nq + 5]: 150 }).terminated).toBe(true);
    // Height has no upper bound for Hopper.
    expect(stepFrom(env, { 1: 3 }).terminated).toBe(false);
    expect(() => env.step(new Float32Array(3))).not.toThrow();
    env.close();
    const lenient = new HopperEnv({ terminateWhenUnhealthy: false });
    const r = stepFrom(lenient, { 1: 0.6 });
    expect(r).toMatchObject({ terminated: false, survive: 0 });
    lenient.close();
  });

  it('Walker2d-v5 terminates outside height (0.8, 2) or angle (-1, 1)', () => {
    const env = new Walker2dEnv();
    expect(stepFrom(env, {}).terminated).toBe(false);
    expect(stepFrom(env, { 1: 0.75 }).terminated).toBe(true);
    expect(stepFrom(env, { 1: 2.1 }).terminated).toBe(true);
    expect(stepFrom(env, { 2: 1.1 }).terminated).toBe(true);
    expect(stepFrom(env, { 2: -1.1 }).terminated).toBe(true);
    // No state-range check for Walker2d.
    expect(stepFrom(env, { [env.nq + 5]: 150 }).terminated).toBe(false);
    env.close();
  });

  it('InvertedPendulum-v5 terminates beyond |angle| 0.2 with reward 0, else reward 1', () => {
    const env = new InvertedPendulumEnv();
    expect(stepFrom(env, {})).toMatchObject({ terminated: false, reward: 1 });
    expect(stepFrom(env, { 1: 0.3 })).toMatchObject({ terminated: true, reward: 0 });
    expect(stepFrom(env, { 1: -0.3 })).toMatchObject({ terminated: true, reward: 0 });
    env.close();
  });

  it('InvertedDoublePendulum-v5 terminates when the tip falls to height 1', () => {
    const env = new InvertedDoublePendulumEnv();
    expect(stepFrom(env, { 1: 0, 2: 0 }).terminated).toBe(false);
    // Both links at 70 degrees: tip height 0.6 cos(1.22) + 0.6 cos(1.22) ~ 0.41.
    expect(stepFrom(env, { 1: 1.22, 2: 0 })).toMatchObject({ terminated: true, survive: 0 });
    env.close();
  });
});

describe('Swimmer-v5', () => {
  it('observes qpos[2:] and qvel (8); rewards dx/dt - 1e-4 |a|^2; never terminates', () => {
    const env = new SwimmerEnv();
    env.reset({ seed: 3 });
    expect(env.dt).toBeCloseTo(0.04, 12);
    for (const a of actionSequence(2, 100, 5)) {
      const x0 = split(env).qpos[0];
      const r = env.step(a);
      const { qpos, qvel } = split(env);
      expect(Array.from(r.observation)).toEqual([...Array.from(qpos.slice(2)), ...Array.from(qvel)].map(f32));
      expectClose(r.reward, (qpos[0] - x0) / 0.04 - 1e-4 * sumSquares(a), 1e-12, 'reward');
      expect(r.terminated).toBe(false);
    }
    env.close();
  });

  it('resets with U(-0.1, 0.1) on qpos and qvel', () => {
    const env = new SwimmerEnv();
    const { dq, dv } = initialNoise(env, 200);
    const all = [...flat(dq), ...flat(dv)];
    expect(Math.max(...all.map(Math.abs))).toBeLessThanOrEqual(0.1);
    expect(Math.max(...all.map(Math.abs))).toBeGreaterThan(0.098);
    env.close();
  });
});

describe('InvertedPendulum-v5', () => {
  it('observes [qpos, qvel] (4), acts in [-3, 3], resets with U(-0.01, 0.01)', () => {
    const env = new InvertedPendulumEnv();
    const { observation } = env.reset({ seed: 0 });
    const { qpos, qvel } = split(env);
    expect(Array.from(observation)).toEqual([...Array.from(qpos), ...Array.from(qvel)].map(f32));
    expect(Array.from(env.actionSpace.low)).toEqual([-3]);
    expect(Array.from(env.actionSpace.high)).toEqual([3]);
    const { dq, dv } = initialNoise(env, 200);
    const all = [...flat(dq), ...flat(dv)];
    expect(Math.max(...all.map(Math.abs))).toBeLessThanOrEqual(0.01);
    expect(Math.max(...all.map(Math.abs))).toBeGreaterThan(0.0098);
    env.close();
  });
});

describe('InvertedDoublePendulum-v5', () => {
  it('places the tip by forward kinematics and observes (x, sin, cos, clip qvel, clip constraint)', () => {
    const env = new InvertedDoublePendulumEnv();
    env.reset({ seed: 0 });
    const state = new Float64Array([0.3, 0.2, -0.5, 1, 20, -3]);
    env.setState(state);
    const [tx, , tz] = env.tipPosition;
    expectClose(tx, 0.3 + 0.6 * Math.sin(0.2) + 0.6 * Math.sin(0.2 - 0.5), 1e-12, 'tip x');
    expectClose(tz, 0.6 * Math.cos(0.2) + 0.6 * Math.cos(0.2 - 0.5), 1e-12, 'tip height');
    const r = env.step(new Float32Array([0.5]));
    const { qpos, qvel } = split(env);
    const o = r.observation;
    expect(o.length).toBe(9);
    const expected = [qpos[0], Math.sin(qpos[1]), Math.sin(qpos[2]), Math.cos(qpos[1]), Math.cos(qpos[2])];
    for (let k = 0; k < 3; k++) expected.push(Math.min(10, Math.max(-10, qvel[k])));
    expect(Array.from(o.slice(0, 8))).toEqual(expected.map(f32));
    expect(Math.abs(o[8])).toBeLessThanOrEqual(10);
    env.close();
  });

  it('rewards 10 - (0.01 x^2 + (y - 2)^2) - (1e-3 w1^2 + 5e-3 w2^2) from the tip and hinge velocities', () => {
    const env = new InvertedDoublePendulumEnv();
    env.reset({ seed: 1 });
    for (const a of actionSequence(1, 40, 2, 0.1)) {
      const r = env.step(a);
      const [x, , y] = env.tipPosition;
      const { qvel } = split(env);
      const expected = (y > 1 ? 10 : 0) - (0.01 * x * x + (y - 2) ** 2) - (1e-3 * qvel[1] ** 2 + 5e-3 * qvel[2] ** 2);
      expectClose(r.reward, expected, 1e-12, 'reward');
      expect(r.terminated).toBe(y <= 1);
      if (r.terminated) break;
    }
    env.close();
  });

  it('resets with qpos0 + U(-0.1, 0.1) and qvel ~ N(0, 0.1^2)', () => {
    const env = new InvertedDoublePendulumEnv();
    const { dq, dv } = initialNoise(env, 400);
    expect(Math.max(...flat(dq).map(Math.abs))).toBeLessThanOrEqual(0.1);
    const [vm, vs] = meanStd(flat(dv));
    expect(Math.abs(vm)).toBeLessThan(0.01);
    expect(vs).toBeGreaterThan(0.095);
    expect(vs).toBeLessThan(0.105);
    env.close();
  });
});

describe('Reacher-v5', () => {
  /** The fingertip by forward kinematics: links of 0.1 and 0.11 from the origin. */
  const fingertip = (q0: number, q1: number): [number, number] => [
    0.1 * Math.cos(q0) + 0.11 * Math.cos(q0 + q1),
    0.1 * Math.sin(q0) + 0.11 * Math.sin(q0 + q1),
  ];

  it('observes cos, sin, target, arm velocities and fingertip - target (10)', () => {
    const env = new ReacherEnv();
    const { observation: o } = env.reset({ seed: 2 });
    const { qpos, qvel } = split(env);
    const [fx, fy] = fingertip(qpos[0], qpos[1]);
    const expected = [Math.cos(qpos[0]), Math.cos(qpos[1]), Math.sin(qpos[0]), Math.sin(qpos[1]), qpos[2], qpos[3], qvel[0], qvel[1]];
    expect(Array.from(o.slice(0, 8))).toEqual(expected.map(f32));
    expectClose(o[8], fx - qpos[2], 1e-6, 'dx');
    expectClose(o[9], fy - qpos[3], 1e-6, 'dy');
    expect(env.goal).toEqual([qpos[2], qpos[3]]);
    env.close();
  });

  it('rewards -|fingertip - target| - |a|^2 and never terminates', () => {
    const env = new ReacherEnv();
    env.reset({ seed: 5 });
    for (const a of actionSequence(2, 50, 1)) {
      const r = env.step(a);
      const dist = Math.hypot(r.observation[8], r.observation[9]);
      expectClose(r.reward, -dist - sumSquares(a), 1e-6, 'reward');
      expectClose(r.info.reward_dist as number, -dist, 1e-6, 'reward_dist');
      expect(r.terminated).toBe(false);
    }
    env.close();
  });

  it('puts the goal in the disc of radius 0.2, the arm within 0.1 of qpos0, a still target', () => {
    const env = new ReacherEnv();
    const qpos0 = env['initQpos'];
    let largest = 0;
    for (let i = 0; i < 300; i++) {
      env.reset({ seed: i });
      const { qpos, qvel } = split(env);
      const r = Math.hypot(qpos[2], qpos[3]);
      expect(r).toBeLessThan(0.2);
      largest = Math.max(largest, r);
      expect(Math.abs(qpos[0] - qpos0[0])).toBeLessThanOrEqual(0.1);
      expect(Math.abs(qpos[1] - qpos0[1])).toBeLessThanOrEqual(0.1);
      expect(Math.abs(qvel[0])).toBeLessThanOrEqual(0.005);
      expect(Math.abs(qvel[1])).toBeLessThanOrEqual(0.005);
      expect([qvel[2], qvel[3]]).toEqual([0, 0]);
    }
    expect(largest).toBeGreaterThan(0.18);
    env.close();
  });
});

describe('Ant-v5', () => {
  const clip1 = (v: number): number => Math.min(1, Math.max(-1, v));

  it('observes qpos[2:], qvel and clip(cfrc_ext[1:], -1, 1) (105)', () => {
    const env = new AntEnv();
    env.reset({ seed: 0 });
    let r = env.step(new Float32Array(8));
    for (let i = 0; i < 20; i++) r = env.step(new Float32Array(8).fill(0.5)); // legs on the floor
    const { qpos, qvel } = split(env);
    const cfrc = Array.from(internals(env).data.cfrc_ext as Float64Array);
    expect(r.observation.length).toBe(105);
    expect(cfrc.length).toBe(14 * 6);
    expect(cfrc.slice(0, 6)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(cfrc.some((v) => v !== 0)).toBe(true); // contacts exist, so the test has teeth
    const expected = [...Array.from(qpos.slice(2)), ...Array.from(qvel), ...cfrc.slice(6).map(clip1)];
    expect(Array.from(r.observation)).toEqual(expected.map(f32));
    env.close();
  });

  it('rewards 1 + dx/dt - 0.5 |a|^2 - 5e-4 |clip(cfrc_ext)|^2 with x from the torso body', () => {
    const env = new AntEnv();
    env.reset({ seed: 1 });
    const xpos = (): number => (internals(env).data.xpos as Float64Array)[3];
    for (const a of actionSequence(8, 60, 4)) {
      const x0 = xpos();
      const r = env.step(a);
      const cfrc = Array.from(internals(env).data.cfrc_ext as Float64Array);
      const contact = 5e-4 * cfrc.reduce((s, v) => s + clip1(v) ** 2, 0);
      const healthy = r.terminated ? 0 : 1;
      const expected = healthy + (xpos() - x0) / 0.05 - 0.5 * sumSquares(a) - contact;
      expectClose(r.reward, expected, 1e-12, 'reward');
      expectClose(r.info.reward_contact as number, -contact, 1e-12, 'reward_contact');
      if (r.terminated) break;
    }
    env.close();
  });

  it('terminates when the torso height leaves [0.2, 1]', () => {
    const env = new AntEnv();
    env.reset({ seed: 0 });
    const state = env.getState();
    state[2] = 1.5;
    env.setState(state);
    expect(env.step(new Float32Array(8))).toMatchObject({ terminated: true, reward: expect.any(Number) as number });
    env.reset({ seed: 0 });
    expect(env.step(new Float32Array(8)).terminated).toBe(false);
    env.close();
    const strict = new AntEnv({ healthyZRange: [0.2, 0.5] });
    strict.reset({ seed: 0 });
    const r = strict.step(new Float32Array(8));
    expect(r.terminated).toBe(true);
    expect(r.info.reward_survive).toBe(0);
    strict.close();
  });

  it('resets with qpos0 + U(-0.1, 0.1) and qvel ~ N(0, 0.1^2)', () => {
    const env = new AntEnv();
    const { dq, dv } = initialNoise(env, 200);
    expect(Math.max(...flat(dq).map(Math.abs))).toBeLessThanOrEqual(0.1);
    const [vm, vs] = meanStd(flat(dv));
    expect(Math.abs(vm)).toBeLessThan(0.01);
    expect(vs).toBeGreaterThan(0.095);
    expect(vs).toBeLessThan(0.105);
    env.close();
  });
});

describe('Humanoid-v5', () => {
  it('observes qpos[2:], qvel, cinert[1:], cvel[1:], qfrc_actuator[6:], cfrc_ext[1:] (348)', () => {
    const env = new HumanoidEnv();
    env.reset({ seed: 0 });
    let r = env.step(new Float32Array(17));
    for (let i = 0; i < 10; i++) r = env.step(new Float32Array(17).fill(0.2));
    const { data } = internals(env);
    const { qpos, qvel } = split(env);
    const part = (a: unknown, from: number): number[] => Array.from(a as Float64Array).slice(from);
    const cfrc = part(data.cfrc_ext, 6);
    expect(cfrc.some((v) => v !== 0)).toBe(true);
    const expected = [
      ...Array.from(qpos.slice(2)),
      ...Array.from(qvel),
      ...part(data.cinert, 10),
      ...part(data.cvel, 6),
      ...part(data.qfrc_actuator, 6),
      ...cfrc,
    ];
    expect(expected.length).toBe(348);
    expect(Array.from(r.observation)).toEqual(expected.map(f32));
    const lean = new HumanoidEnv({ includeCinertInObservation: false, includeCfrcExtInObservation: false });
    expect(lean.observationSpace.shape).toEqual([348 - 130 - 78]);
    lean.close();
    env.close();
  });

  it('rewards 5 + 1.25 dx_com/dt - 0.1 |ctrl|^2 - min(5e-7 |cfrc_ext|^2, 10)', () => {
    const env = new HumanoidEnv();
    env.reset({ seed: 1 });
    const { model, data } = internals(env);
    const mass = Array.from(model.body_mass as Float64Array);
    const total = mass.reduce((a, b) => a + b, 0);
    const comX = (): number => {
      const xipos = data.xipos as Float64Array;
      return mass.reduce((s, m, b) => s + m * xipos[3 * b], 0) / total;
    };
    let steps = 0;
    for (const a of actionSequence(17, 40, 8, 0.4)) {
      const x0 = comX();
      const r = env.step(a);
      const cfrc = Array.from(data.cfrc_ext as Float64Array);
      const contact = Math.min(5e-7 * cfrc.reduce((s, v) => s + v * v, 0), 10);
      const healthy = r.terminated ? 0 : 5;
      const expected = healthy + (1.25 * (comX() - x0)) / 0.015 - 0.1 * sumSquares(a) - contact;
      expectClose(r.reward, expected, 1e-12, 'reward');
      expectClose(r.info.reward_contact as number, -contact, 1e-12, 'reward_contact');
      steps++;
      if (r.terminated) break;
    }
    expect(steps).toBeGreaterThan(5);
    env.close();
  });

  it('terminates when the torso height leaves (1, 2); resets with U(-0.01, 0.01)', () => {
    const env = new HumanoidEnv();
    env.reset({ seed: 0 });
    expect(env.step(new Float32Array(17)).terminated).toBe(false);
    env.reset({ seed: 0 });
    const state = env.getState();
    state[2] = 2.5;
    env.setState(state);
    expect(env.step(new Float32Array(17)).terminated).toBe(true);
    const { dq, dv } = initialNoise(env, 100);
    const all = [...flat(dq), ...flat(dv)];
    expect(Math.max(...all.map(Math.abs))).toBeLessThanOrEqual(0.01);
    expect(Math.max(...all.map(Math.abs))).toBeGreaterThan(0.0099);
    env.close();
    const strict = new HumanoidEnv({ healthyZRange: [1.5, 2] });
    strict.reset({ seed: 0 });
    const r = strict.step(new Float32Array(17));
    expect(r.terminated).toBe(true);
    expect(r.info.reward_survive).toBe(0);
    strict.close();
  });
});
