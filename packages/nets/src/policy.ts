import type * as tf from '@tensorflow/tfjs';
import type { RandomSource } from '@ppo/utils';
import type { ActOptions, ActResult, EvaluateResult } from './actor-critic';

/**
 * What a trainer needs of a policy: acting on host arrays during a rollout, scoring stored
 * actions as tensors during an update, and its variables for the optimizer and checkpoints.
 * {@link ActorCritic} implements it; so can a network of your own written with tfjs ops or
 * layers.
 *
 * Contracts: `act` returns fresh arrays (count * actionSize actions of `actionType`, count
 * log-probabilities and values), draws all noise from `rng`, and scores each action exactly as
 * `evaluate` would, so the first PPO ratio of a rollout is 1. `evaluate` creates tensors in the
 * caller's `tf.tidy` (or gradient tape) and must be differentiable in `trainableVariables`.
 * `trainableVariables` keep their order and names for the policy's life (checkpoints pair
 * arrays with them by position).
 *
 * @example
 * ```ts
 * const policy: Policy = new ActorCritic({ observationSize: 4, actionSpace: { type: 'discrete', n: 2 }, seed: 1 });
 * const { actions, logProbs, values } = policy.act(observations, 1, new Rng(0));
 * ```
 */
export interface Policy {
  /** Flat observation size D. */
  readonly observationSize: number;
  /** Values per action (1 for a discrete space, the box size for a continuous one). */
  readonly actionSize: number;
  /** Element type of actions: 'int32' for discrete spaces, 'float32' for box. */
  readonly actionType: 'int32' | 'float32';
  /** Every trainable variable, in a stable order. */
  readonly trainableVariables: readonly tf.Variable[];
  /** Actions, their log-probabilities and value estimates for `count` observations (row-major). */
  act(observations: Float32Array, count: number, rng: RandomSource, options?: ActOptions): ActResult;
  /** Value estimates for `count` observations (row-major). */
  predictValues(observations: Float32Array, count: number): Float32Array;
  /** Log-probabilities of `actions`, entropies and values as [B] tensors, for the loss. */
  evaluate(observations: tf.Tensor2D, actions: tf.Tensor, options?: { actionMask?: tf.Tensor2D }): EvaluateResult;
  /** Copies of the weights under stable names. */
  getWeights(): Map<string, Float32Array>;
  /** Assigns weights by name (every variable present, exact sizes). */
  setWeights(weights: ReadonlyMap<string, Float32Array> | Readonly<Record<string, Float32Array>>): void;
  /** Frees the variables. */
  dispose(): void;
}
