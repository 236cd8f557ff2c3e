import * as tf from '@tensorflow/tfjs';
import { RolloutBuffer, Rng } from '@ppo/buffers';
import { gaeEstimator, type AdvantageEstimator } from '@ppo/gae';
import { ActorCritic, type ActionSpaceSpec, type ActorCriticOptions, type Policy } from '@ppo/nets';
import { Adam, ClipPpoObjective, KlPenaltyPpoObjective, type Objective, type Optimizer, type StateValue } from '@ppo/core';
import type { Env, VectorEnv } from '@ppo/envs';
import { runHook, type Callback, type CallbackContext } from './callbacks';
import { CHECKPOINT_VERSION, packArrays, unpackArrays, type Checkpoint } from './checkpoint';
import { collectRollout, type RolloutCounters } from './collect-rollout';
import { decodeState, encodeState } from './component-state';
import { ConfigError, DEFAULT_CONFIG, PRESETS, resolveConfig, validateConfig, type PPOConfig, type PresetName } from './config';
import { makeConfiguredEnv, makeSyncVectorEnv, wrapVectorEnv, type WrappedVectorEnv } from './environment';
import { estimateAdvantages } from './estimate-advantages';
import type { Logger } from './loggers';
import { toLoggedMetrics } from './metric-names';
import { ppoUpdate } from './ppo-update';

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

/** What a custom policy is built from: the env's spaces and a seed derived from `config.seed`. */
export interface PolicySpec {
  /** Flat observation size D. */
  readonly observationSize: number;
  /** The observation space's shape (for example [84, 84, 4] for frames). */
  readonly observationShape: readonly number[];
  /** The action space (the JSON form of the env's space). */
  readonly actionSpace: ActionSpaceSpec;
  /** Seed for the policy's initialisation, an integer in [0, 2^32). */
  readonly seed: number;
}

/**
 * Components that replace what the config would build. Each is optional; leave one out and the
 * config's choice is used. The config fields a given component replaces may not be set in the
 * same call (a `ConfigError` names them), so nothing is silently ignored. Pass the same
 * components to {@link PPO.restore}: their state comes back from the checkpoint.
 */
