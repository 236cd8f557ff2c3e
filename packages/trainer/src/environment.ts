/**
 * Builds the wrapped vector env the trainer runs on, in CleanRL's wrapper order:
 * RecordEpisodeStatistics (raw returns) -> ClipAction -> NormalizeObservation -> ClipObservation
 * -> NormalizeReward -> ClipReward. Training envs check the raw values first (FiniteCheck).
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
  VectorWrapper,
  type Env,
  type VectorEnv,
  type VectorResetOptions,
  type VectorResetResult,
  type VectorStepResult,
} from '@ppo/envs';
import type { PPOConfig } from './config';
import { firstNonFinite, NonFiniteError } from './non-finite';

/** The wrapped env and handles on its stateful wrappers. */
export interface WrappedVectorEnv {
  /** The outermost env: step this one. */
  readonly env: VectorEnv;
  /** The observation normalizer, when on. */
  readonly observationNormalizer: VectorNormalizeObservation | null;
  /** The reward normalizer, when on. */
  readonly rewardNormalizer: VectorNormalizeReward | null;
}

/**
 * Throws a {@link NonFiniteError} on the first NaN or infinite observation, reward or final
 * observation as it leaves the raw vector env, before a normalizer can absorb it or a clip can
 * turn an infinity into a bound. Counts global steps itself (`numEnvs` per step, replayed steps
 * included), so the error names the same step as the trainer's counter.
 */
class FiniteCheck extends VectorWrapper {
  private globalStep = 0;

  override reset(options?: VectorResetOptions): VectorResetResult {
    const result = super.reset(options);
    this.checkRows(result.observations, 'observation');
    return result;
  }

  override step(actions: Float32Array | Int32Array): VectorStepResult {
    const result = super.step(actions);
    this.globalStep += this.numEnvs;
    const badReward = firstNonFinite(result.rewards, 1);
    if (badReward !== null) throw new NonFiniteError('reward', badReward.row, this.globalStep, `reward is ${badReward.value}`);
    this.checkRows(result.observations, 'observation');
    const size = this.observationSize;
    for (let i = 0; i < this.numEnvs; i++) {
      if (result.terminated[i] === 1 || result.truncated[i] === 1) {
        this.checkRows(result.finalObservations.subarray(i * size, (i + 1) * size), 'final observation', i);
      }
    }
    return result;
  }

  /** Throws on the first non-finite entry of `values`, rows of one observation each, the first being env `firstRow`. */
  private checkRows(values: Float32Array, quantity: string, firstRow = 0): void {
    const bad = firstNonFinite(values, this.observationSize);
    if (bad !== null) throw new NonFiniteError(quantity, firstRow + bad.row, this.globalStep, `element ${bad.column} is ${bad.value}`);
  }
}

/** Makes one env of the configured id (the default env factory). */
export function makeConfiguredEnv(config: Pick<PPOConfig, 'env' | 'envOptions'>): Env<unknown, unknown> {
  return make<unknown, unknown>(config.env, config.envOptions);
}

/**
 * Wraps a raw vector env as the config asks. `training: false` (evaluation) leaves rewards
 * raw and freezes observation normalization. `training: true` also throws a `NonFiniteError`
 * (env index, global step, quantity) on a NaN or infinite raw observation or reward.
 */
export function wrapVectorEnv(base: VectorEnv, config: PPOConfig, options: { training: boolean }): WrappedVectorEnv {
  let env: VectorEnv = new VectorRecordEpisodeStatistics(options.training ? new FiniteCheck(base) : base);
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
