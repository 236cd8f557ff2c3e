import { describe, expect, it } from 'vitest';
import type { Env } from './env';
import { CartPoleEnv } from './classic-control/cartpole';
import { Box, Discrete } from './spaces';

import { TimeLimit } from './time-limit';

/** An env that never ends by itself and has no stepInto: exercises the generic paths. */
function counter(): Env<Float32Array, number> {
  let n = 0;
  return {
    id: 'Counter',
    observationSpace: new Box({ low: 0, high: 1000, shape: [1] }),
    actionSpace: new Discrete({ n: 2 }),
    reset: () => ({ observation: new Float32Array([(n = 0)]), info: { fresh: true } }),
    step: (a: number) => ({ observation: new Float32Array([(n += 1)]), reward: a, terminated: n === 5, truncated: false, info: { n } }),
    close: () => {},
  };
}

describe('TimeLimit', () => {
  it('truncates on the step that reaches the limit and counts from each reset', () => {
    const env = new TimeLimit(counter(), { maxEpisodeSteps: 3 });
    expect(env.id).toBe('Counter');
    expect(env.render).toBeUndefined();
    expect(env.reset().info).toEqual({ fresh: true });
    expect(env.step(1).truncated).toBe(false);
    expect(env.step(1).truncated).toBe(false);
    expect(env.elapsedSteps).toBe(2);
    expect(env.step(1)).toMatchObject({ truncated: true, terminated: false, info: { n: 3 } });
    expect(() => env.step(1)).toThrow(/Counter.step: the episode has ended \(after 3 steps\)/);
    env.reset();
    expect(env.elapsedSteps).toBe(0);
    expect(env.step(0).truncated).toBe(false);
  });

  it('reports both flags when termination and the limit coincide', () => {
    const env = new TimeLimit(counter(), { maxEpisodeSteps: 5 });
    env.reset();
    for (let t = 0; t < 4; t++) env.step(0);
    expect(env.step(0)).toMatchObject({ terminated: true, truncated: true });
  });

  it('stepInto agrees with step, with and without the wrapped env offering it', () => {
    const target = {
      observations: new Float32Array(8),
      rewards: new Float32Array(2),
      terminated: new Uint8Array(2),
      truncated: new Uint8Array(2),
    };
    const generic = new TimeLimit(counter(), { maxEpisodeSteps: 2 });
    generic.reset();
    expect(generic.stepInto(1, target, 1)).toEqual({ n: 1 });
    expect([target.observations[1], target.rewards[1], target.truncated[1]]).toEqual([1, 1, 0]);
    generic.stepInto(1, target, 1);
    expect(target.truncated[1]).toBe(1);
    expect(() => generic.stepInto(1, target, 1)).toThrow(/episode has ended/);

    const a = new TimeLimit(new CartPoleEnv(), { maxEpisodeSteps: 4 });
    const b = new TimeLimit(new CartPoleEnv(), { maxEpisodeSteps: 4 });
    a.reset({ seed: 1 });
    b.reset({ seed: 1 });
    for (let t = 0; t < 4; t++) {
      const r = a.step(t % 2);
      b.stepInto(t % 2, target, 1);
      expect(target.observations.subarray(4, 8)).toEqual(r.observation);
      expect(target.truncated[1]).toBe(r.truncated ? 1 : 0);
    }
    expect(target.truncated[1]).toBe(1);
  });

  it('forwards render and close and unwraps', () => {
    const inner = new CartPoleEnv();
    const env = new TimeLimit(new TimeLimit(inner, { maxEpisodeSteps: 10 }), { maxEpisodeSteps: 5, id: 'Outer' });
    expect(env.id).toBe('Outer');
    expect(env.unwrapped).toBe(inner);
    env.reset({ seed: 0 });
    expect(env.render?.().kind).toBe('svg');
    expect(() => env.close()).not.toThrow();
  });

  it('validates its arguments', () => {
    expect(() => new TimeLimit(counter(), { maxEpisodeSteps: 0 })).toThrow(/maxEpisodeSteps must be a positive integer, got 0/);
    expect(() => new TimeLimit({} as Env, { maxEpisodeSteps: 1 })).toThrow(/env must be an Env/);
  });
});
