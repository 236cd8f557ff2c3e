import {
  checkPositiveInt,
  PpoRangeError,
  PpoTypeError,
  Rng,
  type RandomSource,
  type ActionSpaceSpec,
  PpoError,
  assertAllFinite,
} from '@ppo/utils';
import * as tf from '@tensorflow/tfjs';
import { NatureCnn, natureCnn } from './cnn';
import {
  Bernoulli,
  Categorical,
  DiagGaussian,
  MultiCategorical,
  TanhGaussian,
  checkCategoryIndexData,
  checkMaskData,
  markMaskChecked,
  sampleCategoricalOnHost,
  sampleDiagGaussianOnHost,
  type Distribution,
} from './distributions';
import { PPO_GAINS } from './init';
import { Mlp, type Activation } from './mlp';
import { MultiInputTorso, type ObservationPart } from './multi-input';
import { layersTorso, makeVariable, uniqueScope, type Torso } from './torso';
import type { Policy } from './policy';
import { readNamedWeights, writeNamedWeights } from './weights';
import { checkFiniteTensor, markChecked, markFinite } from './finite';
import { HostActorCritic } from './host-actor-critic';
import { HostConvActorCritic } from './host-conv-actor-critic';
import { ConvNetActivations, convNetForward, hostConvNet, type ConvTorsoVariables, type HostConvNet } from './host-conv-net';
import type { HostModel } from './host-model';
import { HostWeightCache, hostMlpForward, widen, type DenseVariables } from './host-mlp';

export type { ActionSpaceSpec };

/** Options of {@link ActorCritic}. */
export interface ActorCriticOptions {
  /** Flat observation size D. */
  readonly observationSize: number;
  /**
   * The space actions come from (the JSON form of an `@ppo/envs` space): it picks the
   * distribution of the policy head (see {@link ActorCritic}) and fixes `actionSize`.
   */
  readonly actionSpace: ActionSpaceSpec;
  /** Hidden widths of the MLP torsos (default [64, 64]). */
  readonly hiddenSizes?: readonly number[];
  /** Hidden nonlinearity of the MLP torsos (default 'tanh'). */
  readonly activation?: Activation;
  /**
   * The feature extractor: 'mlp' (default), 'nature-cnn' (needs `observationShape`),
   * 'multi-input' (one encoder per key of a Dict observation, see {@link MultiInputTorso};
   * needs `observationParts`), or a {@link Torso} / tfjs-layers model of your own (see
   * {@link layersTorso}).
   */
  readonly torso?: 'mlp' | 'nature-cnn' | 'multi-input' | Torso | tf.LayersModel;
  /**
   * With 'multi-input': the parts of each flat observation row, in order (the sorted keys of a
   * Dict space); image parts get the CNN, the others an MLP of `hiddenSizes`.
   */
  readonly observationParts?: readonly ObservationPart[];
  /** The critic's own torso when you pass a `torso` instance and want separate networks. */
  readonly criticTorso?: Torso | tf.LayersModel;
  /**
   * One torso for actor and critic. Default: false for 'mlp' (the paper's continuous-control
   * setup), true for 'nature-cnn' and for a given `torso` without `criticTorso`.
   */
  readonly shared?: boolean;
  /** Observation shape [H, W, C] for 'nature-cnn'. */
  readonly observationShape?: readonly [number, number, number];
  /** Multiplies observations (image parts with 'multi-input') before the CNN, e.g. 1/255 (default 1). */
  readonly inputScale?: number;
  /** Initial value of the free log-std of box actions (default 0). */
  readonly logStdInit?: number;
  /**
   * Distribution of box actions: 'gaussian' (default; unbounded, clip in the environment) or
   * 'tanh-gaussian' (squashed into the bounds, which must then be finite).
   */
  readonly continuous?: 'gaussian' | 'tanh-gaussian';
  /** Seed of the initialisation (an integer in [0, 2^32)); ignored when `rng` is given. */
  readonly seed?: number;
  /** Generator of the initialisation. */
  readonly rng?: RandomSource;
}

/** Options of {@link ActorCritic.act}. */
export interface ActOptions {
  /** Take the mode instead of sampling (for evaluation). */
  readonly deterministic?: boolean;
  /**
   * Allowed actions for discrete and multi-discrete spaces: `count * n` (or
   * `count * sum(nvec)`) bytes, nonzero meaning allowed. Masked actions are never chosen.
   */
  readonly actionMask?: Uint8Array;
}

