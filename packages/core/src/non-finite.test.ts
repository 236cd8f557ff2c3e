import { PpoError } from '@ppo/utils';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { normalizeAdvantages } from './advantages';
import { explainedVariance } from './explained-variance';
import { grpoLoss } from './grpo';
import { AdaptiveKlController, klK1, klK3 } from './kl';
import { ppoLoss } from './ppo-loss';
import { clippedSurrogate, klPenaltySurrogate, policyGradientLoss } from './surrogate';
import { entropyBonus, valueLoss } from './value';
import { BACKENDS, useBackend } from './test-utils';

/** Asserts `fn` throws a NON_FINITE RangeError matching `message`, leaving no tensor behind. */
function expectNonFinite(fn: () => unknown, message: RegExp): void {
  const before = tf.memory().numTensors;
  let error: unknown;
  try {
    tf.tidy(() => {
      fn();
    });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(RangeError);
  expect((error as Error).message).toMatch(message);
  expect(PpoError.is(error, 'NON_FINITE')).toBe(true);
  expect(tf.memory().numTensors).toBe(before);
}

const v = (...xs: number[]): tf.Tensor1D => tf.tensor1d(xs);

describe.each(BACKENDS)('non-finite tensor inputs are named errors on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('ppoLoss names a +Infinity log-prob instead of returning a finite loss, and every other input', () => {
    const ok = { logProbs: v(0, 0, 0), oldLogProbs: v(0, 0, 0), advantages: v(1, 1, 1), values: v(0, 0, 0), returns: v(1, 1, 1), entropy: v(1, 1, 1), clipRange: 0.2 };
    expectNonFinite(() => ppoLoss({ ...ok, logProbs: v(0, 0, Infinity) }), /^ppoLoss: logProbs\[2\] must be finite, got Infinity$/);
    for (const name of ['oldLogProbs', 'advantages', 'values', 'returns', 'entropy', 'oldValues'] as const) {
      expectNonFinite(
        () => ppoLoss({ ...ok, oldValues: v(0, 0, 0), [name]: v(0, NaN, 0), ...(name === 'oldValues' ? { clipRangeVf: 0.2 } : {}) }),
        new RegExp(`^ppoLoss: ${name}\\[1\\] must be finite, got NaN$`),
      );
    }
    // Two-dimensional inputs are named by row and column.
    const two = { ...ok, logProbs: tf.zeros([2, 2]), oldLogProbs: tf.zeros([2, 2]), advantages: tf.zeros([2, 2]), values: tf.zeros([2, 2]), returns: tf.tensor2d([[0, 0], [0, -Infinity]]), entropy: tf.zeros([2, 2]) };
    expectNonFinite(() => ppoLoss(two), /^ppoLoss: returns\[1, 1\] must be finite, got -Infinity$/);
  });

  it('each loss names its own non-finite argument', () => {
    const a = v(0, 0);
    const bad = v(0, NaN);
    expectNonFinite(() => clippedSurrogate({ logProbs: a, oldLogProbs: a, advantages: bad, clipRange: 0.2 }), /^clippedSurrogate: advantages\[1\]/);
    expectNonFinite(() => klPenaltySurrogate({ logProbs: a, oldLogProbs: bad, advantages: a, beta: 1 }), /^klPenaltySurrogate: oldLogProbs\[1\]/);
    expectNonFinite(() => klPenaltySurrogate({ logProbs: a, oldLogProbs: a, advantages: a, kl: bad, beta: 1 }), /^klPenaltySurrogate: kl\[1\]/);
    expectNonFinite(() => policyGradientLoss({ logProbs: a, advantages: a, baseline: bad }), /^policyGradientLoss: baseline\[1\]/);
    expectNonFinite(() => valueLoss({ values: a, returns: bad }), /^valueLoss: returns\[1\]/);
    expectNonFinite(() => entropyBonus({ entropy: bad }), /^entropyBonus: entropy\[1\]/);
    expectNonFinite(() => normalizeAdvantages(bad), /^normalizeAdvantages: advantages\[1\]/);
    expectNonFinite(() => klK1({ logProbs: a, refLogProbs: bad }), /^klK1: refLogProbs\[1\]/);
    expectNonFinite(() => klK3({ logProbs: bad, refLogProbs: a }), /^klK3: logProbs\[1\]/);
    const tokens = tf.zeros([2, 2]);
    const mask = tf.tensor2d([[1, 1], [1, 0]]);
    expectNonFinite(
      () => grpoLoss({ logProbs: tokens, oldLogProbs: tf.tensor2d([[0, NaN], [0, 0]]), advantages: v(1, -1), mask, clipRange: 0.2, beta: 0 }),
      /^grpoLoss: oldLogProbs\[0, 1\] must be finite, got NaN$/,
    );
    expectNonFinite(() => grpoLoss({ logProbs: tokens, oldLogProbs: tokens, advantages: v(Infinity, -1), mask, clipRange: 0.2, beta: 0 }), /^grpoLoss: advantages\[0\]/);
    expect(() => explainedVariance([1, 2], [1, NaN])).toThrow(/yTrue\[1\] must be finite/);
    const controller = new AdaptiveKlController({ target: 0.01, initialBeta: 1 });
    expectNonFinite(() => controller.update(NaN), /^AdaptiveKlController\.update: kl must be a finite number, got NaN$/);
  });

  it('accepts anything in masked-out padding (a -Infinity log-prob there is not an error)', () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const logProbs = tf.tensor2d([[-0.5, -Infinity], [-0.2, -0.1]]);
      const mask = tf.tensor2d([[1, 0], [1, 1]]);
      const { loss } = grpoLoss({ logProbs, oldLogProbs: logProbs, advantages: v(1, -1), mask, clipRange: 0.2, beta: 0 });
      expect(Number.isFinite(loss.dataSync()[0])).toBe(true);
      expect(Number.isFinite(clippedSurrogate({ logProbs, oldLogProbs: logProbs, advantages: tf.ones([2, 2]), clipRange: 0.2, mask }).loss.dataSync()[0])).toBe(true);
      // The same tensor without the mask is checked in full.
      expect(() => clippedSurrogate({ logProbs, oldLogProbs: logProbs, advantages: tf.ones([2, 2]), clipRange: 0.2 })).toThrow(/logProbs\[0, 1\] must be finite, got -Infinity/);
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reads each input of ppoLoss once, not again for its terms, and leaks nothing', () => {
    const before = tf.memory().numTensors;
    const reads = vi.spyOn(tf.engine(), 'readSync');
    try {
      tf.tidy(() => {
        const x = (): tf.Tensor1D => tf.tensor1d([0.1, -0.2, 0.3, 0.05]);
        ppoLoss({ logProbs: x(), oldLogProbs: x(), advantages: x(), values: x(), returns: x(), oldValues: x(), entropy: x(), clipRange: 0.2, clipRangeVf: 0.2, normalizeAdvantages: true });
      });
      // Seven inputs; the normalized advantages and the terms reuse the checks.
      expect(reads).toHaveBeenCalledTimes(7);
    } finally {
      reads.mockRestore();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
