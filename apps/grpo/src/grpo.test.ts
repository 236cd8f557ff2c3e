import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '@ppo/nets';
import { beforeAll, describe, expect, it } from 'vitest';
import { runGrpo, VARIANTS, variantAdvantages, variantBeta, variantLoss, type Variant } from './grpo';
import { expectLearned, LEARNING_CHECK_RUN, LEARNING_CHECK_TIMEOUT_MS } from '@ppo/example-kit/learning-check';

describe('GRPO app (smoke)', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it.each(['grpo', 'beta0', 'dr-grpo', 'dapo'] as const)('runs the %s variant end to end without leaking tensors', (variant: Variant) => {
    const start = tf.memory().numTensors;
    const seen: number[] = [];
    const result = runGrpo({
      variant,
      seed: 3,
      iterations: 2,
      pretrainMaxSteps: 3,
      prompts: 2,
      groupSize: 4,
      hiddenSize: 16,
      embeddingSize: 8,
      evalPrompts: 16,
      onIteration: (m) => seen.push(m.iteration),
    });
    expect(tf.memory().numTensors).toBe(start);
    expect(seen).toEqual([0, 1, 2]);
    expect(result.pretrainSteps).toBe(3);
    for (const m of result.history.slice(1)) {
      expect(m.reward).toBeGreaterThanOrEqual(0);
      expect(m.reward).toBeLessThanOrEqual(1);
      expect(m.accuracy).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(m.clipFraction)).toBe(true);
      // Only the beta0 variant runs without a reference model.
      expect(Number.isNaN(m.kl)).toBe(variant === 'beta0');
    }
  });

  it('is reproducible for a seed', () => {
    const run = () => runGrpo({ seed: 5, iterations: 2, pretrainMaxSteps: 2, prompts: 2, groupSize: 4, hiddenSize: 16, embeddingSize: 8, evalPrompts: 16 }).history;
    expect(run()).toEqual(run().map((m, i) => (i === 0 ? m : { ...m, seconds: expect.any(Number) as number })));
  });
});

describe('GRPO app (learning)', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('raises greedy accuracy from a weak start within 20 iterations', () => {
    // Over seeds 1-3 accuracy rose by 0.37-0.51 in 20 iterations from 22-24% after pre-training.
    expectLearned(runGrpo(LEARNING_CHECK_RUN), 0.25);
  }, LEARNING_CHECK_TIMEOUT_MS);
});

