import { Rng } from '@ppo/utils';
import { describe, expect, it } from 'vitest';
import type { Env } from '../env';
import { make } from '../registry';
import { Box, Dict, Discrete, MultiBinary, MultiDiscrete } from '../spaces';

import { SyncVectorEnv, VectorEnvError } from './sync-vector-env';
import { DriftEnv, RandomWalkEnv } from './test-envs';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyEnv = Env<any, any>;

/** An env without the stepInto fast path, to exercise the generic one. */
function plain(env: AnyEnv): AnyEnv {
  return {
    get id() {
      return env.id;
    },
    observationSpace: env.observationSpace,
    actionSpace: env.actionSpace,
    reset: (o) => env.reset(o),
    step: (a) => env.step(a),
    close: () => env.close(),
  };
}

/**
 * The reference: single envs stepped one by one in a loop, reset by hand after each episode,
 * recorded as flat arrays per step.
 */
function loopReference(
  makeEnv: () => AnyEnv,
  numEnvs: number,
  seed: number,
  actions: (Float32Array | Int32Array)[],
  actionSize: number,
) {
  const envs = Array.from({ length: numEnvs }, makeEnv);
  const flat = (env: AnyEnv, obs: unknown): number[] =>
    obs instanceof Float32Array ? Array.from(obs) : Array.from(env.observationSpace.flatten(obs));
  const first = envs.map((env, i) => env.reset({ seed: seed + i }));
  const steps = actions.map((batch) =>
    envs.map((env, i) => {
      const a = actionSize === 1 && batch instanceof Int32Array ? batch[i] : batch.slice(i * actionSize, (i + 1) * actionSize);
      const r = env.step(a);
      const done = r.terminated || r.truncated;
      const out = { obs: flat(env, r.observation), reward: r.reward, terminated: r.terminated, truncated: r.truncated, info: r.info, final: null as number[] | null };
      if (done) {
        const next = env.reset();
        out.final = out.obs;
        out.obs = flat(env, next.observation);
        out.info = { ...next.info, finalInfo: r.info };
      }
      return out;
    }),
  );
  return { first: first.map((r, i) => ({ obs: flat(envs[i], r.observation), info: r.info })), steps };
}

function compareWithLoop(makeEnv: () => AnyEnv, numEnvs: number, seed: number, numSteps: number, actionSeed: number): void {
  const venv = new SyncVectorEnv(Array.from({ length: numEnvs }, () => makeEnv));
  const rng = new Rng(actionSeed);
  const space = venv.singleActionSpace;
  const actions = Array.from({ length: numSteps }, () => {
    if (space instanceof Discrete) return Int32Array.from({ length: numEnvs }, () => space.sample(rng));
    const out = new Float32Array(numEnvs * venv.actionSize);
    for (let i = 0; i < numEnvs; i++) out.set(space.sample(rng) as Float32Array, i * venv.actionSize);
    return out;
  });
  const ref = loopReference(makeEnv, numEnvs, seed, actions, venv.actionSize);
  const d = venv.observationSize;
  const reset = venv.reset({ seed });
  for (let i = 0; i < numEnvs; i++) {
    expect(Array.from(reset.observations.subarray(i * d, (i + 1) * d))).toEqual(ref.first[i].obs);
    expect(reset.infos[i]).toEqual(ref.first[i].info);
  }
  let episodes = 0;
  let truncations = 0;
  for (let t = 0; t < numSteps; t++) {
    const r = venv.step(actions[t]);
    for (let i = 0; i < numEnvs; i++) {
      const e = ref.steps[t][i];
      // Same arithmetic in the same order: the results are bit-identical.
      expect(Array.from(r.observations.subarray(i * d, (i + 1) * d))).toEqual(e.obs);
      expect(r.rewards[i]).toBe(Math.fround(e.reward));
      expect(r.terminated[i]).toBe(e.terminated ? 1 : 0);
      expect(r.truncated[i]).toBe(e.truncated ? 1 : 0);
      expect(r.infos[i]).toEqual(e.info);
      if (e.final !== null) {
        episodes++;
        if (e.truncated) truncations++;
        expect(Array.from(r.finalObservations.subarray(i * d, (i + 1) * d))).toEqual(e.final);
      }
    }
  }
  // The comparison must have crossed episode ends of both kinds.
  expect(episodes).toBeGreaterThan(numEnvs);
  expect(truncations).toBeGreaterThan(0);
  venv.close();
}

