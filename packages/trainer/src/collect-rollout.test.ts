import { describe, expect, it } from 'vitest';
import { RolloutBuffer } from '@ppo/buffers';
import { Rng } from '@ppo/utils';
import { Box, Discrete, SyncVectorEnv, VectorRecordEpisodeStatistics, type Env, type StepResult } from '@ppo/envs';
import { collectRollout } from './collect-rollout';
import type { EpisodeRecord } from './callbacks';
import { ScriptedPolicy } from './test-policies';

/**
 * Env `id`: observation [k, id] after k steps; reward k; terminates at step `end` when `end`
 * is positive, is truncated at step -`end` when negative (final observation [k, id + 100]).
 */
class ScriptEnv implements Env<Float32Array, number> {
  readonly observationSpace = new Box({ low: -1000, high: 1000, shape: [2] });
  readonly actionSpace = new Discrete({ n: 2 });
  private k = 0;
  constructor(
    private readonly envIndex: number,
    private readonly end: number,
  ) {}

  reset(): { observation: Float32Array; info: Record<string, unknown> } {
    this.k = 0;
    return { observation: new Float32Array([0, this.envIndex]), info: {} };
  }

  step(): StepResult<Float32Array> {
    this.k += 1;
    const terminated = this.end > 0 && this.k === this.end;
    const truncated = this.end < 0 && this.k === -this.end;
    const observation = new Float32Array([this.k, this.envIndex + (truncated ? 100 : 0)]);
    return { observation, reward: this.k, terminated, truncated, info: {} };
  }

  close(): void {}
}

const ENDS = [3, -4, 7];
const T = 9;

async function collect(bootstrapTruncated: boolean, stopAtEpisode: number | null = null) {
  const env = new VectorRecordEpisodeStatistics(new SyncVectorEnv(ENDS.map((end, id) => () => new ScriptEnv(id, end))));
  const policy = new ScriptedPolicy(2);
  const buffer = new RolloutBuffer({ numSteps: T, numEnvs: 3, observationSize: 2, actionSize: 1, actionType: 'int32' });
  const observations = Float32Array.from(env.reset({ seed: 0 }).observations);
  const counters = { globalStep: 30, episodes: 2 };
  const episodes: EpisodeRecord[] = [];
  const result = await collectRollout({
    env,
    policy,
    buffer,
    rng: new Rng(1),
    observations,
    counters,
    bootstrapTruncated,
    onEpisodeEnd: (e) => {
      episodes.push(e);
      return stopAtEpisode !== null && episodes.length === stopAtEpisode;
    },
  });
  return { buffer, observations, counters, episodes, result, policy };
}

/** The rollout computed by hand: per env, the episode step k at each t, with resets after an end. */
function reference() {
  const rows: { obs: number[]; next: number[]; reward: number; terminated: number; truncated: number }[] = [];
  const ks = ENDS.map(() => 0);
  for (let t = 0; t < T; t++) {
    ENDS.forEach((end, id) => {
      const k = ks[id] + 1;
      const terminated = end > 0 && k === end ? 1 : 0;
      const truncated = end < 0 && k === -end ? 1 : 0;
      rows.push({ obs: [ks[id], id], next: [k, id + (truncated === 1 ? 100 : 0)], reward: k, terminated, truncated });
      ks[id] = terminated === 1 || truncated === 1 ? 0 : k;
    });
  }
  return { rows, last: ks.map((k, id) => [k, id]) };
}

describe('collectRollout', () => {
  it('stores every step and fills next values from the next observation or the final one of a truncated episode', async () => {
    const { buffer, observations, counters, episodes, result } = await collect(true);
    const { rows, last } = reference();
    rows.forEach((row, k) => {
      expect(Array.from(buffer.observations.subarray(2 * k, 2 * k + 2))).toEqual(row.obs);
      expect(buffer.actions[k]).toBe(k % 3 % 2);
      expect(buffer.logProbs[k]).toBe(-row.obs[0]);
      expect(buffer.values[k]).toBe(ScriptedPolicy.value(row.obs, 0));
      expect(buffer.rewards[k]).toBe(row.reward);
      expect(buffer.terminated[k]).toBe(row.terminated);
      expect(buffer.truncated[k]).toBe(row.truncated);
      // After a termination the next value is the reset observation's (ignored by estimators).
      const nextObs = row.truncated === 1 ? row.next : k + 3 < rows.length ? rows[k + 3].obs : last[k % 3];
      expect(buffer.nextValues[k], `nextValues[${k}]`).toBe(ScriptedPolicy.value(nextObs, 0));
    });
    expect(Array.from(observations)).toEqual(last.flat());
    expect(counters).toEqual({ globalStep: 30 + 3 * T, episodes: 2 + episodes.length });
    // Env 0 ends at t = 2, 5, 8; env 1 at t = 3, 7; env 2 at t = 6.
    expect(episodes.map((e) => [e.envIndex, e.return, e.length, e.globalStep])).toEqual([
      [0, 6, 3, 39],
      [1, 10, 4, 42],
      [0, 6, 3, 48],
      [2, 28, 7, 51],
      [1, 10, 4, 54],
      [0, 6, 3, 57],
    ]);
    expect(result.stopRequested).toBe(false);
  });

  it('without bootstrapping records a truncation as a termination and computes no final values', async () => {
    const { buffer, policy } = await collect(false);
    const { rows } = reference();
    rows.forEach((row, k) => {
      expect(buffer.terminated[k]).toBe(row.terminated | row.truncated);
      expect(buffer.truncated[k]).toBe(row.truncated);
    });
    // Only the bootstrap of the last observations.
    expect(policy.valueCalls.length).toBe(1);
  });

  it('finishes the rollout when an episode hook asks to stop, and checks shapes', async () => {
    const { buffer, result } = await collect(true, 1);
    expect(result.stopRequested).toBe(true);
    expect(buffer.isFull).toBe(true);
    const env = new SyncVectorEnv([() => new ScriptEnv(0, 3)]);
    const wrong = new RolloutBuffer({ numSteps: 2, numEnvs: 2, observationSize: 2, actionSize: 1, actionType: 'int32' });
    await expect(
      collectRollout({ env, policy: new ScriptedPolicy(2), buffer: wrong, rng: new Rng(0), observations: new Float32Array(2), counters: { globalStep: 0, episodes: 0 } }),
    ).rejects.toThrow(/collectRollout: buffer holds 2 envs x 2 observations x 1 actions, env and policy have 1 x 2 x 1/);
  });
});