export interface PPOComponents {
  /** Builds the policy (default: an `ActorCritic` from the network fields of the config). */
  readonly policy?: (spec: PolicySpec) => Policy;
  /** What each minibatch minimises (default: PPO-Clip or PPO-KL from `config.loss`). */
  readonly objective?: Objective;
  /** Builds the optimizer over the policy's variables (default: `Adam` with the config's betas and epsilon). */
  readonly optimizer?: (variables: readonly tf.Variable[]) => Optimizer;
  /** Turns a rollout into advantages and returns (default: GAE with `gamma` and `gaeLambda`). */
  readonly advantageEstimator?: AdvantageEstimator;
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
  /** Your own policy, objective, optimizer or advantage estimator. */
  readonly components?: PPOComponents;
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

/** The options of `new ActorCritic(...)` that choose and shape its torso. */
export type TorsoOptions = Pick<ActorCriticOptions, 'torso' | 'observationShape' | 'inputScale'> & { readonly torso: PPOConfig['torso'] };

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

function observationShapeOf(env: VectorEnv): readonly number[] {
  const spec = env.singleObservationSpace.toJSON() as { type: string; shape?: readonly number[] };
  return spec.shape ?? [env.observationSize];
}

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

/**
 * Config fields that `PPO` itself does not act on, with what to do instead. Set to anything but
 * their default in {@link PPO.create}, they are errors rather than silently ignored.
 */
const RUNNER_SETTINGS: Partial<Record<keyof PPOConfig, string>> = {
  backend: 'PPO runs on the active tfjs backend: call selectBackend() from @ppo/nets before PPO.create, or use runTraining from @ppo/trainer/node',
  envModules: 'import the modules that register your envs before PPO.create, or use runTraining from @ppo/trainer/node',
  evalEvery: 'pass an EvaluationCallback to train(), or use runTraining from @ppo/trainer/node',
};

/** Config fields each component replaces. */
const REPLACED_BY: Readonly<Record<keyof PPOComponents, readonly (keyof PPOConfig)[]>> = {
  policy: ['hiddenSizes', 'activation', 'torso', 'observationScale', 'sharedTorso', 'logStdInit', 'orthogonalInit'],
  objective: ['loss', 'clipCoef', 'annealClip', 'clipVloss', 'entCoef', 'vfCoef', 'normAdv', 'klTarget', 'klBetaInit'],
  optimizer: ['adamEps', 'adamBeta1', 'adamBeta2'],
  advantageEstimator: ['gaeLambda'],
};

/** Rejects fields the caller set that this entry point would not use. */
function rejectUnusedFields(options: PPOOptions): void {
  const given = options.config ?? {};
  const preset = PRESETS[options.preset ?? 'classic'] ?? {};
  const changed = (field: keyof PPOConfig): boolean =>
    Object.hasOwn(given, field) && given[field] !== undefined && JSON.stringify(given[field]) !== JSON.stringify(preset[field] ?? DEFAULT_CONFIG[field]);
  for (const [field, instead] of Object.entries(RUNNER_SETTINGS) as [keyof PPOConfig, string][]) {
    if (changed(field)) throw new ConfigError(field, `PPO.create does not use it (${instead})`);
  }
  if (options.makeVectorEnv === undefined) {
    for (const field of ['vectorEnv', 'numWorkers'] as const) {
      if (changed(field)) throw new ConfigError(field, 'PPO.create builds a sync vector env unless makeVectorEnv is given (runTraining from @ppo/trainer/node builds the async one)');
    }
  }
  for (const [component, fields] of Object.entries(REPLACED_BY) as [keyof PPOComponents, readonly (keyof PPOConfig)[]][]) {
    if (options.components?.[component] === undefined) continue;
    for (const field of fields) {
      if (changed(field)) throw new ConfigError(field, `is not used with a custom ${component} component (configure the component instead)`);
    }
  }
}

/** The objective the config asks for. */
function configuredObjective(config: PPOConfig): Objective {
  const clipCoef = config.clipCoef;
  const options = {
    clipRange: config.annealClip ? (progress: number) => (1 - progress) * clipCoef : clipCoef,
    clipValueLoss: config.clipVloss,
    normalizeAdvantages: config.normAdv,
    vfCoef: config.vfCoef,
    entCoef: config.entCoef,
  };
  return config.loss === 'clip'
    ? new ClipPpoObjective(options)
    : new KlPenaltyPpoObjective({ ...options, klTarget: config.klTarget, initialBeta: config.klBetaInit });
}

/** Creates the trainer from a validated config, without {@link PPO.create}'s check of unused fields (for the runner). */
export async function createTrainer(config: PPOConfig, options: Omit<PPOOptions, 'config' | 'preset'>): Promise<PPO> {
  return PPO['fromConfig'](config, options);
}

/**
 * Proximal Policy Optimization (Schulman et al. 2017), assembled from public phases in CleanRL's
 * order: {@link collectRollout}, {@link estimateAdvantages} and {@link ppoUpdate}. The config
 * builds the default components, each a CleanRL implementation detail as a switch (vectorized
 * envs, orthogonal init, Adam eps 1e-5, learning-rate annealing, GAE bootstrapping truncated
 * episodes from their final observation, shuffled minibatches, per-minibatch advantage
 * normalization, the clipped objective or the adaptive KL penalty, value clipping, the entropy
 * bonus, global gradient clipping, observation and reward normalization); pass your own policy,
 * objective, optimizer or advantage estimator through `components`.
 *
 * All randomness comes from generators seeded from `config.seed` and owned here, so the same
 * seed on the same backend gives the same run, and a checkpoint resumes it exactly.
 *
 * @example
 * ```ts
 * await selectBackend('wasm');
 * const ppo = await PPO.create({ config: { env: 'CartPole-v1', totalSteps: 100_000, seed: 1 } });
 * await ppo.train({ callbacks: [new StopOnReward({ threshold: 475, window: 20 })] });
 * console.log(await ppo.evaluate({ episodes: 10 }));
 * await ppo.close();
 * ```
 */
export class PPO {
  /** The validated config. */
  readonly config: PPOConfig;
  /** The policy being trained. */
  readonly policy: Policy;
  /** What each minibatch minimises. */
  readonly objective: Objective;
  /** Steps the policy's variables. */
  readonly optimizer: Optimizer;
  /** Turns each rollout into advantages and returns. */
  readonly advantageEstimator: AdvantageEstimator;
  /** The torso options of the built-in policy (an export rebuilds it from them), or null for a custom policy. */
  readonly torsoOptions: TorsoOptions | null;
  /** Updates completed. */
  update = 0;
  /** Updates the run is configured for: `floor(totalSteps / (numEnvs * numSteps))`. */
  readonly numUpdates: number;

  private readonly counters: RolloutCounters = { globalStep: 0, episodes: 0 };
  private readonly wrapped: WrappedVectorEnv;
  private readonly makeEnv: (index: number) => Env<unknown, unknown>;
  private readonly buffer: RolloutBuffer;
  private readonly actionRng: Rng;
  private readonly minibatchRng: Rng;
  private readonly evalRng: Rng;
  private readonly observations: Float32Array;
  private readonly recentReturns: number[] = [];
  private stopRequested = false;
  private disposed = false;

