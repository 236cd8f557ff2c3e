import * as tf from '@tensorflow/tfjs';
import { normalizeAdvantages } from './advantages';
import { AdaptiveKlController } from './kl';
import type { LossResult } from './loss-result';
import { ppoLoss } from './ppo-loss';
import type { HostObjective } from './host-objective';
import { ppoLossOnHost, type HostLossResult, type HostPpoBatch } from './ppo-loss-host';
import { tidyObject } from './reduce';
import type { Schedule } from './schedule';
import type { Stateful, StateValue } from './state';
import { clippedSurrogate, klPenaltySurrogate } from './surrogate';
import { assertNonNegative, assertPositive } from './validate';
import { entropyBonus, valueLoss } from './value';

/**
 * One minibatch as the update sees it, every tensor of shape [B]: the policy's outputs for the
 * stored observations and actions (differentiable) and the rollout's stored quantities.
 * A type alias so it is a `tf.TensorContainer`.
 */
export type ObjectiveBatch = {
  /** log pi_theta(a|s) of the stored actions (differentiable). */
  readonly logProbs: tf.Tensor1D;
  /** Entropy of pi_theta(.|s) (differentiable). */
  readonly entropy: tf.Tensor1D;
  /** V_theta(s) (differentiable). */
  readonly values: tf.Tensor1D;
  /** log pi_old(a|s) recorded when the rollout was collected. */
  readonly oldLogProbs: tf.Tensor1D;
  /** V_old(s) recorded when the rollout was collected. */
  readonly oldValues: tf.Tensor1D;
  /** Advantage estimates (constants). */
  readonly advantages: tf.Tensor1D;
  /** Value targets (constants). */
  readonly returns: tf.Tensor1D;
};

/** Where training stands when an objective is called. */
export interface ObjectiveContext {
  /** Fraction of training done, in [0, 1): 0 during the first update (see `trainingProgress`). */
  readonly progress: number;
}

/**
 * The whole rollout under the updated policy, for objectives that adapt after each update (the
 * KL penalty's beta). Call inside `tf.tidy`: both tensors have shape [numSteps * numEnvs].
 */
export type RolloutLogProbs = () => { readonly logProbs: tf.Tensor1D; readonly oldLogProbs: tf.Tensor1D };

/**
 * What an update minimises. `compute` runs inside the optimizer's gradient tape once per
 * minibatch and returns `{ loss, metrics }` like every loss in this package; the metrics are
 * logged (camelCase names; a trainer maps them to its own names). Optional hooks:
 * `hyperparameters` reports host-side values in force (a scheduled clip range), `afterUpdate`
 * sees the whole rollout once the epochs are done, and `getState`/`setState` make any state
 * (an adaptive coefficient) part of a checkpoint.
 *
 * @example
 * ```ts
 * const reinforce: Objective = {
 *   compute: (batch) => {
 *     const { loss } = policyGradientLoss({ logProbs: batch.logProbs, advantages: batch.advantages });
 *     const value = valueLoss({ values: batch.values, returns: batch.returns });
 *     return { loss: tf.add(loss, value.loss), metrics: { valueLoss: value.loss } };
 *   },
 * };
 * ```
 */
export interface Objective {
  /** The loss of one minibatch. Creates tensors: runs inside the optimizer's tape. */
  compute(batch: ObjectiveBatch, context: ObjectiveContext): LossResult;
  /** Host-side hyperparameters in force at `context` (logged once per update). */
  hyperparameters?(context: ObjectiveContext): Readonly<Record<string, number>>;
  /** Called once after the epochs of an update; returns metrics to log. */
  afterUpdate?(rollout: RolloutLogProbs, context: ObjectiveContext): Readonly<Record<string, number>>;
  /** The objective's state for a checkpoint, as {@link Stateful.getState}; omit for a stateless objective. */
  getState?(): StateValue;
  /** Restores a state from {@link Objective.getState}, as {@link Stateful.setState}. */
  setState?(state: StateValue): void;
}

/** A value, or a {@link Schedule} of training progress. */
export type Scheduled = number | Schedule;

function valueAt(name: string, value: Scheduled, progress: number): number {
  const x = typeof value === 'function' ? value(progress) : value;
  assertPositive(name, x);
  return x;
}

