import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { RolloutBuffer } from '@ppo/buffers';
import { ClipPpoObjective, Adam } from '@ppo/core';
import { make, SyncVectorEnv, VectorRecordEpisodeStatistics } from '@ppo/envs';
import { gaeEstimator } from '@ppo/gae';
import { ActorCritic, RecurrentActorCritic, selectBackend } from '@ppo/nets';
import { PpoError, Rng } from '@ppo/utils';
import { collectRollout } from './collect-rollout';
import { estimateAdvantages } from './estimate-advantages';
import { evaluatePolicy } from './evaluate-policy';
import { ppoUpdate } from './ppo-update';
import { RecurrentMemory } from './recurrent-memory';

const N = 4;
const T = 12;

/** CartPole cut at 5 steps, so every rollout holds truncations (and some terminations). */
function setup(cell: 'lstm' | 'gru') {
  const env = new VectorRecordEpisodeStatistics(new SyncVectorEnv(Array.from({ length: N }, () => () => make('CartPole-v1', { maxEpisodeSteps: 5 }))));
  const policy = new RecurrentActorCritic({ observationSize: 4, actionSpace: { type: 'discrete', n: 2 }, cell, hiddenSize: 6, hiddenSizes: [8], seed: 3 });
  const buffer = new RolloutBuffer({ numSteps: T, numEnvs: N, observationSize: 4, actionSize: 1, actionType: 'int32' });
  // Weights of unit scale, so actions depend strongly on the state (at the initialisation the
  // policy head's gain of 0.01 makes every state score nearly alike, hiding a wrong state).
  const rng = new Rng(9);
  policy.setWeights(new Map([...policy.getWeights()].map(([name, w]) => [name, Float32Array.from(w, () => rng.normal(0, 0.7))])));
  const memory = new RecurrentMemory(policy, N);
  const observations = Float32Array.from(env.reset({ seed: 5 }).observations);
  const collect = () => collectRollout({ env, policy, buffer, rng: new Rng(2), observations, counters: { globalStep: 0, episodes: 0 }, recurrent: memory });
  return { env, policy, buffer, memory, collect };
}