  private constructor(config: PPOConfig, wrapped: WrappedVectorEnv, makeEnv: (index: number) => Env<unknown, unknown>, components: PPOComponents) {
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
    const actionSpace = actionSpecOf(env);
    if (components.policy !== undefined) {
      this.torsoOptions = null;
      this.policy = components.policy({ observationSize: env.observationSize, observationShape: observationShapeOf(env), actionSpace, seed: netSeed });
      if (this.policy.observationSize !== env.observationSize || this.policy.actionSize !== env.actionSize) {
        throw new RangeError(
          `components.policy built a policy of ${this.policy.observationSize} observations and ${this.policy.actionSize} actions, the env has ${env.observationSize} and ${env.actionSize}`,
        );
      }
    } else {
      this.torsoOptions = torsoOptionsOf(config, env);
      this.policy = new ActorCritic({
        observationSize: env.observationSize,
        actionSpace,
        ...this.torsoOptions,
        hiddenSizes: config.hiddenSizes,
        activation: config.activation,
        shared: config.sharedTorso,
        logStdInit: config.logStdInit,
        seed: netSeed,
      });
      if (!config.orthogonalInit) reinitializeUniform(this.policy.trainableVariables, master.fork());
    }
    this.buffer = new RolloutBuffer({
      numSteps: config.numSteps,
      numEnvs: config.numEnvs,
      observationSize: env.observationSize,
      actionSize: env.actionSize,
      actionType: this.policy.actionType,
    });
    this.optimizer =
      components.optimizer?.(this.policy.trainableVariables) ??
      new Adam(this.policy.trainableVariables, { beta1: config.adamBeta1, beta2: config.adamBeta2, epsilon: config.adamEps });
    this.objective = components.objective ?? configuredObjective(config);
    this.advantageEstimator = components.advantageEstimator ?? gaeEstimator({ gamma: config.gamma, lambda: config.gaeLambda });
    this.observations = new Float32Array(config.numEnvs * env.observationSize);
    this.observations.set(env.reset({ seed: config.seed }).observations);
  }

  /**
   * Validates the config, builds the envs and the components. Nothing runs on a bad config: the
   * error names the field. A field this entry point does not act on (`backend`, `envModules`,
   * `evalEvery`; `vectorEnv` and `numWorkers` without `makeVectorEnv`; the fields a custom
   * component replaces) is rejected when set to anything but its default.
   *
   * Runs on whatever tfjs backend is active: call `selectBackend` from @ppo/nets before
   * `create` to choose one.
   */
  static async create(options: PPOOptions = {}): Promise<PPO> {
    const config = resolveConfig({ preset: options.preset, overrides: options.config });
    rejectUnusedFields(options);
    return PPO.fromConfig(config, options);
  }

  private static async fromConfig(config: PPOConfig, options: Omit<PPOOptions, 'config' | 'preset'>): Promise<PPO> {
    const makeEnv = options.makeEnv ?? (() => makeConfiguredEnv(config));
    const base = options.makeVectorEnv !== undefined ? await options.makeVectorEnv(config) : makeSyncVectorEnv(config.numEnvs, makeEnv);
    if (base.numEnvs !== config.numEnvs) {
      throw new RangeError(`makeVectorEnv returned ${base.numEnvs} envs, config.numEnvs is ${config.numEnvs}`);
    }
    try {
      return new PPO(config, wrapVectorEnv(base, config, { training: true }), makeEnv, options.components ?? {});
    } catch (error) {
      await base.close();
      throw error;
    }
  }

  /**
   * Rebuilds a trainer from a checkpoint: the same config, weights, optimizer and component
   * states, generator states and counters. The env state is reconstructed by replaying the
   * logged actions (`actionLog`: the bytes {@link CheckpointSink.appendActions} received, at
   * least `meta.actionRows` rows), so training continues exactly as if never stopped. Pass
   * `null` to skip the replay when only the policy is needed (evaluation). Pass the same
   * `components` the run was created with.
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

  /** The built-in actor-critic; throws when the policy is a custom component. */
  get actorCritic(): ActorCritic {
    if (!(this.policy instanceof ActorCritic)) throw new TypeError('this trainer was created with a custom policy component, not an ActorCritic');
    return this.policy;
  }

  /** Env steps taken, summed over envs. */
  get globalStep(): number {
    return this.counters.globalStep;
  }

  /** Episodes finished. */
  get episodes(): number {
    return this.counters.episodes;
  }

