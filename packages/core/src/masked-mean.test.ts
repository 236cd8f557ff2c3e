import * as tf from '@tensorflow/tfjs';
import { Rng } from '@ppo/utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { maskedMean } from './masked-mean';
import { BACKENDS, expectClose, runNoLeak, tolerance, useBackend } from './test-utils';

/** Float64 reference: sum of the kept values over their count (0 for none), and its gradient. */
function reference(x: ArrayLike<number>, mask: ArrayLike<number>): { mean: number; grad: number[] } {
  let sum = 0;
  let count = 0;
  for (let k = 0; k < x.length; k++) {
    if (mask[k] !== 0) {
      sum += x[k];
      count += 1;
    }
  }
  const mean = count === 0 ? 0 : sum / count;
  return { mean, grad: Array.from(mask, (m) => (m !== 0 && count > 0 ? 1 / count : 0)) };
}

describe.each(BACKENDS)('maskedMean on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it.each([
    [[1, 7], 0.5],
    [[4, 9], 0.2],
    [[3, 5, 2], 0.7],
    [[6], 1],
  ])('matches a float64 loop, value and gradient, over shape %j (keep probability %s)', (shape, keep) => {
    const rng = new Rng(shape.length * 31 + shape[0]);
    const size = shape.reduce((a, b) => a * b, 1);
    const x = Float32Array.from({ length: size }, () => rng.normal(-1, 2));
    const mask = Float32Array.from({ length: size }, () => (rng.nextFloat() < keep ? 1 : 0));
    const want = reference(x, mask);
    const [tx, tm] = [tf.tensor(x, shape), tf.tensor(mask, shape)];
    const { result } = runNoLeak(() => maskedMean(tx, tm));
    expectClose(result, want.mean, tolerance('value'), 'mean');
    const { result: grad } = runNoLeak(() => tf.grad((v: tf.Tensor) => maskedMean(v, tm))(tx));
    expectClose(grad, want.grad, tolerance('gradient'), 'gradient');
    // A bool mask and an int32 mask give the same.
    const [asBool, asInt] = [tf.cast(tm, 'bool'), tf.cast(tm, 'int32')];
    expectClose(runNoLeak(() => maskedMean(tx, asBool)).result, want.mean, tolerance('value'), 'bool mask');
    expectClose(runNoLeak(() => maskedMean(tx, asInt)).result, want.mean, tolerance('value'), 'int32 mask');
    tf.dispose([tx, tm, asBool, asInt]);
  });

  it('is tf.mean without a mask, 0 for an empty mask, and ignores non-finite padding', () => {
    const x = tf.tensor2d([
      [1, 2, Number.NEGATIVE_INFINITY],
      [4, Number.NaN, 6],
    ]);
    const mask = tf.tensor2d([
      [1, 1, 0],
      [1, 0, 1],
    ]);
    expectClose(runNoLeak(() => maskedMean(x, mask)).result, 13 / 4, tolerance('value'));
    const { result: grad } = runNoLeak(() => tf.grad((v: tf.Tensor) => maskedMean(v, mask))(x));
    expect(Array.from(grad as ArrayLike<number>)).toEqual([0.25, 0.25, 0, 0.25, 0, 0.25]);
    const zeros = tf.zeros([2, 3]);
    expect(runNoLeak(() => maskedMean(x, zeros)).result).toEqual([0]);
    const finite = tf.tensor1d([1, 2, 6]);
    expectClose(runNoLeak(() => maskedMean(finite)).result, 3, tolerance('value'));
    tf.dispose([x, mask, zeros, finite]);
  });

  it('names a bad argument', () => {
    const x = tf.tensor2d([[1, 2]]);
    const wrong = tf.tensor1d([1, 0]);
    const ints = tf.tensor1d([1, 2], 'int32');
    expect(() => maskedMean(x, wrong)).toThrow(/maskedMean: mask must have the shape of maskedMean: x \[1, 2\], got \[2\]/);
    expect(() => maskedMean(ints)).toThrow(/maskedMean: x must have dtype 'float32', got 'int32'/);
    expect(() => maskedMean([1, 2] as unknown as tf.Tensor)).toThrow(/maskedMean: x must be a tf.Tensor, got \[1,2\]/);
    tf.dispose([x, wrong, ints]);
  });
});
