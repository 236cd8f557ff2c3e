/**
 * `@ppo/core`: the losses of PPO and its relatives as pure functions of TensorFlow.js tensors.
 *
 * Every loss validates its inputs, runs inside `tf.tidy`, returns named scalar tensors that the
 * caller owns, and never touches an optimizer.
 *
 * @packageDocumentation
 */
export type { ClipRange } from './validate';
export {
  clippedSurrogate,
  klPenaltySurrogate,
  policyGradientLoss,
  type ClippedSurrogateArgs,
  type ClippedSurrogateResult,
  type KlEstimator,
  type KlPenaltySurrogateArgs,
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
export { ppoLoss, type PpoLossArgs, type PpoLossResult, type PpoLossTerms } from './ppo-loss';
export { grpoLoss, type GrpoAggregation, type GrpoLossArgs, type GrpoLossResult } from './grpo';
export {
  constantSchedule,
  linearSchedule,
  trainingProgress,
  type LinearScheduleOptions,
  type Schedule,
} from './schedule';
export { explainedVariance, type NumericSeries } from './explained-variance';

/** The errors this package throws: each has a stable `code`; `PpoError.is(error, code?)` tells them apart across builds (shared with every @ppo package through `@ppo/utils`). */
export { PpoError, PpoRangeError, PpoTypeError, type ErrorCode } from '@ppo/utils';
