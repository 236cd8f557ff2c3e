import * as tf from '@tensorflow/tfjs';
import type { LossResult } from './loss-result';
import { k1Elements, k2Elements, k3Elements } from './kl';
import { maskedMean, prepareMask, stopGradient, tidyObject } from './reduce';
import {
  type ClipRange,
  assertFloatTensor,
  assertMask,
  assertNonNegative,
  assertOneOf,
  assertFiniteTensors,
  assertSameShape,
  parseClipRange,
} from './validate';

/** Per-element pieces shared by the PPO and GRPO objectives. Call inside a tidy. */
export interface RatioTerms {
  /** log pi - log pi_old. */
  readonly logRatio: tf.Tensor;
  /** min(r A, clip(r, 1 - low, 1 + high) A), the element of L^CLIP. */
  readonly objective: tf.Tensor;
  /** 1 where r lies outside [1 - low, 1 + high], else 0 (float32). */
  readonly outside: tf.Tensor;
}

/** `advantages` may have fewer trailing dimensions only where the caller checked it broadcasts. */
export function clippedRatioTerms(
  logProbs: tf.Tensor,
  oldLogProbs: tf.Tensor,
  advantages: tf.Tensor,
  low: number,
  high: number,
): RatioTerms {
  const logRatio = tf.sub(logProbs, oldLogProbs);
  const ratio = tf.exp(logRatio);
  const unclipped = tf.mul(ratio, advantages);
  const clipped = tf.mul(tf.clipByValue(ratio, 1 - low, 1 + high), advantages);
  // Where r is inside the range both products are equal and tfjs' minimum sends the gradient
  // to `unclipped`; where the clipped product is smaller its gradient is clipByValue's, zero.
  const objective = tf.minimum(unclipped, clipped);
  const outside = tf.cast(tf.logicalOr(tf.less(ratio, 1 - low), tf.greater(ratio, 1 + high)), 'float32');
  return { logRatio, objective, outside };
}

/** Inputs of {@link clippedSurrogate}. All tensors float32 with one shape, e.g. [N] or [B, L]. */
export interface ClippedSurrogateArgs {
  /** log pi_theta(a|s) under the policy being optimised (differentiable). */
  readonly logProbs: tf.Tensor;
  /** log pi_old(a|s) recorded when the data was collected. */
  readonly oldLogProbs: tf.Tensor;
  /** Advantage estimates (already normalised if you want that), treated as constants. */
  readonly advantages: tf.Tensor;
  /**
   * The clip epsilon: the ratio is clipped to [1 - eps, 1 + eps] for a number in (0, 1], or to
   * [1 - low, 1 + high] for `{ low, high }` (asymmetric clipping, e.g. `{ low: 0.2, high: 0.28 }`).
   */
  readonly clipRange: ClipRange;
  /**
   * Optional 0/1 mask (bool, float32 or int32) shaped like `logProbs`; every mean is taken over
   * the kept elements only and masked elements get an exactly-zero gradient. Their values do
   * not change the results, but keep them finite (padding of 0 is fine): a NaN upstream of the
   * mask would still reach the gradient through 0 * NaN. An all-zero mask gives 0.
   */
  readonly mask?: tf.Tensor;
}

/** Diagnostics of {@link clippedSurrogate}: scalar tensors owned by the caller. */
export type ClippedSurrogateMetrics = {
  /** mean(-log r), the k1 estimate of KL(pi_old || pi) (CleanRL's `old_approx_kl`). */
  readonly oldApproxKl: tf.Scalar;
  /** mean((r - 1) - log r), the k3 estimate of KL(pi_old || pi) (CleanRL's `approx_kl`). */
  readonly approxKl: tf.Scalar;
  /** Fraction of elements whose ratio lies outside the clip range (CleanRL's `clipfrac`). */
  readonly clipFraction: tf.Scalar;
};

/** Result of {@link clippedSurrogate}: `loss` is -L^CLIP = -mean(min(r A, clip(r) A)). */
export type ClippedSurrogateResult = LossResult<ClippedSurrogateMetrics>;

/**
 * PPO's clipped surrogate objective L^CLIP (Schulman et al. 2017, eq. 7), negated for
 * minimisation, with the diagnostics CleanRL logs.
 *
 * With r = exp(logProbs - oldLogProbs): `loss = -mean(min(r A, clip(r, 1 - low, 1 + high) A))`.
 * The gradient is exactly zero for elements where clipping binds (A > 0 and r > 1 + high, or
 * A < 0 and r < 1 - low). Pure: it owns no optimizer; call it inside `optimizer.minimize`.
 *
 * @returns scalar tensors the caller must dispose (or create inside an enclosing `tf.tidy`).
 * @throws TypeError / RangeError naming the argument: non-tensors, non-float32 dtypes, shape
 * mismatches, empty tensors, a mask of another dtype than bool/float32/int32, and a
 * `clipRange` (or its `low` or `high`) that is NaN, infinite, <= 0 or, for the lower side,
 * above 1. Tensor contents are not checked: a NaN or infinite element gives NaN results.
 * @example
 * ```ts
 * const { loss, metrics } = clippedSurrogate({ logProbs, oldLogProbs, advantages, clipRange: 0.2 });
 * metrics.clipFraction; // fraction of ratios outside [0.8, 1.2]
 * ```
 */
