import * as tf from '@tensorflow/tfjs';
import type { Minibatch, RolloutBuffer } from '@ppo/buffers';
import type { RandomSource } from '@ppo/utils';
import { PpoRangeError } from '@ppo/utils';
import { explainedVariance, type Objective, type ObjectiveContext, type Optimizer } from '@ppo/core';
import { isRecurrentPolicy, type Policy, type RecurrentPolicy } from '@ppo/nets';
import { fusedUpdate, type FusedUpdate } from './fused-update';
import { loggedMetricName } from './metric-names';
import { NonFiniteError } from './non-finite';
import type { RecurrentMemory } from './recurrent-memory';

/** Options of {@link ppoUpdate}. */
export interface PpoUpdateOptions {
  /** The policy being trained; `evaluate` scores the stored actions. */
  readonly policy: Policy;
  /** A full buffer with advantages and returns written (see `estimateAdvantages`). */
  readonly buffer: RolloutBuffer;
  /** What each minibatch minimises. */
  readonly objective: Objective;
  /** Steps the policy's variables. */
  readonly optimizer: Optimizer;
  /** Shuffles the minibatches. */
  readonly rng: RandomSource;
  /** Passes over the rollout (K). */
  readonly epochs: number;
  /** Minibatches per epoch. */
  readonly numMinibatches: number;
  /** The learning rate of this update. */
  readonly learningRate: number;
  /** Global gradient-norm clip, or null. */
  readonly maxGradNorm: number | null;
  /** Stop the epochs once the last minibatch's `approxKl` exceeds this (null: never). */
  readonly targetKl?: number | null;
  /** Where training stands (fraction done), passed to the objective. */
  readonly context: ObjectiveContext;
  /** Names the update in a non-finite error: its 1-based number and the global step. */
  readonly position?: { readonly update: number; readonly globalStep: number };
  /**
   * Run the minibatch steps fused on the host when the components allow it (an `ActorCritic`
   * with MLP torsos and a categorical or Gaussian head, an objective that computes on the host
   * such as `ClipPpoObjective` (see `hostObjective` of @ppo/core), `Adam` or `RmsProp`): no tensor ops, hand-derived gradients that agree with the general path to
   * float32 rounding. Default true; false forces the general path (tfjs autodiff), which any
   * other component, and a rollout with action masks, always takes.
   */
  readonly fused?: boolean;
  /**
   * The memory of a recurrent policy (required with one): minibatches are then whole env
   * sequences (`'sequential'` mode; `numEnvs` must be divisible by `numMinibatches`), re-run
   * from the rollout's starting states with resets at episode starts (CleanRL's ppo_atari_lstm).
   */
  readonly recurrent?: RecurrentMemory;
}

/** What the update of a recurrent policy needs besides the minibatch. */
interface SequenceContext {
  readonly policy: RecurrentPolicy;
  readonly memory: RecurrentMemory;
  /** T * N episode-start flags of the rollout. */
  readonly starts: Uint8Array;
}

/** Checks the recurrent options of {@link ppoUpdate}; null for a feed-forward policy. */
function sequenceContext(options: PpoUpdateOptions): SequenceContext | null {
  const { policy, buffer, recurrent } = options;
  if (!isRecurrentPolicy(policy)) {
    if (recurrent !== undefined) throw new PpoRangeError('INVALID_ARGUMENT', 'ppoUpdate: recurrent memory was given for a policy that is not recurrent');
    return null;
  }
  if (recurrent === undefined) throw new PpoRangeError('INVALID_ARGUMENT', 'ppoUpdate: a recurrent policy needs options.recurrent (the RecurrentMemory its rollout was collected with)');
  if (buffer.numEnvs % options.numMinibatches !== 0) {
    throw new PpoRangeError(
      'INVALID_ARGUMENT',
      `ppoUpdate: numMinibatches must divide numEnvs = ${buffer.numEnvs} for a recurrent policy (minibatches are whole env sequences), got ${options.numMinibatches}`,
    );
  }
  return { policy, memory: recurrent, starts: recurrent.episodeStartsOf(buffer) };
}