/** Options of {@link ClipPpoObjective}. */
export interface ClipPpoObjectiveOptions {
  /** The clip range epsilon, or a schedule of it. Default 0.2. */
  readonly clipRange?: Scheduled;
  /** Clip the value loss around the old values with the same range (CleanRL's `clip_vloss`). Default true. */
  readonly clipValueLoss?: boolean;
  /** Normalise advantages per minibatch (CleanRL's `norm_adv`). Default true. */
  readonly normalizeAdvantages?: boolean;
  /** c1, the value-loss coefficient. Default 0.5. */
  readonly vfCoef?: number;
  /** c2, the entropy coefficient. Default 0. */
  readonly entCoef?: number;
}

function checkCoefficients(name: string, options: { vfCoef?: number; entCoef?: number }): { vfCoef: number; entCoef: number } {
  const vfCoef = options.vfCoef ?? 0.5;
  const entCoef = options.entCoef ?? 0;
  assertNonNegative(`${name}: vfCoef`, vfCoef);
  assertNonNegative(`${name}: entCoef`, entCoef);
  return { vfCoef, entCoef };
}

/**
 * PPO-Clip (Schulman et al. 2017, eq. 9) as an {@link Objective}: {@link ppoLoss} with a fixed or
 * scheduled clip range. Metrics: `policyLoss`, `valueLoss`, `entropy`, `oldApproxKl`,
 * `approxKl`, `clipFraction`; hyperparameter `clipRange`. A {@link HostObjective}: its
 * `computeOnHost` lets a trainer fuse the minibatch steps on the host.
 *
 * @example
 * ```ts
 * const objective = new ClipPpoObjective({ clipRange: (p) => (1 - p) * 0.1, entCoef: 0.01 });
 * ```
 */
export class ClipPpoObjective implements HostObjective {
  private readonly clipRange: Scheduled;
  private readonly clipValueLoss: boolean;
  private readonly normalize: boolean;
  private readonly vfCoef: number;
  private readonly entCoef: number;

  constructor(options: ClipPpoObjectiveOptions = {}) {
    this.clipRange = options.clipRange ?? 0.2;
    if (typeof this.clipRange !== 'function') assertPositive('ClipPpoObjective: clipRange', this.clipRange);
    this.clipValueLoss = options.clipValueLoss ?? true;
    this.normalize = options.normalizeAdvantages ?? true;
    ({ vfCoef: this.vfCoef, entCoef: this.entCoef } = checkCoefficients('ClipPpoObjective', options));
  }

  compute(batch: ObjectiveBatch, context: ObjectiveContext): LossResult {
    const clipRange = valueAt('ClipPpoObjective: clipRange', this.clipRange, context.progress);
    return ppoLoss({
      ...batch,
      clipRange,
      clipRangeVf: this.clipValueLoss ? clipRange : undefined,
      normalizeAdvantages: this.normalize,
      entCoef: this.entCoef,
      vfCoef: this.vfCoef,
    });
  }

  /**
   * {@link ClipPpoObjective.compute} on host arrays ({@link ppoLossOnHost}): the same loss and
   * metrics, with the loss's gradients with respect to the log-probabilities, entropies and
   * values, for training steps fused on the host.
   */
  computeOnHost(batch: HostPpoBatch, context: ObjectiveContext): HostLossResult {
    const clipRange = valueAt('ClipPpoObjective: clipRange', this.clipRange, context.progress);
    return ppoLossOnHost(batch, {
      clipRange,
      clipRangeVf: this.clipValueLoss ? clipRange : undefined,
      normalizeAdvantages: this.normalize,
      entCoef: this.entCoef,
      vfCoef: this.vfCoef,
    });
  }

  hyperparameters(context: ObjectiveContext): Readonly<Record<string, number>> {
    return { clipRange: valueAt('ClipPpoObjective: clipRange', this.clipRange, context.progress) };
  }
}

/** Options of {@link KlPenaltyPpoObjective}. */
export interface KlPenaltyPpoObjectiveOptions extends ClipPpoObjectiveOptions {
  /** The KL target d_targ of the adaptive beta. Default 0.01. */
  readonly klTarget?: number;
  /** beta before the first update (> 0). Default 1. */
  readonly initialBeta?: number;
}

/** The state of a {@link KlPenaltyPpoObjective}: its current beta. */
export type KlPenaltyState = { readonly beta: number };

