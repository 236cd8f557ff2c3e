import * as tf from '@tensorflow/tfjs';
import { RolloutBuffer, Rng } from '@ppo/buffers';
import { gae } from '@ppo/gae';
import { ActorCritic, type ActionSpaceSpec, type ActorCriticOptions } from '@ppo/nets';
import {
  AdaptiveKlController,
  clippedSurrogate,
  entropyBonus,
  explainedVariance,
  klPenaltySurrogate,
  normalizeAdvantages,
  ppoLoss,
  valueLoss,
  type PpoLossResult,
  type PpoLossTerms,
} from '@ppo/core';
import type { Env, VectorEnv } from '@ppo/envs';
import { Adam } from './adam';
import { runHook, type Callback, type CallbackContext } from './callbacks';
import { CHECKPOINT_VERSION, packArrays, unpackArrays, type Checkpoint } from './checkpoint';
import { ConfigError, resolveConfig, validateConfig, type PPOConfig, type PresetName } from './config';
import { makeConfiguredEnv, makeSyncVectorEnv, wrapVectorEnv, type WrappedVectorEnv } from './environment';
import type { Logger } from './loggers';
import { NonFiniteError } from './non-finite';

export { NonFiniteError } from './non-finite';

/** Episodes averaged by the `charts/mean_recent_return` metric. */
export const RECENT_RETURN_WINDOW = 20;

/** Where the trainer sends checkpoints and the action log (files in `@ppo/trainer/node`). */
export interface CheckpointSink {
  /** Stores the actions of one rollout (`numSteps * numEnvs * actionSize`, time-major). */
  appendActions(actions: Float32Array | Int32Array): void;
  /** Stores a checkpoint durably; returns where it went. */
  save(checkpoint: Checkpoint, options: { final: boolean }): Promise<string> | string;
}

/** Options of {@link PPO.create}. */
export interface PPOOptions {
  /** A full config, or a partial one applied over `preset`. */
  readonly config?: Partial<PPOConfig>;
  /** Preset the partial config is applied over. Default `classic`. */
  readonly preset?: PresetName;
  /** Makes env `index`; defaults to `make(config.env, config.envOptions)`. */
  readonly makeEnv?: (index: number) => Env<unknown, unknown>;
  /**
   * Builds the raw (unwrapped) training vector env; defaults to a SyncVectorEnv of `makeEnv`.
   * `@ppo/trainer/node` passes an AsyncVectorEnv here for `vectorEnv: 'async'`.
   */
  readonly makeVectorEnv?: (config: PPOConfig) => VectorEnv | Promise<VectorEnv>;
}

/** Options of {@link PPO.train}. */
export interface TrainOptions {
  /** Hooks called in order at fixed points of the loop; any may stop training. */
  readonly callbacks?: readonly Callback[];
  /**
   * Receive episode metrics (`charts/episodic_return`, `charts/episodic_length`) at every
   * finished episode and the update's metrics after every update, keyed by the global step.
   */
  readonly loggers?: readonly Logger[];
  /** Receives checkpoints every `config.checkpointEvery` updates, at the start and at the end. */
  readonly checkpoints?: CheckpointSink;
}

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

/** Options of {@link PPO.evaluate}. */
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
}

/** Default of {@link EvaluateOptions.maxSteps}. */
const EVAL_MAX_STEPS = 100_000;

interface EpisodeInfo {
  r: number;
  l: number;
}

function actionSpecOf(env: VectorEnv): ActionSpaceSpec {
  const spec = env.singleActionSpace.toJSON();
  switch (spec.type) {
    case 'discrete':
      return { type: 'discrete', n: spec.n, start: spec.start };
    case 'box':
      return { type: 'box', shape: spec.shape, low: spec.low, high: spec.high };
    case 'multi-discrete':
      return { type: 'multi-discrete', nvec: spec.nvec };
    case 'multi-binary':
      return { type: 'multi-binary', n: spec.n };
    default:
      throw new TypeError(`action space of type '${spec.type}' is not supported (expected box, discrete, multi-discrete or multi-binary)`);
  }
}

function episodeOf(info: Record<string, unknown> | undefined): EpisodeInfo | null {
  if (info === undefined) return null;
  const direct = info.episode as EpisodeInfo | undefined;
  if (direct !== undefined) return direct;
  const final = info.finalInfo as Record<string, unknown> | undefined;
  return (final?.episode as EpisodeInfo | undefined) ?? null;
}

