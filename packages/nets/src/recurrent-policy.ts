import type * as tf from '@tensorflow/tfjs';
import type { RandomSource } from '@ppo/utils';
import type { ActOptions, ActResult, EvaluateResult } from './actor-critic';
import type { Policy } from './policy';

/** What {@link RecurrentPolicy.actRecurrent} returns: the step's actions and the next states. */
export interface RecurrentActResult extends ActResult {
  /** count * stateSize states after the step (row-major), a fresh array. */
  readonly state: Float32Array;
}

/**
 * The sequences a {@link RecurrentPolicy.evaluateSequences} call re-runs. Rows of the
 * observations and actions are time-major over `numSequences` sequences of equal length: row
 * `t * numSequences + j` is step t of sequence j (the layout of a `'sequential'` minibatch of
 * `@ppo/buffers`).
 */
export interface SequenceInputs {
  /** Sequences in the batch (J); the rows are J * T. */
  readonly numSequences: number;
  /** [J, stateSize] state of each sequence before its first step. */
  readonly initialState: tf.Tensor2D;
  /**
   * [J * T] float 0/1 flags, 1 where the row is the first step of an episode: the state is
   * zeroed before that step (CleanRL's `(1 - done) * h`).
   */
  readonly episodeStarts: tf.Tensor1D;
  /** [J * T, n] allowed actions for discrete spaces. */
  readonly actionMask?: tf.Tensor2D;
}

/**
 * A {@link Policy} with memory (an LSTM or GRU): every acting call takes the state of each env
 * and a flag per env saying whether its observation starts an episode (the state is zeroed
 * there first), and returns the next state; the update re-runs whole sequences from the state
 * stored at the start of the rollout. {@link RecurrentActorCritic} implements it.
 *
 * The stateless {@link Policy} methods (`act`, `predictValues`, `evaluate`) treat every row as
 * the first step of an episode (zero state), so code written for feed-forward policies runs,
 * but without memory; the trainer calls the recurrent methods. `act`-to-`evaluateSequences`
 * contract: scoring the stored actions of a rollout with the stored initial states and episode
 * starts reproduces the acting log-probabilities (up to float32 rounding), so the first PPO ratio
 * of a rollout is 1.
 *
 * @example
 * ```ts
 * let state = policy.initialState(numEnvs);
 * let starts = new Uint8Array(numEnvs).fill(1);
 * const step = policy.actRecurrent(observations, numEnvs, state, starts, rng);
 * state = step.state;
 * ```
 */
export interface RecurrentPolicy extends Policy {
  /** Marks a policy as recurrent (see {@link isRecurrentPolicy}). */
  readonly recurrent: true;
  /** State values per env. */
  readonly stateSize: number;
  /** The state before any step: count * stateSize zeros. */
  initialState(count: number): Float32Array;
  /**
   * Actions, log-probabilities and values for `count` observations, from the states `state`
   * (count * stateSize) after zeroing the rows whose `episodeStarts` flag (count bytes) is 1.
   */
  actRecurrent(observations: Float32Array, count: number, state: Float32Array, episodeStarts: Uint8Array, rng: RandomSource, options?: ActOptions): RecurrentActResult;
  /** Value estimates for `count` observations from `state`, zeroed where `episodeStarts` is 1. */
  predictValuesRecurrent(observations: Float32Array, count: number, state: Float32Array, episodeStarts: Uint8Array): Float32Array;
  /**
   * Log-probabilities of `actions`, entropies and values [J * T] of whole sequences, the state
   * re-computed step by step from `sequences.initialState` with resets at episode starts.
   * Creates tensors in the caller's scope; differentiable in `trainableVariables`.
   */
  evaluateSequences(observations: tf.Tensor2D, actions: tf.Tensor, sequences: SequenceInputs): EvaluateResult;
}

/** Whether `policy` is a {@link RecurrentPolicy}. */
export function isRecurrentPolicy(policy: Policy): policy is RecurrentPolicy {
  return (policy as Partial<RecurrentPolicy>).recurrent === true;
}
