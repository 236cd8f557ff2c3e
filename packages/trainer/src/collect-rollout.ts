import type { RolloutBuffer } from '@ppo/buffers';
import type { VectorEnv } from '@ppo/envs';
import { isRecurrentPolicy, type Policy, type RandomSource } from '@ppo/nets';
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

interface EpisodeInfo {
  r: number;
  l: number;
}

function episodeOf(info: Record<string, unknown> | undefined): EpisodeInfo | null {
  if (info === undefined) return null;
  const direct = info.episode as EpisodeInfo | undefined;
  if (direct !== undefined) return direct;
  const final = info.finalInfo as Record<string, unknown> | undefined;
  return (final?.episode as EpisodeInfo | undefined) ?? null;
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
  const memory = options.recurrent ?? null;
  const recurrentPolicy = isRecurrentPolicy(policy) ? policy : null;
  if ((memory === null) !== (recurrentPolicy === null)) {
    throw new PpoRangeError('INVALID_ARGUMENT', recurrentPolicy === null
      ? 'collectRollout: recurrent memory was given for a policy that is not recurrent'
      : 'collectRollout: a recurrent policy needs options.recurrent (a RecurrentMemory for its per-env state)');
  }
  if (memory !== null && (memory.numEnvs !== n || memory.stateSize !== recurrentPolicy?.stateSize)) {
    throw new PpoRangeError('INVALID_ARGUMENT', `collectRollout: recurrent memory holds ${memory.numEnvs} envs x ${memory.stateSize} state values, env and policy have ${n} x ${recurrentPolicy?.stateSize}`);
  }
  // Zeros: the final observation of a truncated episode continues that episode's state.
  const continuing = memory === null ? null : new Uint8Array(n);
  memory?.beginRollout();
  const bootstrap = options.bootstrapTruncated ?? true;
  const cutAsEnd = bootstrap ? null : new Uint8Array(n);
  let stop = false;
  buffer.reset();
  for (let t = 0; t < buffer.numSteps; t++) {
    let acted;
    if (memory === null || recurrentPolicy === null) acted = policy.act(observations, n, rng);
    else {
      acted = recurrentPolicy.actRecurrent(observations, n, memory.state, memory.episodeStarts, rng);
      memory.state.set(acted.state);
    }
    const { actions, logProbs, values } = acted;
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
    });
    if (anyCut && bootstrap) {
      const finalValues = memory === null || recurrentPolicy === null || continuing === null
        ? policy.predictValues(result.finalObservations, n)
        : recurrentPolicy.predictValuesRecurrent(result.finalObservations, n, memory.state, continuing);
      buffer.setNextValues(t, finalValues);
    }
    observations.set(result.observations.subarray(0, n * size));
    if (memory !== null) for (let i = 0; i < n; i++) memory.episodeStarts[i] = result.terminated[i] | result.truncated[i];
    for (let i = 0; i < n; i++) {
      if (result.terminated[i] !== 1 && result.truncated[i] !== 1) continue;
      const episode = episodeOf(result.infos[i]);
      if (episode === null) continue;
      counters.episodes += 1;
      const record: EpisodeRecord = { envIndex: i, return: episode.r, length: episode.l, globalStep: counters.globalStep };
      if ((await options.onEpisodeEnd?.(record)) === true) stop = true;
    }
  }
  buffer.bootstrapNextValues(
    memory === null || recurrentPolicy === null
      ? policy.predictValues(observations, n)
      : recurrentPolicy.predictValuesRecurrent(observations, n, memory.state, memory.episodeStarts),
  );
  return { stopRequested: stop };
}
