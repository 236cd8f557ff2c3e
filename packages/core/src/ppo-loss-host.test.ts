import * as tf from '@tensorflow/tfjs';
import { Rng } from '@ppo/utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { ppoLoss } from './ppo-loss';
import { ppoLossOnHost, type HostPpoBatch } from './ppo-loss-host';
import { expectClose, numericGradient, tolerance, useBackend } from './test-utils';

/** A minibatch whose ratios straddle the clip range and whose values straddle the value clip. */
function randomBatch(seed: number, n: number): HostPpoBatch {
  const rng = new Rng(seed);
  const f = (g: () => number) => Float32Array.from({ length: n }, g);
  const oldLogProbs = f(() => -Math.abs(rng.nextNormal()));
  const oldValues = f(() => rng.nextNormal());
  return {
    oldLogProbs,
    logProbs: oldLogProbs.map((x) => x + 0.3 * rng.nextNormal()),
    entropy: f(() => 0.5 + rng.nextFloat()),
    oldValues,
    values: oldValues.map((x) => x + 0.4 * rng.nextNormal()),
    advantages: f(() => rng.nextNormal()),
    returns: f(() => rng.nextNormal()),
    size: n,
  };
}

const SETTINGS = [
  { clipRange: 0.2, clipRangeVf: 0.2, vfCoef: 0.5, entCoef: 0.01, normalizeAdvantages: true },
  { clipRange: 0.1, vfCoef: 1, entCoef: 0, normalizeAdvantages: false },
  { clipRange: { low: 0.2, high: 0.28 }, clipRangeVf: 0.5, vfCoef: 0.25, entCoef: 0.05, normalizeAdvantages: true },
] as const;

describe('ppoLossOnHost against ppoLoss (tfjs autodiff, float32)', () => {
  beforeAll(() => useBackend('cpu'));

  for (const [k, options] of SETTINGS.entries()) {
    for (const n of [1, 7, 128]) {
      it(`setting ${k}, batch ${n}: loss, metrics and gradients agree`, () => {
        const batch = randomBatch(100 * k + n, n);
        const host = ppoLossOnHost(batch, options);
        const t = (x: ArrayLike<number>) => tf.tensor1d(Float32Array.from(x));
        const constants = { oldLogProbs: t(batch.oldLogProbs), oldValues: t(batch.oldValues), advantages: t(batch.advantages), returns: t(batch.returns) };
        const f = (logProbs: tf.Tensor, entropy: tf.Tensor, values: tf.Tensor) => ppoLoss({ ...constants, logProbs, entropy, values, ...options });
        const inputs = [t(batch.logProbs), t(batch.entropy), t(batch.values)];
        const { loss, metrics } = f(inputs[0], inputs[1], inputs[2]);
        const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => f(a, b, c).loss)(inputs);
        const tol = tolerance('value');
        expectClose(host.loss, loss.dataSync()[0], tol, 'loss');
        expect(Object.keys(host.metrics)).toEqual(Object.keys(metrics));
        for (const [name, value] of Object.entries(metrics)) expectClose(host.metrics[name], value.dataSync()[0], tol, name);
        expectClose(host.dLogProbs, grads[0].dataSync(), tolerance('gradient'), 'dLogProbs');
        expectClose(host.dEntropy, grads[1].dataSync(), tolerance('gradient'), 'dEntropy');
        expectClose(host.dValues, grads[2].dataSync(), tolerance('gradient'), 'dValues');
        tf.dispose([loss, ...Object.values(metrics), ...grads, ...inputs, ...Object.values(constants)]);
      });
    }
  }

  it('gradients match central differences of its own float64 loss away from the clip kinks', () => {
    // Ratios near 1 and values near the old ones keep every sample inside both clip ranges.
    const base = randomBatch(7, 9);
    const batch = { ...base, logProbs: Float64Array.from(base.oldLogProbs, (x, i) => x + 0.01 * Math.sin(i)), values: Float64Array.from(base.oldValues, (x, i) => x + 0.01 * Math.cos(i)) };
    const options = SETTINGS[0];
    const host = ppoLossOnHost(batch, options);
    const lossOf = (key: 'logProbs' | 'entropy' | 'values') => (x: Float64Array) => ppoLossOnHost({ ...batch, [key]: x }, options).loss;
    const tol = tolerance('gradient');
    expectClose(host.dLogProbs, numericGradient(lossOf('logProbs'), batch.logProbs, 1e-6), tol, 'dLogProbs');
    expectClose(host.dEntropy, numericGradient(lossOf('entropy'), batch.entropy, 1e-6), tol, 'dEntropy');
    expectClose(host.dValues, numericGradient(lossOf('values'), batch.values, 1e-6), tol, 'dValues');
  });

  it('names a short array and a bad hyperparameter', () => {
    const batch = randomBatch(1, 4);
    expect(() => ppoLossOnHost({ ...batch, returns: new Float32Array(3) }, { clipRange: 0.2 })).toThrow(/batch\.returns must hold at least 4 values, got 3/);
    expect(() => ppoLossOnHost(batch, { clipRange: 0 })).toThrow(/ppoLossOnHost: clipRange/);
    expect(() => ppoLossOnHost(batch, { clipRange: 0.2, vfCoef: -1 })).toThrow(/ppoLossOnHost: vfCoef/);
  });
});
