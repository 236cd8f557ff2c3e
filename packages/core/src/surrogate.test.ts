import * as tf from '@tensorflow/tfjs';
import { Rng } from '@ppo/utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { clippedSurrogate, klPenaltySurrogate, policyGradientLoss } from './surrogate';
import { makeBatch, refClipped, refKlPenalty } from './test-references';
import { BACKENDS, checkGradient, expectClose, refMean, runNoLeak, tolerance, useBackend } from './test-utils';

describe.each(BACKENDS)('clippedSurrogate on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it.each([
    { clip: 0.2, low: 0.2, high: 0.2, n: 64, seed: 1 },
    { clip: 0.1, low: 0.1, high: 0.1, n: 33, seed: 2 },
    { clip: { low: 0.2, high: 0.28 }, low: 0.2, high: 0.28, n: 64, seed: 3 },
  ])('matches the float64 reference (clip $low/$high, n $n)', ({ clip, low, high, n, seed }) => {
    const { old, lp, adv } = makeBatch(seed, n, low, high);
    const expected = refClipped(lp, old, adv, low, high);
    const [tLp, tOld, tAdv] = [tf.tensor1d(lp), tf.tensor1d(old), tf.tensor1d(adv)];
    const out = runNoLeak(() => clippedSurrogate({ logProbs: tLp, oldLogProbs: tOld, advantages: tAdv, clipRange: clip }));
    tf.dispose([tLp, tOld, tAdv]);
    const tol = tolerance('value');
    expectClose(out.loss, expected.loss, tol, 'loss');
    expectClose(out.clipFraction, expected.clipFraction, tol, 'clipFraction');
    expectClose(out.approxKl, expected.approxKl, tol, 'approxKl');
    expectClose(out.oldApproxKl, expected.oldApproxKl, tol, 'oldApproxKl');
    // The sample has ratios on both sides of the range, so clipFraction is informative.
    expect(expected.clipFraction).toBeGreaterThan(0);
    expect(expected.clipFraction).toBeLessThan(1);
  });

  // The paper's Figure 1 / clip table: A > 0 or A < 0, ratio below, inside or above the range.
  const eps = 0.2;
  const cells = [
    { advantage: 2, ratio: 0.5, clipped: false },
    { advantage: 2, ratio: 1.1, clipped: false },
    { advantage: 2, ratio: 1.5, clipped: true },
    { advantage: -2, ratio: 0.5, clipped: true },
    { advantage: -2, ratio: 0.9, clipped: false },
    { advantage: -2, ratio: 1.5, clipped: false },
  ];

  it.each(cells)('clip-table cell A=$advantage r=$ratio: gradient zero iff clipped ($clipped)', ({ advantage, ratio, clipped }) => {
    const old = tf.tensor1d([-1.2]);
    const adv = tf.tensor1d([advantage]);
    const lp = tf.tensor1d([-1.2 + Math.log(ratio)]);
    const r = Math.exp(Math.fround(-1.2 + Math.log(ratio)) - Math.fround(-1.2));
    const f = (x: tf.Tensor) => clippedSurrogate({ logProbs: x, oldLogProbs: old, advantages: adv, clipRange: eps });
    const values = runNoLeak(() => f(lp));
    const before = tf.memory().numTensors;
    const gradTensor = tf.grad((x: tf.Tensor) => f(x).loss)(lp);
    const [grad] = gradTensor.dataSync();
    gradTensor.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const clippedRatio = Math.min(Math.max(r, 1 - eps), 1 + eps);
    expectClose(values.loss, -Math.min(r * advantage, clippedRatio * advantage), tolerance('value'), 'loss');
    if (clipped) {
      expect(grad === 0, `gradient ${grad} must be exactly 0`).toBe(true);
    } else {
      // d(-r A)/d logProbs = -r A.
      expectClose(grad, -r * advantage, tolerance('gradient'), 'unclipped gradient');
    }
    tf.dispose([old, adv, lp]);
  });

  it('clip-table cells together: per-element gradient is -r A / n or exactly 0', () => {
    const n = cells.length;
    const oldValues = cells.map((_, i) => -0.5 - 0.1 * i);
    const lpValues = cells.map((c, i) => oldValues[i] + Math.log(c.ratio));
    const old = tf.tensor1d(oldValues);
    const adv = tf.tensor1d(cells.map((c) => c.advantage));
    const lp = tf.tensor1d(lpValues);
    const gradTensor = tf.grad((x: tf.Tensor) => clippedSurrogate({ logProbs: x, oldLogProbs: old, advantages: adv, clipRange: eps }).loss)(lp);
    const grad = gradTensor.dataSync();
    cells.forEach((c, i) => {
      const r = Math.exp(Math.fround(lpValues[i]) - Math.fround(oldValues[i]));
      if (c.clipped) expect(grad[i] === 0, `cell ${i}: ${grad[i]}`).toBe(true);
      else expectClose(grad[i], (-r * c.advantage) / n, tolerance('gradient'), `cell ${i}`);
    });
    tf.dispose([old, adv, lp, gradTensor]);
  });

  it('asymmetric clipping: r = 1.25 with A > 0 is inside { low 0.2, high 0.28 } but clipped at 0.2', () => {
    const old = tf.tensor1d([0]);
    const adv = tf.tensor1d([1]);
    const lp = tf.tensor1d([Math.log(1.25)]);
    const grad = (clipRange: number | { low: number; high: number }) => {
      const g = tf.grad((x: tf.Tensor) => clippedSurrogate({ logProbs: x, oldLogProbs: old, advantages: adv, clipRange }).loss)(lp);
      const v = g.dataSync()[0];
      g.dispose();
      return v;
    };
    expect(grad(0.2) === 0).toBe(true);
    expectClose(grad({ low: 0.2, high: 0.28 }), -1.25, tolerance('gradient'), 'asymmetric gradient');
    // And below: r = 0.75 with A < 0 is clipped by low = 0.2.
    const lpLow = tf.tensor1d([Math.log(0.75)]);
    const advNeg = tf.tensor1d([-1]);
    const g = tf.grad((x: tf.Tensor) => clippedSurrogate({ logProbs: x, oldLogProbs: old, advantages: advNeg, clipRange: { low: 0.2, high: 0.28 } }).loss)(lpLow);
    expect(g.dataSync()[0] === 0).toBe(true);
    tf.dispose([old, adv, lp, lpLow, advNeg, g]);
  });

  it('gradient w.r.t. logProbs matches finite differences', () => {
    for (const [seed, low, high] of [[11, 0.2, 0.2], [12, 0.1, 0.3]] as const) {
      const { old, lp, adv } = makeBatch(seed, 16, low, high);
      const tOld = tf.tensor1d(old);
      const tAdv = tf.tensor1d(adv);
      checkGradient(
        {
          loss: (x) => clippedSurrogate({ logProbs: x, oldLogProbs: tOld, advantages: tAdv, clipRange: { low, high } }),
          reference: (x) => refClipped(x, old, adv, low, high).loss,
          x: lp,
          shape: [16],
        },
        `seed ${seed}`,
      );
      tf.dispose([tOld, tAdv]);
    }
  });

  it.each(['float32', 'int32', 'bool'] as const)('a %s mask drops elements from every term and zeroes their gradient', (dtype) => {
    const n = 24;
    const { old, lp, adv } = makeBatch(21, n, 0.2, 0.2);
    const maskValues = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0 : 1));
    // Garbage where masked: it must not reach the results.
    const lpGarbage = lp.map((v, i) => (maskValues[i] === 0 ? v + 40 : v));
    const expected = refClipped(lp, old, adv, 0.2, 0.2, maskValues);
    const tOld = tf.tensor1d(old);
    const tAdv = tf.tensor1d(adv);
    const tLp = tf.tensor1d(lpGarbage);
    const mask = tf.tensor1d(maskValues, dtype);
    const out = runNoLeak(() => clippedSurrogate({ logProbs: tLp, oldLogProbs: tOld, advantages: tAdv, clipRange: 0.2, mask }));
    const tol = tolerance('value');
    expectClose(out.loss, expected.loss, tol, 'loss');
    expectClose(out.clipFraction, expected.clipFraction, tol, 'clipFraction');
    expectClose(out.approxKl, expected.approxKl, tol, 'approxKl');
    expectClose(out.oldApproxKl, expected.oldApproxKl, tol, 'oldApproxKl');
    const g = tf.grad((x: tf.Tensor) => clippedSurrogate({ logProbs: x, oldLogProbs: tOld, advantages: tAdv, clipRange: 0.2, mask }).loss)(tLp);
    const grad = g.dataSync();
    maskValues.forEach((m, i) => {
      if (m === 0) expect(grad[i] === 0, `masked element ${i}: ${grad[i]}`).toBe(true);
    });
    tf.dispose([tOld, tAdv, tLp, mask, g]);
  });

  it('an all-zero mask gives 0 and a zero gradient, not NaN', () => {
    const lp = tf.tensor1d([-1, -2, -0.5]);
    const old = tf.tensor1d([-1.1, -1.5, -0.7]);
    const adv = tf.tensor1d([1, -1, 0.5]);
    const mask = tf.zeros([3]);
    const out = runNoLeak(() => clippedSurrogate({ logProbs: lp, oldLogProbs: old, advantages: adv, clipRange: 0.2, mask }));
    for (const key of ['loss', 'clipFraction', 'approxKl', 'oldApproxKl']) expect(Math.abs(out[key][0])).toBe(0);
    const g = tf.grad((x: tf.Tensor) => clippedSurrogate({ logProbs: x, oldLogProbs: old, advantages: adv, clipRange: 0.2, mask }).loss)(lp);
    expect(Array.from(g.dataSync()).every((v) => v === 0)).toBe(true);
    tf.dispose([lp, old, adv, mask, g]);
  });

  it('works on [B, L] tensors', () => {
    const { old, lp, adv } = makeBatch(31, 12, 0.2, 0.2);
    const expected = refClipped(lp, old, adv, 0.2, 0.2);
    const t = [tf.tensor2d(lp, [3, 4]), tf.tensor2d(old, [3, 4]), tf.tensor2d(adv, [3, 4])];
    const out = runNoLeak(() => clippedSurrogate({ logProbs: t[0], oldLogProbs: t[1], advantages: t[2], clipRange: 0.2 }));
    expectClose(out.loss, expected.loss, tolerance('value'), 'loss');
    tf.dispose(t);
  });
});