/** What {@link ActorCritic.act} returns; fresh arrays on every call. */
export interface ActResult {
  /** count * actionSize actions: Int32Array for discrete spaces, Float32Array for box. */
  readonly actions: Int32Array | Float32Array;
  /** count log-probabilities of the chosen actions. */
  readonly logProbs: Float32Array;
  /** count value estimates. */
  readonly values: Float32Array;
}

/**
 * What {@link ActorCritic.evaluate} returns (tensors owned by the caller's tidy scope). A
 * type alias rather than an interface so it is a `tf.TensorContainer` (returnable from `tf.tidy`).
 */
export type EvaluateResult = {
  readonly logProbs: tf.Tensor1D;
  readonly entropy: tf.Tensor1D;
  readonly values: tf.Tensor1D;
};

/** Why finite inputs can give a non-finite network output. */
const DIVERGED = ' from finite inputs: the weights have diverged or overflow float32';

interface ParsedSpace {
  readonly kind: ActionSpaceSpec['type'];
  readonly actionSize: number;
  readonly headSize: number;
  readonly start: number;
  readonly nvec: readonly number[];
  readonly low: Float32Array;
  readonly high: Float32Array;
}

function parseActionSpace(space: ActionSpaceSpec): ParsedSpace {
  const bad = (what: string): never => {
    throw new PpoRangeError('INVALID_ARGUMENT', `actionSpace ${what}, got ${JSON.stringify(space)}`);
  };
  if (space === null || typeof space !== 'object') bad('must be an object');
  const none = new Float32Array(0);
  switch (space.type) {
    case 'discrete': {
      checkPositiveInt('actionSpace.n', space.n);
      const start = space.start ?? 0;
      if (!Number.isInteger(start)) bad('start must be an integer');
      return { kind: 'discrete', actionSize: 1, headSize: space.n, start, nvec: [space.n], low: none, high: none };
    }
    case 'multi-discrete': {
      if (!Array.isArray(space.nvec) || space.nvec.length === 0) bad('nvec must be a non-empty array');
      space.nvec.forEach((n, i) => checkPositiveInt(`actionSpace.nvec[${i}]`, n));
      const total = space.nvec.reduce((s, n) => s + n, 0);
      return { kind: 'multi-discrete', actionSize: space.nvec.length, headSize: total, start: 0, nvec: [...space.nvec], low: none, high: none };
    }
    case 'multi-binary':
      checkPositiveInt('actionSpace.n', space.n);
      return { kind: 'multi-binary', actionSize: space.n, headSize: space.n, start: 0, nvec: [], low: none, high: none };
    case 'box': {
      if (!Array.isArray(space.shape) || space.shape.length === 0) bad('shape must be a non-empty array');
      space.shape.forEach((d, i) => checkPositiveInt(`actionSpace.shape[${i}]`, d));
      const size = space.shape.reduce((p, d) => p * d, 1);
      if (!Array.isArray(space.low) || space.low.length !== size) bad(`low must have ${size} entries`);
      if (!Array.isArray(space.high) || space.high.length !== size) bad(`high must have ${size} entries`);
      const low = Float32Array.from(space.low, (v) => (v === null ? -Infinity : v));
      const high = Float32Array.from(space.high, (v) => (v === null ? Infinity : v));
      for (let i = 0; i < size; i++) {
        if (Number.isNaN(low[i]) || Number.isNaN(high[i]) || !(high[i] >= low[i])) bad(`bounds at ${i} must satisfy low <= high`);
      }
      return { kind: 'box', actionSize: size, headSize: size, start: 0, nvec: [], low, high };
    }
    default:
      return bad("type must be 'discrete', 'box', 'multi-discrete' or 'multi-binary'");
  }
}

function asTorso(t: Torso | tf.LayersModel): Torso {
  return t instanceof tf.LayersModel ? layersTorso(t) : t;
}

