import { PpoTypeError } from '@ppo/utils';
import * as tf from '@tensorflow/tfjs';
import type { LossResult } from './loss-result';
import { tidyObject } from './reduce';
import { normalizeAdvantages } from './advantages';
import { clippedSurrogate } from './surrogate';
import {
  type ClipRange,
  assertFloatTensor,
  assertMask,
  assertNonNegative,
  assertPositive,
  assertFiniteTensors,
  assertSameShape,
  markFinite,
  parseClipRange,
} from './validate';
import { entropyBonus, valueLoss } from './value';

/** Inputs of {@link ppoLoss}. All tensors float32 with one shape (e.g. [minibatch]), checked. */
export interface PpoLossArgs {
  /** log pi_theta(a|s) (differentiable). */
  readonly logProbs: tf.Tensor;
  /** log pi_old(a|s) from the rollout. */
  readonly oldLogProbs: tf.Tensor;
  /** Advantages from the rollout, treated as constants. */
  readonly advantages: tf.Tensor;
  /** V_theta(s) (differentiable). */
  readonly values: tf.Tensor;
  /** Value targets (returns). */
  readonly returns: tf.Tensor;
  /** V_old(s) from the rollout; required with `clipRangeVf`. */
  readonly oldValues?: tf.Tensor;
  /** Per-sample policy entropy (differentiable). */
  readonly entropy: tf.Tensor;
  /** The policy clip epsilon, see {@link ClippedSurrogateArgs.clipRange}. */
  readonly clipRange: ClipRange;
  /** Value clipping range; omit for the unclipped value loss (see {@link valueLoss}). */
  readonly clipRangeVf?: number;
  /** c1, the value-loss coefficient; default 0.5 (CleanRL). */
  readonly vfCoef?: number;
  /** c2, the entropy coefficient; default 0 (the paper's MuJoCo setting; CleanRL's Atari/classic 0.01). */
  readonly entCoef?: number;
  /** Normalise the advantages over this minibatch first (CleanRL's `norm_adv`); default false. */
  readonly normalizeAdvantages?: boolean;
  /** Optional 0/1 mask shaped like every other tensor, applied to all three terms. */
  readonly mask?: tf.Tensor;
}

/** Diagnostics of {@link ppoLoss}: scalar tensors owned by the caller. */
export type PpoLossMetrics = {
  /** -L^CLIP. */
  readonly policyLoss: tf.Scalar;
  /** The value loss including its 0.5 factor (before c1). */
  readonly valueLoss: tf.Scalar;
  /** The mean entropy (before c2). */
  readonly entropy: tf.Scalar;
  /** k1 estimate of KL(pi_old || pi). */
  readonly oldApproxKl: tf.Scalar;
  /** k3 estimate of KL(pi_old || pi). */
  readonly approxKl: tf.Scalar;
  /** Fraction of ratios outside the clip range. */
  readonly clipFraction: tf.Scalar;
};

/** Result of {@link ppoLoss}: `loss` is policy_loss + c1 * value_loss - c2 * entropy. */
export type PpoLossResult = LossResult<PpoLossMetrics>;

/**
 * The full PPO objective (Schulman et al. 2017, eq. 9), negated for minimisation:
 * `loss = -L^CLIP + c1 * L^VF - c2 * S`, with L^VF from {@link valueLoss} (0.5 * squared error,
 * clipped when `clipRangeVf` is set) and S the mean entropy. Pure: pass it to
 * `optimizer.minimize(() => ppoLoss(...).loss)` or take gradients yourself.
 *
 * @returns `{ loss, metrics }`; seven scalar tensors that the caller must dispose (inside
 * `optimizer.minimize` keep only what you return).
 * @throws TypeError / RangeError naming the `ppoLoss` argument, before any computation: a
 * non-tensor or non-float32 or empty tensor, a tensor (or `mask`) whose shape differs from
 * `logProbs`, `clipRange` or `clipRangeVf` out of range, `clipRangeVf` without `oldValues`, a
 * negative or non-finite `vfCoef` or `entCoef`, a non-boolean `normalizeAdvantages`.
 * @example
 * ```ts
 * const { loss, metrics } = ppoLoss({
 *   logProbs, oldLogProbs, advantages, values, oldValues, returns, entropy,
 *   clipRange: 0.2, clipRangeVf: 0.2, vfCoef: 0.5, entCoef: 0.01, normalizeAdvantages: true,
 * });
 * ```
 */