describe.each(BACKENDS)('klPenaltySurrogate on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it.each(['k1', 'k2', 'k3'] as const)('matches the reference with the %s estimator', (estimator) => {
    const { old, lp, adv } = makeBatch(41, 40, 0.2, 0.2);
    const t = [tf.tensor1d(lp), tf.tensor1d(old), tf.tensor1d(adv)];
    const out = runNoLeak(() =>
      klPenaltySurrogate({ logProbs: t[0], oldLogProbs: t[1], advantages: t[2], beta: 0.7, klEstimator: estimator }),
    );
    const expected = refKlPenalty(lp, old, adv, 0.7, estimator);
    const k3 = refKlPenalty(lp, old, adv, 0.7, 'k3');
    const k1 = refKlPenalty(lp, old, adv, 0.7, 'k1');
    const tol = tolerance('value');
    expectClose(out.loss, expected.loss, tol, 'loss');
    expectClose(out.policyLoss, expected.policyLoss, tol, 'policyLoss');
    expectClose(out.kl, expected.kl, tol, 'kl');
    expectClose(out.approxKl, k3.kl, tol, 'approxKl');
    expectClose(out.oldApproxKl, k1.kl, tol, 'oldApproxKl');
    tf.dispose(t);
  });

  it('uses a caller-provided exact KL, and its gradient flows', () => {
    const { old, lp, adv } = makeBatch(42, 10, 0.2, 0.2);
    const exact = Float32Array.from({ length: 10 }, (_, i) => 0.01 * (i + 1));
    const t = [tf.tensor1d(old), tf.tensor1d(adv), tf.tensor1d(exact), tf.tensor1d(lp)];
    const out = runNoLeak(() => klPenaltySurrogate({ logProbs: t[3], oldLogProbs: t[0], advantages: t[1], beta: 2, kl: t[2] }));
    const policyLoss = refKlPenalty(lp, old, adv, 0, 'k3').policyLoss;
    expectClose(out.kl, refMean(exact), tolerance('value'), 'kl');
    expectClose(out.loss, policyLoss + 2 * refMean(exact), tolerance('value'), 'loss');
    const g = tf.grad((k: tf.Tensor) => klPenaltySurrogate({ logProbs: t[3], oldLogProbs: t[0], advantages: t[1], beta: 2, kl: k }).loss)(t[2]);
    expectClose(g.dataSync(), new Array<number>(10).fill(2 / 10), tolerance('gradient'), 'dLoss/dKl');
    tf.dispose([...t, g]);
  });

  it.each(['k1', 'k2', 'k3'] as const)('gradient w.r.t. logProbs matches finite differences (%s)', (estimator) => {
    const { old, lp, adv } = makeBatch(43, 12, 0.2, 0.2);
    const t = [tf.tensor1d(old), tf.tensor1d(adv)];
    checkGradient(
      {
        loss: (x) => klPenaltySurrogate({ logProbs: x, oldLogProbs: t[0], advantages: t[1], beta: 1.5, klEstimator: estimator }),
        reference: (x) => refKlPenalty(x, old, adv, 1.5, estimator).loss,
        x: lp,
        shape: [12],
      },
      estimator,
    );
    tf.dispose(t);
  });

  it('masks elements out of the loss and the gradient', () => {
    const { old, lp, adv } = makeBatch(44, 9, 0.2, 0.2);
    const maskValues = [1, 0, 1, 1, 0, 0, 1, 1, 1];
    const t = [tf.tensor1d(old), tf.tensor1d(adv), tf.tensor1d(maskValues)];
    const g = checkGradient(
      {
        loss: (x) => klPenaltySurrogate({ logProbs: x, oldLogProbs: t[0], advantages: t[1], beta: 0.5, mask: t[2] }),
        reference: (x) => refKlPenalty(x, old, adv, 0.5, 'k3', maskValues).loss,
        x: lp,
        shape: [9],
      },
      'masked',
    );
    maskValues.forEach((m, i) => m === 0 && expect(g[i] === 0).toBe(true));
    tf.dispose(t);
  });
});

