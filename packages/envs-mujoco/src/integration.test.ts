import { beforeAll, describe, expect, it } from 'vitest';
import { SyncVectorEnv } from '@ppo/envs';
import { HalfCheetahEnv } from './half-cheetah';
import { HopperEnv } from './hopper';
import { HumanoidEnv } from './humanoid';
import { initMujoco } from './runtime';
import { SwimmerEnv } from './swimmer';
import { actionSequence, heapBytes, internals } from './test-utils';
import { Walker2dEnv } from './walker2d';

beforeAll(async () => {
  await initMujoco();
});

describe('views of the WASM heap', () => {
  it('survive the heap growing under a live env (views are re-taken)', () => {
    const env = new HalfCheetahEnv();
    const twin = new HalfCheetahEnv();
    env.reset({ seed: 3 });
    twin.reset({ seed: 3 });
    const before = heapBytes(env);
    // Enough live models and data to make the heap grow, which detaches every old view.
    const crowd = Array.from({ length: 40 }, () => new HumanoidEnv());
    expect(heapBytes(env)).toBeGreaterThan(before);
    for (const a of actionSequence(6, 20, 1)) {
      const r1 = env.step(a);
      const r2 = twin.step(a);
      expect(r1.observation).toEqual(r2.observation);
      expect(r1.reward).toBe(r2.reward);
    }
    expect(env.getState()).toEqual(twin.getState());
    for (const e of crowd) e.close();
    env.close();
    twin.close();
  });
});

describe('SyncVectorEnv', () => {
  it('steps MuJoCo envs through stepInto exactly as single envs step', () => {
    const venv = new SyncVectorEnv([() => new HalfCheetahEnv(), () => new HalfCheetahEnv(), () => new HalfCheetahEnv()]);
    const singles = [0, 1, 2].map(() => new HalfCheetahEnv());
    const reset = venv.reset({ seed: 10 });
    singles.forEach((e, i) => {
      expect(reset.observations.slice(17 * i, 17 * (i + 1))).toEqual(e.reset({ seed: 10 + i }).observation);
    });
    for (const a of actionSequence(6, 30, 2)) {
      const actions = new Float32Array(18);
      for (let i = 0; i < 3; i++) actions.set(a, 6 * i);
      const r = venv.step(actions);
      singles.forEach((e, i) => {
        const s = e.step(a);
        expect(r.observations.slice(17 * i, 17 * (i + 1))).toEqual(s.observation);
        expect(r.rewards[i]).toBe(Math.fround(s.reward));
      });
    }
    void venv.close();
    for (const e of singles) e.close();
  });
});

describe('compiled models', () => {
  /** Mass of a capsule of radius r and cylinder length l at density rho. */
  const capsule = (rho: number, r: number, l: number): number => rho * (Math.PI * r * r * l + (4 / 3) * Math.PI * r ** 3);

  it('Hopper and Walker2d bodies weigh their capsules at density 1000', () => {
    for (const env of [new HopperEnv(), new Walker2dEnv()]) {
      const mass = Array.from(internals(env).model.body_mass as Float64Array);
      // world, torso, thigh, leg, foot (then the left leg for Walker2d)
      const foot = env.name === 'Hopper-v5' ? capsule(1000, 0.06, 0.39) : capsule(1000, 0.06, 0.2);
      const expected = [0, capsule(1000, 0.05, 0.4), capsule(1000, 0.05, 0.45), capsule(1000, 0.04, 0.5), foot];
      if (env.name === 'Walker2d-v5') expected.push(expected[2], expected[3], expected[4]);
      expect(mass.length).toBe(expected.length);
      mass.forEach((m, b) => expect(m).toBeCloseTo(expected[b], 9));
      env.close();
    }
  });

  it('HalfCheetah weighs 14 in total; Swimmer segments are 1 m capsules at density 1000', () => {
    const cheetah = new HalfCheetahEnv();
    const total = Array.from(internals(cheetah).model.body_mass as Float64Array).reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(14, 9);
    cheetah.close();
    const swimmer = new SwimmerEnv();
    const mass = Array.from(internals(swimmer).model.body_mass as Float64Array);
    expect(mass.slice(1)).toEqual(mass.slice(1).map(() => expect.closeTo(capsule(1000, 0.1, 1), 9) as unknown as number));
    swimmer.close();
  });
});
