import type { RolloutBuffer } from '@ppo/buffers';
import type { VectorEnv } from '@ppo/envs';
import { isRecurrentPolicy, type ActResult, type Policy, type RandomSource } from '@ppo/nets';
import type { EpisodeRecord } from './callbacks';
import { PpoRangeError } from '@ppo/utils';
import type { RecurrentMemory } from './recurrent-memory';

/** Counters that {@link collectRollout} advances in place. */
export interface RolloutCounters {
  /** Env steps taken, summed over envs. */
  globalStep: number;
  /** Episodes finished. */
  episodes: number;
}

/** Options of {@link collectRollout}. */
export interface CollectRolloutOptions {
  /** The (wrapped) vector env to step; its episode statistics come from `info.episode`. */
  readonly env: VectorEnv;
  /** Chooses the actions and values. */
  readonly policy: Policy;
  /** Receives the rollout; reset first, full after. Its shape must match the env and policy. */
  readonly buffer: RolloutBuffer;
  /** Noise of the policy's sampling. */
  readonly rng: RandomSource;
  /**
   * The current observation of every env (`numEnvs * observationSize`): the first step acts on
   * it, and it holds the observations after the last step when the call returns.
   */
  readonly observations: Float32Array;
  /**
   * The valid-action masks of `observations` (`numEnvs * maskSize`, the env's
   * `actionMasks`), for an env that gives `info.action_mask`: the policy samples only allowed
   * actions, the buffer (created with `actionMaskSize`) stores the masks, and they are updated
   * in place like `observations`. Leave out for an unmasked env.
   */
  readonly actionMasks?: Uint8Array;
  /** Advanced by `numEnvs` per step and by one per finished episode. */
  readonly counters: RolloutCounters;
  /**
   * Bootstrap truncated episodes from the value of their final observation (default true).
   * `false` records a truncation as a termination, CleanRL's simplification.
   */
  readonly bootstrapTruncated?: boolean;
  /**
   * Called for every finished episode with its raw return, as it finishes (so loggers see the
   * step it ended on). Returning true asks the caller to stop after this rollout.
   */
  readonly onEpisodeEnd?: (episode: EpisodeRecord) => boolean | void | Promise<boolean | void>;
  /**
   * The per-env memory of a recurrent policy (required with one, rejected without): the policy
   * acts from its states, which advance every step and are zeroed where an episode starts; the
   * rollout's starting states are recorded for the update.
   */
  readonly recurrent?: RecurrentMemory;
}

/** What {@link collectRollout} reports. */
export interface CollectRolloutResult {
  /** True when an `onEpisodeEnd` call asked to stop. */
  readonly stopRequested: boolean;
}

/** Where a rollout sits in the run, for a {@link RolloutCollector}. */
export interface RolloutPosition {
  /** Updates completed before this rollout: the version of the policy's weights that acts in it. */
  readonly update: number;
}

/**
 * Fills a rollout the way {@link collectRollout} does, from wherever the steps are taken (for
 * example rollout workers on other machines): it leaves `buffer` full with its next values
 * bootstrapped, advances `counters` and `rng` as `collectRollout` would, and calls
 * `onEpisodeEnd` for every finished episode in step order, then env order.
 * {@link collectRollout} is the default; `PPO.train` takes another through its `collect` option.
 */
export type RolloutCollector = (options: CollectRolloutOptions, position: RolloutPosition) => Promise<CollectRolloutResult>;

/** The raw return (`r`) and length (`l`) of a finished episode, as `RecordEpisodeStatistics` reports them. */
export interface EpisodeInfo {
  r: number;
  l: number;
}

/**
 * The episode statistics in a vector env's `info` for an env whose episode just ended (in
 * `info.episode`, or in `info.finalInfo.episode` after an autoreset), or null when there are none.
 */
export function episodeOf(info: Record<string, unknown> | undefined): EpisodeInfo | null {
  if (info === undefined) return null;
  const direct = info.episode as EpisodeInfo | undefined;
  if (direct !== undefined) return direct;
  const final = info.finalInfo as Record<string, unknown> | undefined;
  return (final?.episode as EpisodeInfo | undefined) ?? null;
}

/** How a rollout asks the policy for actions and values. */
interface RolloutActor {
  /** Actions, log-probabilities and values for the current observations of every env. */
  act(observations: Float32Array): ActResult;
  /** Values of the final observations of episodes cut this step (they continue those episodes). */
  finalValues(observations: Float32Array): Float32Array;
  /** Values of the current observations. */
  values(observations: Float32Array): Float32Array;
  /** Records which envs start a new episode at their next observation. */
  endStep(terminated: Uint8Array, truncated: Uint8Array): void;
}

/**
 * A feed-forward policy acts statelessly; a recurrent one from `memory`, which every step
 * advances and which marks the envs whose next observation starts an episode (their state is
 * zeroed before that step). The rollout's starting state is recorded first.
 */
