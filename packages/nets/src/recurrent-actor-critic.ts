import { assertAllFinite, checkPositiveInt, PpoError, PpoRangeError, PpoTypeError, Rng, type RandomSource } from '@ppo/utils';
import * as tf from '@tensorflow/tfjs';
import { ActorCritic, type ActionSpaceSpec, type ActOptions, type ActResult, type EvaluateResult } from './actor-critic';
import type { Activation } from './mlp';
import { recurrentCell, type RecurrentCell, type RecurrentCellKind } from './recurrent-cell';
import type { RecurrentActResult, RecurrentPolicy, SequenceInputs } from './recurrent-policy';
import { readNamedWeights, writeNamedWeights } from './weights';

/** Options of {@link RecurrentActorCritic}. */
export interface RecurrentActorCriticOptions {
  /** Flat observation size D. */
  readonly observationSize: number;
  /** The action space (the JSON form of an `@ppo/envs` space); picks the distribution. */
  readonly actionSpace: ActionSpaceSpec;
  /** 'lstm' (default) or 'gru'. */
  readonly cell?: RecurrentCellKind;
  /** Units of the recurrent layer (default 64, RL Zoo's `lstm_hidden_size` for CartPoleNoVel). */
  readonly hiddenSize?: number;
  /** Hidden widths of the actor and critic MLPs after the recurrent layer (default [64]). */
  readonly hiddenSizes?: readonly number[];
  /** Nonlinearity of those MLPs (default 'tanh'). */
  readonly activation?: Activation;
  /** One MLP for actor and critic after the recurrent layer instead of two (default false). */
  readonly shared?: boolean;
  /** Initial value of the free log-std of box actions (default 0). */
  readonly logStdInit?: number;
  /** Distribution of box actions (default 'gaussian'); see `ActorCriticOptions.continuous`. */
  readonly continuous?: 'gaussian' | 'tanh-gaussian';
  /** Seed of the initialisation (an integer in [0, 2^32)); ignored when `rng` is given. */
  readonly seed?: number;
  /** Generator of the initialisation. */
  readonly rng?: RandomSource;
}

/**
 * A recurrent actor-critic (CleanRL's ppo_atari_lstm layout on vector observations): one LSTM
 * or GRU shared by actor and critic reads the observations; its output h feeds an
 * {@link ActorCritic} (separate actor and critic MLPs of `hiddenSizes`, then the policy and
 * value heads of the action space). The state is reset (zeroed) wherever an episode starts.
 *
 * Weights: the cell's variables under `core/...` (`core/kernel`, `core/bias` for an LSTM;
 * `core/input_kernel`, `core/recurrent_kernel`, `core/input_bias`, `core/recurrent_bias` for
 * a GRU), then the heads' names of {@link ActorCritic} (`actor/torso/...`, `actor/head/...`,
 * `critic/...`).
 *
 * @example
 * ```ts
 * const policy = new RecurrentActorCritic({ observationSize: 2, actionSpace: { type: 'discrete', n: 2 }, cell: 'lstm', seed: 1 });
 * let state = policy.initialState(8);
 * const starts = new Uint8Array(8).fill(1);
 * const { actions, state: next } = policy.actRecurrent(observations, 8, state, starts, rng);
 * ```
 */
export class RecurrentActorCritic implements RecurrentPolicy {
  readonly recurrent = true as const;
  /** Flat observation size D. */
  readonly observationSize: number;
  /** Values per action. */
  readonly actionSize: number;
  /** Element type of actions. */
  readonly actionType: 'int32' | 'float32';
  /** The action space this policy acts in. */
  readonly actionSpace: ActionSpaceSpec;
  /** 'lstm' or 'gru'. */
  readonly cellKind: RecurrentCellKind;
  /** Units of the recurrent layer. */
  readonly hiddenSize: number;
  /** State values per env: 2 * hiddenSize (h and c) for an LSTM, hiddenSize for a GRU. */
  readonly stateSize: number;
  /** All trainable variables under stable local names (the weights I/O keys). */
  readonly variables: Readonly<Record<string, tf.Variable>>;
  /** The same variables in a stable order. */
  readonly trainableVariables: tf.Variable[];
  private readonly cell: RecurrentCell;
  private readonly heads: ActorCritic;
  private disposed = false;

