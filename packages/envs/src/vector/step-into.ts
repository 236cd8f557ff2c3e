import type { Info } from '../env';

/** Where {@link StepIntoEnv.stepInto} writes one env's step: row `index` of each array. */
export interface StepIntoTarget {
  readonly observations: Float32Array;
  readonly rewards: Float32Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
}

/**
 * An optional fast path an env (or a wrapper) may offer to vector envs: the same transition as
 * `step(action)`, with the same checks, but the flat observation is written to
 * `target.observations` at `index * observationSize`, the reward to `target.rewards[index]` and
 * the flags (0/1) to `target.terminated[index]` / `target.truncated[index]`, so no result object
 * or observation array is allocated. Returns the step's info, or `undefined` when it is empty.
 *
 * Vector envs use it when every env has it; a wrapper should offer it only when the env it
 * wraps does (see {@link hasStepInto}).
 */
export interface StepIntoEnv<Act = number | Float32Array> {
  /** Steps with `action`, writing the results into row `index` of `target`; returns the info, or `undefined` when it is empty. */
  stepInto(action: Act, target: StepIntoTarget, index: number): Info | undefined;
}

/**
 * Whether `env` offers a {@link StepIntoEnv} fast path that mirrors its `step`. A `stepInto` is
 * trusted only when no `step` is defined closer to the instance than it: a subclass that
 * overrides `step` alone (reward shaping, say), or an instance given its own `step`, would be
 * skipped by the inherited fast path, so such an env counts as having none and is stepped
 * through `step`.
 */
export function hasStepInto<Act>(env: object): env is StepIntoEnv<Act> {
  if (typeof (env as Partial<StepIntoEnv<Act>>).stepInto !== 'function') return false;
  for (let level: object | null = env; level !== null; level = Object.getPrototypeOf(level) as object | null) {
    if (Object.prototype.hasOwnProperty.call(level, 'stepInto')) return true;
    if (Object.prototype.hasOwnProperty.call(level, 'step')) return false;
  }
  return false;
}
