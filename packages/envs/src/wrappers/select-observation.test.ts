import { PpoError, Rng } from '@ppo/utils';
import { describe, expect, it } from 'vitest';
import { checkEnv } from '../check-env';
import { envSpec, make } from '../registry';
import { Discrete, type Box } from '../spaces';
import { SyncVectorEnv } from '../vector/sync-vector-env';
import { SelectObservation } from './select-observation';

describe('SelectObservation', () => {
  it('keeps the chosen entries in the chosen order, with their bounds, step after step', () => {
    const inner = make('CartPole-v1');
    const env = new SelectObservation(inner, { indices: [2, 0] });
    const reference = make('CartPole-v1');
    const a = env.reset({ seed: 4 }).observation;
    const full = reference.reset({ seed: 4 }).observation;
    expect(Array.from(a)).toEqual([full[2], full[0]]);
    const space = env.observationSpace as Box;
    const innerSpace = inner.observationSpace as Box;
    expect(space.shape).toEqual([2]);
    expect(Array.from(space.low)).toEqual([innerSpace.low[2], innerSpace.low[0]]);
    expect(Array.from(space.high)).toEqual([innerSpace.high[2], innerSpace.high[0]]);
    const rng = new Rng(1);
    for (let t = 0; t < 30; t++) {
      const action = rng.nextInt(2);
      const r = env.step(action);
      const f = reference.step(action);
      expect(Array.from(r.observation)).toEqual([f.observation[2], f.observation[0]]);
      expect(r.reward).toBe(f.reward);
      expect(r.terminated).toBe(f.terminated);
      if (r.terminated || r.truncated) break;
    }
  });

  it('rejects indices that are out of range, repeated, not integers or missing, and non-Box observations', () => {
    const env = make('CartPole-v1');
    const codeOf = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        return PpoError.is(error, 'INVALID_ARGUMENT') ? (error as Error).message : 'wrong code';
      }
      return 'accepted';
    };
    expect(codeOf(() => new SelectObservation(env, { indices: [0, 4] }))).toMatch(/indices\[1\] must be an integer in \[0, 4\), got 4/);
    expect(codeOf(() => new SelectObservation(env, { indices: [1, 1] }))).toMatch(/indices\[1\] = 1 appears twice/);
    expect(codeOf(() => new SelectObservation(env, { indices: [0.5] }))).toMatch(/indices\[0\] must be an integer/);
    expect(codeOf(() => new SelectObservation(env, { indices: [] }))).toMatch(/options.indices must be a non-empty array/);
    const discrete = { reset: () => ({ observation: 0, info: {} }), step: () => env.step(0), close: () => undefined, actionSpace: env.actionSpace, observationSpace: new Discrete({ n: 3 }) } as never;
    expect(codeOf(() => new SelectObservation(discrete, { indices: [0] }))).toMatch(/needs a Box observation space/);
  });
});

describe("RL Zoo's partially observed tasks", () => {
  it.each([
    ['CartPoleNoVel-v1', 'CartPole-v1', [0, 2], 500, 475],
    ['PendulumNoVel-v1', 'Pendulum-v1', [0, 1], 200, undefined],
  ] as const)('%s is %s without velocities, with its limit and threshold, and passes checkEnv', (id, full, kept, limit, threshold) => {
    expect(envSpec(id)).toEqual({ id, maxEpisodeSteps: limit, rewardThreshold: threshold });
    const env = make(id);
    const reference = make(full);
    expect(env.id).toBe(id);
    const a = env.reset({ seed: 9 }).observation;
    const b = reference.reset({ seed: 9 }).observation;
    expect(Array.from(a)).toEqual(kept.map((i) => b[i]));
    checkEnv(make(id));
    // Vector envs build it by id as for any registered task.
    const vector = new SyncVectorEnv([() => make(id), () => make(id)]);
    expect(vector.observationSize).toBe(2);
    vector.close();
  });
});
