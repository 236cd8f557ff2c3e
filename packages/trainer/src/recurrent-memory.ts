import type { RolloutBuffer } from '@ppo/buffers';
import type { StateValue } from '@ppo/core';
import type { RecurrentPolicy } from '@ppo/nets';
import { checkPositiveInt, describeValue, PpoRangeError } from '@ppo/utils';

/**
 * The memory a recurrent policy carries across steps and rollouts, per env: the current state
 * and whether the current observation starts an episode, plus both as they were when the
 * current rollout began (the update re-runs its sequences from there). {@link collectRollout}
 * advances it; {@link ppoUpdate} reads the rollout's start; checkpoints hold it through
 * `getState`/`setState`, so a resumed run continues with the same memory.
 *
 * @example
 * ```ts
 * const memory = new RecurrentMemory(policy, numEnvs);
 * await collectRollout({ env, policy, buffer, rng, observations, counters, recurrent: memory });
 * ppoUpdate({ ...options, recurrent: memory });
 * ```
 */
export class RecurrentMemory {
  /** Envs (N). */
  readonly numEnvs: number;
  /** State values per env (S). */
  readonly stateSize: number;
  /** N * S current states. */
  readonly state: Float32Array;
  /** N flags, 1 where the current observation is the first of an episode. */
  readonly episodeStarts: Uint8Array;
  /** N * S states when the current rollout began. */
  readonly initialState: Float32Array;
  /** N flags when the current rollout began. */
  readonly initialEpisodeStarts: Uint8Array;

  /** Starts every env at the policy's initial state, each observation the start of an episode. */
  constructor(policy: RecurrentPolicy, numEnvs: number) {
    this.numEnvs = checkPositiveInt('numEnvs', numEnvs);
    this.stateSize = checkPositiveInt('policy.stateSize', policy.stateSize);
    this.state = policy.initialState(numEnvs);
    this.episodeStarts = new Uint8Array(numEnvs).fill(1);
    this.initialState = new Float32Array(this.state.length);
    this.initialEpisodeStarts = new Uint8Array(numEnvs);
  }

  /** Records the current state and flags as the start of a rollout. */
  beginRollout(): void {
    this.initialState.set(this.state);
    this.initialEpisodeStarts.set(this.episodeStarts);
  }

  /**
   * The T * N episode-start flags of the rollout in `buffer` (time-major): step 0 from the
   * rollout's start, step t > 0 where step t - 1 ended its episode (terminated or truncated).
   */
  episodeStartsOf(buffer: RolloutBuffer): Uint8Array {
    const n = this.numEnvs;
    if (buffer.numEnvs !== n) throw new PpoRangeError('INVALID_ARGUMENT', `RecurrentMemory: buffer holds ${buffer.numEnvs} envs, the memory ${n}`);
    const rows = buffer.size * n;
    const starts = new Uint8Array(rows);
    starts.set(this.initialEpisodeStarts.subarray(0, Math.min(n, rows)));
    for (let k = n; k < rows; k++) starts[k] = buffer.terminated[k - n] | buffer.truncated[k - n];
    return starts;
  }

  /** Copies of the current state and flags, for a checkpoint. */
  getState(): StateValue {
    return { state: Float32Array.from(this.state), episodeStarts: Uint8Array.from(this.episodeStarts) };
  }

  /** Restores what {@link RecurrentMemory.getState} returned; checks sizes and flags. */
  setState(value: StateValue): void {
    const record = value as { state?: unknown; episodeStarts?: unknown } | null;
    const state = record?.state;
    const starts = record?.episodeStarts;
    if (!(state instanceof Float32Array) || state.length !== this.state.length) {
      throw new PpoRangeError('BAD_CHECKPOINT', `recurrent state must be a Float32Array of numEnvs * stateSize = ${this.state.length} values, got ${describeValue(state)}`);
    }
    if (!(starts instanceof Uint8Array) || starts.length !== this.numEnvs || starts.some((f) => f > 1)) {
      throw new PpoRangeError('BAD_CHECKPOINT', `recurrent episodeStarts must be a Uint8Array of ${this.numEnvs} flags (0 or 1), got ${describeValue(starts)}`);
    }
    for (const x of state) {
      if (!Number.isFinite(x)) throw new PpoRangeError('BAD_CHECKPOINT', `recurrent state holds ${x}, expected finite values`);
    }
    this.state.set(state);
    this.episodeStarts.set(starts);
  }
}