  private replay(log: Uint8Array, rows: number): void {
    const env = this.wrapped.env;
    const width = this.config.numEnvs * env.actionSize;
    if (log.byteLength < rows * width * 4) {
      throw new RangeError(`action log holds ${Math.floor(log.byteLength / (width * 4))} rows, the checkpoint needs ${rows}`);
    }
    // Copy so the view is 4-byte aligned whatever the caller's buffer.
    const bytes = log.slice(0, rows * width * 4);
    const actions = this.policy.actionType === 'int32' ? new Int32Array(bytes.buffer) : new Float32Array(bytes.buffer);
    const row = this.policy.actionType === 'int32' ? new Int32Array(width) : new Float32Array(width);
    for (let r = 0; r < rows; r++) {
      row.set(actions.subarray(r * width, (r + 1) * width));
      const result = env.step(row);
      this.observations.set(result.observations);
    }
  }

  /** The components whose state a checkpoint holds beyond the weights, Adam's moments and PPO-KL's beta. */
  private statefulComponents(): [string, { getState?(): StateValue; setState?(state: StateValue): void }][] {
    const custom: [string, { getState?(): StateValue; setState?(state: StateValue): void }][] = [];
    if (!(this.optimizer instanceof Adam)) custom.push(['optimizer', this.optimizer]);
    if (!(this.objective instanceof KlPenaltyPpoObjective)) custom.push(['objective', this.objective]);
    custom.push(['advantageEstimator', this.advantageEstimator as { getState?(): StateValue; setState?(state: StateValue): void }]);
    return custom.filter(([, component]) => typeof component.getState === 'function');
  }

  private loadCheckpoint(checkpoint: Checkpoint): void {
    const { meta, data } = checkpoint;
    const saved = meta.components ?? {};
    const custom = this.statefulComponents();
    for (const role of Object.keys(saved)) {
      if (!custom.some(([r]) => r === role)) {
        throw new RangeError(`checkpoint holds the state of a custom ${role} component: pass the components the run was created with to PPO.restore`);
      }
    }
    for (const [role, component] of custom) {
      if (!Object.hasOwn(saved, role)) throw new RangeError(`checkpoint holds no state for the custom ${role} component: it was written by a run with another ${role}`);
      component.setState?.(decodeState(saved[role], `checkpoint components.${role}`));
    }
    const variables = this.policy.trainableVariables;
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
    if (this.optimizer instanceof Adam) {
      this.optimizer.setState({ step: meta.optimizer.step, m: unpackArrays(meta.adamM, data, 'adam m'), v: unpackArrays(meta.adamV, data, 'adam v') });
    }
    if (this.objective instanceof KlPenaltyPpoObjective && meta.klBeta !== null) this.objective.setState({ beta: meta.klBeta });
    this.actionRng.setState(meta.rngs.action);
    this.minibatchRng.setState(meta.rngs.minibatch);
    this.evalRng.setState(meta.rngs.evaluation);
    const { observationNormalizer, rewardNormalizer } = this.wrapped;
    if (observationNormalizer !== null && meta.normalization.observation !== null) {
      observationNormalizer.setState(meta.normalization.observation as never);
    }
    if (rewardNormalizer !== null && meta.normalization.reward !== null) rewardNormalizer.setState(meta.normalization.reward as never);
    this.counters.globalStep = meta.counters.globalStep;
    this.counters.episodes = meta.counters.episodes;
    this.update = meta.counters.update;
    this.recentReturns.splice(0, this.recentReturns.length, ...meta.recentReturns);
  }

