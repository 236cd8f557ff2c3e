import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '@ppo/nets';
import { beforeAll, describe, expect, it } from 'vitest';
import { A2CObjective, trainA2C, type A2CProgress } from './a2c';

describe('trainA2C (smoke)', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('trains for a tiny budget with finite losses, records returns and leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const seen: A2CProgress[] = [];
    const result = await trainA2C({ totalSteps: 1_000, seed: 3, onUpdate: (p) => seen.push(p) });
    // 8 envs x 5 steps per update: 25 updates cover 1,000 steps.
    expect(result.updates).toBe(25);
    expect(result.step).toBe(1_000);
    expect(seen.map((p) => p.step)).toEqual(Array.from({ length: 25 }, (_, k) => (k + 1) * 40));
    for (const p of seen) {
      for (const x of [p.loss, p.policyLoss, p.valueLoss, p.entropy]) expect(Number.isFinite(x)).toBe(true);
      expect(p.loss).toBeCloseTo(p.policyLoss + p.valueLoss, 5);
      // Two actions: the entropy lies in (0, ln 2].
      expect(p.entropy).toBeGreaterThan(0);
      expect(p.entropy).toBeLessThanOrEqual(Math.log(2) + 1e-6);
    }
    // A near-uniform policy ends CartPole episodes after tens of steps: many finish.
    expect(result.episodes).toBeGreaterThan(10);
    expect(result.returns).toHaveLength(result.episodes);
    for (const r of result.returns) {
      expect(Number.isInteger(r)).toBe(true);
      expect(r).toBeGreaterThanOrEqual(1);
      expect(r).toBeLessThanOrEqual(500);
    }
    const last = result.returns.slice(-20);
    expect(result.meanReturn).toBeCloseTo(last.reduce((a, b) => a + b, 0) / last.length, 10);
    expect(result.solved).toBe(false);
    expect(result.stepsToSolve).toBeNull();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is reproducible for a seed and changes the weights', async () => {
    const a = await trainA2C({ totalSteps: 400, seed: 5 });
    const b = await trainA2C({ totalSteps: 400, seed: 5 });
    const fresh = await trainA2C({ totalSteps: 1, seed: 5, numSteps: 1, numEnvs: 1, learningRate: 1e-12 });
    expect(b.returns).toEqual(a.returns);
    expect(b.loss).toBe(a.loss);
    for (const [name, w] of a.weights) expect(Array.from(b.weights.get(name)!)).toEqual(Array.from(w));
    // The policy moved away from its initialisation.
    const moved = [...a.weights].some(([name, w]) => w.some((x, j) => Math.abs(x - fresh.weights.get(name)![j]) > 1e-6));
    expect(moved).toBe(true);
  });

  it('stops at the first episode whose recent mean return reaches solvedAt and reports its step', async () => {
    const seen: A2CProgress[] = [];
    // A uniform policy averages about 22 steps per CartPole episode: a mean of 15 over 3 comes soon.
    const result = await trainA2C({ totalSteps: 20_000, seed: 2, solvedAt: 15, window: 3, onUpdate: (p) => seen.push(p) });
    expect(result.solved).toBe(true);
    // The threshold was reached during the last rollout, which is then finished and learned from.
    expect(result.stepsToSolve).toBeGreaterThan(result.step - 40);
    expect(result.stepsToSolve).toBeLessThanOrEqual(result.step);
    expect(result.step).toBeLessThan(20_000);
    // No earlier update had 3 episodes with a mean of 15 or more.
    for (const p of seen.slice(0, -1)) expect(p.episodes < 3 || p.meanReturn < 15).toBe(true);
  });

  it('the objective is -mean(log pi A) + vfCoef * 0.5 * mean((V - R)^2) - entCoef * mean(H)', () => {
    const t = (x: number[]) => tf.tensor1d(x);
    const batch = {
      logProbs: t([-0.5, -1]), entropy: t([0.6, 0.4]), values: t([1, 2]), oldLogProbs: t([0, 0]),
      oldValues: t([0, 0]), advantages: t([2, -1]), returns: t([3, 1]),
    };
    const before = tf.memory().numTensors;
    const out = new A2CObjective({ vfCoef: 0.5, entCoef: 0.1 }).compute(batch);
    // policy: -(( -0.5 * 2) + (-1 * -1)) / 2 = 0; value: 0.5 * (4 + 1) / 2 = 1.25; entropy 0.5.
    expect(out.loss.dataSync()[0]).toBeCloseTo(0 + 0.5 * 1.25 - 0.1 * 0.5, 6);
    expect(out.metrics.valueLoss.dataSync()[0]).toBeCloseTo(1.25, 6);
    tf.dispose([out.loss, ...Object.values(out.metrics)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(Object.values(batch));
  });

  it('rejects a bad step budget', async () => {
    await expect(trainA2C({ totalSteps: 0 })).rejects.toThrow(/totalSteps must be a positive integer, got 0/);
  });
});
