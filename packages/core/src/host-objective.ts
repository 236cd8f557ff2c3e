import type { Objective, ObjectiveContext } from './objective';
import type { HostLossResult, HostPpoBatch } from './ppo-loss-host';

/**
 * An {@link Objective} that can also compute its loss on host arrays: the same loss and metrics
 * as `compute` (same names, same order, as numbers), with the loss's gradients with respect to
 * each sample's log-probability, entropy and value. A trainer may then run its minibatch steps
 * without tensor ops (the host forward and backward pass of the policy, then the optimizer).
 *
 * Contract: `computeOnHost` agrees with `compute` to float32 rounding for every batch and
 * context. Override both or neither: {@link hostObjective} refuses an object whose two methods
 * come from different classes.
 *
 * @example
 * ```ts
 * const objective = new ClipPpoObjective({ clipRange: 0.1 });
 * const { loss, metrics, dLogProbs, dEntropy, dValues } = objective.computeOnHost(batch, { progress: 0 });
 * ```
 */
export interface HostObjective extends Objective {
  /** {@link Objective.compute} on host arrays (`batch.size` samples), with the loss's gradients. */
  computeOnHost(batch: HostPpoBatch, context: ObjectiveContext): HostLossResult;
}

/** The object of `value`'s prototype chain (itself included) that defines `key`, or null. */
function definerOf(value: object, key: string): object | null {
  for (let at: object | null = value; at !== null; at = Object.getPrototypeOf(at) as object | null) {
    if (Object.hasOwn(at, key)) return at;
  }
  return null;
}

/**
 * `objective` as a {@link HostObjective} when its host computation is the one that goes with its
 * `compute`: both methods are functions defined by the same object of its prototype chain (the
 * same class, or the object itself). Null otherwise, so a subclass that overrides `compute` but
 * not `computeOnHost` (or the reverse), or an instance whose `compute` was replaced, takes the
 * general tensor path, which always runs the `compute` in force.
 *
 * @example
 * ```ts
 * const host = hostObjective(objective);
 * const result = host === null ? null : host.computeOnHost(batch, context);
 * ```
 */
export function hostObjective(objective: Objective): HostObjective | null {
  const candidate = objective as Objective & { readonly computeOnHost?: unknown };
  if (typeof candidate.compute !== 'function' || typeof candidate.computeOnHost !== 'function') return null;
  const definer = definerOf(objective, 'compute');
  return definer !== null && definer === definerOf(objective, 'computeOnHost') ? (objective as HostObjective) : null;
}
