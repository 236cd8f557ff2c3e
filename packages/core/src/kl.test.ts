import * as tf from '@tensorflow/tfjs';
import { Rng } from '@ppo/utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdaptiveKlController, klK1, klK2, klK3 } from './kl';
import { BACKENDS, checkGradient, expectClose, refMean, runNoLeak, tolerance, useBackend } from './test-utils';

function sample(seed: number, n: number) {
  const rng = new Rng(seed);
  const lp = Float32Array.from({ length: n }, () => rng.normal(-2, 1));
  const ref = Float32Array.from(lp, (v) => v + rng.normal(0, 0.4));
  return { lp, ref };
}

describe.each(BACKENDS)('KL estimators on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  const refs = {
    k1: (lp: number, ref: number) => lp - ref,
    k2: (lp: number, ref: number) => 0.5 * (ref - lp) ** 2,
    k3: (lp: number, ref: number) => Math.exp(ref - lp) - 1 - (ref - lp),
  };
  const fns = { k1: klK1, k2: klK2, k3: klK3 };

  it.each(['k1', 'k2', 'k3'] as const)('%s matches the per-element reference, including tiny log ratios', (name) => {
    const { lp, ref } = sample(7, 50);
    // Near r = 1 the k3 of a float32 `exp(x) - 1 - x` would be all rounding; expm1 keeps it.
    lp[0] = -1;
    ref[0] = Math.fround(-1 + 1e-3);
    const [tLp, tRef] = [tf.tensor2d(lp, [5, 10]), tf.tensor2d(ref, [5, 10])];
    const out = runNoLeak(() => fns[name]({ logProbs: tLp, refLogProbs: tRef }));
    expectClose(out.result, Array.from(lp, (v, i) => refs[name](v, ref[i])), tolerance('value'), name);
    tf.dispose([tLp, tRef]);
  });

  it('k3 is non-negative and its mean approaches KL(p || q) for samples from p', () => {
    // p = N(0, 1), q = N(0.5, 1.2^2) as log-densities at samples x ~ p; exact KL in closed form.
    const rng = new Rng(99);
    const n = 20000;
    const logP = new Float32Array(n);
    const logQ = new Float32Array(n);
    const logNormal = (x: number, m: number, s: number) => -0.5 * ((x - m) / s) ** 2 - Math.log(s) - 0.5 * Math.log(2 * Math.PI);
    for (let i = 0; i < n; i++) {
      const x = rng.nextNormal();
      logP[i] = logNormal(x, 0, 1);
      logQ[i] = logNormal(x, 0.5, 1.2);
    }
    const exact = Math.log(1.2) + (1 + 0.25) / (2 * 1.44) - 0.5;
    const [tP, tQ] = [tf.tensor1d(logP), tf.tensor1d(logQ)];
    const k3 = runNoLeak(() => klK3({ logProbs: tP, refLogProbs: tQ })).result;
    const k1 = runNoLeak(() => klK1({ logProbs: tP, refLogProbs: tQ })).result;
    expect(k3.every((v) => v >= 0)).toBe(true);
    // Monte-Carlo error at n = 20000 is about 0.003 for both; 0.01 is > 3 standard errors.
    expect(Math.abs(refMean(k3) - exact)).toBeLessThan(0.01);
    expect(Math.abs(refMean(k1) - exact)).toBeLessThan(0.01);
    tf.dispose([tP, tQ]);
  });

  it.each(['k1', 'k2', 'k3'] as const)('%s gradient w.r.t. logProbs matches finite differences', (name) => {
    const { lp, ref } = sample(8, 10);
    const tRef = tf.tensor1d(ref);
    checkGradient(
      {
        loss: (x) => {
          // Returned too, so that the leak check disposes it.
          const perElement = fns[name]({ logProbs: x, refLogProbs: tRef });
          return { loss: tf.sum(perElement), perElement };
        },
        reference: (x) => Array.from(x).reduce((acc, v, i) => acc + refs[name](v, ref[i]), 0),
        x: lp,
        shape: [10],
      },
      name,
    );
    tf.dispose(tRef);
  });

  it('rejects mismatched shapes and non-tensors, naming the argument', () => {
    const a = tf.tensor1d([1, 2]);
    const b = tf.tensor1d([1, 2, 3]);
    expect(() => klK3({ logProbs: a, refLogProbs: b })).toThrow(/klK3: refLogProbs must have the shape of klK3: logProbs \[2\], got \[3\]/);
    expect(() => klK1({ logProbs: a, refLogProbs: null as unknown as tf.Tensor })).toThrow(/klK1: refLogProbs must be a tf.Tensor, got null/);
    tf.dispose([a, b]);
  });
});

describe('AdaptiveKlController', () => {
  it('follows the paper rule on a sequence of measured KLs', () => {
    const target = 0.01;
    const c = new AdaptiveKlController({ target, initialBeta: 1 });
    // Hand-computed: thresholds are target / 1.5 = 0.00667 and target * 1.5 = 0.015, strict.
    const steps: Array<[number, number]> = [
      [0.001, 0.5],
      [0.02, 1],
      [0.01, 1],
      [target / 1.5, 1],
      [target * 1.5, 1],
      [0.006, 0.5],
      [0.005, 0.25],
      [0.016, 0.5],
      [1, 1],
      [0.5, 2],
      [0.012, 2],
      [-0.001, 1],
    ];
    for (const [kl, beta] of steps) {
      expect(c.update(kl)).toBe(beta);
      expect(c.beta).toBe(beta);
    }
    expect(c.target).toBe(target);
  });

  it('round-trips its state through JSON and continues identically', () => {
    const a = new AdaptiveKlController({ target: 0.003, initialBeta: 3 });
    a.update(0.1);
    a.update(0.1);
    const saved = JSON.parse(JSON.stringify(a.getState())) as ReturnType<AdaptiveKlController['getState']>;
    expect(saved).toEqual({ target: 0.003, beta: 12 });
    const b = AdaptiveKlController.fromState(saved);
    const c = new AdaptiveKlController({ target: 1, initialBeta: 1 });
    c.setState(saved);
    for (const kl of [0.0001, 0.003, 0.01, 0.001]) {
      const expected = a.update(kl);
      expect(b.update(kl)).toBe(expected);
      expect(c.update(kl)).toBe(expected);
    }
  });

  it('validates its options, updates and states', () => {
    expect(() => new AdaptiveKlController({ target: 0, initialBeta: 1 })).toThrow(/target must be > 0, got 0/);
    expect(() => new AdaptiveKlController({ target: Number.NaN, initialBeta: 1 })).toThrow(/target must be a finite number, got NaN/);
    expect(() => new AdaptiveKlController({ target: 0.01, initialBeta: -1 })).toThrow(/initialBeta must be > 0, got -1/);
    const c = new AdaptiveKlController({ target: 0.01, initialBeta: 1 });
    expect(() => c.update(Number.NaN)).toThrow(/update: kl must be a finite number, got NaN/);
    expect(() => c.update(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => c.setState({ target: 0.01, beta: 0 })).toThrow(/state.beta must be > 0/);
    expect(c.beta).toBe(1);
  });
});