/** The options of `new ActorCritic(...)` that choose and shape its torso. */
export type TorsoOptions = Pick<ActorCriticOptions, 'torso' | 'observationShape' | 'inputScale'> & { readonly torso: PPOConfig['torso'] };

/** The torso options the config asks for, checked against the env's observation space. */
function torsoOptionsOf(config: PPOConfig, env: VectorEnv): TorsoOptions {
  if (config.torso === 'mlp') return { torso: 'mlp' };
  const spec = env.singleObservationSpace.toJSON() as { type: string; shape?: readonly number[] };
  if (spec.type !== 'box' || spec.shape?.length !== 3) {
    const what = spec.type === 'box' ? `shape [${(spec.shape ?? []).join(', ')}]` : `a ${spec.type} space`;
    throw new ConfigError('torso', `'nature-cnn' needs a Box observation space of shape [height, width, channels], the env has ${what}`);
  }
  const [height, width, channels] = spec.shape;
  return { torso: 'nature-cnn', observationShape: [height, width, channels], inputScale: config.observationScale };
}

/**
 * PyTorch's `nn.Linear` / `nn.Conv2d` default initialisation, U(-1/sqrt(fanIn), 1/sqrt(fanIn))
 * for kernels [fanIn, out] or filters [k, k, cIn, out] (fanIn = k * k * cIn) and the biases
 * that follow them; the state-independent log-std (1-D, not a bias of a kernel) keeps its value.
 */
