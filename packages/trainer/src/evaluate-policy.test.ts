import { describe, expect, it } from 'vitest';
import { make } from '@ppo/envs';
import type { ActOptions, ActResult } from '@ppo/nets';
import { Rng, type RandomSource } from '@ppo/utils';
import { makeSyncVectorEnv } from './environment';
import { evaluatePolicy } from './evaluate-policy';
import { ScriptedPolicy } from './test-policies';

/** ScriptedPolicy that records the `deterministic` option of every call. */
class RecordingPolicy extends ScriptedPolicy {
  readonly seen: (boolean | undefined)[] = [];
  override act(observations: Float32Array, count: number, rng: RandomSource, options?: ActOptions): ActResult {
    this.seen.push(options?.deterministic);
    return super.act(observations, count, rng, options);
  }
}

describe('evaluatePolicy', () => {
  it.each([
    [undefined, true],
    [true, true],
    [false, false],
  ])('with deterministic %s asks the policy for deterministic %s actions', (deterministic, expected) => {
    const policy = new RecordingPolicy(4);
    const env = makeSyncVectorEnv(1, () => make('CartPole-v1'));
    const result = evaluatePolicy(policy, env, new Rng(1), { episodes: 2, seed: 3, maxSteps: 50, deterministic });
    expect(result.returns).toHaveLength(2);
    expect(policy.seen.length).toBe(result.lengths.reduce((a, b) => a + b, 0));
    expect(new Set(policy.seen)).toEqual(new Set([expected]));
  });
});