/**
 * Policy and value networks for PPO, built from an action-space description.
 *
 * Layout (CleanRL / the PPO paper): a torso per network (or one shared torso), a linear
 * policy head (orthogonal gain 0.01) giving the distribution's parameters, a linear value
 * head (gain 1), hidden layers with gain sqrt(2), zero biases; box actions use a
 * state-independent log-std parameter initialised to `logStdInit`.
 *
 * Heads by space: discrete -> {@link Categorical}; multi-discrete -> {@link MultiCategorical};
 * multi-binary -> {@link Bernoulli}; box -> {@link DiagGaussian} (or {@link TanhGaussian}).
 *
 * @example
 * ```ts
 * const policy = new ActorCritic({ observationSize: 4, actionSpace: { type: 'discrete', n: 2 }, seed: 1 });
 * const { actions, logProbs, values } = policy.act(observations, numEnvs, rng);
 * // in the update:
 * optimizer.minimize(() => {
 *   const { logProbs, entropy, values } = policy.evaluate(obsTensor, actionTensor);
 *   return loss(logProbs, entropy, values);
 * }, false, policy.trainableVariables);
 * ```
 */
export class ActorCritic implements Policy {
  /** Flat observation size D. */
  readonly observationSize: number;
  /** Values per action: 1 for discrete, nvec.length, n for multi-binary, the box size. */
  readonly actionSize: number;
  /** Element type of actions: 'int32' for discrete spaces, 'float32' for box. */
  readonly actionType: 'int32' | 'float32';
  /** The action space this policy acts in. */
  readonly actionSpace: ActionSpaceSpec;
  /** Whether actor and critic share one torso. */
  readonly shared: boolean;
  /** All trainable variables under stable local names (the weights I/O keys). */
  readonly variables: Readonly<Record<string, tf.Variable>>;
  /** The same variables in a stable order, for `optimizer.minimize(f, false, varList)`. */
  readonly trainableVariables: tf.Variable[];
  private readonly space: ParsedSpace;
  private readonly continuous: 'gaussian' | 'tanh-gaussian';
  private readonly actorTorso: Torso;
  private readonly criticTorso: Torso;
  private readonly policyHead: Mlp;
  private readonly valueHead: Mlp;
  private readonly logStd: tf.Variable | null;
  /** The actor's and critic's layers when both torsos are built-in MLPs: acting then runs on the host. */
  private readonly denseNets: { readonly actor: DenseVariables[]; readonly critic: DenseVariables[] } | null;
  /** The shared one-convolution torso (MinAtar's network) and the heads: acting then runs on the host. */
  private readonly convNet: { readonly torso: ConvTorsoVariables; readonly policy: DenseVariables; readonly value: DenseVariables } | null;
  private readonly convActivations = new ConvNetActivations();
  private readonly weightCache = new HostWeightCache();
  private readonly hostOuts: Float64Array[] = [];
  private hostInput: Float64Array = new Float64Array(0);
  private disposed = false;

