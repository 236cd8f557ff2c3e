import * as tf from '@tensorflow/tfjs';
import { Rng } from '@ppo/utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { explainedVariance } from './explained-variance';
import { useBackend } from './test-utils';

/** Textbook formula with population variances, float64, written independently. */
function refExplainedVariance(pred: ArrayLike<number>, truth: ArrayLike<number>): number {
  const n = truth.length;
  const mean = (f: (i: number) => number) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += f(i);
    return s / n;
  };
  const mt = mean((i) => truth[i]);
  const md = mean((i) => truth[i] - pred[i]);
  const varT = mean((i) => (truth[i] - mt) ** 2);
  const varD = mean((i) => (truth[i] - pred[i] - md) ** 2);
  return 1 - varD / varT;
}

describe('explainedVariance', () => {
  beforeAll(() => useBackend('cpu'));

  it('matches the reference on random data, for every accepted input type', () => {
    const rng = new Rng(13);
    const truth = Float32Array.from({ length: 500 }, () => rng.normal(3, 2));
    const pred = Float32Array.from(truth, (v) => 0.8 * v + rng.normal(0, 0.7));
    const expected = refExplainedVariance(pred, truth);
    expect(expected).toBeGreaterThan(0.5);
    expect(explainedVariance(pred, truth)).toBeCloseTo(expected, 12);
    expect(explainedVariance(Float64Array.from(pred), Array.from(truth))).toBeCloseTo(expected, 12);
    const before = tf.memory().numTensors;
    const [tp, tt] = [tf.tensor1d(pred), tf.tensor1d(truth)];
    expect(explainedVariance(tp, tt)).toBeCloseTo(expected, 12);
    tf.dispose([tp, tt]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is 1 for a perfect prediction, 0 for the mean, negative for worse, NaN for a constant target', () => {
    const truth = [1, 2, 3, 4];
    expect(explainedVariance(truth, truth)).toBe(1);
    expect(explainedVariance([2.5, 2.5, 2.5, 2.5], truth)).toBe(0);
    expect(explainedVariance([4, 3, 2, 1], truth)).toBeLessThan(0);
    expect(explainedVariance([1, 2, 3], [0.1, 0.1, 0.1])).toBeNaN();
    expect(explainedVariance([5], [7])).toBeNaN();
  });

  it('accumulates in float64: a large offset does not destroy the result', () => {
    const rng = new Rng(14);
    const truth = Float64Array.from({ length: 1000 }, () => 1e7 + rng.normal(0, 1));
    const pred = Float64Array.from(truth, (v) => v + rng.normal(0, 0.5));
    const expected = refExplainedVariance(pred, truth);
    expect(expected).toBeGreaterThan(0.6);
    expect(explainedVariance(pred, truth)).toBeCloseTo(expected, 8);
  });

  it('validates its arguments, naming them', () => {
    expect(() => explainedVariance([1, 2], [1, 2, 3])).toThrow(/explainedVariance: yPred must have the length of yTrue \(3\), got 2/);
    expect(() => explainedVariance([], [])).toThrow(/yTrue must have at least one element/);
    expect(() => explainedVariance([1, Number.NaN], [1, 2])).toThrow(/yPred\[1\] must be finite, got NaN/);
    expect(() => explainedVariance([1, 2], [Number.POSITIVE_INFINITY, 2])).toThrow(/yTrue\[0\] must be finite/);
    expect(() => explainedVariance('abc' as unknown as number[], [1])).toThrow(/yPred must be a Float32Array, Float64Array, number\[\] or tf.Tensor, got string/);
  });
});