  /** A checkpoint of the current state (call between updates). */
  checkpoint(logSizes: Readonly<Record<string, number>> = {}): Checkpoint {
    const variables = this.policy.trainableVariables;
    const adam = this.optimizer instanceof Adam ? this.optimizer.getState() : { step: this.optimizer.step, m: [], v: [] };
    const group = (prefix: string, arrays: Float32Array[]) =>
      arrays.map((data, k) => ({ name: `${prefix}${variables[k].name}`, shape: [...variables[k].shape], data }));
    const { entries, data } = packArrays([
      group('', variables.map((x) => Float32Array.from(x.dataSync() as Float32Array))),
      group('m/', adam.m),
      group('v/', adam.v),
    ]);
    const { observationNormalizer, rewardNormalizer } = this.wrapped;
    const custom = this.statefulComponents();
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
        klBeta: this.objective instanceof KlPenaltyPpoObjective ? this.objective.beta : null,
        recentReturns: [...this.recentReturns],
        optimizer: { step: adam.step },
        actionRows: this.globalStep / this.config.numEnvs,
        actionLogBytes: this.globalStep * this.wrapped.env.actionSize * 4,
        weights: entries[0],
        adamM: entries[1],
        adamV: entries[2],
        logSizes: { ...logSizes },
        ...(custom.length === 0
          ? {}
          : { components: Object.fromEntries(custom.map(([role, c]) => [role, encodeState((c.getState as () => StateValue)(), `${role} state`)])) }),
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

  /**
   * Trains until `config.totalSteps` (rounded down to whole updates), a callback stops it, or
   * {@link PPO.requestStop}. Resumed trainers continue from their counters. Each update is
   * {@link collectRollout}, {@link estimateAdvantages} and {@link ppoUpdate}, in that order.
   */
  async train(options: TrainOptions = {}): Promise<void> {
    this.assertLive();
    const callbacks = options.callbacks ?? [];
    const loggers = options.loggers ?? [];
    const sink = options.checkpoints;
    const { config } = this;
    this.stopRequested = false;
    const saveCheckpoint = async (final: boolean) => {
      if (sink === undefined) return;
      const where = await sink.save(this.checkpoint(), { final });
      if (await runHook(callbacks, 'onCheckpoint', this.context(), where)) this.requestStop();
    };
    const onEpisodeEnd = async (episode: { envIndex: number; return: number; length: number; globalStep: number }) => {
      this.recentReturns.push(episode.return);
      if (this.recentReturns.length > RECENT_RETURN_WINDOW) this.recentReturns.shift();
      for (const logger of loggers) logger.log(episode.globalStep, { 'charts/episodic_return': episode.return, 'charts/episodic_length': episode.length });
      return runHook(callbacks, 'onEpisodeEnd', this.context(), episode);
    };
    if (await runHook(callbacks, 'onStart', this.context())) this.requestStop();
    if (this.update === 0 && config.checkpointEvery > 0) await saveCheckpoint(false);
    let startTime = Date.now();
    let startStep = this.globalStep;
    let lastYield = startTime;
    while (this.update < this.numUpdates && !this.stopRequested) {
      const progress = this.update / this.numUpdates;
      const rollout = await collectRollout({
        env: this.wrapped.env,
        policy: this.policy,
        buffer: this.buffer,
        rng: this.actionRng,
        observations: this.observations,
        counters: this.counters,
        bootstrapTruncated: config.bootstrapTruncated,
        onEpisodeEnd,
      });
      if (rollout.stopRequested) this.requestStop();
      estimateAdvantages(this.buffer, this.advantageEstimator);
      sink?.appendActions(this.buffer.actions);
      if (await runHook(callbacks, 'onRolloutEnd', this.context())) this.requestStop();
      const metrics = toLoggedMetrics(
        ppoUpdate({
          policy: this.policy,
          buffer: this.buffer,
          objective: this.objective,
          optimizer: this.optimizer,
          rng: this.minibatchRng,
          epochs: config.updateEpochs,
          numMinibatches: config.numMinibatches,
          learningRate: config.annealLr ? (1 - progress) * config.learningRate : config.learningRate,
          maxGradNorm: config.maxGradNorm,
          targetKl: config.targetKl,
          context: { progress },
          position: { update: this.update + 1, globalStep: this.globalStep },
        }),
      );
      this.update += 1;
      const elapsed = (Date.now() - startTime) / 1000;
      metrics['charts/SPS'] = elapsed > 0 ? Math.round((this.globalStep - startStep) / elapsed) : 0;
      metrics['charts/mean_recent_return'] = this.recentReturn;
      metrics['charts/update'] = this.update;
      for (const logger of loggers) logger.log(this.globalStep, metrics);
      if (await runHook(callbacks, 'onUpdateEnd', this.context(), metrics)) this.requestStop();
      // Let the event loop run at least every 20 ms: signal handlers (SIGINT/SIGTERM) and a
      // browser page's events only fire on a macrotask, which awaiting resolved promises never
      // reaches; a timer per update would cost more than a whole short update (A2C's 40 steps).
      if (Date.now() - lastYield >= 20) {
        await new Promise<void>((resolve) => setTimeout(resolve, 0));
        lastYield = Date.now();
      }
      const last = this.update >= this.numUpdates || this.stopRequested;
      if (last || (config.checkpointEvery > 0 && this.update % config.checkpointEvery === 0)) await saveCheckpoint(last);
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
        const { actions } = this.policy.act(obs, 1, this.evalRng, { deterministic: true });
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

  /** Closes the envs and frees the policy and optimizer state. */
  async close(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.optimizer.dispose();
    this.policy.dispose();
    await this.wrapped.env.close();
  }
}
