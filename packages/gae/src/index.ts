/**
 * @packageDocumentation
 * Advantage and return estimators for reinforcement learning on flat, time-major typed arrays
 * (step `t` of env `i` at index `t * numEnvs + i`): generalized advantage estimation,
 * discounted and TD(lambda) returns, the pluggable `AdvantageEstimator` built on them, GRPO's group-relative advantages, and the running
 * mean/variance used for observation and reward normalisation. No runtime dependencies.
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
export {
  RunningMeanStd,
  type RunningMeanStdOptions,
  type RunningMeanStdState,
  type NormalizeOptions,
} from './running-mean-std';
