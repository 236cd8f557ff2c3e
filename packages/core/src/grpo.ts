import { PpoRangeError, PpoTypeError } from '@ppo/utils';
import * as tf from '@tensorflow/tfjs';
import type { LossResult } from './loss-result';
import { k3Elements } from './kl';
import { applyMask, maskedMean, prepareMask, tidyObject } from './reduce';
import { clippedRatioTerms } from './surrogate';
import {
  type ClipRange,
  assertFloatTensor,
  assertMask,
  assertNonNegative,
  assertOneOf,
  assertPositiveInteger,
  assertFiniteTensors,
  assertSameShape,
  parseClipRange,
} from './validate';

/**
 * How {@link grpoLoss} averages per-token losses over a [B, L] batch:
 * - `'sequence-mean'`: mean over each completion's tokens, then over the B completions
 *   (DeepSeekMath's GRPO; a completion with no kept token counts as 0 in the batch mean).
 * - `'token-mean'`: mean over every kept token of the batch (DAPO).
 * - `'fixed-length'`: sum over kept tokens divided by B * maxLength (Dr. GRPO), so the weight of
 *   a token does not depend on the length of its completion.
 */
export type GrpoAggregation = 'sequence-mean' | 'token-mean' | 'fixed-length';

/** Inputs of {@link grpoLoss}. Token tensors are float32 [B, L] (B completions, L token slots). */
export interface GrpoLossArgs {
  /** Per-token log pi_theta (differentiable), [B, L]. */
  readonly logProbs: tf.Tensor;
  /** Per-token log pi_old from sampling time, [B, L]. */
  readonly oldLogProbs: tf.Tensor;
  /** Per-token log pi_ref of the frozen reference policy, [B, L]; required when beta > 0. */
  readonly refLogProbs?: tf.Tensor;
  /** Per-completion advantages [B] (given to every token, as GRPO) or per-token [B, L]. */
  readonly advantages: tf.Tensor;
  /** Completion-token mask [B, L] (bool, or float32/int32 0/1): 0 for prompt and padding. */
  readonly mask: tf.Tensor;
  /** Ratio clip epsilon, number or `{ low, high }` (e.g. DAPO's `{ low: 0.2, high: 0.28 }`). */
  readonly clipRange: ClipRange;
  /** Weight of the per-token k3 KL to the reference policy, >= 0 (0: no reference model). */
  readonly beta: number;
  /** Token averaging; default `'sequence-mean'`. */
  readonly aggregation?: GrpoAggregation;
  /**
   * The constant divisor's length for `'fixed-length'` (default L); only allowed with it. Use
   * the generation budget, the most completion tokens a row can keep. It may be below L when
   * the [B, L] tensors also hold (masked) prompt tokens; it should not be below any row's kept
   * token count, which is not checked (that would need the mask's values).
   */
  readonly maxLength?: number;
}

/** Diagnostics of {@link grpoLoss}: scalar tensors owned by the caller. */
export type GrpoLossMetrics = {
  /** The clipped-surrogate part alone, aggregated like the loss. */
  readonly policyLoss: tf.Scalar;
  /** Mean over kept tokens of (r - 1) - log r, k3 estimate of KL(pi_old || pi_theta). */
  readonly approxKl: tf.Scalar;
  /** Fraction of kept tokens whose ratio lies outside the clip range. */
  readonly clipFraction: tf.Scalar;
  /** Mean over kept tokens of k3 to the reference policy; present when `refLogProbs` is given. */
  readonly kl?: tf.Scalar;
};

/** Result of {@link grpoLoss}: `loss` aggregates -(min(r A, clip(r) A) - beta * k3) per token. */
export type GrpoLossResult = LossResult<GrpoLossMetrics>;

/**
 * The GRPO loss (DeepSeekMath, arXiv:2402.03300, section 4.1) on padded token batches.
 *
 * Per token: r = exp(logProbs - oldLogProbs), `l = -(min(r A, clip(r, 1 - low, 1 + high) A) -
 * beta * k3)` where k3 = pi_ref/pi_theta - log(pi_ref/pi_theta) - 1 is {@link klK3} (an estimate
 * of KL(pi_theta || pi_ref)), added to the loss rather than the reward. Then aggregated over the
 * kept tokens as `aggregation` says. Group-relative advantages come from `@ppo/gae`'s
 * `groupRelativeAdvantages`.
 *
 * @returns scalar tensors the caller must dispose.
 * @example
 * ```ts
 * const { loss, metrics } = grpoLoss({
 *   logProbs, oldLogProbs, refLogProbs, advantages, mask,
 *   clipRange: 0.2, beta: 0.04, aggregation: 'sequence-mean',
 * });
 * ```
 */
