import { RolloutBuffer } from '@ppo/buffers';
import { PpoError, PpoRangeError, PpoTypeError, Rng, type RunningMeanStdState } from '@ppo/utils';
import type { Objective, Optimizer } from '@ppo/core';
import type { Env, VectorEnv } from '@ppo/envs';
import type { AdvantageEstimator } from '@ppo/gae';
import { ActorCritic, isRecurrentPolicy, type Policy } from '@ppo/nets';
import { runHook, type Callback, type CallbackContext } from './callbacks';
import { CHECKPOINT_VERSION, type Checkpoint } from './checkpoint';
import { collectRollout, type RolloutCollector, type RolloutCounters } from './collect-rollout';
import { buildComponents, rejectUnusedFields, type PPOComponents, type TorsoOptions } from './components';
import { resolveConfig, validateConfig, type PPOConfig, type PresetName } from './config';
import { makeConfiguredEnv, makeSyncVectorEnv, wrapVectorEnv, type WrappedVectorEnv } from './environment';
import { estimateAdvantages } from './estimate-advantages';
import { EVAL_MAX_STEPS, evaluatePolicy, mean, type EvaluateOptions, type EvaluationResult } from './evaluate-policy';
import type { Logger } from './loggers';
import { toLoggedMetrics } from './metric-names';
import { ppoUpdate } from './ppo-update';
import { RecurrentMemory } from './recurrent-memory';
import { captureCheckpoint, restoreCheckpoint, type TrainerParts } from './trainer-checkpoint';

