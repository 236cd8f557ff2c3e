import { describe, expect, it } from 'vitest';
import { CartPoleEnv } from '../classic-control/cartpole';
import type { ResetOptions, ResetResult, StepResult } from '../env';
import { TimeLimit } from '../time-limit';
import { hasStepInto } from './step-into';
import { SyncVectorEnv } from './sync-vector-env';

/** Reward shaping by a subclass that overrides `step` only (the inherited `stepInto` would skip it). */
class Shaped extends CartPoleEnv {
  override step(action: number): StepResult<Float32Array> {
    const result = super.step(action);
    return { ...result, reward: result.reward * 10 + action };
  }
}

/** A subclass that overrides `reset` only: its first observation is marked. */
class MarkedReset extends CartPoleEnv {
  override reset(options?: ResetOptions): ResetResult<Float32Array> {
    const result = super.reset(options);
    const observation = Float32Array.from(result.observation);
    observation[0] = 7;
    return { ...result, observation };
  }
}

/** Steps a vector env of `numEnvs` copies for `steps` steps with alternating actions; returns every reward. */
function vectorRewards(makeEnv: () => CartPoleEnv | TimeLimit<Float32Array, number>, numEnvs: number, steps: number): number[] {
  const venv = new SyncVectorEnv(Array.from({ length: numEnvs }, () => makeEnv));
  venv.reset({ seed: 3 });
  const actions = new Int32Array(numEnvs);
  const rewards: number[] = [];
  for (let t = 0; t < steps; t++) {
    for (let i = 0; i < numEnvs; i++) actions[i] = (t + i) % 2;
    rewards.push(...venv.step(actions).rewards);
  }
  venv.close();
  return rewards;
}

/** The same rewards from single envs stepped through `step`, reset by hand at episode ends. */
function loopRewards(makeEnv: () => CartPoleEnv | TimeLimit<Float32Array, number>, numEnvs: number, steps: number): number[] {
  const envs = Array.from({ length: numEnvs }, makeEnv);
  envs.forEach((env, i) => env.reset({ seed: 3 + i }));
  const rewards: number[] = [];
  for (let t = 0; t < steps; t++) {
    envs.forEach((env, i) => {
      const r = env.step((t + i) % 2);
      rewards.push(r.reward);
      if (r.terminated || r.truncated) env.reset();
    });
  }
  return rewards;
}

describe('SyncVectorEnv honours overrides of step and reset', () => {
  it('steps a subclass that overrides step through its step (shaped rewards), bare and inside TimeLimit', () => {
    for (const makeEnv of [() => new Shaped(), () => new TimeLimit(new Shaped(), { maxEpisodeSteps: 20 })]) {
      const rewards = vectorRewards(makeEnv, 3, 60);
      expect(rewards).toEqual(loopRewards(makeEnv, 3, 60));
      // CartPole pays 1 per step; the shaping pays 10 or 11.
      expect(rewards.every((r) => r === 10 || r === 11)).toBe(true);
    }
  });

  it('uses the reset override at reset and at every autoreset', () => {
    const venv = new SyncVectorEnv([() => new TimeLimit(new MarkedReset(), { maxEpisodeSteps: 2 })]);
    expect(venv.reset({ seed: 1 }).observations[0]).toBe(7);
    const actions = new Int32Array(1);
    expect(venv.step(actions).observations[0]).not.toBe(7);
    const second = venv.step(actions);
    expect(second.truncated[0]).toBe(1);
    expect(second.observations[0]).toBe(7);
  });

  it('keeps the fast path only where stepInto is defined at or below the step it mirrors', () => {
    class Both extends CartPoleEnv {
      override step(action: number): StepResult<Float32Array> {
        return super.step(action);
      }
      override stepInto(...args: Parameters<CartPoleEnv['stepInto']>): ReturnType<CartPoleEnv['stepInto']> {
        return super.stepInto(...args);
      }
    }
    expect(hasStepInto(new CartPoleEnv())).toBe(true);
    expect(hasStepInto(new Both())).toBe(true);
    expect(hasStepInto(new Shaped())).toBe(false);
    expect(hasStepInto(new TimeLimit(new Shaped(), { maxEpisodeSteps: 5 }))).toBe(true);
    const patched = new CartPoleEnv();
    patched.step = (a) => ({ ...CartPoleEnv.prototype.step.call(patched, a), reward: -1 });
    expect(hasStepInto(patched)).toBe(false);
    expect(hasStepInto({ step: () => undefined })).toBe(false);
  });

  it('steps an instance whose step was replaced through that step', () => {
    const venv = new SyncVectorEnv([
      () => {
        const env = new CartPoleEnv();
        const original = env.step.bind(env);
        env.step = (a) => ({ ...original(a), reward: 0.5 });
        return env;
      },
    ]);
    venv.reset({ seed: 0 });
    expect(venv.step(new Int32Array([1])).rewards[0]).toBe(0.5);
  });
});
