import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeValues, refValueLoss } from './test-references';
import { BACKENDS, checkGradient, expectClose, refMean, runNoLeak, tolerance, useBackend } from './test-utils';
import { entropyBonus, valueLoss } from './value';

describe.each(BACKENDS)('valueLoss on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it.each([undefined, 0.2, 0.5])('matches the reference with clipRange %s', (clip) => {
    const { old, v, ret } = makeValues(3, 48, clip ?? 0.2);
    const t = [tf.tensor1d(v), tf.tensor1d(ret), tf.tensor1d(old)];
    const out = runNoLeak(() => valueLoss({ values: t[0], returns: t[1], oldValues: t[2], clipRange: clip }));
    expectClose(out.loss, refValueLoss(v, ret, old, clip), tolerance('value'), 'loss');
    tf.dispose(t);
  });

  it.each([undefined, 0.2])('gradient w.r.t. values matches finite differences (clipRange %s)', (clip) => {
    const { old, v, ret } = makeValues(4, 16, 0.2);
    const t = [tf.tensor1d(ret), tf.tensor1d(old)];
    checkGradient(
      {
        loss: (x) => valueLoss({ values: x, returns: t[0], oldValues: t[1], clipRange: clip }),
        reference: (x) => refValueLoss(x, ret, old, clip),
        x: v,
        shape: [16],
      },
      `clip ${clip}`,
    );
    tf.dispose(t);
  });

  it('gradient is exactly zero where the clipped error wins and the change is clipped', () => {
    // old 0, clip 0.2. [0]: V = 0.5, R = 1 -> unclipped 0.25, clipped (0.2 - 1)^2 = 0.64 wins: zero grad.
    // [1]: V = 0.5, R = -1 -> unclipped 2.25 wins: grad (V - R) / n. [2]: V = 0.1 inside the range.
    const values = tf.tensor1d([0.5, 0.5, 0.1]);
    const returns = tf.tensor1d([1, -1, 0.6]);
    const oldValues = tf.zeros([3]);
    const g = tf.grad((x: tf.Tensor) => valueLoss({ values: x, returns, oldValues, clipRange: 0.2 }).loss)(values);
    const grad = g.dataSync();
    expect(grad[0] === 0).toBe(true);
    expectClose(grad[1], (0.5 + 1) / 3, tolerance('gradient'), 'grad[1]');
    expectClose(grad[2], (0.1 - 0.6) / 3, tolerance('gradient'), 'grad[2]');
    tf.dispose([values, returns, oldValues, g]);
  });

  it('masks elements out of the loss and the gradient', () => {
    const { old, v, ret } = makeValues(5, 10, 0.2);
    const maskValues = [1, 1, 0, 1, 0, 1, 1, 0, 1, 1];
    const t = [tf.tensor1d(ret), tf.tensor1d(old), tf.tensor1d(maskValues, 'bool')];
    const g = checkGradient(
      {
        loss: (x) => valueLoss({ values: x, returns: t[0], oldValues: t[1], clipRange: 0.2, mask: t[2] }),
        reference: (x) => refValueLoss(x, ret, old, 0.2, maskValues),
        x: v,
        shape: [10],
      },
      'masked',
    );
    maskValues.forEach((m, i) => m === 0 && expect(g[i] === 0).toBe(true));
    tf.dispose(t);
  });

  it('validates its arguments', () => {
    const a = tf.tensor1d([1, 2]);
    const b = tf.tensor1d([1, 2, 3]);
    expect(() => valueLoss({ values: a, returns: b })).toThrow(/valueLoss: returns must have the shape of valueLoss: values \[2\], got \[3\]/);
    expect(() => valueLoss({ values: a, returns: a, clipRange: 0.2 })).toThrow(/oldValues is required when clipRange is set/);
    expect(() => valueLoss({ values: a, returns: a, oldValues: a, clipRange: 0 })).toThrow(/clipRange must be > 0, got 0/);
    expect(() => valueLoss({ values: a, returns: a, oldValues: a, clipRange: Number.NaN })).toThrow(/clipRange must be a finite number/);
    expect(() => valueLoss({ values: a, returns: a, oldValues: b })).toThrow(/oldValues must have the shape/);
    tf.dispose([a, b]);
  });
});

describe.each(BACKENDS)('entropyBonus on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('returns the mean entropy and its negation, masked or not, with the right gradient', () => {
    const h = Float32Array.from([0.5, 1.2, 0.9, 2.0, 0.1]);
    const maskValues = [1, 0, 1, 1, 0];
    const mask = tf.tensor1d(maskValues);
    const plain = checkGradient({ loss: (x) => entropyBonus({ entropy: x }), reference: (x) => -refMean(x), x: h, shape: [5] }, 'plain');
    expectClose(plain, new Array<number>(5).fill(-1 / 5), tolerance('gradient'), 'plain grad');
    const masked = checkGradient(
      { loss: (x) => entropyBonus({ entropy: x, mask }), reference: (x) => -refMean(x, maskValues), x: h, shape: [5] },
      'masked',
    );
    expectClose(masked, maskValues.map((m) => -m / 3), tolerance('gradient'), 'masked grad');
    const input = tf.tensor1d(h);
    const out = runNoLeak(() => entropyBonus({ entropy: input, mask }));
    expectClose(out.entropy, refMean(h, maskValues), tolerance('value'), 'entropy');
    tf.dispose([mask, input]);
  });

  it('validates its arguments', () => {
    expect(() => entropyBonus({ entropy: undefined as unknown as tf.Tensor })).toThrow(/entropyBonus: entropy must be a tf.Tensor, got undefined/);
  });
});
