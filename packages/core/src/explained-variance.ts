import { PpoRangeError, PpoTypeError } from '@ppo/utils';
import type * as tf from '@tensorflow/tfjs';
import { assertTensor } from './validate';

/** What {@link explainedVariance} accepts for its two series. */
export type NumericSeries = Float32Array | Float64Array | readonly number[] | tf.Tensor;

function toArray(name: string, value: NumericSeries): ArrayLike<number> {
  if (value instanceof Float32Array || value instanceof Float64Array || Array.isArray(value)) {
    return value as ArrayLike<number>;
  }
  if (typeof value !== 'object' || value === null || !('dataSync' in value)) {
    throw new PpoTypeError('INVALID_ARGUMENT', `${name} must be a Float32Array, Float64Array, number[] or tf.Tensor, got ${typeof value}`);
  }
  assertTensor(name, value);
  if (value.dtype !== 'float32' && value.dtype !== 'int32') {
    throw new PpoTypeError('INVALID_ARGUMENT', `${name} must be a float32 or int32 tensor, got '${value.dtype}'`);
  }
  return value.dataSync();
}

/**
 * The fraction of the variance of `yTrue` that `yPred` explains:
 * `1 - Var(yTrue - yPred) / Var(yTrue)` (CleanRL's and SB3's `explained_variance`; argument
 * order as SB3). 1 is a perfect fit, 0 no better than a constant, negative worse than one.
 * Returns NaN when Var(yTrue) is 0. Accumulates in float64 with two passes. A tensor input is
 * downloaded synchronously (`dataSync`), and is not disposed.
 *
 * @throws RangeError naming the argument for mismatched or zero lengths and non-finite entries.
 * @example
 * ```ts
 * const ev = explainedVariance(buffer.values, buffer.returns); // 'losses/explained_variance'
 * ```
 */
export function explainedVariance(yPred: NumericSeries, yTrue: NumericSeries): number {
  const pred = toArray('explainedVariance: yPred', yPred);
  const truth = toArray('explainedVariance: yTrue', yTrue);
  const n = truth.length;
  if (n === 0) throw new PpoRangeError('INVALID_ARGUMENT', 'explainedVariance: yTrue must have at least one element, got 0');
  if (pred.length !== n) {
    throw new PpoRangeError('INVALID_ARGUMENT', `explainedVariance: yPred must have the length of yTrue (${n}), got ${pred.length}`);
  }
  let sumTrue = 0;
  let sumDiff = 0;
  // Exact test for a constant target: the rounded mean of equal values can differ from them,
  // which would turn a zero variance into a tiny one and the result into a huge number.
  let constant = true;
  for (let i = 0; i < n; i++) {
    const t = truth[i];
    const p = pred[i];
    if (!Number.isFinite(t)) throw new PpoRangeError('NON_FINITE', `explainedVariance: yTrue[${i}] must be finite, got ${t}`);
    if (!Number.isFinite(p)) throw new PpoRangeError('NON_FINITE', `explainedVariance: yPred[${i}] must be finite, got ${p}`);
    sumTrue += t;
    sumDiff += t - p;
    if (t !== truth[0]) constant = false;
  }
  if (constant) return Number.NaN;
  const meanTrue = sumTrue / n;
  const meanDiff = sumDiff / n;
  let ssTrue = 0;
  let ssDiff = 0;
  for (let i = 0; i < n; i++) {
    const dt = truth[i] - meanTrue;
    const dd = truth[i] - pred[i] - meanDiff;
    ssTrue += dt * dt;
    ssDiff += dd * dd;
  }
  if (ssTrue === 0) return Number.NaN;
  return 1 - ssDiff / ssTrue;
}
