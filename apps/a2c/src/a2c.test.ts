import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '@ppo/nets';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainA2C, type A2CProgress } from './a2c';

describe('trainA2C (smoke)', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('trains for a tiny budget with finite losses, records returns and leaks no tensors', () => {
    const before = tf.memory().numTensors;
    const seen: A2CProgress[] = [];
    const result = trainA2C({ totalSteps: 1_000, seed: 3, onUpdate: (p) => seen.push(p) });
    // 8 envs x 5 steps per update: 25 updates cover 1,000 steps.
    expect(result.updates).toBe(25);
    expect(result.step).toBe(1_000);
    expect(seen.map((p) => p.step)).toEqual(Array.from({ length: 25 }, (_, k) => (k + 1) * 40));
    for (const p of seen) {
      for (const x of [p.loss, p.policyLoss, p.valueLoss, p.entropy]) expect(Number.isFinite(x)).toBe(true);
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
    result.policy.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is reproducible for a seed and changes the weights', () => {
    const a = trainA2C({ totalSteps: 400, seed: 5 });
    const b = trainA2C({ totalSteps: 400, seed: 5 });
    const fresh = trainA2C({ totalSteps: 1, seed: 5, numSteps: 1, numEnvs: 1, learningRate: 1e-12 });
    expect(b.returns).toEqual(a.returns);
    expect(b.loss).toBe(a.loss);
    const wa = a.policy.getWeights();
    const wb = b.policy.getWeights();
    for (const [name, w] of wa) expect(Array.from(wb.get(name)!)).toEqual(Array.from(w));
    // The policy head moved away from its initialisation.
    const moved = [...wa].some(([name, w]) => w.some((x, j) => Math.abs(x - fresh.policy.getWeights().get(name)![j]) > 1e-6));
    expect(moved).toBe(true);
    for (const r of [a, b, fresh]) r.policy.dispose();
  });

  it('stops at the first update whose recent mean return reaches solvedAt and reports its step', () => {
    const seen: A2CProgress[] = [];
    // A uniform policy averages about 22 steps per CartPole episode: a mean of 15 over 3 comes soon.
    const result = trainA2C({ totalSteps: 20_000, seed: 2, solvedAt: 15, window: 3, onUpdate: (p) => seen.push(p) });
    expect(result.solved).toBe(true);
    expect(result.stepsToSolve).toBe(result.step);
    expect(result.step).toBeLessThan(20_000);
    expect(seen.at(-1)!.meanReturn).toBeGreaterThanOrEqual(15);
    // No earlier update had 3 episodes with a mean of 15 or more.
    for (const p of seen.slice(0, -1)) expect(p.episodes < 3 || p.meanReturn < 15).toBe(true);
    result.policy.dispose();
  });

  it('rejects a bad step budget', () => {
    expect(() => trainA2C({ totalSteps: 0 })).toThrow(/totalSteps must be a positive integer, got 0/);
  });
});