describe.each(BACKENDS)('policyGradientLoss on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('is -mean(logProbs * (advantages - baseline)) with the gradient of the reference', () => {
    const rng = new Rng(51);
    const n = 20;
    const lp = Float32Array.from({ length: n }, () => rng.normal(-1, 0.5));
    const ret = Float32Array.from({ length: n }, () => rng.normal(2, 1));
    const base = Float32Array.from({ length: n }, () => rng.normal(1.5, 0.5));
    const ref = (x: ArrayLike<number>, withBaseline: boolean) =>
      -refMean(Array.from(x, (v, i) => v * (ret[i] - (withBaseline ? base[i] : 0))));
    const t = [tf.tensor1d(ret), tf.tensor1d(base)];
    checkGradient({ loss: (x) => policyGradientLoss({ logProbs: x, advantages: t[0] }), reference: (x) => ref(x, false), x: lp, shape: [n] }, 'plain');
    checkGradient(
      { loss: (x) => policyGradientLoss({ logProbs: x, advantages: t[0], baseline: t[1] }), reference: (x) => ref(x, true), x: lp, shape: [n] },
      'baseline',
    );
    tf.dispose(t);
  });

  it('stops the gradient into the advantages and the baseline', () => {
    const lp = tf.tensor1d([-1, -2, -0.5]);
    const adv = tf.tensor1d([1, 2, 3]);
    const base = tf.tensor1d([0.5, 0.5, 0.5]);
    const [gAdv, gBase] = tf.grads((a: tf.Tensor, b: tf.Tensor) => policyGradientLoss({ logProbs: lp, advantages: a, baseline: b }).loss)([adv, base]);
    expect(Array.from(gAdv.dataSync()).every((v) => v === 0)).toBe(true);
    expect(Array.from(gBase.dataSync()).every((v) => v === 0)).toBe(true);
    tf.dispose([lp, adv, base, gAdv, gBase]);
  });

  it('honours a mask', () => {
    const lp = tf.tensor1d([-1, -2, -0.5, -3]);
    const adv = tf.tensor1d([1, 2, 3, 4]);
    const mask = tf.tensor1d([1, 0, 1, 0], 'int32');
    const out = runNoLeak(() => policyGradientLoss({ logProbs: lp, advantages: adv, mask }));
    expectClose(out.loss, -(-1 * 1 + -0.5 * 3) / 2, tolerance('value'), 'loss');
    tf.dispose([lp, adv, mask]);
  });
});

