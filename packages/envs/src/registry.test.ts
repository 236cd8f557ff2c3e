import { describe, expect, it } from 'vitest';
import type { Env, StatefulEnv } from './env';
import { envSpec, isRegistered, listEnvs, make, register } from './registry';
import { Box, Discrete } from './spaces';

import { TimeLimit } from './time-limit';

type AnyClassic = StatefulEnv<Float32Array, number | Float32Array>;

describe('registry', () => {
  it("lists Gymnasium's classic-control ids, the masked card game and RL Zoo's partially observed variants with their limits and thresholds", () => {
    const specs = listEnvs().filter((s) => !s.id.startsWith('Test'));
    expect(specs).toEqual([
      { id: 'Acrobot-v1', maxEpisodeSteps: 500, rewardThreshold: -100 },
      { id: 'CardPick-v0', maxEpisodeSteps: undefined, rewardThreshold: undefined },
      { id: 'CartPole-v0', maxEpisodeSteps: 200, rewardThreshold: 195 },
      { id: 'CartPole-v1', maxEpisodeSteps: 500, rewardThreshold: 475 },
      { id: 'CartPoleNoVel-v1', maxEpisodeSteps: 500, rewardThreshold: 475 },
      { id: 'MountainCar-v0', maxEpisodeSteps: 200, rewardThreshold: -110 },
      { id: 'MountainCarContinuous-v0', maxEpisodeSteps: 999, rewardThreshold: 90 },
      { id: 'Pendulum-v1', maxEpisodeSteps: 200, rewardThreshold: undefined },
      { id: 'PendulumNoVel-v1', maxEpisodeSteps: 200, rewardThreshold: undefined },
    ]);
    expect(envSpec('CartPole-v1').maxEpisodeSteps).toBe(500);
    expect(isRegistered('CartPole-v2')).toBe(false);
  });

  it.each([
    ['CartPole-v0', 200, [0, 0, 0, 0], 0],
    ['CartPole-v1', 500, [0, 0, 0, 0], 0],
    ['Acrobot-v1', 500, [0, 0, 0, 0], 1],
    ['MountainCar-v0', 200, [-0.5, 0], 1],
    ['MountainCarContinuous-v0', 999, [-0.5, 0], new Float32Array([0])],
    ['Pendulum-v1', 200, [0, 0], new Float32Array([0])],
  ] as const)('make(%s) truncates at %i steps', (id, limit, safeState, action) => {
    const env = make(id);
    expect(env).toBeInstanceOf(TimeLimit);
    expect(env.id).toBe(id);
    env.reset({ seed: 0 });
    const inner = (env as TimeLimit).unwrapped as AnyClassic;
    for (let t = 1; t <= limit; t++) {
      // Hold the system in a state that cannot terminate, so only the time limit ends the episode.
      inner.setState(safeState);
      const r = env.step(action);
      expect(r.terminated).toBe(false);
      if (r.truncated !== (t === limit)) throw new Error(`${id}: truncated=${r.truncated} at step ${t}`);
    }
    expect(() => env.step(action)).toThrow(new RegExp(`${id}.step: the episode has ended \\(after ${limit} steps\\)`));
    env.reset();
    expect(env.step(action).truncated).toBe(false);
  });

  it('passes env options to the factory and lets maxEpisodeSteps override or drop the limit', () => {
    const env = make('Pendulum-v1', { g: 9.81, maxEpisodeSteps: 3 }) as TimeLimit;
    expect(env.maxEpisodeSteps).toBe(3);
    expect((env.unwrapped as unknown as { g: number }).g).toBe(9.81);
    const endless = make('Pendulum-v1', { maxEpisodeSteps: null });
    expect(endless).not.toBeInstanceOf(TimeLimit);
    expect(endless.id).toBe('Pendulum-v1');
    endless.reset({ seed: 0 });
    for (let t = 0; t < 250; t++) expect(endless.step(new Float32Array([0])).truncated).toBe(false);
    expect(make('CartPole-v1', { seed: 3 }).reset().observation).toEqual(make('CartPole-v1').reset({ seed: 3 }).observation);
    expect(() => make('CartPole-v1', { maxEpisodeSteps: 0 })).toThrow(/maxEpisodeSteps must be a positive integer, got 0/);
  });

  it('raises for unknown ids, listing the registered ones', () => {
    expect(() => make('CartPole-v2')).toThrow(/no env registered as "CartPole-v2"; registered ids: .*CartPole-v0, CartPole-v1/);
  });

  it('registers custom envs and refuses duplicates unless overriding', () => {
    const factory = (): Env<Float32Array, number> => {
      let obs = 0;
      return {
        observationSpace: new Box({ low: 0, high: 10, shape: [1] }),
        actionSpace: new Discrete({ n: 2 }),
        reset: () => ({ observation: new Float32Array([(obs = 0)]), info: {} }),
        step: (a: number) => ({ observation: new Float32Array([(obs += a)]), reward: a, terminated: obs >= 10, truncated: false, info: {} }),
        close: () => {},
      };
    };
    register('TestCounter-v0', factory, { maxEpisodeSteps: 4, rewardThreshold: 3 });
    expect(envSpec('TestCounter-v0')).toEqual({ id: 'TestCounter-v0', maxEpisodeSteps: 4, rewardThreshold: 3 });
    expect(() => register('TestCounter-v0', factory)).toThrow(/already registered/);
    register('TestCounter-v0', factory, { override: true });
    expect(envSpec('TestCounter-v0').maxEpisodeSteps).toBeUndefined();
    expect(make('TestCounter-v0').id).toBe('TestCounter-v0');
    expect(() => register('', factory)).toThrow(/id must be/);
    expect(() => register('TestBad-v0', 3 as unknown as typeof factory)).toThrow(/factory for 'TestBad-v0' must be a function/);
    expect(() => register('TestBad-v0', factory, { maxEpisodeSteps: 1.5 })).toThrow(/maxEpisodeSteps of 'TestBad-v0' must be a positive integer, got 1.5/);
    expect(() => register('TestBad-v0', factory, { rewardThreshold: Number.NaN })).toThrow(/rewardThreshold/);
    register('TestBroken-v0', () => 42 as unknown as Env);
    expect(() => make('TestBroken-v0')).toThrow(/the factory returned 42, not an Env/);
  });

  it('records the recommended preset of a registration and checks its name', () => {
    const factory = (): Env => make('CartPole-v1');
    register('TestPreset-v0', factory, { recommendedPreset: 'minatar' });
    expect(envSpec('TestPreset-v0').recommendedPreset).toBe('minatar');
    expect(envSpec('CartPole-v1').recommendedPreset).toBeUndefined();
    for (const bad of ['', 'MuJoCo', 'a b', '-x', 3]) {
      expect(() => register('TestPresetBad-v0', factory, { recommendedPreset: bad as string })).toThrow(
        /recommendedPreset of 'TestPresetBad-v0' must be a preset name of lowercase letters, digits and dashes, got/,
      );
    }
    expect(isRegistered('TestPresetBad-v0')).toBe(false);
  });
});