describe('GRPO variants reach the loss', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  // Two prompts x G = 3 completions, L = 3 token slots; completion i keeps its first lengths[i] slots.
  const g = 3;
  const slots = 3;
  const rewards = new Float32Array([1, 0, 0, 1, 1, 0]);
  const lengths = [3, 2, 1, 3, 3, 2];
  const b = rewards.length;
  const mask = Float32Array.from({ length: b * slots }, (_, k) => (k % slots < lengths[Math.floor(k / slots)] ? 1 : 0));
  const oldLogProbs = Float32Array.from({ length: b * slots }, (_, k) => -0.5 - 0.1 * (k % 7));
  // Ratios 1.25 (clipped by eps 0.2, not by DAPO's eps_high 0.28), 0.75 and 1.1.
  const logRatios = [Math.log(1.25), Math.log(0.75), Math.log(1.1)];
  const logProbs = oldLogProbs.map((x, k) => x + logRatios[k % 3]);
  const refLogProbs = oldLogProbs.map((x, k) => x - 0.3 + 0.05 * (k % 4));

  /** Float64 reference of the per-token GRPO loss, written out from DeepSeekMath's formula. */
  function referenceLoss(adv: ArrayLike<number>, low: number, high: number, beta: number, aggregation: string): { loss: number; clipFraction: number } {
    let total = 0;
    let kept = 0;
    let outside = 0;
    let sequenceMeans = 0;
    for (let i = 0; i < b; i++) {
      let rowSum = 0;
      for (let j = 0; j < lengths[i]; j++) {
        const k = i * slots + j;
        const r = Math.exp(logProbs[k] - oldLogProbs[k]);
        const clipped = Math.min(Math.max(r, 1 - low), 1 + high);
        const d = refLogProbs[k] - logProbs[k];
        const l = -Math.min(r * adv[i], clipped * adv[i]) + beta * (Math.exp(d) - d - 1);
        rowSum += l;
        kept += 1;
        if (r < 1 - low || r > 1 + high) outside += 1;
      }
      total += rowSum;
      sequenceMeans += rowSum / lengths[i];
    }
    const loss = aggregation === 'token-mean' ? total / kept : aggregation === 'fixed-length' ? total / (b * slots) : sequenceMeans / b;
    return { loss, clipFraction: outside / kept };
  }

  function lossOf(variant: Variant, withReference: boolean) {
    const advantages = variantAdvantages(variant, rewards, g);
    const out = tf.tidy(() => {
      const shape: [number, number] = [b, slots];
      const r = variantLoss(variant, {
        logProbs: tf.tensor2d(logProbs, shape),
        oldLogProbs: tf.tensor2d(oldLogProbs, shape),
        refLogProbs: withReference ? tf.tensor2d(refLogProbs, shape) : undefined,
        advantages: tf.tensor1d(advantages),
        mask: tf.tensor2d(mask, shape),
        maxNewTokens: slots,
      });
      return tf.stack([r.loss, r.policyLoss, r.clipFraction]);
    });
    const [loss, policyLoss, clipFraction] = out.dataSync();
    out.dispose();
    return { advantages, loss, policyLoss, clipFraction };
  }

  it('dr-grpo gives unscaled advantages (reward minus group mean); the others divide by the group std', () => {
    const centred = [2 / 3, -1 / 3, -1 / 3, 1 / 3, 1 / 3, -2 / 3];
    const std = Math.sqrt(1 / 3); // unbiased std of either group
    expect(Array.from(variantAdvantages('dr-grpo', rewards, g)).every((a, k) => Math.abs(a - centred[k]) < 1e-6)).toBe(true);
    for (const variant of ['grpo', 'beta0', 'dapo'] as const) {
      const adv = variantAdvantages(variant, rewards, g);
      expect(Array.from(adv).every((a, k) => Math.abs(a - centred[k] / (std + 1e-4)) < 1e-5)).toBe(true);
    }
  });

  it.each(['grpo', 'beta0', 'dr-grpo', 'dapo'] as const)('%s: loss and clip fraction match a float64 reference', (variant) => {
    const start = tf.memory().numTensors;
    const { advantages, loss, clipFraction } = lossOf(variant, variant !== 'beta0');
    const clip = VARIANTS[variant].clipRange;
    const { low, high } = typeof clip === 'number' ? { low: clip, high: clip } : clip;
    const want = referenceLoss(advantages, low, high, variantBeta(variant), VARIANTS[variant].aggregation);
    expect(Math.abs(loss - want.loss)).toBeLessThan(1e-5);
    expect(Math.abs(clipFraction - want.clipFraction)).toBeLessThan(1e-6);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('dapo clips asymmetrically: a ratio of 1.25 is outside [0.8, 1.2] but inside [0.8, 1.28]', () => {
    // Per completion slot j: ratio 1.25, 0.75, 1.1, 1.25, ... over the 14 kept tokens.
    const kept = lengths.flatMap((n, i) => Array.from({ length: n }, (_, j) => (i * slots + j) % 3));
    const count = (ratios: number[]) => kept.filter((r) => ratios.includes(r)).length / kept.length;
    expect(lossOf('grpo', true).clipFraction).toBeCloseTo(count([0, 1]), 6);
    expect(lossOf('dapo', true).clipFraction).toBeCloseTo(count([1]), 6);
  });

  it('beta0 has no KL term: its loss is the clipped surrogate alone, even given a reference', () => {
    expect(variantBeta('beta0')).toBe(0);
    const beta0 = lossOf('beta0', true);
    expect(Math.abs(beta0.loss - beta0.policyLoss)).toBeLessThan(1e-7);
    // grpo on the same batch and advantages adds 0.04 * k3 > 0.
    const grpo = lossOf('grpo', true);
    expect(variantBeta('grpo')).toBe(0.04);
    expect(Math.abs(grpo.policyLoss - beta0.policyLoss)).toBeLessThan(1e-7);
    expect(grpo.loss - grpo.policyLoss).toBeGreaterThan(1e-3);
  });
});
