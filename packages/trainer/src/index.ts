/**
 * @packageDocumentation
 * The PPO algorithm end to end on TensorFlow.js, built from public phases (`collectRollout`,
 * `estimateAdvantages`, `ppoUpdate`) that other algorithms reuse: a validated config with
 * CleanRL's implementation details as switches, pluggable components (policy, objective,
 * optimizer, advantage estimator), the `classic`, `mujoco`, `atari` and `minatar` presets
 * (an env's registration may recommend one), callbacks,
 * loggers, checkpoints, evaluation and learning-curve plots. Files, the run directory and the
 * `ppo` command line are in `@ppo/trainer/node`.
 */
export {
  CONFIG_SCHEMA,
  ConfigError,
  DEFAULT_CONFIG,
  PRESETS,
  recommendedPreset,
  resolveConfig,
  validateConfig,
  type Backend,
  type PPOConfig,
  type PresetName,
} from './config';
export {
  PPO,
  createTrainer,
  NonFiniteError,
  RECENT_RETURN_WINDOW,
  type CheckpointSink,
  type EvaluateOptions,
  type EvaluationResult,
  type PolicySpec,
  type PPOComponents,
  type PPOOptions,
  type TorsoOptions,
  type TrainOptions,
} from './ppo';
export {
  collectRollout,
  episodeOf,
  type EpisodeInfo,
  type CollectRolloutOptions,
  type CollectRolloutResult,
  type RolloutCollector,
  type RolloutCounters,
  type RolloutPosition,
} from './collect-rollout';
export { estimateAdvantages } from './estimate-advantages';
export { ppoUpdate, type PpoUpdateOptions } from './ppo-update';
export { RecurrentMemory } from './recurrent-memory';
export { evaluatePolicy } from './evaluate-policy';
export { LOGGED_METRIC_NAMES, loggedMetricName, toLoggedMetrics } from './metric-names';
export { decodeState, encodeState } from './component-state';
/** The errors of every `@ppo/*` package share one base with a stable `code` (see `PpoError.is`). */
export { PpoError, PpoRangeError, PpoTypeError, type ErrorCode } from '@ppo/utils';
/** Moved to `@ppo/core`; re-exported so existing imports keep working. */
export { Adam, type AdamOptions, type AdamState } from '@ppo/core';
export {
  StopOnReward,
  type Callback,
  type CallbackContext,
  type CallbackResult,
  type EpisodeRecord,
} from './callbacks';
export { EvaluationCallback, type EvaluationCallbackOptions, type BestEvaluation, type BestModelSink } from './evaluation';
export { ConsoleLogger, MemoryLogger, METRIC_NAMES, type ConsoleLoggerOptions, type Logger } from './loggers';
export { CHECKPOINT_VERSION, type ArrayEntry, type Checkpoint, type CheckpointMeta } from './checkpoint';
export { POLICY_FILE, type ExportedPolicy } from './policy-export';
export { describePolicy, policyFiles, type PolicyDescription, type PolicyFilesOptions } from './policy-files';
export { learningCurveSvg, niceTicks, returnSeries, type PlotOptions, type PlotSeries } from './plot';
export { wrapVectorEnv, type WrappedVectorEnv } from './environment';
