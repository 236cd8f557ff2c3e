import * as tf from '@tensorflow/tfjs';
import { Rng } from '@ppo/utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { type GrpoAggregation, grpoLoss } from './grpo';
import { BACKENDS, checkGradient, expectClose, runNoLeak, tolerance, useBackend } from './test-utils';

const B = 4;
const L = 7;
// Row 0: prompt of 2 then 5 completion tokens; row 1: 3 tokens then padding; row 2: empty
// completion; row 3: every slot kept.
const MASK = [
  [0, 0, 1, 1, 1, 1, 1],
  [1, 1, 1, 0, 0, 0, 0],
  [0, 0, 0, 0, 0, 0, 0],
  [1, 1, 1, 1, 1, 1, 1],
].flat();

interface RefOptions {
  lp: ArrayLike<number>;
  old: ArrayLike<number>;
  ref?: ArrayLike<number>;
  adv: ArrayLike<number>;
  low: number;
  high: number;
  beta: number;
  aggregation: GrpoAggregation;
  maxLength?: number;
}

/** Independent float64 GRPO with explicit loops over completions and tokens. */
function refGrpo(o: RefOptions) {
  const perToken = (b: number, t: number, withKl: boolean) => {
    const i = b * L + t;
    const logR = o.lp[i] - o.old[i];
    const r = Math.exp(logR);
    const a = o.adv.length === B ? o.adv[b] : o.adv[i];
    const clippedR = Math.min(Math.max(r, 1 - o.low), 1 + o.high);
    let loss = -Math.min(r * a, clippedR * a);
    if (withKl && o.ref !== undefined) {
      const x = o.ref[i] - o.lp[i];
      loss += o.beta * (Math.exp(x) - 1 - x);
    }
    return loss;
  };
  const aggregate = (withKl: boolean) => {
    let total = 0;
    let tokens = 0;
    let sequenceMeans = 0;
    for (let b = 0; b < B; b++) {
      let rowSum = 0;
      let rowCount = 0;
      for (let t = 0; t < L; t++) {
        if (MASK[b * L + t] === 0) continue;
        rowSum += perToken(b, t, withKl);
        rowCount += 1;
      }
      total += rowSum;
      tokens += rowCount;
      sequenceMeans += rowCount === 0 ? 0 : rowSum / rowCount;
    }
    if (o.aggregation === 'token-mean') return total / tokens;
    if (o.aggregation === 'sequence-mean') return sequenceMeans / B;
    return total / (B * (o.maxLength ?? L));
  };
  let kl = 0;
  let clipped = 0;
  let approxKl = 0;
  let tokens = 0;
  for (let i = 0; i < B * L; i++) {
    if (MASK[i] === 0) continue;
    tokens += 1;
    const logR = o.lp[i] - o.old[i];
    const r = Math.exp(logR);
    if (r < 1 - o.low || r > 1 + o.high) clipped += 1;
    approxKl += r - 1 - logR;
    if (o.ref !== undefined) kl += Math.exp(o.ref[i] - o.lp[i]) - 1 - (o.ref[i] - o.lp[i]);
  }
  return { loss: aggregate(true), policyLoss: aggregate(false), kl: kl / tokens, clipFraction: clipped / tokens, approxKl: approxKl / tokens };
}

function makeTokens(seed: number, low: number, high: number) {
  const rng = new Rng(seed);
  const n = B * L;
  const old = new Float32Array(n);
  const lp = new Float32Array(n);
  const ref = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    old[i] = rng.normal(-2, 1);
    let logR: number;
    do logR = rng.normal(0, 0.3);
    while (Math.abs(logR - Math.log(1 - low)) < 0.03 || Math.abs(logR - Math.log(1 + high)) < 0.03);
    lp[i] = old[i] + logR;
    ref[i] = lp[i] + rng.normal(0, 0.2);
    // Padding holds arbitrary finite junk.
    if (MASK[i] === 0) lp[i] = 30 * rng.nextFloat();
  }
  const adv = Float32Array.from({ length: B }, (_, b) => [1.2, -0.7, 0.4, -1.5][b]);
  return { old, lp, ref, adv };
}

const AGGREGATIONS = ['sequence-mean', 'token-mean', 'fixed-length'] as const;

