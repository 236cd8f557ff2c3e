/**
 * Evaluation: the deterministic policy for whole episodes on an env of its own, scoring raw
 * returns.
 */
import type { RandomSource } from '@ppo/utils';
import { PpoRangeError } from '@ppo/utils';
import type { VectorEnv } from '@ppo/envs';
import { isRecurrentPolicy, type Policy } from '@ppo/nets';

/** Summary of an evaluation; returns are raw (unscaled) undiscounted sums of rewards. */
export interface EvaluationResult {
  /** Episodes run. */
  readonly episodes: number;
  /** Mean return over the episodes. */
  readonly mean: number;
  /** Population standard deviation of the returns. */
  readonly std: number;
  /** Lowest return. */
  readonly min: number;
  /** Highest return. */
  readonly max: number;
  /** Return of each episode, in the order they finished. */
  readonly returns: number[];
  /** Length in steps of each episode, in the same order. */
  readonly lengths: number[];
  /** How many of the episodes were cut at `maxSteps` rather than ended by the env. */
  readonly cutAtMaxSteps: number;
}

/** Options of `PPO.evaluate`. */
export interface EvaluateOptions {
  /** Episodes to run. Default `config.evalEpisodes`. */
  readonly episodes?: number;
  /** Seed of the evaluation env's reset, an integer in [0, 2^32). Default derived from `config.seed`. */
  readonly seed?: number;
  /**
   * Cuts an episode after this many steps and counts it with its return so far, so an env that
   * never ends cannot hang the evaluation. Default 100,000.
   */
  readonly maxSteps?: number;
  /**
   * Take the distribution's mode (default true); false samples each action from the policy's
   * distribution with the trainer's evaluation generator.
   */
  readonly deterministic?: boolean;
}

/** Default of {@link EvaluateOptions.maxSteps}. */
export const EVAL_MAX_STEPS = 100_000;

/** Mean of `values`, NaN for none. */
export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

/**
 * Plays `policy`'s deterministic action (its distribution's mode; with `deterministic: false`,
 * an action sampled with `rng`) on `env`, a vector env of one env, for `episodes` whole
 * episodes from `reset({ seed })`, cutting an episode at `maxSteps`. When the env gives action
 * masks (`info.action_mask`), actions are taken over the allowed ones only.
 * Returns are the env's rewards summed as they come, so wrap the env without reward scaling.
 *
 * @example
 * ```ts
 * const result = await evaluatePolicy(policy, env, new Rng(0), { episodes: 10, seed: 7, maxSteps: 1000 });
 * ```
 */
export function evaluatePolicy(
  policy: Policy,
  env: VectorEnv,
  rng: RandomSource,
  options: { readonly episodes: number; readonly seed: number; readonly maxSteps: number; readonly deterministic?: boolean },
): EvaluationResult {
  const { episodes, seed, maxSteps } = options;
  const deterministic = options.deterministic ?? true;
  if (env.numEnvs !== 1) throw new PpoRangeError('INVALID_ARGUMENT', `evaluatePolicy: env must hold 1 env, got ${env.numEnvs}`);
  if (!Number.isInteger(episodes) || episodes < 1) throw new PpoRangeError('INVALID_ARGUMENT', `episodes must be a positive integer, got ${String(episodes)}`);
  if (!Number.isInteger(maxSteps) || maxSteps < 1) throw new PpoRangeError('INVALID_ARGUMENT', `maxSteps must be a positive integer, got ${String(maxSteps)}`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 4294967295) throw new PpoRangeError('INVALID_ARGUMENT', `seed must be an integer in [0, 4294967295], got ${String(seed)}`);
  const returns: number[] = [];
  const lengths: number[] = [];
  let cut = 0;
  // A recurrent policy carries its state through each episode, reset where one starts.
  const memory = isRecurrentPolicy(policy) ? { policy, state: policy.initialState(1), starts: Uint8Array.of(1) } : null;
  const first = env.reset({ seed });
  let obs = Float32Array.from(first.observations);
  let mask = first.actionMasks === undefined ? undefined : Uint8Array.from(first.actionMasks);
  let episodeReturn = 0;
  let length = 0;
  while (returns.length < episodes) {
    const options = mask === undefined ? { deterministic } : { deterministic, actionMask: mask };
    let actions;
    if (memory === null) ({ actions } = policy.act(obs, 1, rng, options));
    else {
      const step = memory.policy.actRecurrent(obs, 1, memory.state, memory.starts, rng, options);
      actions = step.actions;
      memory.state = step.state;
      memory.starts[0] = 0;
    }
    const result = env.step(actions);
    episodeReturn += result.rewards[0];
    length += 1;
    const ended = result.terminated[0] === 1 || result.truncated[0] === 1;
    if (ended || length >= maxSteps) {
      if (memory !== null) memory.starts[0] = 1;
      returns.push(episodeReturn);
      lengths.push(length);
      episodeReturn = 0;
      length = 0;
      if (!ended) {
        cut += 1;
        // Continues the env's own generator: only the first reset takes the seed.
        const again = env.reset();
        obs = Float32Array.from(again.observations);
        mask = again.actionMasks === undefined ? undefined : Uint8Array.from(again.actionMasks);
        continue;
      }
    }
    obs = Float32Array.from(result.observations);
    mask = result.actionMasks === undefined ? undefined : Uint8Array.from(result.actionMasks);
  }
  const m = mean(returns);
  const std = Math.sqrt(mean(returns.map((r) => (r - m) ** 2)));
  return { episodes, mean: m, std, min: Math.min(...returns), max: Math.max(...returns), returns, lengths, cutAtMaxSteps: cut };
}