/**
 * PPO with the adaptive KL penalty (Schulman et al. 2017, section 4) as an {@link Objective}:
 * {@link klPenaltySurrogate} plus the value loss and entropy bonus, with beta adapted by
 * {@link AdaptiveKlController} to the k3 estimate of KL(pi_old || pi_new) over the whole rollout
 * after each update (the per-minibatch estimate is measured before each step, not after).
 * `clipRange` only scales the optional value clipping and the logged `clipFraction`.
 * Metrics as {@link ClipPpoObjective}; after an update `klAfterUpdate` and `klBeta`.
 */
export class KlPenaltyPpoObjective implements Objective, Stateful<KlPenaltyState> {
  private readonly controller: AdaptiveKlController;
  private readonly clipRange: Scheduled;
  private readonly clipValueLoss: boolean;
  private readonly normalize: boolean;
  private readonly vfCoef: number;
  private readonly entCoef: number;

  constructor(options: KlPenaltyPpoObjectiveOptions = {}) {
    this.controller = new AdaptiveKlController({ target: options.klTarget ?? 0.01, initialBeta: options.initialBeta ?? 1 });
    this.clipRange = options.clipRange ?? 0.2;
    if (typeof this.clipRange !== 'function') assertPositive('KlPenaltyPpoObjective: clipRange', this.clipRange);
    this.clipValueLoss = options.clipValueLoss ?? true;
    this.normalize = options.normalizeAdvantages ?? true;
    ({ vfCoef: this.vfCoef, entCoef: this.entCoef } = checkCoefficients('KlPenaltyPpoObjective', options));
  }

  /** The current penalty coefficient. */
  get beta(): number {
    return this.controller.beta;
  }

  compute(batch: ObjectiveBatch, context: ObjectiveContext): LossResult {
    const clipRange = valueAt('KlPenaltyPpoObjective: clipRange', this.clipRange, context.progress);
    const beta = this.controller.beta;
    return tidyObject(() => {
      const advantages = this.normalize ? normalizeAdvantages(batch.advantages) : batch.advantages;
      const penalised = klPenaltySurrogate({ logProbs: batch.logProbs, oldLogProbs: batch.oldLogProbs, advantages, beta });
      const value = valueLoss({
        values: batch.values,
        returns: batch.returns,
        oldValues: batch.oldValues,
        clipRange: this.clipValueLoss ? clipRange : undefined,
      });
      const entropy = entropyBonus({ entropy: batch.entropy });
      // Logged only: how often the ratio left the range PPO-Clip would have used.
      const clip = clippedSurrogate({ logProbs: batch.logProbs, oldLogProbs: batch.oldLogProbs, advantages, clipRange });
      const loss = tf.add<tf.Scalar>(
        penalised.loss,
        tf.sub(tf.mul(value.loss, this.vfCoef), tf.mul(entropy.metrics.entropy, this.entCoef)),
      );
      const { policyLoss, oldApproxKl, approxKl } = penalised.metrics;
      return {
        loss,
        metrics: { policyLoss, valueLoss: value.loss, entropy: entropy.metrics.entropy, oldApproxKl, approxKl, clipFraction: clip.metrics.clipFraction },
      };
    });
  }

  hyperparameters(context: ObjectiveContext): Readonly<Record<string, number>> {
    return { clipRange: valueAt('KlPenaltyPpoObjective: clipRange', this.clipRange, context.progress) };
  }

  /** Measures the k3 KL of the update over the whole rollout and adapts beta to it. */
  afterUpdate(rollout: RolloutLogProbs): Readonly<Record<string, number>> {
    const kl = tf.tidy(() => {
      const { logProbs, oldLogProbs } = rollout();
      const logRatio = tf.sub(logProbs, oldLogProbs);
      return tf.mean(tf.sub(tf.expm1(logRatio), logRatio)).dataSync()[0];
    });
    // A non-finite KL is reported, not fed to the controller: the caller names it.
    if (!Number.isFinite(kl)) return { klAfterUpdate: kl };
    return { klAfterUpdate: kl, klBeta: this.controller.update(kl) };
  }

  getState(): KlPenaltyState {
    return { beta: this.controller.beta };
  }

  setState(state: KlPenaltyState): void {
    this.controller.setState({ target: this.controller.target, beta: state?.beta });
  }
}
