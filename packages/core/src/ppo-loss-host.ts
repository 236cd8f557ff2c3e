import { exp, expm1, PpoRangeError } from '@ppo/utils';
import { assertNonNegative, assertPositive, parseClipRange, type ClipRange } from './validate';

/** One minibatch on the host for {@link ppoLossOnHost}: `size` samples per array. */
export interface HostPpoBatch {
  /** log pi_theta(a|s) of the stored actions. */
  readonly logProbs: ArrayLike<number>;
  /** Entropy of pi_theta(.|s). */
  readonly entropy: ArrayLike<number>;
  /** V_theta(s). */
  readonly values: ArrayLike<number>;
  /** log pi_old(a|s) from the rollout. */
  readonly oldLogProbs: ArrayLike<number>;
  /** V_old(s) from the rollout. */
  readonly oldValues: ArrayLike<number>;
  /** Advantage estimates. */
  readonly advantages: ArrayLike<number>;
  /** Value targets. */
  readonly returns: ArrayLike<number>;
  /** Samples in the minibatch (the arrays may be longer). */
  readonly size: number;
}

/** Hyperparameters of {@link ppoLossOnHost}, as {@link PpoLossArgs} names them. */
export interface HostPpoLossOptions {
  readonly clipRange: ClipRange;
  readonly clipRangeVf?: number;
  readonly vfCoef?: number;
  readonly entCoef?: number;
  readonly normalizeAdvantages?: boolean;
}

/**
 * {@link ppoLossOnHost}'s result: the loss, the metrics of {@link ppoLoss} as numbers (same
 * names, same order), and the loss's gradients with respect to each sample's log-probability,
 * entropy and value (`size` each).
 */
export interface HostLossResult {
  readonly loss: number;
  readonly metrics: Readonly<Record<string, number>>;
  readonly dLogProbs: Float64Array;
  readonly dEntropy: Float64Array;
  readonly dValues: Float64Array;
}

/**
 * {@link ppoLoss} without a mask on plain arrays in float64, with its gradients derived by hand
 * and made to follow tfjs's conventions at ties (the unclipped term takes the gradient when the
 * two are equal, and a value exactly at a clip bound passes it), so it agrees with the tensor
 * version's autodiff to float32 rounding. For fused training steps that make no tensor ops.
 *
 * @throws RangeError naming the argument for an array shorter than `size` or a bad hyperparameter.
 * @example
 * ```ts
 * const { loss, metrics, dLogProbs } = ppoLossOnHost(batch, { clipRange: 0.2, clipRangeVf: 0.2, entCoef: 0.01, normalizeAdvantages: true });
 * ```
 */
export function ppoLossOnHost(batch: HostPpoBatch, options: HostPpoLossOptions): HostLossResult {
  const fn = 'ppoLossOnHost';
  const n = batch.size;
  if (!Number.isInteger(n) || n < 1) throw new PpoRangeError('INVALID_ARGUMENT', `${fn}: batch.size must be a positive integer, got ${String(n)}`);
  for (const name of ['logProbs', 'entropy', 'values', 'oldLogProbs', 'oldValues', 'advantages', 'returns'] as const) {
    if (!(batch[name]?.length >= n)) throw new PpoRangeError('INVALID_ARGUMENT', `${fn}: batch.${name} must hold at least ${n} values, got ${String(batch[name]?.length)}`);
  }
  const { low, high } = parseClipRange(`${fn}: clipRange`, options.clipRange);
  const clipVf = options.clipRangeVf;
  if (clipVf !== undefined) assertPositive(`${fn}: clipRangeVf`, clipVf);
  const vfCoef = options.vfCoef ?? 0.5;
  const entCoef = options.entCoef ?? 0;
  assertNonNegative(`${fn}: vfCoef`, vfCoef);
  assertNonNegative(`${fn}: entCoef`, entCoef);
  const { logProbs, entropy, values, oldLogProbs, oldValues, advantages, returns } = batch;

  let shift = 0;
  let scale = 1;
  if (options.normalizeAdvantages === true) {
    // As normalizeAdvantages: Bessel-corrected std, epsilon 1e-8 added to it.
    let sum = 0;
    for (let i = 0; i < n; i++) sum += advantages[i];
    shift = sum / n;
    let squares = 0;
    for (let i = 0; i < n; i++) squares += (advantages[i] - shift) ** 2;
    scale = 1 / (Math.sqrt(squares / Math.max(n - 1, 1)) + 1e-8);
  }
  const dLogProbs = new Float64Array(n);
  const dEntropy = new Float64Array(n);
  const dValues = new Float64Array(n);
  let objective = 0;
  let outside = 0;
  let k1 = 0;
  let k3 = 0;
  let valueSum = 0;
  let entropySum = 0;
  for (let i = 0; i < n; i++) {
    const a = (advantages[i] - shift) * scale;
    const logRatio = logProbs[i] - oldLogProbs[i];
    const ratio = exp(logRatio);
    const unclipped = ratio * a;
    const clipped = Math.min(Math.max(ratio, 1 - low), 1 + high) * a;
    // Where the clipped term is strictly smaller the ratio is outside the range: no gradient.
    if (unclipped <= clipped) {
      objective += unclipped;
      dLogProbs[i] = (-unclipped) / n;
    } else objective += clipped;
    if (ratio < 1 - low || ratio > 1 + high) outside += 1;
    k1 -= logRatio;
    k3 += expm1(logRatio) - logRatio;

    const error = values[i] - returns[i];
    let square = error * error;
    let dSquare = 2 * error;
    if (clipVf !== undefined) {
      const delta = values[i] - oldValues[i];
      const clippedError = oldValues[i] + Math.min(Math.max(delta, -clipVf), clipVf) - returns[i];
      const clippedSquare = clippedError * clippedError;
      if (!(square >= clippedSquare)) {
        square = clippedSquare;
        dSquare = delta >= -clipVf && delta <= clipVf ? 2 * clippedError : 0;
      }
    }
    valueSum += square;
    dValues[i] = (vfCoef * 0.5 * dSquare) / n;
    entropySum += entropy[i];
    dEntropy[i] = -entCoef / n;
  }
  const policyLoss = -objective / n;
  const valueLoss = (0.5 * valueSum) / n;
  const meanEntropy = entropySum / n;
  return {
    loss: policyLoss + vfCoef * valueLoss - entCoef * meanEntropy,
    metrics: { policyLoss, valueLoss, entropy: meanEntropy, oldApproxKl: k1 / n, approxKl: k3 / n, clipFraction: outside / n },
    dLogProbs,
    dEntropy,
    dValues,
  };
}