  constructor(options: RecurrentActorCriticOptions) {
    const { observationSize, hiddenSize = 64, hiddenSizes = [64] } = options;
    checkPositiveInt('observationSize', observationSize);
    checkPositiveInt('hiddenSize', hiddenSize);
    const rng = options.rng ?? new Rng(options.seed ?? (() => {
      throw new PpoRangeError('INVALID_ARGUMENT', 'RecurrentActorCritic needs a seed (an integer in [0, 2^32)) or an rng');
    })());
    const cell = recurrentCell({ kind: options.cell, inputSize: observationSize, hiddenSize, rng, name: 'recurrent_core' });
    let heads: ActorCritic;
    try {
      heads = new ActorCritic({
        observationSize: hiddenSize,
        actionSpace: options.actionSpace,
        hiddenSizes,
        activation: options.activation,
        shared: options.shared ?? false,
        logStdInit: options.logStdInit,
        continuous: options.continuous,
        rng,
      });
    } catch (error) {
      cell.dispose();
      throw error;
    }
    this.cell = cell;
    this.heads = heads;
    const variables: Record<string, tf.Variable> = {};
    for (const [k, v] of Object.entries(cell.variables)) variables[`core/${k}`] = v;
    Object.assign(variables, heads.variables);
    this.variables = variables;
    this.trainableVariables = Object.values(variables);
    this.observationSize = observationSize;
    this.actionSize = heads.actionSize;
    this.actionType = heads.actionType;
    this.actionSpace = options.actionSpace;
    this.cellKind = cell.kind;
    this.hiddenSize = hiddenSize;
    this.stateSize = cell.stateSize;
  }

  /** count * stateSize zeros. */
  initialState(count: number): Float32Array {
    checkPositiveInt('count', count);
    return new Float32Array(count * this.stateSize);
  }

  /**
   * One step of the recurrent layer on the host arrays, in one `tf.tidy` with one download:
   * the features h (count * hiddenSize) and the next states (count * stateSize).
   */
  private stepOnHost(observations: Float32Array, count: number, state: Float32Array, episodeStarts: Uint8Array): { features: Float32Array; state: Float32Array } {
    this.checkAlive();
    this.checkInputs(observations, count, state, episodeStarts);
    const h = this.hiddenSize;
    const s = this.stateSize;
    const data = tf.tidy(() => {
      const x = tf.tensor2d(observations, [count, this.observationSize]);
      const keep = tf.tensor2d(Float32Array.from(episodeStarts, (f) => 1 - f), [count, 1]);
      const { output, state: next } = this.cell.step(x, tf.mul<tf.Tensor2D>(tf.tensor2d(state, [count, s]), keep));
      return tf.concat([output, next], 1).dataSync() as Float32Array;
    });
    assertAllFinite('RecurrentActorCritic: recurrent output', data, [count, h + s], ' from finite inputs: the weights have diverged');
    const features = new Float32Array(count * h);
    const nextState = new Float32Array(count * s);
    for (let i = 0; i < count; i++) {
      features.set(data.subarray(i * (h + s), i * (h + s) + h), i * h);
      nextState.set(data.subarray(i * (h + s) + h, (i + 1) * (h + s)), i * s);
    }
    return { features, state: nextState };
  }

  /**
   * Actions, log-probabilities, values and next states for `count` observations. The states
   * of rows whose `episodeStarts` flag is 1 are zeroed first. Noise comes from `rng`.
   */
  actRecurrent(observations: Float32Array, count: number, state: Float32Array, episodeStarts: Uint8Array, rng: RandomSource, options: ActOptions = {}): RecurrentActResult {
    const step = this.stepOnHost(observations, count, state, episodeStarts);
    const out = this.heads.act(step.features, count, rng, options);
    return { ...out, state: step.state };
  }

  /** Value estimates for `count` observations from `state` (zeroed where `episodeStarts` is 1). */
  predictValuesRecurrent(observations: Float32Array, count: number, state: Float32Array, episodeStarts: Uint8Array): Float32Array {
    const step = this.stepOnHost(observations, count, state, episodeStarts);
    return this.heads.predictValues(step.features, count);
  }

  /** {@link RecurrentActorCritic.actRecurrent} from the zero state (every row starts an episode). */
  act(observations: Float32Array, count: number, rng: RandomSource, options: ActOptions = {}): ActResult {
    checkPositiveInt('count', count);
    const { actions, logProbs, values } = this.actRecurrent(observations, count, this.initialState(count), new Uint8Array(count).fill(1), rng, options);
    return { actions, logProbs, values };
  }

  /** Value estimates from the zero state. */
  predictValues(observations: Float32Array, count: number): Float32Array {
    checkPositiveInt('count', count);
    return this.predictValuesRecurrent(observations, count, this.initialState(count), new Uint8Array(count).fill(1));
  }