/**
 * The update phase of PPO: `epochs` passes of shuffled minibatches over the rollout, each
 * scoring the stored actions with `policy.evaluate`, computing `objective.compute` and taking
 * one `optimizer` step; then the objective's `afterUpdate` sees the whole rollout.
 *
 * Returns the update's metrics in camelCase, in this order: `learningRate`; the objective's
 * metrics of the last minibatch (as CleanRL logs them), except `clipFraction`, averaged over
 * every minibatch; `explainedVariance` of the rollout's values; the objective's
 * `hyperparameters`; `epochs` run; the mean pre-clip `gradNorm`; the metrics of `afterUpdate`.
 * Every metric is checked: a NaN or infinite one throws a `NonFiniteError` naming it.
 *
 * @example
 * ```ts
 * const metrics = ppoUpdate({
 *   policy, buffer, objective: new ClipPpoObjective(), optimizer: new Adam(policy.trainableVariables),
 *   rng, epochs: 4, numMinibatches: 4, learningRate: 2.5e-4, maxGradNorm: 0.5, context: { progress: 0 },
 * });
 * ```
 */
export function ppoUpdate(options: PpoUpdateOptions): Record<string, number> {
  const { policy, buffer, objective, optimizer, context } = options;
  if (!Number.isInteger(options.epochs) || options.epochs < 1) throw new PpoRangeError('INVALID_ARGUMENT', `ppoUpdate: epochs must be a positive integer, got ${String(options.epochs)}`);
  const position = options.position ?? { update: 0, globalStep: 0 };
  const check = (name: string, value: number, detail: string): void => {
    if (!Number.isFinite(value)) throw new NonFiniteError(loggedMetricName(name), null, position.globalStep, `${detail} gave ${value}`);
  };
  const last: Record<string, number> = {};
  const clipFractions: number[] = [];
  const gradNorms: number[] = [];
  let epochsRun = 0;
  const sequences = sequenceContext(options);
  // The fused step has no action masks and no memory: those take the general path.
  const fused = options.fused === false || buffer.actionMaskSize > 0 || sequences !== null ? null : fusedUpdate(policy, objective, optimizer);
  try {
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      epochsRun += 1;
      let index = 0;
      for (const mb of buffer.minibatches({ numMinibatches: options.numMinibatches, rng: options.rng, ...(sequences === null ? {} : { mode: 'sequential' as const }) })) {
        const { values, gradNorm } = fused !== null ? fusedStep(fused, mb, options, context) : generalStep(policy, objective, optimizer, mb, sequences, options, context);
        for (const [name, value] of values) {
          check(name, value, `update ${position.update}, epoch ${epoch}, minibatch ${index}`);
          last[name] = value;
          if (name === 'clipFraction') clipFractions.push(value);
        }
        gradNorms.push(gradNorm);
        index += 1;
      }
      const targetKl = options.targetKl ?? null;
      if (targetKl !== null && last.approxKl > targetKl) break;
    }
  } finally {
    fused?.finish();
  }
  const metrics: Record<string, number> = { learningRate: options.learningRate, ...last };
  if (clipFractions.length > 0) metrics.clipFraction = mean(clipFractions);
  metrics.explainedVariance = explainedVariance(buffer.values, buffer.returns);
  Object.assign(metrics, objective.hyperparameters?.(context));
  metrics.epochs = epochsRun;
  metrics.gradNorm = mean(gradNorms);
  if (objective.afterUpdate !== undefined) {
    const count = buffer.numSteps * buffer.numEnvs;
    const after = objective.afterUpdate(
      () => ({
        logProbs: (sequences === null
          ? policy.evaluate(...rowsAsTensors(policy, buffer.observations, buffer.actions, count), maskOption(buffer.actionMasks, count))
          : sequences.policy.evaluateSequences(...rowsAsTensors(policy, buffer.observations, buffer.actions, count), {
              numSequences: buffer.numEnvs,
              initialState: tf.tensor2d(sequences.memory.initialState, [buffer.numEnvs, sequences.memory.stateSize]),
              episodeStarts: tf.tensor1d(Float32Array.from(sequences.starts)),
              ...maskOption(buffer.actionMasks, count),
            })
        ).logProbs,
        oldLogProbs: tf.tensor1d(buffer.logProbs.subarray(0, count)),
      }),
      context,
    );
    for (const [name, value] of Object.entries(after)) {
      check(name, value, `update ${position.update}`);
      metrics[name] = value;
    }
  }
  return metrics;
}

/** One minibatch's objective metrics, by name in the objective's order, and the pre-clip gradient norm. */
interface StepResult {
  readonly values: Map<string, number>;
  readonly gradNorm: number;
}

