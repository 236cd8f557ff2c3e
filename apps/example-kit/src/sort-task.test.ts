import * as tf from '@tensorflow/tfjs';
import { Rng } from '@ppo/buffers';
import { selectBackend, TokenPolicy } from '@ppo/nets';
import { beforeAll, describe, expect, it } from 'vitest';
import { greedyAccuracy, pretrain, SortTask } from './sort-task';

describe('pretrain', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  const task = new SortTask({ digits: 2 });
  const fresh = () => new TokenPolicy({ vocabSize: task.vocabSize, hiddenSize: 32, embeddingSize: 16, seed: 4 });
  const options = (evalCount: number, maxSteps = 300) => ({
    rng: new Rng(4),
    evalPrompts: task.samplePrompts(new Rng(11), evalCount),
    targetAccuracy: 0.2,
    maxAccuracy: 0.4,
    maxSteps,
    batchSize: 64,
    learningRate: 3e-3,
  });

  it('stops at the first step whose greedy accuracy reaches the target', () => {
    const start = tf.memory().numTensors;
    const policy = fresh();
    const result = pretrain(policy, task, options(64));
    expect(result.accuracy).toBeGreaterThanOrEqual(0.2);
    expect(result.accuracy).toBeCloseTo(greedyAccuracy(policy, task, options(64).evalPrompts), 10);
    // The same run one step shorter is still below the target.
    const replay = fresh();
    pretrain(replay, task, options(64, result.steps - 1));
    expect(greedyAccuracy(replay, task, options(64).evalPrompts)).toBeLessThan(0.2);
    policy.dispose();
    replay.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('refuses a start above the ceiling, naming the accuracy and the ceiling', () => {
    // With 16 held-out prompts accuracy moves in steps of 1/16: the first value >= 0.2 is above it.
    const policy = fresh();
    expect(() => pretrain(policy, task, { ...options(16), maxAccuracy: 0.2 })).toThrow(
      /greedy accuracy ended at \d+\.\d% after \d+ steps, above the 20\.0% ceiling/,
    );
    expect(() => pretrain(policy, task, { ...options(16), maxAccuracy: 0.1 })).toThrow(/maxAccuracy must be at least targetAccuracy \(0\.2\), got 0\.1/);
    policy.dispose();
  });
});