export function ppoLoss(args: PpoLossArgs): PpoLossResult {
  const fn = 'ppoLoss';
  const vfCoef = args.vfCoef ?? 0.5;
  const entCoef = args.entCoef ?? 0;
  assertNonNegative(`${fn}: vfCoef`, vfCoef);
  assertNonNegative(`${fn}: entCoef`, entCoef);
  // Checked here, not left to the inner losses, so errors name ppoLoss's own arguments. One
  // row per sample: every term describes the same samples as the policy term.
  assertFloatTensor(`${fn}: logProbs`, args.logProbs);
  for (const name of ['oldLogProbs', 'advantages', 'values', 'returns', 'entropy', 'oldValues'] as const) {
    const tensor = args[name];
    if (name === 'oldValues' && tensor === undefined) continue;
    assertFloatTensor(`${fn}: ${name}`, tensor);
    assertSameShape(`${fn}: logProbs`, args.logProbs, `${fn}: ${name}`, tensor);
  }
  if (args.mask !== undefined) assertMask(`${fn}: mask`, args.mask, `${fn}: logProbs`, args.logProbs);
  parseClipRange(`${fn}: clipRange`, args.clipRange);
  if (args.clipRangeVf !== undefined) {
    assertPositive(`${fn}: clipRangeVf`, args.clipRangeVf);
    if (args.oldValues === undefined) {
      throw new PpoTypeError('INVALID_ARGUMENT', `${fn}: oldValues is required when clipRangeVf is set (got clipRangeVf ${args.clipRangeVf})`);
    }
  }
  if (args.normalizeAdvantages !== undefined && typeof args.normalizeAdvantages !== 'boolean') {
    throw new PpoTypeError('INVALID_ARGUMENT', `${fn}: normalizeAdvantages must be a boolean, got ${typeof args.normalizeAdvantages}`);
  }
  const { logProbs, oldLogProbs, advantages: rawAdvantages, values, returns, oldValues, entropy, mask } = args;
  // Once for every term: the terms below skip tensors checked here.
  assertFiniteTensors(fn, { logProbs, oldLogProbs, advantages: rawAdvantages, values, returns, oldValues, entropy }, mask);
  return tidyObject(() => {
    let advantages = rawAdvantages;
    if (args.normalizeAdvantages === true) {
      advantages = normalizeAdvantages(rawAdvantages, mask === undefined ? {} : { mask });
      // Finite inputs and a positive epsilon give finite normalized advantages.
      markFinite(advantages, mask);
    }
    const policy = clippedSurrogate({
      logProbs: args.logProbs,
      oldLogProbs: args.oldLogProbs,
      advantages,
      clipRange: args.clipRange,
      mask: args.mask,
    });
    const value = valueLoss({
      values: args.values,
      returns: args.returns,
      oldValues: args.oldValues,
      clipRange: args.clipRangeVf,
      mask: args.mask,
    });
    const ent = entropyBonus({ entropy: args.entropy, mask: args.mask });
    const loss = tf.add<tf.Scalar>(policy.loss, tf.sub(tf.mul(value.loss, vfCoef), tf.mul(ent.metrics.entropy, entCoef)));
    const metrics: PpoLossMetrics = {
      policyLoss: policy.loss,
      valueLoss: value.loss,
      entropy: ent.metrics.entropy,
      ...policy.metrics,
    };
    return { loss, metrics };
  });
}
