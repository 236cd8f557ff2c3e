/**
 * @packageDocumentation
 * The PPO algorithm end to end on TensorFlow.js: a validated config with CleanRL's
 * implementation details as switches, the `classic`, `mujoco` and `atari` presets, callbacks,
 * loggers, checkpoints, evaluation and learning-curve plots. Files, the run directory and the
 * `ppo` command line are in `@ppo/trainer/node`.
 */
export {
  CONFIG_SCHEMA,
  ConfigError,
  DEFAULT_CONFIG,
  PRESETS,
  resolveConfig,
  validateConfig,
  type Backend,
  type PPOConfig,
  type PresetName,
} from './config';
export {
  PPO,
  NonFiniteError,
  RECENT_RETURN_WINDOW,
  type CheckpointSink,
  type EvaluateOptions,
  type EvaluationResult,
  type PPOOptions,
  type TorsoOptions,
  type TrainOptions,
} from './ppo';
export { Adam, type AdamOptions, type AdamState } from './adam';
export {
  StopOnReward,
  type Callback,
  type CallbackContext,
  type CallbackResult,
  type EpisodeRecord,
} from './callbacks';
export { EvaluationCallback, type EvaluationCallbackOptions } from './evaluation';
export { ConsoleLogger, MemoryLogger, METRIC_NAMES, type ConsoleLoggerOptions, type Logger } from './loggers';
export { CHECKPOINT_VERSION, type ArrayEntry, type Checkpoint, type CheckpointMeta } from './checkpoint';
export { POLICY_FILE, type ExportedPolicy } from './policy-export';
export { learningCurveSvg, niceTicks, returnSeries, type PlotOptions, type PlotSeries } from './plot';
export { wrapVectorEnv, type WrappedVectorEnv } from './environment';