  /**
   * Sequences of `sequences.numSequences` envs (rows time-major, see {@link SequenceInputs}):
   * the state runs step by step from `initialState`, zeroed at episode starts; the outputs of
   * all steps go through the heads in one batch. Creates tensors in the caller's scope.
   */
  evaluateSequences(observations: tf.Tensor2D, actions: tf.Tensor, sequences: SequenceInputs): EvaluateResult {
    this.checkAlive();
    const { numSequences, initialState, episodeStarts } = sequences;
    checkPositiveInt('sequences.numSequences', numSequences);
    if (!(observations instanceof tf.Tensor) || observations.rank !== 2 || observations.shape[1] !== this.observationSize || observations.shape[0] % numSequences !== 0) {
      throw new PpoRangeError('INVALID_ARGUMENT', `observations must be a tensor [numSequences * T, ${this.observationSize}] with numSequences = ${numSequences}, got ${observations instanceof tf.Tensor ? `[${observations.shape.join(', ')}]` : String(observations)}`);
    }
    const rows = observations.shape[0];
    const steps = rows / numSequences;
    if (!(initialState instanceof tf.Tensor) || initialState.rank !== 2 || initialState.shape[0] !== numSequences || initialState.shape[1] !== this.stateSize) {
      throw new PpoRangeError('INVALID_ARGUMENT', `sequences.initialState must be a tensor [${numSequences}, ${this.stateSize}], got ${initialState instanceof tf.Tensor ? `[${initialState.shape.join(', ')}]` : String(initialState)}`);
    }
    if (!(episodeStarts instanceof tf.Tensor) || episodeStarts.rank !== 1 || episodeStarts.shape[0] !== rows) {
      throw new PpoRangeError('INVALID_ARGUMENT', `sequences.episodeStarts must be a tensor [${rows}], got ${episodeStarts instanceof tf.Tensor ? `[${episodeStarts.shape.join(', ')}]` : String(episodeStarts)}`);
    }
    // The flags are read once (a few hundred bytes) so steps where no sequence starts an
    // episode skip the reset: most steps of long episodes.
    const flags = episodeStarts.dataSync();
    const keeps: (tf.Tensor2D | null)[] = [];
    for (let t = 0; t < steps; t++) {
      const row = flags.subarray(t * numSequences, (t + 1) * numSequences);
      keeps.push(row.some((f) => f !== 0) ? tf.tensor2d(Float32Array.from(row, (f) => 1 - f), [numSequences, 1]) : null);
    }
    const features = this.cell.unroll(observations, initialState, keeps);
    return this.heads.evaluate(features, actions, sequences.actionMask === undefined ? {} : { actionMask: sequences.actionMask });
  }

  /** Scores each row as the first step of an episode (zero state): a sequence of length 1 per row. */
  evaluate(observations: tf.Tensor2D, actions: tf.Tensor, options: { actionMask?: tf.Tensor2D } = {}): EvaluateResult {
    this.checkAlive();
    if (!(observations instanceof tf.Tensor) || observations.rank !== 2) {
      throw new PpoRangeError('INVALID_ARGUMENT', `observations must be a tensor [batch, ${this.observationSize}], got ${String(observations)}`);
    }
    const batch = observations.shape[0];
    return this.evaluateSequences(observations, actions, {
      numSequences: batch,
      initialState: tf.zeros([batch, this.stateSize]),
      episodeStarts: tf.ones([batch]),
      actionMask: options.actionMask,
    });
  }

  /** Copies of all weights under their local names. */
  getWeights(): Map<string, Float32Array> {
    this.checkAlive();
    return readNamedWeights(this.variables);
  }

  /** Assigns weights by local name; every variable must be present with its exact size. */
  setWeights(weights: ReadonlyMap<string, Float32Array> | Readonly<Record<string, Float32Array>>): void {
    this.checkAlive();
    writeNamedWeights(this.variables, weights);
  }

  /** Disposes every variable. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.cell.dispose();
    this.heads.dispose();
  }

  private checkAlive(): void {
    if (this.disposed) throw new PpoError('INVALID_STATE', 'RecurrentActorCritic has been disposed');
  }

  private checkInputs(observations: Float32Array, count: number, state: Float32Array, episodeStarts: Uint8Array): void {
    checkPositiveInt('count', count);
    if (!(observations instanceof Float32Array) || observations.length !== count * this.observationSize) {
      throw new PpoRangeError('INVALID_ARGUMENT', `observations must be a Float32Array of count * observationSize = ${count * this.observationSize} values, got ${observations instanceof Float32Array ? observations.length : String(observations)}`);
    }
    assertAllFinite('observations', observations, [count, this.observationSize]);
    if (!(state instanceof Float32Array) || state.length !== count * this.stateSize) {
      throw new PpoRangeError('INVALID_ARGUMENT', `state must be a Float32Array of count * stateSize = ${count * this.stateSize} values, got ${state instanceof Float32Array ? state.length : String(state)}`);
    }
    assertAllFinite('state', state, [count, this.stateSize]);
    if (!(episodeStarts instanceof Uint8Array) || episodeStarts.length !== count) {
      throw new PpoTypeError('INVALID_ARGUMENT', `episodeStarts must be a Uint8Array of count = ${count} flags, got ${episodeStarts instanceof Uint8Array ? episodeStarts.length : String(episodeStarts)}`);
    }
    for (let i = 0; i < count; i++) {
      if (episodeStarts[i] > 1) throw new PpoRangeError('INVALID_ARGUMENT', `episodeStarts[${i}] must be 0 or 1, got ${episodeStarts[i]}`);
    }
  }
}
