import * as tf from '@tensorflow/tfjs';
import { Rng } from '@ppo/buffers';
import { selectBackend } from '@ppo/nets/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainComposedPpo } from './compose';
import { HandWrittenClipObjective } from './objective';
import { LayersCategoricalPolicy } from './policy';

describe('the composed PPO of the tutorial', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('scores its own sampled actions exactly as evaluate does (the first PPO ratio is 1)', () => {
    const policy = new LayersCategoricalPolicy(4, 2, 3);
    const observations = Float32Array.from({ length: 32 }, (_, k) => Math.sin(k));
    const before = tf.memory().numTensors;
    const { actions, logProbs } = policy.act(observations, 8, new Rng(1));
    const scored = tf.tidy(() => policy.evaluate(tf.tensor2d(observations, [8, 4]), tf.tensor1d(actions, 'int32')).logProbs.dataSync());
    logProbs.forEach((x, i) => expect(Math.abs(x - scored[i])).toBeLessThan(1e-6));
    expect(tf.memory().numTensors).toBe(before);
    policy.dispose();
  });

  it('the objective is the clipped surrogate on normalised advantages plus value and entropy terms', () => {
    const t = (x: number[]) => tf.tensor1d(x);
    // Ratios e^0.5 (clipped to 1.2, advantage +1) and e^-0.5 (clipped to 0.8, advantage -1).
    const batch = { logProbs: t([0.5, -0.5]), oldLogProbs: t([0, 0]), advantages: t([3, 1]), entropy: t([0.5, 0.5]), values: t([0, 0]), oldValues: t([0, 0]), returns: t([1, 1]) };
    const out = new HandWrittenClipObjective({ clip: 0.2, vfCoef: 0.5, entCoef: 0.01 }).compute(batch);
    const policyLoss = -(1.2 * 1 + 0.8 * -1) / 2;
    expect(out.metrics.policyLoss.dataSync()[0]).toBeCloseTo(policyLoss, 5);
    expect(out.loss.dataSync()[0]).toBeCloseTo(policyLoss + 0.5 * 0.5 - 0.01 * 0.5, 5);
    expect(out.metrics.meanRatio.dataSync()[0]).toBeCloseTo((Math.exp(0.5) + Math.exp(-0.5)) / 2, 5);
    tf.dispose([out.loss, ...Object.values(out.metrics), ...Object.values(batch)]);
  });

  // The full run to 475 is measured by `pnpm --filter @ppo/app-compose start --seed N` (README); this checks that
  // the composition learns, far above a random policy's mean return of about 22, within a
  // fixed budget (the work, not the clock, bounds it).
  it('learns CartPole-v1: seed 1 reaches a mean return of 200 within 60,000 steps', async () => {
    const before = tf.memory().numTensors;
    const result = await trainComposedPpo({ seed: 1, totalSteps: 60_000, threshold: 200 });
    expect(result.solvedAt).not.toBeNull();
    expect(result.solvedAt as number).toBeLessThanOrEqual(60_000);
    expect(tf.memory().numTensors).toBe(before);
  }, 600_000);
});
