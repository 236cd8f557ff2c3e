import { describe, expect, it } from 'vitest';
import { checkEnv, make } from '@ppo/envs';
import { AntEnv } from './ant';
import { HalfCheetahEnv } from './half-cheetah';
import { HopperEnv } from './hopper';
import { HumanoidEnv } from './humanoid';
import { InvertedDoublePendulumEnv } from './inverted-double-pendulum';
import { InvertedPendulumEnv } from './inverted-pendulum';
import { HALF_CHEETAH_XML } from './models';
import type { MujocoEnv } from './mujoco-env';
import { ReacherEnv } from './reacher';
import { MUJOCO_ENV_IDS, registerMujocoEnvs } from './register';
import { compileModel, getMujoco, initMujoco, isMujocoReady } from './runtime';
import { SwimmerEnv } from './swimmer';
import { actionSequence, heapBytes, internals } from './test-utils';
import { Walker2dEnv } from './walker2d';

const CASES = [
  ['HalfCheetah-v5', HalfCheetahEnv],
  ['Hopper-v5', HopperEnv],
  ['Walker2d-v5', Walker2dEnv],
  ['Swimmer-v5', SwimmerEnv],
  ['InvertedPendulum-v5', InvertedPendulumEnv],
  ['InvertedDoublePendulum-v5', InvertedDoublePendulumEnv],
  ['Reacher-v5', ReacherEnv],
  ['Ant-v5', AntEnv],
  ['Humanoid-v5', HumanoidEnv],
] as const;
const CLASSES = CASES.map(([, C]) => C);

describe('initMujoco', () => {
  // Runs first in this file: vitest gives every test file its own module instance.
  it('is required before an env is built, with an error that says so', () => {
    expect(isMujocoReady()).toBe(false);
    expect(() => new HalfCheetahEnv()).toThrow(/HalfCheetah-v5: .*call `await initMujoco\(\)`/);
    expect(() => getMujoco('someCaller')).toThrow(/^someCaller: /);
  });

  it('starts the module once; concurrent calls share it', async () => {
    const [a, b] = await Promise.all([initMujoco(), initMujoco()]);
    expect(a).toBe(b);
    expect(await initMujoco()).toBe(a);
    expect(isMujocoReady()).toBe(true);
    expect(getMujoco()).toBe(a);
  });

  it('rejects options and modules that are not ones', async () => {
    await expect(initMujoco(null as never)).rejects.toThrow(/options must be an object/);
    await expect(initMujoco({ module: {} as never })).rejects.toThrow(/options.module must be a started mujoco-js module/);
  });

  it('compileModel reports invalid MJCF', () => {
    const mj = getMujoco();
    expect(() => compileModel(mj, '<mujoco><worldbody><body><geom type="nonsense"/></body></worldbody></mujoco>', 'T')).toThrow(/^T: MuJoCo could not compile the model/);
    expect(() => compileModel(mj, '', 'T')).toThrow(TypeError);
    const model = compileModel(mj, HALF_CHEETAH_XML, 'T');
    expect([model.nq, model.nv, model.nu]).toEqual([9, 9, 6]);
    model.delete();
  });
});

describe('registry', () => {
  it('registers the ids with Gymnasium time limits, idempotently', () => {
    const first = registerMujocoEnvs();
    expect(first.sort()).toEqual(MUJOCO_ENV_IDS.map((r) => r.id).sort());
    expect(registerMujocoEnvs()).toEqual([]);
  });

  it('make wraps in the time limit: Reacher-v5 truncates at step 50', () => {
    registerMujocoEnvs();
    const env = make<Float32Array, Float32Array>('Reacher-v5', { seed: 3 });
    env.reset();
    let steps = 0;
    let truncated = false;
    while (!truncated) {
      const r = env.step(new Float32Array(2));
      steps++;
      truncated = r.truncated;
      expect(r.terminated).toBe(false);
    }
    expect(steps).toBe(50);
    env.close();
  });

  it.each(MUJOCO_ENV_IDS.map((r) => r.id))('checkEnv passes for %s', (id) => {
    registerMujocoEnvs();
    const env = make(id);
    expect(() => checkEnv(env, { seed: 1, steps: 200 })).not.toThrow();
    env.close();
  });
});