  constructor(options: ActorCriticOptions) {
    const { observationSize, hiddenSizes = [64, 64], activation = 'tanh', torso = 'mlp', logStdInit = 0, continuous = 'gaussian' } = options;
    checkPositiveInt('observationSize', observationSize);
    if (!Number.isFinite(logStdInit)) throw new PpoRangeError('INVALID_ARGUMENT', `logStdInit must be finite, got ${String(logStdInit)}`);
    if (continuous !== 'gaussian' && continuous !== 'tanh-gaussian') {
      throw new PpoRangeError('INVALID_ARGUMENT', `continuous must be 'gaussian' or 'tanh-gaussian', got ${String(continuous)}`);
    }
    const space = parseActionSpace(options.actionSpace);
    if (space.kind === 'box' && continuous === 'tanh-gaussian') {
      for (let i = 0; i < space.actionSize; i++) {
        if (!Number.isFinite(space.low[i]) || !Number.isFinite(space.high[i]) || !(space.high[i] > space.low[i])) {
          throw new PpoRangeError('INVALID_ARGUMENT', `continuous 'tanh-gaussian' needs finite bounds with high > low, got low[${i}] = ${space.low[i]}, high[${i}] = ${space.high[i]}`);
        }
      }
    }
    const rng = options.rng ?? new Rng(options.seed ?? (() => {
      throw new PpoRangeError('INVALID_ARGUMENT', 'ActorCritic needs a seed (an integer in [0, 2^32)) or an rng');
    })());
    const isInstance = typeof torso === 'object';
    const shared = options.shared ?? (torso === 'mlp' ? false : options.criticTorso === undefined);
    if (shared && options.criticTorso !== undefined) throw new PpoRangeError('INVALID_ARGUMENT', 'criticTorso cannot be combined with shared: true');
    if (isInstance && !shared && options.criticTorso === undefined) {
      throw new PpoRangeError('INVALID_ARGUMENT', 'shared: false with a torso instance needs a criticTorso as well');
    }
    const scope = uniqueScope('actor_critic');
    // Networks built here are disposed again if a later step fails; the caller's are left alone.
    const owned: { dispose(): void }[] = [];
    const own = <T extends { dispose(): void }>(x: T): T => {
      owned.push(x);
      return x;
    };
    const build = (role: string): Torso => {
      if (role === 'critic' && options.criticTorso !== undefined) return asTorso(options.criticTorso);
      if (torso === 'mlp') return own(new Mlp({ inputSize: observationSize, hiddenSizes, activation, init: { rng }, name: `${scope}/${role}` }));
      if (torso === 'nature-cnn') {
        if (options.observationShape === undefined) throw new PpoRangeError('INVALID_ARGUMENT', "torso 'nature-cnn' needs observationShape [height, width, channels]");
        return own(natureCnn({ inputShape: options.observationShape, inputScale: options.inputScale, rng, name: `${scope}/${role}` }));
      }
      if (torso === 'multi-input') {
        if (options.observationParts === undefined) throw new PpoRangeError('INVALID_ARGUMENT', "torso 'multi-input' needs observationParts [{ name, size, image? }, ...]");
        return own(new MultiInputTorso({ parts: options.observationParts, hiddenSizes, activation, inputScale: options.inputScale, rng, name: `${scope}/${role}` }));
      }
      if (!isInstance) throw new PpoRangeError('INVALID_ARGUMENT', `torso must be 'mlp', 'nature-cnn', 'multi-input', a Torso or a tf.LayersModel, got ${String(torso)}`);
      return asTorso(torso);
    };
    const checked = (role: string, t: Torso): Torso => {
      if (t.inputSize !== observationSize) throw new PpoRangeError('INVALID_ARGUMENT', `${role} takes ${t.inputSize} inputs, expected observationSize ${observationSize}`);
      return t;
    };
    let parts: [Torso, Torso, Mlp, Mlp, tf.Variable | null];
    try {
      const actorTorso = checked('torso', build(shared ? 'torso' : 'actor'));
      const criticTorso = shared ? actorTorso : checked('criticTorso', build('critic'));
      const policyHead = own(new Mlp({
        inputSize: actorTorso.outputSize, hiddenSizes: [], outputSize: space.headSize,
        init: { rng, outputGain: PPO_GAINS.policy }, name: `${scope}/policy_head`,
      }));
      const valueHead = own(new Mlp({
        inputSize: criticTorso.outputSize, hiddenSizes: [], outputSize: 1,
        init: { rng, outputGain: PPO_GAINS.value }, name: `${scope}/value_head`,
      }));
      const logStd = space.kind === 'box' ? makeVariable(logStdInit, [space.actionSize], `${scope}/log_std`) : null;
      parts = [actorTorso, criticTorso, policyHead, valueHead, logStd];
    } catch (error) {
      for (const x of owned) x.dispose();
      throw error;
    }
    [this.actorTorso, this.criticTorso, this.policyHead, this.valueHead, this.logStd] = parts;
    // Its values are checked wherever they are set (the constructor, setWeights).
    if (this.logStd !== null) markFinite(this.logStd);

    const variables: Record<string, tf.Variable> = {};
    const add = (prefix: string, vars: Readonly<Record<string, tf.Variable>>): void => {
      for (const [k, v] of Object.entries(vars)) variables[`${prefix}/${k}`] = v;
    };
    if (shared) add('torso', this.actorTorso.variables);
    else {
      add('actor/torso', this.actorTorso.variables);
      add('critic/torso', this.criticTorso.variables);
    }
    add('actor/head', this.policyHead.variables);
    add('critic/head', this.valueHead.variables);
    if (this.logStd !== null) variables['actor/log_std'] = this.logStd;
    this.variables = variables;
    this.trainableVariables = Object.values(variables);
    this.denseNets =
      this.actorTorso instanceof Mlp && this.criticTorso instanceof Mlp
        ? {
            actor: [...this.actorTorso.denseLayers(), ...this.policyHead.denseLayers()],
            critic: [...this.criticTorso.denseLayers(), ...this.valueHead.denseLayers()],
          }
        : null;
    // Exactly a NatureCnn: a subclass could compute something else.
    const convTorso = shared && Object.getPrototypeOf(this.actorTorso) === NatureCnn.prototype ? (this.actorTorso as NatureCnn).hostTorso() : null;
    this.convNet = convTorso === null ? null : { torso: convTorso, policy: this.policyHead.denseLayers()[0], value: this.valueHead.denseLayers()[0] };
    this.observationSize = observationSize;
    this.space = space;
    this.continuous = continuous;
    this.shared = shared;
    this.actionSpace = options.actionSpace;
    this.actionSize = space.actionSize;
    this.actionType = space.kind === 'box' ? 'float32' : 'int32';
  }

