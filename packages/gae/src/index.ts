/**
 * @packageDocumentation
 * Advantage and return estimators for reinforcement learning on flat, time-major typed arrays
 * (step `t` of env `i` at index `t * numEnvs + i`): generalized advantage estimation,
 * discounted and TD(lambda) returns, the pluggable `AdvantageEstimator` built on them, GRPO's
 * group-relative advantages, and the running mean/variance used for observation and reward
 * normalisation (now from `@ppo/utils`, its only dependency).
 */
export {
  gae,
  discountedReturns,
  tdLambdaReturns,
  type RolloutInput,
  type GaeInput,
  type GaeOutput,
  type GaeResult,
  type DiscountedReturnsInput,
  type TdLambdaReturnsInput,
  type ReturnsOutput,
  type ReturnsResult,
} from './gae';
export {
  gaeEstimator,
  monteCarloEstimator,
  tdLambdaEstimator,
  type AdvantageEstimator,
  type EstimatorInput,
  type EstimatorOptions,
  type LambdaEstimatorOptions,
} from './estimators';
export {
  groupRelativeAdvantages,
  type GroupRelativeOptions,
  type GroupScale,
} from './group-relative';
/**
 * Running mean and variance; moved to `@ppo/utils`, re-exported here so existing imports keep
 * working.
 *
 * @deprecated Import from `@ppo/utils`.
 */
export {
  RunningMeanStd,
  type RunningMeanStdOptions,
  type RunningMeanStdState,
  type NormalizeOptions,
} from '@ppo/utils';

/** The errors this package throws: each has a stable `code`; `PpoError.is(error, code?)` tells them apart across builds (shared by every package through `@ppo/utils`). */
export { PpoError, PpoRangeError, PpoTypeError, type ErrorCode } from '@ppo/utils';