export function clippedSurrogate(args: ClippedSurrogateArgs): ClippedSurrogateResult {
  const { logProbs, oldLogProbs, advantages, mask } = args;
  assertFloatTensor('clippedSurrogate: logProbs', logProbs);
  assertFloatTensor('clippedSurrogate: oldLogProbs', oldLogProbs);
  assertFloatTensor('clippedSurrogate: advantages', advantages);
  assertSameShape('clippedSurrogate: logProbs', logProbs, 'clippedSurrogate: oldLogProbs', oldLogProbs);
  assertSameShape('clippedSurrogate: logProbs', logProbs, 'clippedSurrogate: advantages', advantages);
  if (mask !== undefined) assertMask('clippedSurrogate: mask', mask, 'clippedSurrogate: logProbs', logProbs);
  assertFiniteTensors('clippedSurrogate', { logProbs, oldLogProbs, advantages }, mask);
  const { low, high } = parseClipRange('clippedSurrogate: clipRange', args.clipRange);
  return tidyObject(() => {
    const prepared = prepareMask(mask);
    const { logRatio, objective, outside } = clippedRatioTerms(logProbs, oldLogProbs, advantages, low, high);
    const loss = tf.neg<tf.Scalar>(maskedMean(objective, prepared));
    const clipFraction = maskedMean(outside, prepared);
    const approxKl = maskedMean(tf.sub(tf.expm1(logRatio), logRatio), prepared);
    const oldApproxKl = maskedMean(tf.neg(logRatio), prepared);
    return { loss, metrics: { oldApproxKl, approxKl, clipFraction } };
  });
}

/** Which sample-based estimator of KL(pi_old || pi) {@link klPenaltySurrogate} uses. */
export type KlEstimator = 'k1' | 'k2' | 'k3';

/** Inputs of {@link klPenaltySurrogate}. All tensors float32 with one shape. */
export interface KlPenaltySurrogateArgs {
  /** log pi_theta(a|s) (differentiable). */
  readonly logProbs: tf.Tensor;
  /** log pi_old(a|s) recorded at collection time. */
  readonly oldLogProbs: tf.Tensor;
  /** Advantage estimates, treated as constants. */
  readonly advantages: tf.Tensor;
  /** The penalty coefficient beta >= 0 (e.g. {@link AdaptiveKlController.beta}). */
  readonly beta: number;
  /**
   * Optional per-sample KL[pi_old(.|s) || pi_theta(.|s)] computed exactly from the two
   * distributions (differentiable w.r.t. pi_theta). Without it the KL is estimated from the
   * sampled actions with `klEstimator`.
   */
  readonly kl?: tf.Tensor;
  /** Estimator used when `kl` is absent: 'k3' (default, unbiased and non-negative), 'k1', 'k2'. */
  readonly klEstimator?: KlEstimator;
  /** Optional 0/1 mask, as in {@link ClippedSurrogateArgs.mask}. */
  readonly mask?: tf.Tensor;
}

/** Diagnostics of {@link klPenaltySurrogate}: scalar tensors owned by the caller. */
export type KlPenaltySurrogateMetrics = {
  /** The surrogate part alone, -mean(r A). */
  readonly policyLoss: tf.Scalar;
  /** mean(KL) as used in the penalty (exact or estimated); feed it to the KL controller. */
  readonly kl: tf.Scalar;
  /** mean(-log r) (k1). */
  readonly oldApproxKl: tf.Scalar;
  /** mean((r - 1) - log r) (k3), as in {@link ClippedSurrogateMetrics.approxKl}. */
  readonly approxKl: tf.Scalar;
};

/** Result of {@link klPenaltySurrogate}: `loss` is -L^KLPEN = -mean(r A) + beta * mean(KL). */
export type KlPenaltySurrogateResult = LossResult<KlPenaltySurrogateMetrics>;

/**
 * PPO's KL-penalised surrogate L^KLPEN (Schulman et al. 2017, eq. 8), negated:
 * `loss = -mean(r A) + beta * mean(KL[pi_old || pi_theta])` with r = exp(logProbs - oldLogProbs).
 *
 * The KL per sample is `kl` when given (the exact divergence of the two distributions), else an
 * estimate from the sampled actions (which came from pi_old): k3 = (r - 1) - log r by default,
 * k1 = -log r, or k2 = (log r)^2 / 2. Pair with {@link AdaptiveKlController} for the paper's
 * adaptive beta, or keep beta fixed.
 *
 * @returns scalar tensors the caller must dispose.
 * @example
 * ```ts
 * const controller = new AdaptiveKlController({ target: 0.01, initialBeta: 1 });
 * const { loss, metrics } = klPenaltySurrogate({ logProbs, oldLogProbs, advantages, beta: controller.beta });
 * ```
 */
