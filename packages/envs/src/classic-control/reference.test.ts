import { describe, expect, it } from 'vitest';
import type { StatefulEnv } from '../env';
import { AcrobotEnv } from './acrobot';
import { CartPoleEnv } from './cartpole';
import { ContinuousMountainCarEnv } from './continuous-mountain-car';
import { MountainCarEnv } from './mountain-car';
import { PendulumEnv } from './pendulum';
import reference from './reference-trajectories.json';

// Trajectories from scripts/gymnasium_reference.py: Gymnasium's step functions re-implemented in
// float64 numpy (MountainCarContinuous-v0 with Gymnasium's float32 state under NumPy 2),
// replayed here from the same set states with the same actions.

interface Case {
  env: string;
  name: string;
  initial: number[];
  actions: number[];
  states: number[][];
  observations: number[][];
  rewards: number[];
  terminated: boolean[];
}

const cases = (reference as { cases: Case[] }).cases;

const factories: Record<string, () => StatefulEnv<Float32Array, number | Float32Array>> = {
  'CartPole-v1': () => new CartPoleEnv(),
  'Acrobot-v1': () => new AcrobotEnv(),
  'MountainCar-v0': () => new MountainCarEnv(),
  'MountainCarContinuous-v0': () => new ContinuousMountainCarEnv(),
  'Pendulum-v1': () => new PendulumEnv(),
};

const continuous = new Set(['MountainCarContinuous-v0', 'Pendulum-v1']);

/**
 * float64 state: relative 1e-12 with an absolute floor of 1e-14 for entries near zero (math
 * library differences). MountainCarContinuous-v0, whose arithmetic is float32 rounding after
 * rounding, must match exactly.
 */
const STATE_RTOL = 1e-12;
const STATE_ATOL = 1e-14;
/** float32 observations: one float32 rounding of states that agree to 1e-12. */
const OBS_RTOL = 2 ** -23;
const OBS_ATOL = 1e-7;

function close(actual: number, expected: number, rtol: number, atol: number): boolean {
  return Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
}

describe('classic control matches Gymnasium reference trajectories', () => {
  it('covers every env, terminations and non-terminating runs', () => {
    const envs = new Set(cases.map((c) => c.env));
    expect([...envs].sort()).toEqual(Object.keys(factories).sort());
    expect(cases.some((c) => c.env === 'Acrobot-v1' && c.terminated.at(-1))).toBe(true);
    expect(cases.some((c) => c.env === 'MountainCar-v0' && c.terminated.at(-1))).toBe(true);
    expect(cases.some((c) => c.env === 'MountainCarContinuous-v0' && c.terminated.at(-1))).toBe(true);
    expect(cases.some((c) => c.env === 'CartPole-v1' && c.terminated.at(-1))).toBe(true);
  });

  it.each(cases.map((c) => [`${c.env} ${c.name} (${c.actions.length} steps)`, c] as const))('%s', (_label, c) => {
    const env = factories[c.env]();
    const [rtol, atol] = c.env === 'MountainCarContinuous-v0' ? [0, 0] : [STATE_RTOL, STATE_ATOL];
    env.setState(c.initial);
    expect(Array.from(env.getState())).toEqual(c.initial);
    for (let t = 0; t < c.actions.length; t++) {
      const action = continuous.has(c.env) ? new Float32Array([c.actions[t]]) : c.actions[t];
      const { observation, reward, terminated, truncated } = env.step(action);
      const state = env.getState();
      const where = `${c.env} ${c.name} step ${t}`;
      for (let k = 0; k < state.length; k++) {
        if (!close(state[k], c.states[t][k], rtol, atol)) {
          throw new Error(`${where}: state[${k}] = ${state[k]}, reference ${c.states[t][k]}`);
        }
      }
      for (let k = 0; k < observation.length; k++) {
        if (!close(observation[k], c.observations[t][k], OBS_RTOL, OBS_ATOL)) {
          throw new Error(`${where}: observation[${k}] = ${observation[k]}, reference ${c.observations[t][k]}`);
        }
      }
      expect(observation).toBeInstanceOf(Float32Array);
      if (!close(reward, c.rewards[t], 1e-12, 1e-14)) throw new Error(`${where}: reward ${reward}, reference ${c.rewards[t]}`);
      expect(terminated, `${where} terminated`).toBe(c.terminated[t]);
      expect(truncated).toBe(false);
    }
  });
});