describe('recurrent rollouts and updates on cpu', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it.each(['lstm', 'gru'] as const)('%s: the memory records each rollout start and the flags of episode starts', async (cell) => {
    const { env, policy, buffer, memory, collect } = setup(cell);
    try {
      await collect();
      // The first rollout starts from zeros, every observation the start of an episode.
      expect(Array.from(memory.initialState).every((x) => x === 0)).toBe(true);
      expect(Array.from(memory.initialEpisodeStarts)).toEqual([1, 1, 1, 1]);
      const starts = memory.episodeStartsOf(buffer);
      for (let k = N; k < T * N; k++) expect(starts[k]).toBe(buffer.terminated[k - N] | buffer.truncated[k - N]);
      expect(starts.slice(N).some((f) => f === 1)).toBe(true);
      const carried = Float32Array.from(memory.state);
      expect(carried.some((x) => x !== 0)).toBe(true);
      await collect();
      // The second starts where the first ended.
      expect(Array.from(memory.initialState)).toEqual(Array.from(carried));
    } finally {
      policy.dispose();
      await env.close();
    }
  });

  it.each([
    ['lstm', 1],
    ['gru', 1],
    ['lstm', 4],
    ['gru', 2],
  ] as const)('%s, %i minibatches: the update re-computes the acting log-probs from the stored states (ratio 1)', async (cell, numMinibatches) => {
    const { env, policy, buffer, memory, collect } = setup(cell);
    const optimizer = new Adam(policy.trainableVariables);
    try {
      await collect();
      await collect();
      estimateAdvantages(buffer, gaeEstimator({ gamma: 0.99, lambda: 0.95 }));
      const start = tf.memory().numTensors;
      // A learning rate too small to move the weights: every minibatch still sees the acting policy.
      const metrics = ppoUpdate({
        policy, buffer, objective: new ClipPpoObjective(), optimizer, rng: new Rng(1), epochs: 1, numMinibatches,
        learningRate: 1e-30, maxGradNorm: 0.5, context: { progress: 0 }, recurrent: memory,
      });
      // |log ratio| of float32 recomputations of the same numbers: 1e-6 is ~10 ulps at 0.7.
      expect(Math.abs(metrics.approxKl)).toBeLessThan(1e-6);
      expect(metrics.clipFraction).toBe(0);
      expect(tf.memory().numTensors).toBe(start);
    } finally {
      optimizer.dispose();
      policy.dispose();
      await env.close();
    }
  });

  it('refuses to split envs unevenly, and a recurrent policy without its memory (or memory without one)', async () => {
    const { env, policy, buffer, memory, collect } = setup('lstm');
    const optimizer = new Adam(policy.trainableVariables);
    const plain = new ActorCritic({ observationSize: 4, actionSpace: { type: 'discrete', n: 2 }, seed: 1 });
    try {
      await collect();
      estimateAdvantages(buffer, gaeEstimator({ gamma: 0.99, lambda: 0.95 }));
      const options = { policy, buffer, objective: new ClipPpoObjective(), optimizer, rng: new Rng(1), epochs: 1, learningRate: 1e-3, maxGradNorm: 0.5, context: { progress: 0 } };
      expect(() => ppoUpdate({ ...options, numMinibatches: 3, recurrent: memory })).toThrow(
        /ppoUpdate: numMinibatches must divide numEnvs = 4 for a recurrent policy \(minibatches are whole env sequences\), got 3/,
      );
      expect(() => ppoUpdate({ ...options, numMinibatches: 1 })).toThrow(/a recurrent policy needs options.recurrent/);
      expect(() => ppoUpdate({ ...options, policy: plain, numMinibatches: 1, recurrent: memory })).toThrow(/not recurrent/);
      const observations = Float32Array.from(env.reset({ seed: 1 }).observations);
      await expect(collectRollout({ env, policy, buffer, rng: new Rng(0), observations, counters: { globalStep: 0, episodes: 0 } })).rejects.toThrow(/needs options.recurrent/);
    } finally {
      plain.dispose();
      optimizer.dispose();
      policy.dispose();
      await env.close();
    }
  });

  it('evaluation carries the state through each episode and resets it at the next', () => {
    const policy = new RecurrentActorCritic({ observationSize: 2, actionSpace: { type: 'box', shape: [1], low: [-2], high: [2] }, hiddenSize: 4, seed: 6 });
    const rng = new Rng(3);
    // Small weights keep the actions inside Pendulum's bounds, where the env does not clip them.
    policy.setWeights(new Map([...policy.getWeights()].map(([name, w]) => [name, Float32Array.from(w, () => rng.normal(0, 0.3))])));
    const vector = () => new SyncVectorEnv([() => make('PendulumNoVel-v1', { maxEpisodeSteps: 20 })]);
    try {
      const env = vector();
      const result = evaluatePolicy(policy, env, new Rng(0), { episodes: 3, seed: 11, maxSteps: 1000 });
      void env.close();
      // The same episodes played by hand: greedy actions from the carried state.
      const manual = vector();
      let obs = Float32Array.from(manual.reset({ seed: 11 }).observations);
      let state = policy.initialState(1);
      let starts = Uint8Array.of(1);
      const returns: number[] = [];
      let total = 0;
      // Steps where the carried state changes the action: where a memoryless player would differ.
      let stateMatters = 0;
      while (returns.length < 3) {
        const step = policy.actRecurrent(obs, 1, state, starts, new Rng(0), { deterministic: true });
        const memoryless = policy.act(obs, 1, new Rng(0), { deterministic: true }).actions[0];
        if (Math.abs(memoryless - step.actions[0]) > 1e-3 && Math.abs(step.actions[0]) < 2) stateMatters += 1;
        const r = manual.step(step.actions);
        total += r.rewards[0];
        state = step.state;
        starts = Uint8Array.of(r.terminated[0] | r.truncated[0]);
        if (starts[0] === 1) {
          returns.push(total);
          total = 0;
        }
        obs = Float32Array.from(r.observations);
      }
      void manual.close();
      expect(result.returns).toEqual(returns);
      expect(stateMatters).toBeGreaterThan(0);
    } finally {
      policy.dispose();
    }
  });

  it('restores its state from getState and rejects malformed states as BAD_CHECKPOINT', () => {
    const policy = new RecurrentActorCritic({ observationSize: 2, actionSpace: { type: 'discrete', n: 2 }, hiddenSize: 2, seed: 1 });
    try {
      const a = new RecurrentMemory(policy, 2);
      a.state.set([1, 2, 3, 4, 5, 6, 7, 8]);
      a.episodeStarts.set([0, 1]);
      const b = new RecurrentMemory(policy, 2);
      b.setState(a.getState());
      expect(Array.from(b.state)).toEqual(Array.from(a.state));
      expect(Array.from(b.episodeStarts)).toEqual([0, 1]);
      const bad = (value: unknown) => {
        try {
          b.setState(value as never);
        } catch (error) {
          return PpoError.is(error, 'BAD_CHECKPOINT') ? (error as Error).message : 'wrong code';
        }
        return 'accepted';
      };
      expect(bad({ state: new Float32Array(3), episodeStarts: new Uint8Array(2) })).toMatch(/numEnvs \* stateSize = 8 values/);
      expect(bad({ state: new Float32Array(8), episodeStarts: Uint8Array.of(0, 2) })).toMatch(/2 flags \(0 or 1\)/);
      expect(bad({ state: new Float32Array(8).fill(Number.NaN), episodeStarts: new Uint8Array(2) })).toMatch(/finite/);
      expect(bad(null)).toMatch(/recurrent state must be/);
    } finally {
      policy.dispose();
    }
  });
});