export function grpoLoss(args: GrpoLossArgs): GrpoLossResult {
  const { logProbs, oldLogProbs, refLogProbs, advantages, mask } = args;
  const fn = 'grpoLoss';
  assertFloatTensor(`${fn}: logProbs`, logProbs);
  if (logProbs.rank !== 2) {
    throw new PpoRangeError('INVALID_ARGUMENT', `${fn}: logProbs must have rank 2 [B, L], got shape [${logProbs.shape.join(', ')}]`);
  }
  assertFloatTensor(`${fn}: oldLogProbs`, oldLogProbs);
  assertSameShape(`${fn}: logProbs`, logProbs, `${fn}: oldLogProbs`, oldLogProbs);
  if (refLogProbs !== undefined) {
    assertFloatTensor(`${fn}: refLogProbs`, refLogProbs);
    assertSameShape(`${fn}: logProbs`, logProbs, `${fn}: refLogProbs`, refLogProbs);
  }
  assertFloatTensor(`${fn}: advantages`, advantages);
  const [batch, length] = logProbs.shape as [number, number];
  if (advantages.rank === 1) {
    if (advantages.shape[0] !== batch) {
      throw new PpoRangeError('INVALID_ARGUMENT', `${fn}: advantages must have shape [${batch}] or [${batch}, ${length}], got [${advantages.shape[0]}]`);
    }
  } else {
    assertSameShape(`${fn}: logProbs`, logProbs, `${fn}: advantages`, advantages);
  }
  if (mask === undefined) throw new PpoTypeError('INVALID_ARGUMENT', `${fn}: mask is required ([B, L] completion-token mask)`);
  assertMask(`${fn}: mask`, mask, `${fn}: logProbs`, logProbs);
  // Per-sequence advantages [B] are not laid out like the mask: checked in full.
  assertFiniteTensors(fn, { logProbs, oldLogProbs, refLogProbs, ...(advantages.rank === 1 ? {} : { advantages }) }, mask);
  if (advantages.rank === 1) assertFiniteTensors(fn, { advantages });
  const { low, high } = parseClipRange(`${fn}: clipRange`, args.clipRange);
  assertNonNegative(`${fn}: beta`, args.beta);
  const beta = args.beta;
  if (beta > 0 && refLogProbs === undefined) {
    throw new PpoTypeError('INVALID_ARGUMENT', `${fn}: refLogProbs is required when beta > 0 (got beta ${beta})`);
  }
  const aggregation = args.aggregation ?? 'sequence-mean';
  assertOneOf(`${fn}: aggregation`, aggregation, ['sequence-mean', 'token-mean', 'fixed-length'] as const);
  let maxLength = length;
  if (args.maxLength !== undefined) {
    if (aggregation !== 'fixed-length') {
      throw new PpoRangeError('INVALID_ARGUMENT', `${fn}: maxLength is used only with aggregation 'fixed-length', got aggregation '${aggregation}'`);
    }
    assertPositiveInteger(`${fn}: maxLength`, args.maxLength);
    maxLength = args.maxLength;
  }

  return tidyObject(() => {
    const prepared = prepareMask(mask);
    const perTokenAdvantages = advantages.rank === 1 ? tf.reshape(advantages, [batch, 1]) : advantages;
    const { logRatio, objective, outside } = clippedRatioTerms(logProbs, oldLogProbs, perTokenAdvantages, low, high);
    const aggregate = (perToken: tf.Tensor): tf.Scalar => {
      if (aggregation === 'token-mean') return maskedMean(perToken, prepared);
      const kept = applyMask(perToken, prepared);
      if (aggregation === 'fixed-length') return tf.div(tf.sum(kept), batch * maxLength);
      const counts = tf.maximum(tf.sum(tf.cast(prepared?.keep ?? tf.onesLike(perToken), 'float32'), 1), 1);
      return tf.mean(tf.div(tf.sum(kept, 1), counts));
    };
    const policyPerToken = tf.neg(objective);
    const policyLoss = aggregate(policyPerToken);
    let loss = policyLoss;
    let kl: tf.Scalar | undefined;
    if (refLogProbs !== undefined) {
      const k3 = k3Elements(logProbs, refLogProbs);
      kl = maskedMean(k3, prepared);
      if (beta > 0) loss = aggregate(tf.add(policyPerToken, tf.mul(k3, beta)));
    }
    const clipFraction = maskedMean(outside, prepared);
    const approxKl = maskedMean(tf.sub(tf.expm1(logRatio), logRatio), prepared);
    const result: GrpoLossResult = {
      loss: loss === policyLoss ? tf.clone(policyLoss) : loss,
      metrics: { policyLoss, approxKl, clipFraction, ...(kl === undefined ? {} : { kl }) },
    };
    return result;
  });
}
