/**
 * `@ppo/core`: the losses of PPO and its relatives as pure functions of TensorFlow.js tensors.
 *
 * Every loss validates its inputs, runs inside `tf.tidy`, returns `{ loss, metrics }` (scalar
 * tensors that the caller owns, metrics named in camelCase) and never touches an optimizer.
 * Objectives package losses for an update loop; optimizers with exact checkpointable state
 * drive them; {@link Stateful} is the one state contract a checkpoint relies on.
 *
 * @packageDocumentation
 */
export type { ClipRange } from './validate';
export {
  clippedSurrogate,
  klPenaltySurrogate,
  policyGradientLoss,
  type ClippedSurrogateArgs,
  type ClippedSurrogateMetrics,
  type ClippedSurrogateResult,
  type KlEstimator,
  type KlPenaltySurrogateArgs,
  type KlPenaltySurrogateMetrics,
  type KlPenaltySurrogateResult,
  type PolicyGradientLossArgs,
} from './surrogate';
export {
  klK1,
  klK2,
  klK3,
  AdaptiveKlController,
  type AdaptiveKlControllerOptions,
  type AdaptiveKlState,
  type KlEstimatorArgs,
} from './kl';
export { valueLoss, entropyBonus, type ValueLossArgs, type EntropyBonusArgs } from './value';
export { normalizeAdvantages, type NormalizeAdvantagesOptions } from './advantages';
export { ppoLoss, type PpoLossArgs, type PpoLossMetrics, type PpoLossResult } from './ppo-loss';
export { grpoLoss, type GrpoAggregation, type GrpoLossArgs, type GrpoLossMetrics, type GrpoLossResult } from './grpo';
export type { LossMetrics, LossResult } from './loss-result';
export type { StateValue, Stateful } from './state';
export {
  ClipPpoObjective,
  KlPenaltyPpoObjective,
  type ClipPpoObjectiveOptions,
  type KlPenaltyPpoObjectiveOptions,
  type KlPenaltyState,
  type Objective,
  type ObjectiveBatch,
  type ObjectiveContext,
  type RolloutLogProbs,
  type Scheduled,
} from './objective';
export { HostOptimizer, type Optimizer } from './optimizer';
/** The PPO-Clip loss and its gradients on host arrays, for training steps fused on the host. */
export { ppoLossOnHost, type HostLossResult, type HostPpoBatch, type HostPpoLossOptions } from './ppo-loss-host';
/** Objectives that also compute their loss and its gradients on host arrays, and the check that one may. */
export { hostObjective, type HostObjective } from './host-objective';
export { Adam, type AdamOptions, type AdamState } from './adam';
export { RmsProp, type RmsPropOptions, type RmsPropState } from './rmsprop';
export {
  constantSchedule,
  linearSchedule,
  trainingProgress,
  type LinearScheduleOptions,
  type Schedule,
} from './schedule';
export { explainedVariance, type NumericSeries } from './explained-variance';
export { maskedMean } from './masked-mean';

/** The errors this package throws: each has a stable `code`; `PpoError.is(error, code?)` tells them apart across builds (shared by every package through `@ppo/utils`). */
export { PpoError, PpoRangeError, PpoTypeError, type ErrorCode } from '@ppo/utils';