function rolloutActor(policy: Policy, memory: RecurrentMemory | null, n: number, rng: RandomSource, actionMask: Uint8Array | undefined): RolloutActor {
  // `actionMask` is the caller's array, refreshed in place after every step.
  const options = actionMask === undefined ? {} : { actionMask };
  if (!isRecurrentPolicy(policy)) {
    if (memory !== null) throw new PpoRangeError('INVALID_ARGUMENT', 'collectRollout: recurrent memory was given for a policy that is not recurrent');
    return {
      act: (observations) => policy.act(observations, n, rng, options),
      finalValues: (observations) => policy.predictValues(observations, n),
      values: (observations) => policy.predictValues(observations, n),
      endStep: () => undefined,
    };
  }
  if (memory === null) throw new PpoRangeError('INVALID_ARGUMENT', 'collectRollout: a recurrent policy needs options.recurrent (a RecurrentMemory for its per-env state)');
  if (memory.numEnvs !== n || memory.stateSize !== policy.stateSize) {
    throw new PpoRangeError('INVALID_ARGUMENT', `collectRollout: recurrent memory holds ${memory.numEnvs} envs x ${memory.stateSize} state values, env and policy have ${n} x ${policy.stateSize}`);
  }
  memory.beginRollout();
  const continuing = new Uint8Array(n);
  return {
    act: (observations) => {
      const out = policy.actRecurrent(observations, n, memory.state, memory.episodeStarts, rng, options);
      memory.state.set(out.state);
      return out;
    },
    finalValues: (observations) => policy.predictValuesRecurrent(observations, n, memory.state, continuing),
    values: (observations) => policy.predictValuesRecurrent(observations, n, memory.state, memory.episodeStarts),
    endStep: (terminated, truncated) => {
      for (let i = 0; i < n; i++) memory.episodeStarts[i] = terminated[i] | truncated[i];
    },
  };
}

/**
 * The rollout phase of PPO (CleanRL's collection loop): steps `env` for `buffer.numSteps` steps
 * with `policy`, storing observations, actions, log-probabilities, values, rewards and the
 * `terminated`/`truncated` flags, then fills the buffer's next values: the value of the
 * following observation, and for an episode cut by truncation the value of its final
 * observation (the vector env hands it back), computed once per step that had one. Advantages
 * are left to an `AdvantageEstimator` (see {@link estimateAdvantages}).
 *
 * Non-finite observations and rewards are caught where the raw env output enters the wrapper
 * stack (`wrapVectorEnv` with `training: true`), before a normalizer can absorb them.
 *
 * @example
 * ```ts
 * const counters = { globalStep: 0, episodes: 0 };
 * await collectRollout({ env, policy, buffer, rng, observations, counters });
 * estimateAdvantages(buffer, gaeEstimator({ gamma: 0.99, lambda: 0.95 }));
 * ```
 */
export async function collectRollout(options: CollectRolloutOptions): Promise<CollectRolloutResult> {
  const { env, policy, buffer, rng, observations, counters } = options;
  const n = env.numEnvs;
  const size = env.observationSize;
  if (buffer.numEnvs !== n || buffer.observationSize !== size || buffer.actionSize !== policy.actionSize) {
    throw new PpoRangeError('INVALID_ARGUMENT', 
      `collectRollout: buffer holds ${buffer.numEnvs} envs x ${buffer.observationSize} observations x ${buffer.actionSize} actions, ` +
        `env and policy have ${n} x ${size} x ${policy.actionSize}`,
    );
  }
  if (observations.length !== n * size) {
    throw new PpoRangeError('INVALID_ARGUMENT', `collectRollout: observations must hold numEnvs * observationSize = ${n * size} values, got ${observations.length}`);
  }
  const masks = options.actionMasks;
  const maskSize = buffer.actionMaskSize;
  if ((masks === undefined) !== (maskSize === 0) || (masks !== undefined && masks.length !== n * maskSize)) {
    throw new PpoRangeError(
      'INVALID_ARGUMENT',
      `collectRollout: actionMasks must ${maskSize === 0 ? 'be left out for a buffer without actionMaskSize' : `hold numEnvs * actionMaskSize = ${n * maskSize} flags`}, got ${masks === undefined ? 'none' : masks.length}`,
    );
  }
  const actor = rolloutActor(policy, options.recurrent ?? null, n, rng, masks);
  const bootstrap = options.bootstrapTruncated ?? true;
  const cutAsEnd = bootstrap ? null : new Uint8Array(n);
  let stop = false;
  buffer.reset();
  for (let t = 0; t < buffer.numSteps; t++) {
    const { actions, logProbs, values } = actor.act(observations);
    const result = env.step(actions);
    counters.globalStep += n;
    let anyCut = false;
    for (let i = 0; i < n; i++) {
      if (result.truncated[i] === 1 && result.terminated[i] === 0) anyCut = true;
      if (cutAsEnd !== null) cutAsEnd[i] = result.terminated[i] | result.truncated[i];
    }
    buffer.add({
      observations,
      actions,
      logProbs,
      values,
      rewards: result.rewards,
      terminated: cutAsEnd ?? result.terminated,
      truncated: result.truncated,
      ...(masks === undefined ? {} : { actionMasks: masks }),
    });
    if (anyCut && bootstrap) buffer.setNextValues(t, actor.finalValues(result.finalObservations));
    observations.set(result.observations.subarray(0, n * size));
    actor.endStep(result.terminated, result.truncated);
    if (masks !== undefined) {
      if (result.actionMasks === undefined) throw new PpoRangeError('INVALID_ARGUMENT', 'collectRollout: the env stopped giving action masks (info.action_mask) mid-rollout');
      masks.set(result.actionMasks);
    }
    for (let i = 0; i < n; i++) {
      if (result.terminated[i] !== 1 && result.truncated[i] !== 1) continue;
      const episode = episodeOf(result.infos[i]);
      if (episode === null) continue;
      counters.episodes += 1;
      const record: EpisodeRecord = { envIndex: i, return: episode.r, length: episode.l, globalStep: counters.globalStep };
      if ((await options.onEpisodeEnd?.(record)) === true) stop = true;
    }
  }
  buffer.bootstrapNextValues(actor.values(observations));
  return { stopRequested: stop };
}
