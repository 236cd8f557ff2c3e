/**
 * Builds the wrapped vector env the trainer runs on, in CleanRL's wrapper order:
 * RecordEpisodeStatistics (raw returns) -> ClipAction -> NormalizeObservation -> ClipObservation
 * -> NormalizeReward -> ClipReward.
 */
import {
  make,
  SyncVectorEnv,
  VectorClipAction,
  VectorClipObservation,
  VectorClipReward,
  VectorNormalizeObservation,
  VectorNormalizeReward,
  VectorRecordEpisodeStatistics,
  type Env,
  type VectorEnv,
} from '@ppo/envs';
import type { PPOConfig } from './config';

/** The wrapped env and handles on its stateful wrappers. */
export interface WrappedVectorEnv {
  /** The outermost env: step this one. */
  readonly env: VectorEnv;
  /** The observation normalizer, when on. */
  readonly observationNormalizer: VectorNormalizeObservation | null;
  /** The reward normalizer, when on. */
  readonly rewardNormalizer: VectorNormalizeReward | null;
}

/** Makes one env of the configured id (the default env factory). */
export function makeConfiguredEnv(config: Pick<PPOConfig, 'env' | 'envOptions'>): Env<unknown, unknown> {
  return make<unknown, unknown>(config.env, config.envOptions);
}

/**
 * Wraps a raw vector env as the config asks. `training: false` (evaluation) leaves rewards
 * raw and freezes observation normalization.
 */
export function wrapVectorEnv(base: VectorEnv, config: PPOConfig, options: { training: boolean }): WrappedVectorEnv {
  let env: VectorEnv = new VectorRecordEpisodeStatistics(base);
  if (config.clipAction && base.singleActionSpace.toJSON().type === 'box') env = new VectorClipAction(env);
  let observationNormalizer: VectorNormalizeObservation | null = null;
  if (config.normalizeObservation) {
    observationNormalizer = new VectorNormalizeObservation(env);
    observationNormalizer.frozen = !options.training;
    env = observationNormalizer;
  }
  if (config.clipObservation !== null) env = new VectorClipObservation(env, { low: -config.clipObservation, high: config.clipObservation });
  let rewardNormalizer: VectorNormalizeReward | null = null;
  if (options.training && config.normalizeReward) {
    rewardNormalizer = new VectorNormalizeReward(env, { gamma: config.gamma });
    env = rewardNormalizer;
  }
  if (options.training && config.clipReward !== null) env = new VectorClipReward(env, { min: -config.clipReward, max: config.clipReward });
  return { env, observationNormalizer, rewardNormalizer };
}

/** A synchronous vector env of `numEnvs` copies made by `makeEnv`. */
export function makeSyncVectorEnv(numEnvs: number, makeEnv: (index: number) => Env<unknown, unknown>): VectorEnv {
  return new SyncVectorEnv(Array.from({ length: numEnvs }, (_, i) => () => makeEnv(i)));
}