export type { PolicySpec, PPOComponents, TorsoOptions } from './components';
export type { EvaluateOptions, EvaluationResult } from './evaluate-policy';
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
  /** Preset the partial config is applied over. Default: the one the env's registration recommends (`recommendedPreset`), else `classic`. */
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
  /**
   * Run the updates' minibatch steps fused on the host when the components allow it (see
   * `ppoUpdate`'s `fused`). Default true; false forces the general tfjs path.
   */
  readonly fused?: boolean;
  /** Receives checkpoints every `config.checkpointEvery` updates, at the start and at the end. */
  readonly checkpoints?: CheckpointSink;
  /**
   * Gathers each rollout (default {@link collectRollout} on the trainer's own envs); another
   * collector, such as one fed by rollout workers, must fill the buffer exactly as it would.
   */
  readonly collect?: RolloutCollector;
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
  /** The valid-action masks of `observations` when the env gives `info.action_mask`, else undefined. */
  private readonly actionMasks: Uint8Array | undefined;
  /** The per-env state of a recurrent policy (null for a feed-forward one). */
  private readonly memory: RecurrentMemory | null;
  private readonly recentReturns: number[] = [];
  private stopRequested = false;
  private disposed = false;
  /** Set by {@link PPO.restorePolicy}: the training state was not restored. */
  private policyOnly = false;

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
    ({ policy: this.policy, torsoOptions: this.torsoOptions, optimizer: this.optimizer, objective: this.objective, advantageEstimator: this.advantageEstimator } =
      buildComponents(config, env, master, components));
    const first = env.reset({ seed: config.seed });
    // Masking is automatic: an env that gives info.action_mask is trained as MaskablePPO.
    this.actionMasks = first.actionMasks === undefined ? undefined : Uint8Array.from(first.actionMasks);
    this.buffer = new RolloutBuffer({
      numSteps: config.numSteps,
      numEnvs: config.numEnvs,
      observationSize: env.observationSize,
      actionSize: env.actionSize,
      actionType: this.policy.actionType,
      actionMaskSize: this.actionMasks === undefined ? 0 : this.actionMasks.length / config.numEnvs,
    });
    this.memory = isRecurrentPolicy(this.policy) ? new RecurrentMemory(this.policy, config.numEnvs) : null;
    this.observations = new Float32Array(config.numEnvs * env.observationSize);
    this.observations.set(first.observations);
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
      throw new PpoRangeError('INVALID_ARGUMENT', `makeVectorEnv returned ${base.numEnvs} envs, config.numEnvs is ${config.numEnvs}`);
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
    return PPO.rebuild(checkpoint, actionLog, options, false);
  }

  /**
   * Rebuilds from a checkpoint what evaluation and export need: the config, the network's
   * weights, the observation statistics and the evaluation generator. The training state is
   * left out: no env replay, no optimizer moments, and the saved state of a custom optimizer,
   * objective or advantage estimator is skipped, so a run trained with components of its own
   * (an A2C run's RMSprop and objective, say) is evaluated and exported without them. A custom
   * policy component must still be passed in `options.components`. The trainer it returns
   * refuses {@link PPO.train} and {@link PPO.checkpoint}: use {@link PPO.restore} to go on training.
   */
  static async restorePolicy(checkpoint: Checkpoint, options: Omit<PPOOptions, 'config' | 'preset'> = {}): Promise<PPO> {
    return PPO.rebuild(checkpoint, null, options, true);
  }

  private static async rebuild(
    checkpoint: Checkpoint,
    actionLog: Uint8Array | null,
    options: Omit<PPOOptions, 'config' | 'preset'>,
    policyOnly: boolean,
  ): Promise<PPO> {
    const meta = checkpoint.meta;
    if (meta.format !== 'ppo-checkpoint' || meta.version !== CHECKPOINT_VERSION) {
      throw new PpoTypeError('BAD_CHECKPOINT', `checkpoint must be a 'ppo-checkpoint' of version ${CHECKPOINT_VERSION}, got ${String(meta.format)} v${String(meta.version)}`);
    }
    const config = validateConfig(meta.config as unknown as Record<string, unknown>);
    const ppo = await PPO.fromConfig(config, options);
    ppo.policyOnly = policyOnly;
    try {
      if (actionLog !== null) ppo.replay(actionLog, meta.actionRows);
      ppo.loadCheckpoint(checkpoint);
    } catch (error) {
      await ppo.close();
      throw error;
    }
    return ppo;
  }

  /** The built-in feed-forward actor-critic; throws when the policy is recurrent or a custom component. */
  get actorCritic(): ActorCritic {
    if (!(this.policy instanceof ActorCritic)) {
      const what = isRecurrentPolicy(this.policy) ? `a recurrent policy ('${this.config.policy}')` : 'a custom policy component';
      throw new PpoTypeError('INVALID_STATE', `this trainer's policy is ${what}, not an ActorCritic`);
    }
    return this.policy;
  }

  /**
   * Flags per action mask when the env gives `info.action_mask` (n for `Discrete(n)`,
   * `sum(nvec)` for `MultiDiscrete`): the trainer then samples, scores and evaluates over the
   * allowed actions only. 0 for an unmasked env.
   */
  get actionMaskSize(): number {
    return this.buffer.actionMaskSize;
  }

  /**
   * The running observation statistics the policy's inputs are normalized with (a copy), or
   * null when `normalizeObservation` is off.
   */
  get observationNormalization(): RunningMeanStdState | null {
    return this.wrapped.observationNormalizer?.getState() ?? null;
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
      throw new PpoRangeError('BAD_CHECKPOINT', `action log holds ${Math.floor(log.byteLength / (width * 4))} rows, the checkpoint needs ${rows}`);
    }
    // Copy so the view is 4-byte aligned whatever the caller's buffer.
    const bytes = log.slice(0, rows * width * 4);
    const actions = this.policy.actionType === 'int32' ? new Int32Array(bytes.buffer) : new Float32Array(bytes.buffer);
    const row = this.policy.actionType === 'int32' ? new Int32Array(width) : new Float32Array(width);
    for (let r = 0; r < rows; r++) {
      row.set(actions.subarray(r * width, (r + 1) * width));
      const result = env.step(row);
      this.observations.set(result.observations);
      if (this.actionMasks !== undefined && result.actionMasks !== undefined) this.actionMasks.set(result.actionMasks);
    }
  }

  private parts(): TrainerParts {
    return {
      config: this.config,
      components: this,
      rngs: { action: this.actionRng, minibatch: this.minibatchRng, evaluation: this.evalRng },
      wrapped: this.wrapped,
      memory: this.memory,
    };
  }

  private loadCheckpoint(checkpoint: Checkpoint): void {
    const progress = restoreCheckpoint(this.parts(), checkpoint, { policyOnly: this.policyOnly });
    this.counters.globalStep = progress.globalStep;
    this.counters.episodes = progress.episodes;
    this.update = progress.update;
    this.recentReturns.splice(0, this.recentReturns.length, ...progress.recentReturns);
  }

  /** A checkpoint of the current state (call between updates). */
  checkpoint(logSizes: Readonly<Record<string, number>> = {}): Checkpoint {
    this.assertTrainable('checkpoint');
    const progress = { globalStep: this.globalStep, update: this.update, episodes: this.episodes, recentReturns: this.recentReturns };
    return captureCheckpoint(this.parts(), progress, logSizes);
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
    this.assertTrainable('train');
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
    const collect = options.collect ?? collectRollout;
    while (this.update < this.numUpdates && !this.stopRequested) {
      const progress = this.update / this.numUpdates;
      const rollout = await collect({
        env: this.wrapped.env,
        policy: this.policy,
        buffer: this.buffer,
        rng: this.actionRng,
        observations: this.observations,
        ...(this.actionMasks === undefined ? {} : { actionMasks: this.actionMasks }),
        counters: this.counters,
        bootstrapTruncated: config.bootstrapTruncated,
        onEpisodeEnd,
        ...(this.memory === null ? {} : { recurrent: this.memory }),
      }, { update: this.update });
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
          fused: options.fused,
          ...(this.memory === null ? {} : { recurrent: this.memory }),
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
   * Runs the deterministic policy (the distribution's mode; with `deterministic: false`, actions
   * sampled from it) for `episodes` episodes on a fresh
   * env with frozen observation normalization copied from training and raw rewards. An episode
   * still running after `maxSteps` steps is cut there (see {@link EvaluationResult.cutAtMaxSteps}).
   */
  async evaluate(options: EvaluateOptions = {}): Promise<EvaluationResult> {
    this.assertLive();
    const wrapped = wrapVectorEnv(makeSyncVectorEnv(1, this.makeEnv), this.config, { training: false });
    const source = this.wrapped.observationNormalizer;
    if (wrapped.observationNormalizer !== null && source !== null) {
      wrapped.observationNormalizer.setState(source.getState());
      wrapped.observationNormalizer.frozen = true;
    }
    try {
      return evaluatePolicy(this.policy, wrapped.env, this.evalRng, {
        episodes: options.episodes ?? this.config.evalEpisodes,
        seed: options.seed ?? (this.config.seed + 1_000_003) % 4294967296,
        maxSteps: options.maxSteps ?? EVAL_MAX_STEPS,
        deterministic: options.deterministic,
      });
    } finally {
      await wrapped.env.close();
    }
  }

  private assertTrainable(what: 'train' | 'checkpoint'): void {
    if (this.policyOnly) {
      throw new PpoError('INVALID_STATE', `cannot ${what}: this trainer was rebuilt by PPO.restorePolicy, which leaves out the optimizer and env state (rebuild it with PPO.restore and the run's components)`);
    }
  }

  private assertLive(): void {
    if (this.disposed) throw new PpoError('INVALID_STATE', 'this PPO trainer was disposed');
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