describe.each(BACKENDS)('grpoLoss on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it.each(AGGREGATIONS)('%s matches the float64 reference', (aggregation) => {
    const low = 0.2;
    const high = 0.28;
    const { old, lp, ref, adv } = makeTokens(5, low, high);
    const t = {
      logProbs: tf.tensor2d(lp, [B, L]),
      oldLogProbs: tf.tensor2d(old, [B, L]),
      refLogProbs: tf.tensor2d(ref, [B, L]),
      advantages: tf.tensor1d(adv),
      mask: tf.tensor2d(MASK, [B, L]),
    };
    const out = runNoLeak(() => grpoLoss({ ...t, clipRange: { low, high }, beta: 0.04, aggregation }));
    const expected = refGrpo({ lp, old, ref, adv, low, high, beta: 0.04, aggregation });
    const tol = tolerance('value');
    for (const key of ['loss', 'policyLoss', 'kl', 'clipFraction', 'approxKl'] as const) {
      expectClose(out[key], expected[key], tol, key);
    }
    expect(expected.clipFraction).toBeGreaterThan(0);
    tf.dispose(Object.values(t));
  });

  it('the three aggregations differ on ragged masks, and fixed-length honours maxLength', () => {
    const { old, lp, ref, adv } = makeTokens(6, 0.2, 0.2);
    const t = {
      logProbs: tf.tensor2d(lp, [B, L]),
      oldLogProbs: tf.tensor2d(old, [B, L]),
      refLogProbs: tf.tensor2d(ref, [B, L]),
      advantages: tf.tensor1d(adv),
      mask: tf.tensor2d(MASK, [B, L], 'int32'),
    };
    const losses = AGGREGATIONS.map((aggregation) => runNoLeak(() => grpoLoss({ ...t, clipRange: 0.2, beta: 0.1, aggregation })).loss[0]);
    expect(new Set(losses.map((v) => v.toFixed(5))).size).toBe(3);
    const long = runNoLeak(() => grpoLoss({ ...t, clipRange: 0.2, beta: 0.1, aggregation: 'fixed-length', maxLength: 20 }));
    expectClose(long.loss, refGrpo({ lp, old, ref, adv, low: 0.2, high: 0.2, beta: 0.1, aggregation: 'fixed-length', maxLength: 20 }).loss, tolerance('value'), 'maxLength 20');
    tf.dispose(Object.values(t));
  });

  it('a [B] advantage equals the same advantage repeated over [B, L]', () => {
    const { old, lp, ref, adv } = makeTokens(7, 0.2, 0.2);
    const perToken = Float32Array.from({ length: B * L }, (_, i) => adv[Math.floor(i / L)]);
    const t = {
      logProbs: tf.tensor2d(lp, [B, L]),
      oldLogProbs: tf.tensor2d(old, [B, L]),
      refLogProbs: tf.tensor2d(ref, [B, L]),
      mask: tf.tensor2d(MASK, [B, L], 'bool'),
    };
    const a1 = tf.tensor1d(adv);
    const a2 = tf.tensor2d(perToken, [B, L]);
    const x = runNoLeak(() => grpoLoss({ ...t, advantages: a1, clipRange: 0.2, beta: 0.04 }));
    const y = runNoLeak(() => grpoLoss({ ...t, advantages: a2, clipRange: 0.2, beta: 0.04 }));
    expectClose(x.loss, y.loss, tolerance('value'), 'loss');
    expectClose(y.loss, refGrpo({ lp, old, ref, adv: perToken, low: 0.2, high: 0.2, beta: 0.04, aggregation: 'sequence-mean' }).loss, tolerance('value'), 'ref');
    tf.dispose([...Object.values(t), a1, a2]);
  });

  it.each(AGGREGATIONS)('%s gradient matches finite differences and is zero on masked tokens', (aggregation) => {
    const { old, lp, ref, adv } = makeTokens(8, 0.2, 0.28);
    // Junk far from the data would make the float32 differences of the whole loss coarse; the
    // masked-junk case is covered by the value test.
    MASK.forEach((m, i) => m === 0 && (lp[i] = old[i]));
    const t = {
      oldLogProbs: tf.tensor2d(old, [B, L]),
      refLogProbs: tf.tensor2d(ref, [B, L]),
      advantages: tf.tensor1d(adv),
      mask: tf.tensor2d(MASK, [B, L]),
    };
    const g = checkGradient(
      {
        loss: (x) => grpoLoss({ ...t, logProbs: x, clipRange: { low: 0.2, high: 0.28 }, beta: 0.3, aggregation }),
        reference: (x) => refGrpo({ lp: x, old, ref, adv, low: 0.2, high: 0.28, beta: 0.3, aggregation }).loss,
        x: lp,
        shape: [B, L],
      },
      aggregation,
    );
    MASK.forEach((m, i) => m === 0 && expect(g[i] === 0, `masked token ${i}: ${g[i]}`).toBe(true));
    tf.dispose(Object.values(t));
  });

  it('on-policy with beta 0 (no reference model) the gradient is -A_b / (B |o_b|) per kept token', () => {
    const { lp, adv } = makeTokens(9, 0.2, 0.2);
    const t = { oldLogProbs: tf.tensor2d(lp, [B, L]), advantages: tf.tensor1d(adv), mask: tf.tensor2d(MASK, [B, L]) };
    const x = tf.tensor2d(lp, [B, L]);
    const out = runNoLeak(() => grpoLoss({ ...t, logProbs: x, clipRange: 0.2, beta: 0 }));
    expect(out.kl).toBeUndefined();
    expectClose(out.loss, out.policyLoss, tolerance('value'), 'loss = policyLoss');
    const g = tf.grad((v: tf.Tensor) => grpoLoss({ ...t, logProbs: v, clipRange: 0.2, beta: 0 }).loss)(x);
    const grad = g.dataSync();
    const expected = MASK.map((m, i) => {
      const b = Math.floor(i / L);
      const count = MASK.slice(b * L, b * L + L).reduce((s, v) => s + v, 0);
      return m === 0 ? 0 : -adv[b] / (B * count);
    });
    expectClose(grad, expected, tolerance('gradient'), 'grad');
    tf.dispose([...Object.values(t), x, g]);
  });

  it('validates its arguments, naming them', () => {
    const m = tf.ones([2, 3]);
    const a = tf.ones([2]);
    const base = { logProbs: m, oldLogProbs: m, refLogProbs: m, advantages: a, mask: m, clipRange: 0.2, beta: 0.04 };
    const v3 = tf.ones([3]);
    const r3 = tf.ones([2, 3, 1]);
    const wrong = tf.ones([2, 4]);
    expect(() => grpoLoss({ ...base, logProbs: v3 })).toThrow(/grpoLoss: logProbs must have rank 2 \[B, L\], got shape \[3\]/);
    expect(() => grpoLoss({ ...base, logProbs: r3 })).toThrow(/rank 2/);
    expect(() => grpoLoss({ ...base, advantages: v3 })).toThrow(/advantages must have shape \[2\] or \[2, 3\], got \[3\]/);
    expect(() => grpoLoss({ ...base, oldLogProbs: wrong })).toThrow(/oldLogProbs must have the shape/);
    expect(() => grpoLoss({ ...base, mask: wrong })).toThrow(/mask must have the shape/);
    expect(() => grpoLoss({ ...base, mask: undefined as unknown as tf.Tensor })).toThrow(/mask is required/);
    expect(() => grpoLoss({ ...base, refLogProbs: undefined })).toThrow(/refLogProbs is required when beta > 0/);
    expect(() => grpoLoss({ ...base, beta: -0.1 })).toThrow(/beta must be >= 0, got -0.1/);
    expect(() => grpoLoss({ ...base, beta: Number.NaN })).toThrow(/beta must be a finite number, got NaN/);
    expect(() => grpoLoss({ ...base, clipRange: 0 })).toThrow(/clipRange must be > 0/);
    expect(() => grpoLoss({ ...base, aggregation: 'mean' as GrpoAggregation })).toThrow(/aggregation must be one of 'sequence-mean', 'token-mean', 'fixed-length', got "mean"/);
    expect(() => grpoLoss({ ...base, maxLength: 10 })).toThrow(/maxLength is used only with aggregation 'fixed-length'/);
    expect(() => grpoLoss({ ...base, aggregation: 'fixed-length', maxLength: 0 })).toThrow(/maxLength must be a positive integer, got 0/);
    expect(() => grpoLoss({ ...base, aggregation: 'fixed-length', maxLength: 2.5 })).toThrow(/maxLength must be a positive integer/);
    tf.dispose([m, a, v3, r3, wrong]);
  });
});