describe('surrogate input validation', () => {
  beforeAll(() => useBackend('cpu'));
  const a = () => tf.tensor1d([-1, -2, -3]);
  const b = () => tf.tensor1d([-1, -2]);

  it('names the argument in every error', () => {
    const [x, y, z] = [a(), a(), b()];
    const base = { logProbs: x, oldLogProbs: y, advantages: x, clipRange: 0.2 };
    expect(() => clippedSurrogate({ ...base, oldLogProbs: z })).toThrow(/oldLogProbs must have the shape of .*logProbs \[3\], got \[2\]/);
    expect(() => clippedSurrogate({ ...base, advantages: z })).toThrow(/advantages/);
    expect(() => clippedSurrogate({ ...base, clipRange: 0 })).toThrow(/clipRange must be > 0, got 0/);
    expect(() => clippedSurrogate({ ...base, clipRange: -0.1 })).toThrow(RangeError);
    expect(() => clippedSurrogate({ ...base, clipRange: Number.NaN })).toThrow(/clipRange must be a finite number, got NaN/);
    expect(() => clippedSurrogate({ ...base, clipRange: 1.5 })).toThrow(/clipRange must be in \(0, 1\]/);
    expect(() => clippedSurrogate({ ...base, clipRange: { low: 0.2, high: 0 } })).toThrow(/clipRange.high must be > 0/);
    expect(() => clippedSurrogate({ ...base, clipRange: { low: Number.NaN, high: 0.2 } })).toThrow(/clipRange.low/);
    expect(() => clippedSurrogate({ ...base, mask: z })).toThrow(/mask must have the shape/);
    expect(() => clippedSurrogate({ ...base, logProbs: [1, 2, 3] as unknown as tf.Tensor })).toThrow(/logProbs must be a tf.Tensor, got \[1,2,3\]/);
    const ints = tf.tensor1d([1, 2, 3], 'int32');
    expect(() => clippedSurrogate({ ...base, logProbs: ints })).toThrow(/logProbs must have dtype 'float32', got 'int32'/);
    const empty = tf.tensor1d([]);
    expect(() => clippedSurrogate({ ...base, logProbs: empty, oldLogProbs: empty, advantages: empty })).toThrow(/at least one element/);
    expect(() => klPenaltySurrogate({ ...base, beta: -1 })).toThrow(/beta must be >= 0, got -1/);
    expect(() => klPenaltySurrogate({ ...base, beta: Number.NaN })).toThrow(/beta must be a finite number, got NaN/);
    expect(() => klPenaltySurrogate({ ...base, beta: 1, kl: z })).toThrow(/kl must have the shape/);
    expect(() => klPenaltySurrogate({ ...base, beta: 1, klEstimator: 'k4' as 'k1' })).toThrow(/klEstimator must be one of 'k1', 'k2', 'k3', got "k4"/);
    expect(() => policyGradientLoss({ logProbs: x, advantages: z })).toThrow(/policyGradientLoss: advantages/);
    expect(() => policyGradientLoss({ logProbs: x, advantages: x, baseline: z })).toThrow(/baseline/);
    const disposed = a();
    disposed.dispose();
    expect(() => clippedSurrogate({ ...base, logProbs: disposed })).toThrow(/logProbs is a disposed tensor/);
    tf.dispose([x, y, z, ints, empty]);
  });
});