describe.each(CASES)('%s lifecycle', (name, EnvClass) => {
  const build = (options?: Record<string, unknown>): MujocoEnv => new EnvClass(options);

  it('steps only after reset and until termination; close frees model and data', () => {
    const env = build();
    expect(env.name).toBe(name);
    expect(() => env.step(new Float32Array(env.nu))).toThrow(/call reset\(\) before step\(\)/);
    expect(() => env.getState()).toThrow(/call reset\(\)/);
    env.reset({ seed: 0 });
    const { model, data } = internals(env);
    env.close();
    expect(model.isDeleted()).toBe(true);
    expect(data.isDeleted()).toBe(true);
    expect(() => env.close()).not.toThrow();
    expect(() => env.reset()).toThrow(/closed/);
    expect(() => env.step(new Float32Array(env.nu))).toThrow(/closed/);
  });

  it('validates actions, seeds and options at the boundary', () => {
    const env = build({ seed: 1 });
    env.reset();
    expect(() => env.step(new Float32Array(env.nu + 1))).toThrow(new RegExp(`Float32Array of length ${env.nu}`));
    expect(() => env.step([0] as unknown as Float32Array)).toThrow(TypeError);
    const bad = new Float32Array(env.nu);
    bad[0] = NaN;
    expect(() => env.step(bad)).toThrow(/action\[0\] must be finite, got NaN/);
    expect(() => env.reset({ seed: -1 })).toThrow(/seed must be an integer in \[0, 2\^32\), got -1/);
    expect(() => env.setState(new Float64Array(env.stateSize - 1))).toThrow(new RegExp(`nq \\+ nv = ${env.stateSize}`));
    expect(() => env.setState(new Float64Array(env.stateSize).fill(Infinity))).toThrow(/state\[0\] must be a finite number/);
    expect(() => build({ frameSkip: 0 })).toThrow(/frameSkip must be a positive integer, got 0/);
    expect(() => build({ colour: 'red' })).toThrow(/unknown option "colour"/);
    env.close();
  });

  it('is deterministic under a seed, and getState/setState replays a trajectory', () => {
    const probe = build();
    // Small actions keep the pendulums up long enough to compare whole segments.
    const actions = actionSequence(probe.nu, 60, 7, 0.2);
    probe.close();
    const run = (): Float32Array[] => {
      const env = build();
      const out = [env.reset({ seed: 42 }).observation];
      for (const a of actions) {
        const r = env.step(a);
        out.push(r.observation);
        if (r.terminated) break;
      }
      env.close();
      return out;
    };
    expect(run()).toEqual(run());

    const env = build();
    env.reset({ seed: 5 });
    for (const a of actions.slice(0, 10)) if (env.step(a).terminated) env.reset({ seed: 6 });
    const snapshot = env.getState();
    const replay = (): Float32Array[] => {
      const out: Float32Array[] = [];
      for (const a of actions.slice(10, 20)) {
        const r = env.step(a);
        out.push(r.observation);
        if (r.terminated) break;
      }
      return out;
    };
    const first = replay();
    env.setState(snapshot);
    expect(env.getState()).toEqual(snapshot);
    const second = replay();
    expect(second.length).toBe(first.length);
    for (let t = 0; t < first.length; t++) {
      for (let k = 0; k < first[t].length; k++) expect(second[t][k]).toBeCloseTo(first[t][k], 5);
    }
    env.close();
  });

  it('the frameSkip option sets dt', () => {
    const a = build();
    const b = build({ frameSkip: 2 * a.frameSkip });
    expect(b.dt).toBeCloseTo(2 * a.dt, 12);
    a.close();
    b.close();
  });
});

describe('WASM heap', () => {
  it('does not grow over 10,000 resets', () => {
    const env = new HalfCheetahEnv({ seed: 0 });
    env.reset();
    const before = heapBytes(env);
    const action = new Float32Array(6).fill(0.5);
    for (let i = 0; i < 10_000; i++) {
      env.reset();
      if (i % 100 === 0) env.step(action);
    }
    expect(heapBytes(env)).toBe(before);
    env.close();
  }, 60_000);

  it('does not grow over 50 make/close cycles of every env', () => {
    // One warm-up cycle lets the allocator reach its steady state.
    for (const C of CLASSES) new C().close();
    const probe = new InvertedPendulumEnv();
    const before = heapBytes(probe);
    for (let i = 0; i < 50; i++) {
      for (const C of CLASSES) {
        const env = new C({ seed: i });
        env.reset();
        env.close();
      }
    }
    expect(heapBytes(probe)).toBe(before);
    probe.close();
  }, 60_000);
});