function fusedStep(fused: FusedUpdate, mb: Minibatch, options: PpoUpdateOptions, context: ObjectiveContext): StepResult {
  const step = fused.step(mb, options.learningRate, options.maxGradNorm, context);
  return { values: new Map(Object.entries(step.metrics)), gradNorm: step.gradNorm };
}

/** The general step: the objective under tfjs's gradient tape, metrics in one download. */
function generalStep(
  policy: Policy,
  objective: Objective,
  optimizer: Optimizer,
  mb: Minibatch,
  sequences: SequenceContext | null,
  options: PpoUpdateOptions,
  context: ObjectiveContext,
): StepResult {
  let names: string[] = [];
  let packed: tf.Tensor1D | null = null;
  const gradNorm = optimizer.minimize(
    () => {
      const { loss, metrics } = objective.compute(minibatchTensors(policy, mb, sequences), context);
      names = Object.keys(metrics);
      packed = tf.keep(tf.stack(names.map((name) => metrics[name])) as tf.Tensor1D);
      return loss;
    },
    options.learningRate,
    options.maxGradNorm,
  );
  const data = (packed as unknown as tf.Tensor1D).dataSync();
  (packed as unknown as tf.Tensor1D).dispose();
  return { values: new Map(names.map((name, k) => [name, data[k]])), gradNorm };
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

/** The `{ actionMask }` option of `policy.evaluate` for the first `count` rows of `masks` (bool [count, M]), or none. */
function maskOption(masks: Uint8Array | null, count: number): { actionMask?: tf.Tensor2D } {
  if (masks === null) return {};
  const size = masks.length / Math.max(count, 1);
  return { actionMask: tf.tensor2d(masks.subarray(0, count * size), [count, size], 'bool') };
}

/** Observations [count, D] and actions ([count] for one discrete action, else [count, A]) of the first `count` rows. */
function rowsAsTensors(policy: Policy, observations: Float32Array, actions: Float32Array | Int32Array, count: number): [tf.Tensor2D, tf.Tensor] {
  const size = policy.observationSize;
  const actionSize = policy.actionSize;
  const obs = tf.tensor2d(observations.subarray(0, count * size), [count, size]);
  const acts =
    policy.actionType === 'int32'
      ? tf.tensor(actions.subarray(0, count * actionSize), actionSize === 1 ? [count] : [count, actionSize], 'int32')
      : tf.tensor2d(actions.subarray(0, count * actionSize) as Float32Array, [count, actionSize]);
  return [obs, acts];
}

/**
 * The policy's outputs for a minibatch and its stored quantities, as the objective takes them.
 * Masked minibatches are scored under the masks their actions were sampled with (MaskablePPO);
 * a recurrent policy re-runs the minibatch's env sequences from their starting states.
 */
function minibatchTensors(policy: Policy, mb: Minibatch, sequences: SequenceContext | null) {
  const rows = rowsAsTensors(policy, mb.observations, mb.actions, mb.size);
  const mask = maskOption(mb.actionMasks, mb.size);
  const out = sequences === null ? policy.evaluate(...rows, mask) : sequences.policy.evaluateSequences(...rows, { ...sequenceInputs(mb, sequences), ...mask });
  return {
    logProbs: out.logProbs,
    entropy: out.entropy,
    values: out.values,
    oldLogProbs: tf.tensor1d(mb.logProbs.subarray(0, mb.size)),
    oldValues: tf.tensor1d(mb.values.subarray(0, mb.size)),
    advantages: tf.tensor1d(mb.advantages.subarray(0, mb.size)),
    returns: tf.tensor1d(mb.returns.subarray(0, mb.size)),
  };
}

/** The starting states and episode-start flags of a sequential minibatch's env sequences. */
function sequenceInputs(mb: Minibatch, { memory, starts }: SequenceContext) {
  const size = memory.stateSize;
  const initial = new Float32Array(mb.numSequences * size);
  for (let j = 0; j < mb.numSequences; j++) {
    const env = mb.envIndices[j];
    initial.set(memory.initialState.subarray(env * size, (env + 1) * size), j * size);
  }
  const flags = new Float32Array(mb.size);
  for (let r = 0; r < mb.size; r++) flags[r] = starts[mb.indices[r]];
  return { numSequences: mb.numSequences, initialState: tf.tensor2d(initial, [mb.numSequences, size]), episodeStarts: tf.tensor1d(flags) };
}