  /**
   * The action distribution and value estimates for observations [B, D]. Creates tensors:
   * call inside `tf.tidy` or `minimize`.
   *
   * @param actionMask [B, n] (or [B, sum(nvec)]) allowed actions for discrete spaces.
   */
  forward(observations: tf.Tensor2D, actionMask?: tf.Tensor2D): { distribution: Distribution; values: tf.Tensor1D } {
    this.checkAlive();
    this.checkObservationTensor(observations);
    checkFiniteTensor('ActorCritic.forward: observations', observations);
    const batch = observations.shape[0];
    const actorFeatures = this.actorTorso.apply(observations);
    const criticFeatures = this.shared ? actorFeatures : this.criticTorso.apply(observations);
    const params = this.policyHead.apply(actorFeatures);
    // Computed from checked observations and weights: the distribution need not download it.
    markFinite(params);
    const values = tf.reshape<tf.Rank.R1>(this.valueHead.apply(criticFeatures), [batch]);
    return { distribution: this.makeDistribution(params, actionMask), values };
  }

  private makeDistribution(params: tf.Tensor2D, mask?: tf.Tensor2D): Distribution {
    const s = this.space;
    if (mask !== undefined && s.kind !== 'discrete' && s.kind !== 'multi-discrete') {
      throw new PpoRangeError('INVALID_ARGUMENT', `actionMask is only supported for discrete and multi-discrete spaces, not '${s.kind}'`);
    }
    switch (s.kind) {
      case 'discrete':
        return new Categorical(params, { mask });
      case 'multi-discrete':
        return new MultiCategorical(params, s.nvec, { mask });
      case 'multi-binary':
        return new Bernoulli(params);
      case 'box':
        return this.continuous === 'gaussian'
          ? new DiagGaussian(params, this.logStd as tf.Variable)
          : new TanhGaussian(params, this.logStd as tf.Variable, { low: s.low, high: s.high });
    }
  }

  /**
   * Chooses actions for `count` observations (row-major `count * observationSize`), in one
   * `tf.tidy` with a single download. Noise comes from `rng`, so a seed reproduces the
   * actions. Discrete actions include the space's `start` offset.
   */
  act(observations: Float32Array, count: number, rng: RandomSource, options: ActOptions = {}): ActResult {
    this.checkAlive();
    this.checkObservationArray(observations, count);
    if (rng === null || typeof rng !== 'object' || typeof rng.nextNormal !== 'function' || typeof rng.nextUint32 !== 'function') {
      throw new PpoTypeError('INVALID_ARGUMENT', `rng must be a RandomSource (nextUint32, nextFloat, nextNormal, nextInt), got ${typeof rng}`);
    }
    const s = this.space;
    const size = this.actionSize;
    let maskTensorData: Uint8Array | undefined;
    if (options.actionMask !== undefined) {
      maskTensorData = this.checkMask(options.actionMask, count);
    }
    if (maskTensorData === undefined && (s.kind === 'discrete' || (s.kind === 'box' && this.continuous === 'gaussian'))) {
      return this.actOnHost(observations, count, rng, options.deterministic === true);
    }
    const data = tf.tidy(() => {
      const obs = tf.tensor2d(observations, [count, this.observationSize]);
      markFinite(obs);
      const mask = maskTensorData === undefined ? undefined : tf.tensor2d(maskTensorData, [count, s.headSize], 'bool');
      if (mask !== undefined) markMaskChecked(mask);
      const { distribution, values } = this.forward(obs, mask);
      const actions = options.deterministic === true ? distribution.mode() : distribution.sample(rng);
      markFinite(actions);
      // Scored from the returned actions exactly as evaluate scores them, so the first PPO
      // ratio is 1 even for a tanh-gaussian sample that float32 rounds onto a bound. Sampled
      // categories need no range check (which would download them).
      const logProbs = distribution instanceof Categorical || distribution instanceof MultiCategorical
        ? distribution.logProbOfIndices(actions)
        : distribution.logProb(actions);
      const actionColumns = tf.reshape(actions.dtype === 'float32' ? actions : tf.cast(actions, 'float32'), [count, size]);
      const packed = tf.concat([actionColumns, tf.reshape(logProbs, [count, 1]), tf.reshape(values, [count, 1])], 1);
      return packed.dataSync() as Float32Array;
    });
    assertAllFinite('ActorCritic.act: output', data, [count, size + 2], DIVERGED);
    const width = size + 2;
    const actionsOut = this.actionType === 'int32' ? new Int32Array(count * size) : new Float32Array(count * size);
    const logProbsOut = new Float32Array(count);
    const valuesOut = new Float32Array(count);
    const offset = s.start;
    for (let i = 0; i < count; i++) {
      const row = i * width;
      for (let j = 0; j < size; j++) actionsOut[i * size + j] = data[row + j] + offset;
      logProbsOut[i] = data[row + size];
      valuesOut[i] = data[row + size + 1];
    }
    return { actions: actionsOut, logProbs: logProbsOut, values: valuesOut };
  }

