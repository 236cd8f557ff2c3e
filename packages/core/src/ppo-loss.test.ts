import * as tf from '@tensorflow/tfjs';
import { Rng } from '@ppo/utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { ppoLoss } from './ppo-loss';
import { makeBatch, makeValues, refClipped, refNormalize, refValueLoss } from './test-references';
import { BACKENDS, checkGradient, expectClose, refMean, runNoLeak, tolerance, useBackend } from './test-utils';

const TERM_NAMES = [
  'policyLoss',
  'valueLoss',
  'entropy',
  'approxKl',
  'oldApproxKl',
  'clipFraction',
];

function makeData(seed: number, n: number) {
  const { old, lp, adv } = makeBatch(seed, n, 0.2, 0.2);
  const values = makeValues(seed + 1000, n, 0.2);
  const rng = new Rng(seed + 2000);
  const entropy = Float32Array.from({ length: n }, () => rng.uniform(0.1, 1.5));
  return { old, lp, adv, v: values.v, oldV: values.old, ret: values.ret, entropy };
}

describe.each(BACKENDS)('ppoLoss on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it.each([
    { vfCoef: 0.5, entCoef: 0.01, clipRangeVf: 0.2, normalize: false, masked: false },
    { vfCoef: 1, entCoef: 0, clipRangeVf: undefined, normalize: true, masked: false },
    { vfCoef: 0.25, entCoef: 0.05, clipRangeVf: 0.2, normalize: true, masked: true },
  ])('combines the terms: c1 $vfCoef, c2 $entCoef, vf clip $clipRangeVf, normalize $normalize, mask $masked', (c) => {
    const n = 40;
    const d = makeData(17, n);
    const maskValues = c.masked ? Array.from({ length: n }, (_, i) => (i % 5 === 2 ? 0 : 1)) : undefined;
    const t = {
      logProbs: tf.tensor1d(d.lp),
      oldLogProbs: tf.tensor1d(d.old),
      advantages: tf.tensor1d(d.adv),
      values: tf.tensor1d(d.v),
      oldValues: tf.tensor1d(d.oldV),
      returns: tf.tensor1d(d.ret),
      entropy: tf.tensor1d(d.entropy),
    };
    const mask = maskValues === undefined ? undefined : tf.tensor1d(maskValues);
    const out = runNoLeak(() =>
      ppoLoss({ ...t, mask, clipRange: 0.2, clipRangeVf: c.clipRangeVf, vfCoef: c.vfCoef, entCoef: c.entCoef, normalizeAdvantages: c.normalize }),
    );
    expect(Object.keys(out).sort()).toEqual(['loss', ...TERM_NAMES].sort());
    const adv = c.normalize ? refNormalize(d.adv, 1e-8, maskValues) : d.adv;
    const policy = refClipped(d.lp, d.old, adv, 0.2, 0.2, maskValues);
    const value = refValueLoss(d.v, d.ret, d.oldV, c.clipRangeVf, maskValues);
    const entropy = refMean(d.entropy, maskValues);
    const tol = tolerance('value');
    expectClose(out['policyLoss'], policy.loss, tol, 'policy_loss');
    expectClose(out['valueLoss'], value, tol, 'value_loss');
    expectClose(out['entropy'], entropy, tol, 'entropy');
    expectClose(out['approxKl'], policy.approxKl, tol, 'approx_kl');
    expectClose(out['oldApproxKl'], policy.oldApproxKl, tol, 'old_approx_kl');
    expectClose(out['clipFraction'], policy.clipFraction, tol, 'clipfrac');
    expectClose(out.loss, policy.loss + c.vfCoef * value - c.entCoef * entropy, tol, 'loss');
    tf.dispose([...Object.values(t), ...(mask === undefined ? [] : [mask])]);
  });

  it('gradients w.r.t. logProbs, values and entropy match finite differences', () => {
    const n = 12;
    const d = makeData(23, n);
    const t = {
      logProbs: tf.tensor1d(d.lp),
      oldLogProbs: tf.tensor1d(d.old),
      advantages: tf.tensor1d(d.adv),
      values: tf.tensor1d(d.v),
      oldValues: tf.tensor1d(d.oldV),
      returns: tf.tensor1d(d.ret),
      entropy: tf.tensor1d(d.entropy),
    };
    const hyper = { clipRange: 0.2, clipRangeVf: 0.2, vfCoef: 0.5, entCoef: 0.01 } as const;
    const total = (lp: ArrayLike<number>, v: ArrayLike<number>, h: ArrayLike<number>) =>
      refClipped(lp, d.old, d.adv, 0.2, 0.2).loss + 0.5 * refValueLoss(v, d.ret, d.oldV, 0.2) - 0.01 * refMean(h);
    checkGradient({ loss: (x) => ppoLoss({ ...t, ...hyper, logProbs: x }), reference: (x) => total(x, d.v, d.entropy), x: d.lp, shape: [n] }, 'logProbs');
    checkGradient({ loss: (x) => ppoLoss({ ...t, ...hyper, values: x }), reference: (x) => total(d.lp, x, d.entropy), x: d.v, shape: [n] }, 'values');
    checkGradient({ loss: (x) => ppoLoss({ ...t, ...hyper, entropy: x }), reference: (x) => total(d.lp, d.v, x), x: d.entropy, shape: [n] }, 'entropy');
    tf.dispose(Object.values(t));
  });

  it('drives optimizer.minimize without leaking tensors between steps', () => {
    const n = 16;
    const d = makeData(29, n);
    const logits = tf.variable(tf.tensor1d(d.lp));
    const values = tf.variable(tf.tensor1d(d.v));
    const data = {
      oldLogProbs: tf.tensor1d(d.old),
      advantages: tf.tensor1d(d.adv),
      oldValues: tf.tensor1d(d.oldV),
      returns: tf.tensor1d(d.ret),
      entropy: tf.tensor1d(d.entropy),
    };
    const optimizer = tf.train.adam(1e-2);
    const step = () => {
      const cost = optimizer.minimize(() => ppoLoss({ ...data, logProbs: logits, values, clipRange: 0.2, clipRangeVf: 0.2 }).loss, true);
      const value = cost?.dataSync()[0] ?? Number.NaN;
      cost?.dispose();
      return value;
    };
    const first = step(); // creates Adam's slot variables
    const after = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 5; i++) last = step();
    expect(tf.memory().numTensors).toBe(after);
    expect(last).toBeLessThan(first);
    optimizer.dispose();
    tf.dispose([logits, values, ...Object.values(data)]);
  });

  it('validates its own arguments and names them', () => {
    const x = tf.tensor1d([-1, -2]);
    const base = { logProbs: x, oldLogProbs: x, advantages: x, values: x, returns: x, entropy: x, clipRange: 0.2 };
    expect(() => ppoLoss({ ...base, vfCoef: -1 })).toThrow(/ppoLoss: vfCoef must be >= 0, got -1/);
    expect(() => ppoLoss({ ...base, entCoef: Number.NaN })).toThrow(/ppoLoss: entCoef must be a finite number, got NaN/);
    expect(() => ppoLoss({ ...base, normalizeAdvantages: 1 as unknown as boolean })).toThrow(/ppoLoss: normalizeAdvantages must be a boolean/);
    expect(() => ppoLoss({ ...base, clipRangeVf: 0.2 })).toThrow(/ppoLoss: oldValues is required when clipRangeVf is set \(got clipRangeVf 0.2\)/);
    expect(() => ppoLoss({ ...base, oldValues: x, clipRangeVf: -1 })).toThrow(/ppoLoss: clipRangeVf must be > 0, got -1/);
    expect(() => ppoLoss({ ...base, clipRange: 0 })).toThrow(/ppoLoss: clipRange must be > 0, got 0/);
    expect(() => ppoLoss({ ...base, clipRange: { low: 1.5, high: 0.2 } })).toThrow(/ppoLoss: clipRange.low must be in \(0, 1\], got 1.5/);
    expect(() => ppoLoss({ ...base, values: [1, 2] as unknown as tf.Tensor })).toThrow(/ppoLoss: values must be a tf.Tensor, got \[1,2\]/);
    const before = tf.memory().numTensors;
    const y = tf.tensor1d([1, 2, 3]);
    const ints = tf.tensor1d([1, 2], 'int32');
    for (const name of ['oldLogProbs', 'advantages', 'values', 'returns', 'entropy', 'oldValues'] as const) {
      expect(() => ppoLoss({ ...base, [name]: y })).toThrow(
        new RegExp(`^ppoLoss: ${name} must have the shape of ppoLoss: logProbs \\[2\\], got \\[3\\]$`),
      );
      expect(() => ppoLoss({ ...base, [name]: ints })).toThrow(new RegExp(`^ppoLoss: ${name} must have dtype 'float32', got 'int32'$`));
    }
    expect(() => ppoLoss({ ...base, mask: y })).toThrow(/^ppoLoss: mask must have the shape of ppoLoss: logProbs/);
    expect(() => ppoLoss({ ...base, normalizeAdvantages: true, mask: y })).toThrow(/^ppoLoss: mask/);
    ints.dispose();
    y.dispose();
    // Every argument is rejected before anything is computed, so nothing is left behind.
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