function reinitializeUniform(variables: readonly tf.Variable[], rng: Rng): void {
  let fanIn = 1;
  tf.tidy(() => {
    for (const v of variables) {
      if (v.shape.length >= 2) fanIn = v.shape.slice(0, -1).reduce((a, b) => a * b, 1);
      else if (/log_std/.test(v.name)) continue;
      const bound = 1 / Math.sqrt(fanIn);
      const values = rng.fillUniform(new Float32Array(v.size), -bound, bound);
      v.assign(tf.tensor(values, v.shape, 'float32'));
    }
  });
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

interface LossInputs {
  logProbs: tf.Tensor;
  oldLogProbs: tf.Tensor;
  advantages: tf.Tensor;
  entropy: tf.Tensor;
  values: tf.Tensor;
  oldValues: tf.Tensor;
  returns: tf.Tensor;
  clipRange: number;
  beta: number;
}

/** The configured objective: core's ppoLoss for PPO-Clip, or the KL-penalty variant composed from core's terms. */
function policyLoss(config: PPOConfig, x: LossInputs): PpoLossResult {
  if (config.loss === 'clip') {
    return ppoLoss({
      logProbs: x.logProbs,
      oldLogProbs: x.oldLogProbs,
      advantages: x.advantages,
      entropy: x.entropy,
      values: x.values,
      oldValues: x.oldValues,
      returns: x.returns,
      clipRange: x.clipRange,
      clipRangeVf: config.clipVloss ? x.clipRange : undefined,
      normalizeAdvantages: config.normAdv,
      entCoef: config.entCoef,
      vfCoef: config.vfCoef,
    });
  }
  const advantages = config.normAdv ? normalizeAdvantages(x.advantages) : x.advantages;
  const kl = klPenaltySurrogate({ logProbs: x.logProbs, oldLogProbs: x.oldLogProbs, advantages, beta: x.beta });
  const value = valueLoss({
    values: x.values,
    returns: x.returns,
    oldValues: x.oldValues,
    clipRange: config.clipVloss ? x.clipRange : undefined,
  });
  const entropy = entropyBonus({ entropy: x.entropy });
  // Logged only: how often the ratio left the clip range PPO-Clip would have used.
  const clip = clippedSurrogate({ logProbs: x.logProbs, oldLogProbs: x.oldLogProbs, advantages, clipRange: x.clipRange });
  const loss = tf.add<tf.Scalar>(kl.loss, tf.sub(tf.mul(value.loss, config.vfCoef), tf.mul(entropy.entropy, config.entCoef)));
  const terms: PpoLossTerms = {
    'losses/policy_loss': kl.policyLoss,
    'losses/value_loss': value.loss,
    'losses/entropy': entropy.entropy,
    'losses/approx_kl': kl.approxKl,
    'losses/old_approx_kl': kl.oldApproxKl,
    'losses/clipfrac': clip.clipFraction,
  };
  return { loss, terms };
}

/** Metric of PPO-KL's k3 estimate of KL(pi_old || pi_new) after an update, over the batch; beta adapts to it. */
const KL_AFTER_UPDATE = 'losses/approx_kl_after_update';

const LOSS_TERMS = [
  'losses/policy_loss',
  'losses/value_loss',
  'losses/entropy',
  'losses/old_approx_kl',
  'losses/approx_kl',
  'losses/clipfrac',
] as const;

/**
 * Proximal Policy Optimization (Schulman et al. 2017) with every CleanRL implementation detail
 * as a config switch: vectorized envs, orthogonal init, Adam eps 1e-5, learning-rate
 * annealing, GAE bootstrapping truncated episodes from their final observation, shuffled
 * minibatches, per-minibatch advantage normalization, the clipped objective (or the adaptive KL
 * penalty), value clipping, the entropy bonus, global gradient clipping, debug metrics and
 * separate or shared MLP or Nature-CNN torsos; for continuous control a state-independent log-std Gaussian,
 * action clipping for the env (the unclipped action is stored), observation normalization and
 * clipping, reward scaling and clipping.
 *
 * All randomness comes from generators seeded from `config.seed` and owned here, so the same
 * seed on the same backend gives the same run, and a checkpoint resumes it exactly.
 *
 * @example
 * ```ts
 * await selectBackend('wasm');
 * const ppo = await PPO.create({ config: { env: 'CartPole-v1', totalSteps: 100_000, seed: 1 } });
 * await ppo.train({ callbacks: [new StopOnReward({ threshold: 475, window: 20 })] });
 * console.log(ppo.evaluate({ episodes: 10 }));
 * ppo.dispose();
 * ```
 */
export class PPO {
  /** The validated config. */
  readonly config: PPOConfig;
  /** The actor-critic being trained. */
  readonly actorCritic: ActorCritic;
  /** The torso options {@link PPO.actorCritic} was built with (an export rebuilds it from them). */
  readonly torsoOptions: TorsoOptions;
  /** Env steps taken, summed over envs. */
  globalStep = 0;
  /** Updates completed. */
  update = 0;
  /** Episodes finished. */
  episodes = 0;
  /** Updates the run is configured for: `floor(totalSteps / (numEnvs * numSteps))`. */
  readonly numUpdates: number;

  private readonly wrapped: WrappedVectorEnv;
  private readonly makeEnv: (index: number) => Env<unknown, unknown>;
  private readonly buffer: RolloutBuffer;
  private readonly optimizer: Adam;
  private readonly klController: AdaptiveKlController | null;
  private readonly actionRng: Rng;
  private readonly minibatchRng: Rng;
  private readonly evalRng: Rng;
  private readonly observations: Float32Array;
  private readonly recentReturns: number[] = [];
  private stopRequested = false;
  private disposed = false;

  private constructor(config: PPOConfig, wrapped: WrappedVectorEnv, makeEnv: (index: number) => Env<unknown, unknown>) {
    this.config = config;
    this.wrapped = wrapped;
    this.makeEnv = makeEnv;
    const env = wrapped.env;
    this.numUpdates = Math.floor(config.totalSteps / (config.numEnvs * config.numSteps));
    const master = new Rng(config.seed);
    this.actionRng = master.fork();
    this.minibatchRng = master.fork();
    this.evalRng = master.fork();
    const netSeed = master.nextUint32();
    this.torsoOptions = torsoOptionsOf(config, env);
    this.actorCritic = new ActorCritic({
      observationSize: env.observationSize,
      actionSpace: actionSpecOf(env),
      ...this.torsoOptions,
      hiddenSizes: config.hiddenSizes,
      activation: config.activation,
      shared: config.sharedTorso,
      logStdInit: config.logStdInit,
      seed: netSeed,
    });
    if (!config.orthogonalInit) reinitializeUniform(this.actorCritic.trainableVariables, master.fork());
    this.buffer = new RolloutBuffer({
      numSteps: config.numSteps,
      numEnvs: config.numEnvs,
      observationSize: env.observationSize,
      actionSize: env.actionSize,
      actionType: this.actorCritic.actionType,
    });
    this.optimizer = new Adam(this.actorCritic.trainableVariables, {
      beta1: config.adamBeta1,
      beta2: config.adamBeta2,
      epsilon: config.adamEps,
    });
    this.klController = config.loss === 'kl' ? new AdaptiveKlController({ target: config.klTarget, initialBeta: config.klBetaInit }) : null;
    this.observations = new Float32Array(config.numEnvs * env.observationSize);
    const reset = env.reset({ seed: config.seed });
    this.observations.set(reset.observations);
  }

  /**
   * Validates the config, builds the envs and the networks. Nothing runs on a bad config: the
   * error names the field.
   *
   * Runs on whatever tfjs backend is active: `config.backend` is only read by `runTraining`
   * and the `ppo` command line (`@ppo/trainer/node`), which call `selectBackend` first. Call
   * `selectBackend` from @ppo/nets yourself before `create` to choose one.
   */
  static async create(options: PPOOptions = {}): Promise<PPO> {
    const config = resolveConfig({ preset: options.preset, overrides: options.config });
    return PPO.fromConfig(config, options);
  }

  private static async fromConfig(config: PPOConfig, options: PPOOptions): Promise<PPO> {
    const makeEnv = options.makeEnv ?? (() => makeConfiguredEnv(config));
    const base = options.makeVectorEnv !== undefined ? await options.makeVectorEnv(config) : makeSyncVectorEnv(config.numEnvs, makeEnv);
    if (base.numEnvs !== config.numEnvs) {
      throw new RangeError(`makeVectorEnv returned ${base.numEnvs} envs, config.numEnvs is ${config.numEnvs}`);
    }
    try {
      return new PPO(config, wrapVectorEnv(base, config, { training: true }), makeEnv);
    } catch (error) {
      await base.close();
      throw error;
    }
  }

  /**
   * Rebuilds a trainer from a checkpoint: the same config, weights, optimizer moments,
   * generator states and counters. The env state is reconstructed by replaying the logged
   * actions (`actionLog`: the bytes {@link CheckpointSink.appendActions} received, at least
   * `meta.actionRows` rows), so training continues exactly as if never stopped. Pass `null` to
   * skip the replay when only the policy is needed (evaluation).
   */
  static async restore(
    checkpoint: Checkpoint,
    actionLog: Uint8Array | null,
    options: Omit<PPOOptions, 'config' | 'preset'> = {},
  ): Promise<PPO> {
    const meta = checkpoint.meta;
    if (meta.format !== 'ppo-checkpoint' || meta.version !== CHECKPOINT_VERSION) {
      throw new TypeError(`checkpoint must be a 'ppo-checkpoint' of version ${CHECKPOINT_VERSION}, got ${String(meta.format)} v${String(meta.version)}`);
    }
    const config = validateConfig(meta.config as unknown as Record<string, unknown>);
    const ppo = await PPO.fromConfig(config, options);
    try {
      if (actionLog !== null) ppo.replay(actionLog, meta.actionRows);
      ppo.loadCheckpoint(checkpoint);
    } catch (error) {
      await ppo.close();
      throw error;
    }
    return ppo;
  }

  private replay(log: Uint8Array, rows: number): void {
    const env = this.wrapped.env;
    const width = this.config.numEnvs * env.actionSize;
    if (log.byteLength < rows * width * 4) {
      throw new RangeError(`action log holds ${Math.floor(log.byteLength / (width * 4))} rows, the checkpoint needs ${rows}`);
    }
    // Copy so the view is 4-byte aligned whatever the caller's buffer.
    const bytes = log.slice(0, rows * width * 4);
    const actions = this.actorCritic.actionType === 'int32' ? new Int32Array(bytes.buffer) : new Float32Array(bytes.buffer);
    const row = this.actorCritic.actionType === 'int32' ? new Int32Array(width) : new Float32Array(width);
    for (let r = 0; r < rows; r++) {
      row.set(actions.subarray(r * width, (r + 1) * width));
      const result = env.step(row);
      this.observations.set(result.observations);
    }
  }

  private loadCheckpoint(checkpoint: Checkpoint): void {
    const { meta, data } = checkpoint;
    const variables = this.actorCritic.trainableVariables;
    const weights = unpackArrays(meta.weights, data, 'weight');
    if (weights.length !== variables.length) {
      throw new RangeError(`checkpoint holds ${weights.length} weight arrays, the network has ${variables.length}`);
    }
    tf.tidy(() => {
      weights.forEach((w, k) => {
        if (w.length !== variables[k].size) {
          throw new RangeError(`checkpoint weight '${meta.weights[k].name}' has ${w.length} values, variable '${variables[k].name}' needs ${variables[k].size}`);
        }
        variables[k].assign(tf.tensor(w, variables[k].shape, 'float32'));
      });
    });
    this.optimizer.setState({
      step: meta.optimizer.step,
      m: unpackArrays(meta.adamM, data, 'adam m'),
      v: unpackArrays(meta.adamV, data, 'adam v'),
    });
    this.actionRng.setState(meta.rngs.action);
    this.minibatchRng.setState(meta.rngs.minibatch);
    this.evalRng.setState(meta.rngs.evaluation);
    const { observationNormalizer, rewardNormalizer } = this.wrapped;
    if (observationNormalizer !== null && meta.normalization.observation !== null) {
      observationNormalizer.setState(meta.normalization.observation as never);
    }
    if (rewardNormalizer !== null && meta.normalization.reward !== null) rewardNormalizer.setState(meta.normalization.reward as never);
    if (this.klController !== null && meta.klBeta !== null) this.klController.setState({ target: this.config.klTarget, beta: meta.klBeta });
    this.globalStep = meta.counters.globalStep;
    this.update = meta.counters.update;
    this.episodes = meta.counters.episodes;
    this.recentReturns.splice(0, this.recentReturns.length, ...meta.recentReturns);
  }

  /** A checkpoint of the current state (call between updates). */
  checkpoint(logSizes: Readonly<Record<string, number>> = {}): Checkpoint {
    const variables = this.actorCritic.trainableVariables;
    const adam = this.optimizer.getState();
    const group = (prefix: string, arrays: Float32Array[]) =>
      arrays.map((data, k) => ({ name: `${prefix}${variables[k].name}`, shape: [...variables[k].shape], data }));
    const { entries, data } = packArrays([
      group('', variables.map((x) => Float32Array.from(x.dataSync() as Float32Array))),
      group('m/', adam.m),
      group('v/', adam.v),
    ]);
    const { observationNormalizer, rewardNormalizer } = this.wrapped;
    return {
      meta: {
        format: 'ppo-checkpoint',
        version: CHECKPOINT_VERSION,
        config: structuredClone(this.config),
        counters: { globalStep: this.globalStep, update: this.update, episodes: this.episodes },
        rngs: {
          action: this.actionRng.getState(),
          minibatch: this.minibatchRng.getState(),
          evaluation: this.evalRng.getState(),
        },
        normalization: {
          observation: observationNormalizer === null ? null : observationNormalizer.getState(),
          reward: rewardNormalizer === null ? null : rewardNormalizer.getState(),
        },
        klBeta: this.klController === null ? null : this.klController.beta,
        recentReturns: [...this.recentReturns],
        optimizer: { step: adam.step },
        actionRows: this.globalStep / this.config.numEnvs,
        actionLogBytes: this.globalStep * this.wrapped.env.actionSize * 4,
        weights: entries[0],
        adamM: entries[1],
        adamV: entries[2],
        logSizes: { ...logSizes },
      },
      data,
    };
  }

  /** Mean raw return of the last {@link RECENT_RETURN_WINDOW} episodes (NaN before any). */
  get recentReturn(): number {
    return mean(this.recentReturns);
  }

  /** Asks {@link PPO.train} to stop after the current update (a final checkpoint is written). */
  requestStop(): void {
    this.stopRequested = true;
  }

  private context(): CallbackContext {
    return {
      globalStep: this.globalStep,
      update: this.update,
      numUpdates: this.numUpdates,
      stop: () => this.requestStop(),
    };
  }

  /** Collects one rollout into the buffer and computes advantages; true when a callback asked to stop. */
  private async collectRollout(callbacks: readonly Callback[], loggers: readonly Logger[]): Promise<boolean> {
    const { config, buffer, actorCritic } = this;
    const env = this.wrapped.env;
    const n = config.numEnvs;
    const size = env.observationSize;
    buffer.reset();
    let stop = false;
    const doneMask = new Uint8Array(n);
    for (let t = 0; t < config.numSteps; t++) {
      const { actions, logProbs, values } = actorCritic.act(this.observations, n, this.actionRng);
      const result = env.step(actions);
      // The raw observations and rewards were checked for NaN and infinities by wrapVectorEnv.
      this.globalStep += n;
      let anyTruncated = false;
      for (let i = 0; i < n; i++) {
        doneMask[i] = result.terminated[i] | result.truncated[i];
        if (result.truncated[i] === 1 && result.terminated[i] === 0) anyTruncated = true;
      }
      buffer.add({
        observations: this.observations,
        actions,
        logProbs,
        values,
        rewards: result.rewards,
        terminated: result.terminated,
        truncated: result.truncated,
      });
      if (t > 0) buffer.nextValues.set(values, (t - 1) * n);
      if (anyTruncated && config.bootstrapTruncated) {
        // Value of each truncated episode's last observation (CleanRL detail 5 done right).
        const finalValues = actorCritic.predictValues(result.finalObservations, n);
        for (let i = 0; i < n; i++) this.finalValueAt[t * n + i] = finalValues[i];
      }
      this.observations.set(result.observations.subarray(0, n * size));
      for (let i = 0; i < n; i++) {
        if (doneMask[i] !== 1) continue;
        const episode = episodeOf(result.infos[i]);
        if (episode === null) continue;
        this.episodes += 1;
        this.recentReturns.push(episode.r);
        if (this.recentReturns.length > RECENT_RETURN_WINDOW) this.recentReturns.shift();
        for (const logger of loggers) logger.log(this.globalStep, { 'charts/episodic_return': episode.r, 'charts/episodic_length': episode.l });
        if (await runHook(callbacks, 'onEpisodeEnd', this.context(), { envIndex: i, return: episode.r, length: episode.l, globalStep: this.globalStep })) {
          stop = true;
        }
      }
    }
    const last = actorCritic.predictValues(this.observations, n);
    buffer.nextValues.set(last, (config.numSteps - 1) * n);
    const terminated = buffer.terminated;
    const effectiveTerminated = config.bootstrapTruncated ? terminated : this.doneScratch;
    for (let k = 0; k < config.numSteps * n; k++) {
      if (buffer.truncated[k] === 1 && terminated[k] === 0) {
        if (config.bootstrapTruncated) buffer.nextValues[k] = this.finalValueAt[k];
        else this.doneScratch[k] = 1;
      } else if (!config.bootstrapTruncated) {
        this.doneScratch[k] = terminated[k];
      }
    }
    this.finalValueAt.fill(0);
    gae({
      rewards: buffer.rewards,
      values: buffer.values,
      nextValues: buffer.nextValues,
      terminated: effectiveTerminated,
      truncated: buffer.truncated,
      numEnvs: n,
      gamma: config.gamma,
      lambda: config.gaeLambda,
      out: { advantages: buffer.advantages, returns: buffer.returns },
    });
    return stop;
  }

  private finalValueAt = new Float32Array(0);
  private doneScratch = new Uint8Array(0);

  /** Runs the epochs of minibatch updates on the current buffer; returns the update's metrics. */
  private optimise(progress: number): Record<string, number> {
    const { config, buffer } = this;
    const lrNow = config.annealLr ? progress * config.learningRate : config.learningRate;
    const clipNow = config.annealClip ? progress * config.clipCoef : config.clipCoef;
    const terms: Record<string, number> = {};
    const clipfracs: number[] = [];
    const gradNorms: number[] = [];
    let epochsRun = 0;
    let minibatchesRun = 0;
    let earlyStop = false;
    for (let epoch = 0; epoch < config.updateEpochs && !earlyStop; epoch++) {
      epochsRun += 1;
      for (const mb of buffer.minibatches({ numMinibatches: config.numMinibatches, rng: this.minibatchRng })) {
        let packed: tf.Tensor1D | null = null;
        const beta = this.klController === null ? 0 : this.klController.beta;
        const gradNorm = this.optimizer.minimize(
          () => {
            const out = this.evaluateActions(mb.observations, mb.actions, mb.size);
            const result = policyLoss(config, {
              logProbs: out.logProbs,
              oldLogProbs: tf.tensor1d(mb.logProbs.subarray(0, mb.size)),
              advantages: tf.tensor1d(mb.advantages.subarray(0, mb.size)),
              entropy: out.entropy,
              values: out.values,
              oldValues: tf.tensor1d(mb.values.subarray(0, mb.size)),
              returns: tf.tensor1d(mb.returns.subarray(0, mb.size)),
              clipRange: clipNow,
              beta,
            });
            packed = tf.keep(tf.stack(LOSS_TERMS.map((name) => result.terms[name])) as tf.Tensor1D);
            return result.loss;
          },
          lrNow,
          config.maxGradNorm,
        );
        const values = (packed as unknown as tf.Tensor1D).dataSync();
        (packed as unknown as tf.Tensor1D).dispose();
        LOSS_TERMS.forEach((name, k) => {
          const x = values[k];
          if (!Number.isFinite(x)) {
            throw new NonFiniteError(name, null, this.globalStep, `update ${this.update + 1}, epoch ${epoch}, minibatch ${minibatchesRun % config.numMinibatches} gave ${x}`);
          }
          terms[name] = x;
        });
        clipfracs.push(values[5]);
        gradNorms.push(gradNorm);
        minibatchesRun += 1;
      }
      if (config.targetKl !== null && terms['losses/approx_kl'] > config.targetKl) earlyStop = true;
    }
    const metrics: Record<string, number> = {
      'charts/learning_rate': lrNow,
      ...terms,
      'losses/clipfrac': mean(clipfracs),
      'losses/explained_variance': explainedVariance(buffer.values, buffer.returns),
      'charts/clip_range': clipNow,
      'charts/epochs': epochsRun,
      'charts/grad_norm': mean(gradNorms),
    };
    if (this.klController !== null) {
      // The paper adapts beta to the KL between the rollout's policy and the updated one, over
      // the whole batch; the per-minibatch approx_kl is measured before each step instead.
      const kl = this.klAfterUpdate();
      if (!Number.isFinite(kl)) throw new NonFiniteError(KL_AFTER_UPDATE, null, this.globalStep, `update ${this.update + 1} gave ${kl}`);
      metrics[KL_AFTER_UPDATE] = kl;
      metrics['charts/kl_beta'] = this.klController.update(kl);
    }
    return metrics;
  }

  /** Log-probs, entropies and values of the first `count` rows of flat observation and action arrays (tensors). */
  private evaluateActions(observations: Float32Array, actions: Float32Array | Int32Array, count: number) {
    const size = this.wrapped.env.observationSize;
    const actionSize = this.wrapped.env.actionSize;
    const obs = tf.tensor2d(observations.subarray(0, count * size), [count, size]);
    const acts =
      this.actorCritic.actionType === 'int32'
        ? tf.tensor(actions.subarray(0, count * actionSize), actionSize === 1 ? [count] : [count, actionSize], 'int32')
        : tf.tensor2d(actions.subarray(0, count * actionSize) as Float32Array, [count, actionSize]);
    return this.actorCritic.evaluate(obs, acts);
  }

  /** k3 estimate of KL(pi_old || pi_new) over the whole rollout, pi_old being the policy that collected it. */
  private klAfterUpdate(): number {
    const { buffer } = this;
    const count = this.config.numEnvs * this.config.numSteps;
    return tf.tidy(() => {
      const { logProbs } = this.evaluateActions(buffer.observations, buffer.actions, count);
      const logRatio = tf.sub(logProbs, tf.tensor1d(buffer.logProbs.subarray(0, count)));
      return tf.mean(tf.sub(tf.expm1(logRatio), logRatio)).dataSync()[0];
    });
  }

  /**
   * Trains until `config.totalSteps` (rounded down to whole updates), a callback stops it, or
   * {@link PPO.requestStop}. Resumed trainers continue from their counters.
   */
  async train(options: TrainOptions = {}): Promise<void> {
    this.assertLive();
    const callbacks = options.callbacks ?? [];
    const loggers = options.loggers ?? [];
    const sink = options.checkpoints;
    const n = this.config.numEnvs;
    const batch = n * this.config.numSteps;
    if (this.finalValueAt.length !== batch) {
      this.finalValueAt = new Float32Array(batch);
      this.doneScratch = new Uint8Array(batch);
    }
    this.stopRequested = false;
    const saveCheckpoint = async (final: boolean) => {
      if (sink === undefined) return;
      const where = await sink.save(this.checkpoint(), { final });
      if (await runHook(callbacks, 'onCheckpoint', this.context(), where)) this.requestStop();
    };
    if (await runHook(callbacks, 'onStart', this.context())) this.requestStop();
    if (this.update === 0 && this.config.checkpointEvery > 0) await saveCheckpoint(false);
    let startTime = Date.now();
    let startStep = this.globalStep;
    while (this.update < this.numUpdates && !this.stopRequested) {
      const progress = 1 - this.update / this.numUpdates;
      if (await this.collectRollout(callbacks, loggers)) this.requestStop();
      sink?.appendActions(this.buffer.actions);
      if (await runHook(callbacks, 'onRolloutEnd', this.context())) this.requestStop();
      const metrics = this.optimise(progress);
      this.update += 1;
      const elapsed = (Date.now() - startTime) / 1000;
      metrics['charts/SPS'] = elapsed > 0 ? Math.round((this.globalStep - startStep) / elapsed) : 0;
      metrics['charts/mean_recent_return'] = this.recentReturn;
      metrics['charts/update'] = this.update;
      for (const logger of loggers) logger.log(this.globalStep, metrics);
      if (await runHook(callbacks, 'onUpdateEnd', this.context(), metrics)) this.requestStop();
      // Let the event loop run once per update: signal handlers (SIGINT/SIGTERM) and a browser
      // page's events only fire on a macrotask, which awaiting resolved promises never reaches.
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      const last = this.update >= this.numUpdates || this.stopRequested;
      if (last || (this.config.checkpointEvery > 0 && this.update % this.config.checkpointEvery === 0)) await saveCheckpoint(last);
      if (this.update === 1) {
        // The first update pays for kernel compilation; SPS counts from the second.
        startTime = Date.now();
        startStep = this.globalStep;
      }
    }
    await runHook(callbacks, 'onEnd', this.context());
  }

  /**
   * Runs the deterministic policy (the distribution's mode) for `episodes` episodes on a fresh
   * env with frozen observation normalization copied from training and raw rewards. An episode
   * still running after `maxSteps` steps is cut there (see {@link EvaluationResult.cutAtMaxSteps}).
   */
  async evaluate(options: EvaluateOptions = {}): Promise<EvaluationResult> {
    this.assertLive();
    const episodes = options.episodes ?? this.config.evalEpisodes;
    if (!Number.isInteger(episodes) || episodes < 1) throw new RangeError(`episodes must be a positive integer, got ${String(episodes)}`);
    const maxSteps = options.maxSteps ?? EVAL_MAX_STEPS;
    if (!Number.isInteger(maxSteps) || maxSteps < 1) throw new RangeError(`maxSteps must be a positive integer, got ${String(maxSteps)}`);
    const seed = options.seed ?? (this.config.seed + 1_000_003) % 4294967296;
    if (!Number.isInteger(seed) || seed < 0 || seed > 4294967295) {
      throw new RangeError(`seed must be an integer in [0, 4294967295], got ${String(seed)}`);
    }
    const wrapped = wrapVectorEnv(makeSyncVectorEnv(1, this.makeEnv), this.config, { training: false });
    const source = this.wrapped.observationNormalizer;
    if (wrapped.observationNormalizer !== null && source !== null) {
      wrapped.observationNormalizer.setState(source.getState());
      wrapped.observationNormalizer.frozen = true;
    }
    const returns: number[] = [];
    const lengths: number[] = [];
    let cut = 0;
    try {
      let obs = Float32Array.from(wrapped.env.reset({ seed }).observations);
      let episodeReturn = 0;
      let length = 0;
      while (returns.length < episodes) {
        const { actions } = this.actorCritic.act(obs, 1, this.evalRng, { deterministic: true });
        const result = wrapped.env.step(actions);
        episodeReturn += result.rewards[0];
        length += 1;
        const ended = result.terminated[0] === 1 || result.truncated[0] === 1;
        if (ended || length >= maxSteps) {
          returns.push(episodeReturn);
          lengths.push(length);
          episodeReturn = 0;
          length = 0;
          if (!ended) {
            cut += 1;
            // Continues the env's own generator: only the first reset takes the seed.
            obs = Float32Array.from(wrapped.env.reset().observations);
            continue;
          }
        }
        obs = Float32Array.from(result.observations);
      }
    } finally {
      await wrapped.env.close();
    }
    const m = mean(returns);
    const std = Math.sqrt(mean(returns.map((r) => (r - m) ** 2)));
    return { episodes, mean: m, std, min: Math.min(...returns), max: Math.max(...returns), returns, lengths, cutAtMaxSteps: cut };
  }

  private assertLive(): void {
    if (this.disposed) throw new Error('this PPO trainer was disposed');
  }

  /** Closes the envs and frees the networks and optimizer state. */
  async close(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.optimizer.dispose();
    this.actorCritic.dispose();
    await this.wrapped.env.close();
  }
}
