/**
 * @packageDocumentation
 * Gymnasium-style environments for TypeScript: the `Env` and `Space` API, a registry with
 * Gymnasium's ids, the classic-control tasks, vector envs, wrappers and an env checker.
 * No runtime dependencies beyond the project's own seeded generator and running statistics.
 */

// Env API
export type {
  Env,
  Info,
  ResetOptions,
  ResetResult,
  StatefulEnv,
  StepResult,
  RgbFrame,
  SvgFrame,
  RenderFrame,
} from './env';
export { EpisodeGuard } from './episode-guard';

// Spaces
export {
  Box,
  Discrete,
  MultiDiscrete,
  MultiBinary,
  Dict,
  Tuple,
  spaceFromJSON,
  spacesEqual,
  type BoxOptions,
  type Space,
  type SpaceSpec,
  type SpaceValue,
} from './spaces';

// Registry
export {
  make,
  register,
  listEnvs,
  envSpec,
  isRegistered,
  type EnvFactory,
  type EnvSpec,
  type MakeOptions,
  type RegisterOptions,
} from './registry';

// Classic control
export { ClassicControlEnv, type ClassicControlOptions } from './classic-control/common';
export { CartPoleEnv, type CartPoleOptions } from './classic-control/cartpole';
export { AcrobotEnv, type AcrobotOptions } from './classic-control/acrobot';
export { MountainCarEnv, type MountainCarOptions } from './classic-control/mountain-car';
export {
  ContinuousMountainCarEnv,
  type ContinuousMountainCarOptions,
} from './classic-control/continuous-mountain-car';
export { PendulumEnv, angleNormalize, type PendulumOptions } from './classic-control/pendulum';
/** A small card game with `info.action_mask`, registered as `CardPick-v0`. */
export { CardPickEnv, type CardPickOptions } from './masked/card-pick';

// Time limit and env checker
export { TimeLimit, type TimeLimitOptions } from './time-limit';
export { checkEnv, EnvCheckError, type CheckEnvOptions, type CheckEnvReport } from './check-env';

// Vector envs (same-step autoreset; typed arrays in and out)
export {
  AutoresetMode,
  type VectorEnv,
  type VectorStepResult,
  type VectorResetResult,
  type VectorResetOptions,
} from './vector/vector-env';
export { type StepIntoEnv, type StepIntoTarget, hasStepInto } from './vector/step-into';
/** Action masks: Gymnasium's `info.action_mask`, checked and stacked by the vector envs. */
export { ACTION_MASK_KEY, actionMaskNvec, actionMaskSize, readActionMask, ActionMaskStacker } from './vector/action-masks';
export { SyncVectorEnv, VectorEnvError, type SyncVectorEnvOptions, type VectorBuffers } from './vector/sync-vector-env';
export { VectorWrapper } from './vector/vector-wrapper';
export {
  VectorRecordEpisodeStatistics,
  VectorClipAction,
  VectorClipObservation,
  VectorNormalizeObservation,
  VectorNormalizeReward,
  VectorTransformReward,
  VectorClipReward,
  type RecordEpisodeStatisticsOptions,
  type ClipObservationOptions,
} from './vector/vector-wrappers';

// Wrappers (single env)
export { Wrapper } from './wrappers/wrapper';
export {
  RecordEpisodeStatistics,
  NormalizeObservation,
  NormalizeReward,
  ClipAction,
  ClipObservation,
  TransformObservation,
  TransformReward,
  FlattenObservation,
  FrameStackObservation,
  FrameStack,
  type FrameStackObservationOptions,
  type FrameStackOptions,
} from './wrappers/wrappers';
export { RescaleAction, type RescaleActionOptions } from './wrappers/rescale-action';
export { ClipReward, type ClipRewardOptions } from './wrappers/clip-reward';
export { SelectObservation, type SelectObservationOptions } from './wrappers/select-observation';
export {
  type EpisodeStatistics,
  type NormalizeObservationOptions,
  type NormalizeRewardOptions,
  type RunningStatsState,
} from './wrappers/common';

/** The errors this package throws: each has a stable `code`; `PpoError.is(error, code?)` tells them apart across builds (shared by every package through `@ppo/utils`). */
export { PpoError, PpoRangeError, PpoTypeError, type ErrorCode } from '@ppo/utils';
