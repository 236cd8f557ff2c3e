import type { Minibatch } from '@ppo/buffers';
import { Adam, HostOptimizer, hostObjective, RmsProp, type Objective, type ObjectiveContext, type Optimizer } from '@ppo/core';
import { ActorCritic, type Policy } from '@ppo/nets';

/** One minibatch step of {@link FusedUpdate}: the objective's metrics and the pre-clip gradient norm. */
export interface FusedStepResult {
  readonly metrics: Readonly<Record<string, number>>;
  readonly gradNorm: number;
}

/**
 * Minibatch steps with no tensor ops: the policy's forward and backward pass
 * (`HostActorCritic`), the objective's loss and its gradients (`computeOnHost`) and the
 * optimizer's step all run on host arrays; the weights go back into the variables once, in
 * {@link FusedUpdate.finish}.
 */
export interface FusedUpdate {
  step(mb: Minibatch, learningRate: number, maxGradNorm: number | null, context: ObjectiveContext): FusedStepResult;
  /** Writes the stepped weights into the policy's variables. */
  finish(): void;
}

/**
 * The fused update for the standard components, or null when any part is not one it knows
 * exactly (a subclass could change what it computes): an {@link ActorCritic} whose
 * `hostModel()` applies (built-in MLP torsos, categorical or Gaussian head), an objective that
 * computes on the host (`hostObjective` of @ppo/core: `ClipPpoObjective`, or any objective whose
 * `compute` and `computeOnHost` come from the same class), an {@link Adam} or {@link RmsProp}
 * over the policy's variables in order.
 * Anything else takes the general path (tfjs autodiff), which stays the reference.
 */
export function fusedUpdate(policy: Policy, objective: Objective, optimizer: Optimizer): FusedUpdate | null {
  if (Object.getPrototypeOf(policy) !== ActorCritic.prototype) return null;
  const hostLoss = hostObjective(objective);
  if (hostLoss === null) return null;
  const kind: unknown = Object.getPrototypeOf(optimizer);
  if ((kind !== Adam.prototype && kind !== RmsProp.prototype) || !(optimizer instanceof HostOptimizer)) return null;
  const actorCritic = policy as ActorCritic;
  const hostOptimizer = optimizer;
  if (!hostOptimizer.optimizes(actorCritic.trainableVariables)) return null;
  const host = actorCritic.hostModel();
  if (host === null) return null;
  const d = policy.observationSize;
  const a = policy.actionSize;
  return {
    step(mb, learningRate, maxGradNorm, context) {
      const n = mb.size;
      const out = host.evaluate(mb.observations.subarray(0, n * d), mb.actions.subarray(0, n * a), n);
      const loss = hostLoss.computeOnHost(
        { ...out, oldLogProbs: mb.logProbs, oldValues: mb.values, advantages: mb.advantages, returns: mb.returns, size: n },
        context,
      );
      const grads = host.backward(loss.dLogProbs, loss.dEntropy, loss.dValues);
      const gradNorm = hostOptimizer.applyGradients(grads, host.parameters, learningRate, maxGradNorm);
      return { metrics: loss.metrics, gradNorm };
    },
    finish: () => host.commit(),
  };
}