  /**
   * {@link ActorCritic.act} for the common heads (an unmasked categorical, a Gaussian with a
   * free log-std): the networks run as tensors and their outputs (and a Gaussian's log-std)
   * come down in one download; sampling and log-probabilities run on the host. At acting batch
   * sizes the dozen small tensor ops of sampling cost more than the networks (measured: about a
   * third of `act`).
   */
  private actOnHost(observations: Float32Array, count: number, rng: RandomSource, deterministic: boolean): ActResult {
    const s = this.space;
    const head = s.headSize;
    const data = this.denseNets !== null ? this.hostOutputs(this.denseNets, observations, count) : this.convNet !== null ? this.hostConvOutputs(this.convNet, observations, count) : tf.tidy(() => {
      const obs = tf.tensor2d(observations, [count, this.observationSize]);
      const actorFeatures = this.actorTorso.apply(obs);
      const criticFeatures = this.shared ? actorFeatures : this.criticTorso.apply(obs);
      const outputs = tf.concat([this.policyHead.apply(actorFeatures), this.valueHead.apply(criticFeatures)], 1);
      // The log-std rides along after the rows: one download per call.
      const all = this.logStd === null ? outputs : tf.concat([tf.reshape(outputs, [-1]), this.logStd]);
      return all.dataSync() as Float32Array;
    });
    // Rows of policy parameters and value, then the log-std: all must be finite.
    assertAllFinite('ActorCritic.act: network output', data, [data.length], DIVERGED);
    const width = head + 1;
    const logProbs = new Float32Array(count);
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) values[i] = data[i * width + head];
    if (s.kind === 'discrete') {
      const actions = new Int32Array(count);
      sampleCategoricalOnHost(data, count, head, width, 0, rng, deterministic, actions, logProbs);
      if (s.start !== 0) for (let i = 0; i < count; i++) actions[i] += s.start;
      return { actions, logProbs, values };
    }
    const actions = new Float32Array(count * head);
    const logStd = data.subarray(count * width);
    sampleDiagGaussianOnHost(data, count, head, width, 0, logStd, rng, deterministic, actions, logProbs);
    return { actions, logProbs, values };
  }

  /**
   * The policy head's rows and value ([count, head + 1]), then the log-std, computed on the host
   * from cached copies of the weights: at acting batch sizes tfjs's per-op dispatch costs far
   * more than the arithmetic of a small MLP.
   */
  private hostOutputs(nets: { readonly actor: DenseVariables[]; readonly critic: DenseVariables[] }, observations: Float32Array, count: number): Float32Array {
    const head = this.space.headSize;
    const width = head + 1;
    const logStd = this.logStd === null ? null : this.weightCache.get(this.logStd);
    const data = new Float32Array(count * width + (logStd === null ? 0 : logStd.length));
    const outs = this.hostOuts;
    const input = (this.hostInput = widen(observations, this.hostInput));
    const actorOuts = hostMlpForward(this.weightCache.layers(nets.actor), input, count, outs);
    const params = actorOuts[actorOuts.length - 1];
    for (let i = 0; i < count; i++) for (let k = 0; k < head; k++) data[i * width + k] = params[i * head + k];
    const criticOuts = hostMlpForward(this.weightCache.layers(nets.critic), input, count, outs);
    const values = criticOuts[criticOuts.length - 1];
    for (let i = 0; i < count; i++) data[i * width + head] = values[i];
    if (logStd !== null) data.set(logStd, count * width);
    return data;
  }

  /** {@link ActorCritic.hostOutputs} of the shared one-convolution torso and its heads (no log-std: its heads are discrete). */
  private hostConvOutputs(net: NonNullable<ActorCritic['convNet']>, observations: Float32Array, count: number): Float32Array {
    const head = this.space.headSize;
    const width = head + 1;
    const { logits, values } = convNetForward(this.hostConvNet(net), observations, count, this.convActivations);
    const data = new Float32Array(count * width);
    for (let i = 0; i < count; i++) {
      for (let k = 0; k < head; k++) data[i * width + k] = logits[i * head + k];
      data[i * width + head] = values[i];
    }
    return data;
  }

  private hostConvNet(net: NonNullable<ActorCritic['convNet']>): HostConvNet {
    return hostConvNet(net.torso, net.policy, net.value, (v) => this.weightCache.get(v));
  }

  /**
   * A host-side copy of this policy for fused training steps, or null when it does not apply:
   * built-in MLP torsos with a categorical head (one discrete action) or a Gaussian head with a
   * free log-std ({@link HostActorCritic}), or a shared MinAtar torso (`nature-cnn` on small
   * inputs: one stride-1 convolution and a dense layer) with a categorical head
   * ({@link HostConvActorCritic}). The copy reads the current weights.
   */
  hostModel(): HostModel | null {
    this.checkAlive();
    const s = this.space;
    if (this.convNet !== null && s.kind === 'discrete') {
      return new HostConvActorCritic({ variables: this.trainableVariables, torso: this.convNet.torso, policyHead: this.convNet.policy, valueHead: this.convNet.value, start: s.start });
    }
    const headOk = s.kind === 'discrete' || (s.kind === 'box' && this.continuous === 'gaussian');
    if (this.denseNets === null || !headOk) return null;
    return new HostActorCritic({
      variables: this.trainableVariables,
      actor: this.denseNets.actor,
      critic: this.denseNets.critic,
      kind: s.kind === 'discrete' ? 'discrete' : 'box',
      headSize: s.headSize,
      start: s.start,
      logStd: this.logStd,
      observationSize: this.observationSize,
    });
  }

  /** Value estimates for `count` observations (row-major), one download. */
  predictValues(observations: Float32Array, count: number): Float32Array {
    this.checkAlive();
    this.checkObservationArray(observations, count);
    const data =
      this.denseNets !== null
        ? Float32Array.from(
            hostMlpForward(this.weightCache.layers(this.denseNets.critic), (this.hostInput = widen(observations, this.hostInput)), count, this.hostOuts)[
              this.denseNets.critic.length - 1
            ].subarray(0, count),
          )
        : this.convNet !== null
          ? Float32Array.from(convNetForward(this.hostConvNet(this.convNet), observations, count, this.convActivations).values.subarray(0, count))
          : tf.tidy(() => {
              const obs = tf.tensor2d(observations, [count, this.observationSize]);
              return this.valueHead.apply(this.criticTorso.apply(obs)).dataSync() as Float32Array;
            });
    assertAllFinite('ActorCritic.predictValues: value', data, [count], DIVERGED);
    return Float32Array.from(data);
  }

  /**
   * Log-probabilities of `actions`, entropies and values for the loss. Observations [B, D];
   * actions int32 or float32: [B] or [B, 1] for discrete (with the space's `start` offset),
   * [B, actionSize] otherwise. Creates tensors in the caller's scope. Discrete and
   * multi-discrete actions are read once to check they are in the space (an index outside it
   * would score log-probability 0); a mask row that allows nothing is an error too.
   */
  evaluate(observations: tf.Tensor2D, actions: tf.Tensor, options: { actionMask?: tf.Tensor2D } = {}): EvaluateResult {
    this.checkAlive();
    this.checkObservationTensor(observations);
    const checked = this.checkEvaluateInputs(observations, actions);
    const { distribution, values } = this.forward(observations, options.actionMask);
    const s = this.space;
    const a = s.start !== 0 ? tf.sub(actions, tf.scalar(s.start, actions.dtype)) : actions;
    if (checked) markChecked(a);
    let logProbs: tf.Tensor1D;
    if (distribution instanceof Categorical || distribution instanceof MultiCategorical) {
      logProbs = distribution.logProbOfIndices(a);
    } else {
      logProbs = distribution.logProb(a);
    }
    return { logProbs, entropy: distribution.entropy(), values };
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

  /** Disposes every variable (including a wrapped tfjs-layers model). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.actorTorso.dispose();
    if (!this.shared) this.criticTorso.dispose();
    this.policyHead.dispose();
    this.valueHead.dispose();
    this.logStd?.dispose();
  }

  private checkAlive(): void {
    if (this.disposed) throw new PpoError('INVALID_STATE', 'ActorCritic has been disposed');
  }

  private checkObservationArray(observations: Float32Array, count: number): void {
    checkPositiveInt('count', count);
    if (!(observations instanceof Float32Array)) throw new PpoTypeError('INVALID_ARGUMENT', `observations must be a Float32Array, got ${String(observations)}`);
    if (observations.length !== count * this.observationSize) {
      throw new PpoRangeError('INVALID_ARGUMENT', 
        `observations must have count * observationSize = ${count} * ${this.observationSize} = ${count * this.observationSize} values, got ${observations.length}`,
      );
    }
    // NaN or an infinity would silently poison every output; one scan is cheap next to one tfjs op.
    assertAllFinite('observations', observations, [count, this.observationSize]);
  }

  /**
   * Checks the observations (finite) and actions (in the space: finite, and valid category
   * indices for discrete spaces) of {@link ActorCritic.evaluate}, each read once on the host
   * (measured: a few microseconds on cpu and wasm, where an on-device concat to share one read
   * costs about 0.4 ms). Returns false, checking nothing, when the actions have the wrong size:
   * the distribution then names the expected shape.
   */
  private checkEvaluateInputs(observations: tf.Tensor2D, actions: tf.Tensor): boolean {
    const batch = observations.shape[0];
    if (!(actions instanceof tf.Tensor) || actions.size !== batch * this.actionSize) return false;
    assertAllFinite('ActorCritic.evaluate: observations', observations.dataSync(), observations.shape);
    const actionData = actions.dataSync();
    const s = this.space;
    if (s.kind === 'discrete' || s.kind === 'multi-discrete') {
      // Checked here rather than by the distribution, so the message shows the space's own values.
      checkCategoryIndexData(actionData, s.nvec, s.start, 'ActorCritic.evaluate');
    } else {
      assertAllFinite('ActorCritic.evaluate: actions', actionData, [batch, this.actionSize]);
    }
    markChecked(observations);
    return true;
  }

  private checkObservationTensor(observations: tf.Tensor2D): void {
    if (!(observations instanceof tf.Tensor) || observations.rank !== 2 || observations.shape[1] !== this.observationSize) {
      throw new PpoRangeError('INVALID_ARGUMENT', 
        `observations must be a tensor [batch, ${this.observationSize}], got ${observations instanceof tf.Tensor ? `[${observations.shape.join(', ')}]` : String(observations)}`,
      );
    }
  }

  private checkMask(mask: Uint8Array, count: number): Uint8Array {
    const s = this.space;
    if (s.kind !== 'discrete' && s.kind !== 'multi-discrete') {
      throw new PpoRangeError('INVALID_ARGUMENT', `actionMask is only supported for discrete and multi-discrete spaces, not '${s.kind}'`);
    }
    if (!(mask instanceof Uint8Array) || mask.length !== count * s.headSize) {
      throw new PpoRangeError('INVALID_ARGUMENT', `actionMask must be a Uint8Array of count * ${s.headSize} = ${count * s.headSize} bytes, got ${mask instanceof Uint8Array ? mask.length : String(mask)}`);
    }
    checkMaskData(mask, count, s.nvec, 'actionMask');
    return mask;
  }
}