export function klPenaltySurrogate(args: KlPenaltySurrogateArgs): KlPenaltySurrogateResult {
  const { logProbs, oldLogProbs, advantages, kl, mask } = args;
  const fn = 'klPenaltySurrogate';
  assertFloatTensor(`${fn}: logProbs`, logProbs);
  assertFloatTensor(`${fn}: oldLogProbs`, oldLogProbs);
  assertFloatTensor(`${fn}: advantages`, advantages);
  assertSameShape(`${fn}: logProbs`, logProbs, `${fn}: oldLogProbs`, oldLogProbs);
  assertSameShape(`${fn}: logProbs`, logProbs, `${fn}: advantages`, advantages);
  if (kl !== undefined) {
    assertFloatTensor(`${fn}: kl`, kl);
    assertSameShape(`${fn}: logProbs`, logProbs, `${fn}: kl`, kl);
  }
  if (mask !== undefined) assertMask(`${fn}: mask`, mask, `${fn}: logProbs`, logProbs);
  assertFiniteTensors(fn, { logProbs, oldLogProbs, advantages, kl }, mask);
  assertNonNegative(`${fn}: beta`, args.beta);
  const estimator = args.klEstimator ?? 'k3';
  assertOneOf(`${fn}: klEstimator`, estimator, ['k1', 'k2', 'k3'] as const);
  const beta = args.beta;
  return tidyObject(() => {
    const prepared = prepareMask(mask);
    const logRatio = tf.sub(logProbs, oldLogProbs);
    const ratio = tf.exp(logRatio);
    // Samples come from pi_old, so pi_old plays the estimators' "logProbs" role here.
    const estimate = (which: KlEstimator): tf.Tensor =>
      which === 'k1'
        ? k1Elements(oldLogProbs, logProbs)
        : which === 'k2'
          ? k2Elements(oldLogProbs, logProbs)
          : k3Elements(oldLogProbs, logProbs);
    const k3 = estimate('k3');
    const perSampleKl = kl ?? (estimator === 'k3' ? k3 : estimate(estimator));
    const policyLoss = tf.neg(maskedMean(tf.mul(ratio, advantages), prepared));
    const meanKl = maskedMean(perSampleKl, prepared);
    const loss = tf.add<tf.Scalar>(policyLoss, tf.mul(meanKl, beta));
    const approxKl = estimator === 'k3' && kl === undefined ? tf.clone(meanKl) : maskedMean(k3, prepared);
    const oldApproxKl = maskedMean(tf.neg(logRatio), prepared);
    return { loss, metrics: { policyLoss, kl: meanKl, oldApproxKl, approxKl } };
  });
}

/** Inputs of {@link policyGradientLoss}. All tensors float32 with one shape. */
export interface PolicyGradientLossArgs {
  /** log pi_theta(a|s) of the taken actions (differentiable). */
  readonly logProbs: tf.Tensor;
  /** Returns or advantages weighting each log-prob. */
  readonly advantages: tf.Tensor;
  /**
   * Optional baseline b(s) subtracted from `advantages` (e.g. value predictions, giving
   * REINFORCE with baseline). Its gradient is stopped here, so a baseline computed by a network
   * in the same tape does not receive the policy gradient; train it with {@link valueLoss}.
   */
  readonly baseline?: tf.Tensor;
  /** Optional 0/1 mask, as in {@link ClippedSurrogateArgs.mask}. */
  readonly mask?: tf.Tensor;
}

/**
 * The vanilla policy-gradient (REINFORCE) loss: `-mean(logProbs * (advantages - baseline))`.
 * Its gradient is the score-function estimator of -grad J. The weights (advantages minus
 * baseline) have their gradient stopped.
 *
 * @returns `{ loss, metrics: {} }`, a scalar tensor the caller must dispose.
 * @example
 * ```ts
 * const { loss } = policyGradientLoss({ logProbs, advantages: returns, baseline: values });
 * ```
 */
export function policyGradientLoss(args: PolicyGradientLossArgs): LossResult<Record<string, never>> {
  const { logProbs, advantages, baseline, mask } = args;
  const fn = 'policyGradientLoss';
  assertFloatTensor(`${fn}: logProbs`, logProbs);
  assertFloatTensor(`${fn}: advantages`, advantages);
  assertSameShape(`${fn}: logProbs`, logProbs, `${fn}: advantages`, advantages);
  if (baseline !== undefined) {
    assertFloatTensor(`${fn}: baseline`, baseline);
    assertSameShape(`${fn}: logProbs`, logProbs, `${fn}: baseline`, baseline);
  }
  if (mask !== undefined) assertMask(`${fn}: mask`, mask, `${fn}: logProbs`, logProbs);
  assertFiniteTensors(fn, { logProbs, advantages, baseline }, mask);
  return tidyObject(() => {
    const prepared = prepareMask(mask);
    const weights = stopGradient(baseline === undefined ? advantages : tf.sub(advantages, baseline));
    return { loss: tf.neg<tf.Scalar>(maskedMean(tf.mul(logProbs, weights), prepared)), metrics: {} };
  });
}