describe('SyncVectorEnv equals a loop over single envs', () => {
  it('CartPole-v1 (stepInto fast path), with truncations', () => {
    compareWithLoop(() => make('CartPole-v1', { maxEpisodeSteps: 15 }), 5, 11, 200, 1);
  });
  it('CartPole-v1 through the generic step path', () => {
    compareWithLoop(() => plain(make('CartPole-v1', { maxEpisodeSteps: 15 })), 3, 7, 150, 2);
  });
  it('Pendulum-v1 (Box actions)', () => {
    compareWithLoop(() => make('Pendulum-v1', { maxEpisodeSteps: 20 }), 4, 3, 100, 3);
  });
  it('a custom env with infos, terminations and truncations', () => {
    compareWithLoop(() => new RandomWalkEnv(), 6, 100, 200, 4);
  });
  it('a Box-action env without stepInto', () => {
    compareWithLoop(() => new DriftEnv(), 3, 5, 120, 5);
  });
});

describe('SyncVectorEnv', () => {
  it('exposes sizes, spaces and reuses its result arrays', () => {
    const venv = new SyncVectorEnv(Array.from({ length: 4 }, () => () => make('Pendulum-v1')));
    expect(venv.numEnvs).toBe(4);
    expect(venv.observationSize).toBe(3);
    expect(venv.actionSize).toBe(1);
    const r0 = venv.reset({ seed: 0 });
    const a = new Float32Array(4);
    const r1 = venv.step(a);
    const r2 = venv.step(a);
    expect(r1).toBe(r2);
    expect(r1.observations).toBe(r0.observations);
    expect(r1.observations.length).toBe(12);
    expect(r1.finalObservations.length).toBe(12);
    expect(r1.infos.length).toBe(4);
  });

  it('fromId makes numEnvs registered envs with the make options', () => {
    const venv = SyncVectorEnv.fromId('CartPole-v1', 3, { maxEpisodeSteps: 2 });
    expect(venv.numEnvs).toBe(3);
    expect(venv.envs.every((env) => env.id === 'CartPole-v1')).toBe(true);
    venv.reset({ seed: 0 });
    venv.step(new Int32Array(3));
    expect(Array.from(venv.step(new Int32Array(3)).truncated)).toEqual([1, 1, 1]);
    expect(() => SyncVectorEnv.fromId('CartPole-v1', 0)).toThrow(/numEnvs must be a positive integer/);
    expect(() => SyncVectorEnv.fromId('Nope-v0', 2)).toThrow(/env 0 \(no id\) threw in its factory: make: no env registered as "Nope-v0"/);
  });

  it('seeds env i with seed + i and reproduces a run', () => {
    const run = () => {
      const venv = new SyncVectorEnv(Array.from({ length: 3 }, () => () => make('CartPole-v1')));
      const out = [Array.from(venv.reset({ seed: 9 }).observations)];
      for (let t = 0; t < 30; t++) out.push(Array.from(venv.step(new Int32Array([t % 2, 1, 0])).observations));
      return out;
    };
    expect(run()).toEqual(run());
    const single = make('CartPole-v1');
    const venv = new SyncVectorEnv(Array.from({ length: 3 }, () => () => make('CartPole-v1')));
    const obs = venv.reset({ seed: 9 }).observations;
    expect(Array.from(obs.subarray(8, 12))).toEqual(Array.from(single.reset({ seed: 11 }).observation));
  });

  it('flattens non-Box observations (one-hot Discrete inside a Dict)', () => {
    const space = new Dict({ spaces: { pos: new Discrete({ n: 3 }), v: new Box({ low: -1, high: 1, shape: [1] }) } });
    let k = 0;
    const factory = (): AnyEnv => ({
      observationSpace: space,
      actionSpace: new Discrete({ n: 2 }),
      reset: () => ({ observation: { pos: k % 3, v: new Float32Array([0.5]) }, info: {} }),
      step: () => {
        k++;
        return { observation: { pos: k % 3, v: new Float32Array([-0.5]) }, reward: 1, terminated: false, truncated: false, info: {} };
      },
      close: () => {},
    });
    const venv = new SyncVectorEnv([factory]);
    expect(venv.observationSize).toBe(4);
    expect(Array.from(venv.reset().observations)).toEqual([1, 0, 0, 0.5]);
    expect(Array.from(venv.step(new Int32Array([0])).observations)).toEqual([0, 1, 0, -0.5]);
  });

  it('hands each env its row of a multi-discrete or multi-binary action batch', () => {
    for (const actionSpace of [new MultiDiscrete({ nvec: [3, 4, 5] }), new MultiBinary({ n: 3 })]) {
      const received: unknown[][] = [[], []];
      const factory = (i: number) => (): AnyEnv => ({
        observationSpace: new Box({ low: -1, high: 1, shape: [1] }),
        actionSpace,
        reset: () => ({ observation: new Float32Array(1), info: {} }),
        step: (a: Int32Array | Uint8Array) => {
          if (!actionSpace.contains(a)) throw new RangeError('not in the space');
          received[i].push(Array.from(a));
          return { observation: new Float32Array(1), reward: 0, terminated: false, truncated: false, info: {} };
        },
        close: () => {},
      });
      const venv = new SyncVectorEnv([factory(0), factory(1)]);
      expect(venv.actionSize).toBe(3);
      venv.reset();
      venv.step(new Int32Array([1, 0, 1, 0, 1, 1]));
      venv.step(new Int32Array([0, 1, 0, 1, 1, 0]));
      expect(received).toEqual([
        [[1, 0, 1], [0, 1, 0]],
        [[0, 1, 1], [1, 1, 0]],
      ]);
      // Values outside the space reach the env, which rejects them with its index named.
      expect(() => venv.step(new Int32Array([0, 0, 0, 9, 0, 0]))).toThrow(/env 1 \(no id\) threw in step: not in the space/);
    }
  });

  it('names the env index and id when an env throws, then requires a reset', () => {
    const venv = new SyncVectorEnv(Array.from({ length: 3 }, () => () => make('TestRandomWalk-v0', { failAtStep: 2, failSeed: 21 })));
    venv.reset({ seed: 20 });
    const actions = new Int32Array([1, 1, 1]);
    venv.step(actions);
    let caught: unknown;
    try {
      venv.step(actions);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(VectorEnvError);
    const e = caught as VectorEnvError;
    expect(e.message).toMatch(/env 1 \(TestRandomWalk-v0\) threw in step: deliberate failure at step 2/);
    expect(e.envIndex).toBe(1);
    expect(e.envId).toBe('TestRandomWalk-v0');
    expect(() => venv.step(actions)).toThrow(/call reset\(\)/);
    venv.reset({ seed: 0 });
    expect(() => venv.step(actions)).not.toThrow();
  });

  it('names the env when an action is invalid for it', () => {
    const venv = new SyncVectorEnv(Array.from({ length: 2 }, () => () => make('CartPole-v1')));
    venv.reset({ seed: 1 });
    expect(() => venv.step(new Int32Array([0, 5]))).toThrow(/env 1 \(CartPole-v1\) threw in step/);
  });

  it('validates its arguments', () => {
    expect(() => new SyncVectorEnv([])).toThrow(RangeError);
    expect(() => new SyncVectorEnv([1 as unknown as () => AnyEnv])).toThrow(/factories\[0\] must be a function/);
    expect(() => new SyncVectorEnv([() => make('CartPole-v1'), () => make('Acrobot-v1')])).toThrow(/every env must share its spaces/);
    const venv = new SyncVectorEnv(Array.from({ length: 2 }, () => () => make('CartPole-v1')));
    expect(() => venv.step(new Int32Array(2))).toThrow(/call reset\(\) before step\(\)/);
    venv.reset();
    expect(() => venv.step(new Int32Array(3))).toThrow(RangeError);
    expect(() => venv.step([0, 1] as unknown as Int32Array)).toThrow(/actions must be an Int32Array/);
    expect(() => venv.reset({ seed: -1 })).toThrow(/seed must be a non-negative integer/);
    expect(() => venv.reset({ seed: 1.5 })).toThrow(RangeError);
    venv.close();
    venv.close();
    expect(() => venv.reset()).toThrow(/closed/);
  });

  it('writes into caller-provided buffers and checks them', () => {
    const n = 2;
    const buffers = {
      observations: new Float32Array(n * 4),
      finalObservations: new Float32Array(n * 4),
      rewards: new Float32Array(n),
      terminated: new Uint8Array(n),
      truncated: new Uint8Array(n),
    };
    const venv = new SyncVectorEnv(Array.from({ length: n }, () => () => make('CartPole-v1')), { buffers });
    expect(venv.reset({ seed: 2 }).observations).toBe(buffers.observations);
    expect(venv.step(new Int32Array(n)).rewards).toBe(buffers.rewards);
    expect(buffers.rewards[0]).toBe(1);
    const factories = Array.from({ length: n }, () => () => make('CartPole-v1'));
    expect(() => new SyncVectorEnv(factories, { buffers: { ...buffers, rewards: new Float32Array(5) } })).toThrow(
      /buffers.rewards must be a Float32Array of length 2/,
    );
  });
});
