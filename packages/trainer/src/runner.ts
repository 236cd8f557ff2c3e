/**
 * Node-only: a whole training run in a run directory, with file loggers, checkpoints, signal
 * handling, resume, evaluation and plotting.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BackendName } from '@ppo/nets';
import { selectBackend } from '@ppo/nets/node';
import type { Callback } from './callbacks';
import type { Checkpoint } from './checkpoint';
import { LOG_FILES, readCheckpoint, writeCheckpoint } from './checkpoint-files';
import { resolveConfig, validateConfig, type PPOConfig, type PresetName } from './config';
import { importEnvModules, importRunEnvModules, type RunModuleConsent } from './env-modules';
import { loadEnvPackage } from './env-packages';
import { registerConfiguredEnv } from './register-configured-env';
import { makeFolder, readRegularFile } from './file-ops';
import { bestModelSink, checkBestModelPath } from './best-model';
import { EvaluationCallback } from './evaluation';
import { ConsoleLogger, type Logger } from './loggers';
import { checkNewRunDir } from './new-run-dir';
import { learningCurveSvg, returnSeries } from './plot';
import { rejectReplacedFields, type PPOComponents } from './components';
import { createTrainer, PPO, type EvaluationResult, type PPOOptions } from './ppo';
import type { RolloutCollector } from './collect-rollout';
import { loadDistributed, natsToken, type WorkersSettings } from './distributed-package';
import {
  bestAvailableCheckpointDir,
  CsvLogger,
  findResumeCheckpoint,
  JsonlLogger,
  noticeToStderr,
  readMetrics,
  removeStaleCheckpointWrites,
  RUN_LAYOUT,
  RunCheckpointSink,
  runPath,
  truncateFile,
  writeFileAtomic,
} from './run-files';
import { lockRunDirectory, type RunLock } from './run-lock';
import { writeLearningCurvePng, type PngRenderer } from './svg-png';
import { TensorBoardLogger } from './tensorboard-logger';
import { PpoError, PpoRangeError } from '@ppo/utils';

/**
 * Options of {@link runTraining}. With `resume`, the env modules the run names are imported
 * only with consent: `envModules` (modules to import instead) or `trustRunModules`.
 */
export interface RunTrainingOptions extends RunModuleConsent {
  /** The run directory (created). With `resume`, an existing run to continue. */
  readonly out: string;
  /** Partial config over `preset` (ignored when resuming: the checkpoint's config is used). */
  readonly config?: Partial<PPOConfig>;
  /** Default: the preset the env's registration recommends (see `recommendedPreset`), else `classic`. */
  readonly preset?: PresetName;
  /** Continue the run in `out` from its latest checkpoint. */
  readonly resume?: boolean;
  /** Extra callbacks. */
  readonly callbacks?: readonly Callback[];
  /** Extra loggers. */
  readonly loggers?: readonly Logger[];
  /**
   * Also log to a TensorBoard event file in the run directory (`events.out.tfevents.ppo`; open
   * it with `tensorboard --logdir <the run directory or a parent>`). Default false.
   */
  readonly tensorboard?: boolean;
  /** Print progress to the console (a bar on a TTY). Default true. */
  readonly console?: boolean;
  /** On SIGINT/SIGTERM finish the current update, write a checkpoint and stop. Default true. */
  readonly handleSignals?: boolean;
  /**
   * Aborting it stops the run as a signal would (finish the update, write a checkpoint); its
   * `reason` names the signal, `'SIGINT'` or `'SIGTERM'` (default `'SIGINT'`). A second abort
   * has no further effect: the caller decides how long to wait.
   */
  readonly stop?: AbortSignal;
  /**
   * With `vectorEnv: 'async'`: how long a `step` or `reset` of the envs may take, in
   * milliseconds, before the run fails with an error naming the env and the call. Default: no
   * limit. A sync vector env runs in the training thread, where no limit can be enforced: it
   * is refused there.
   */
  readonly envTimeoutMs?: number;
  /** With `vectorEnv: 'async'`: the limit for importing `envModules` and making the envs in the workers, in milliseconds (see `AsyncVectorEnv`'s `startTimeoutMs`). */
  readonly envStartTimeoutMs?: number;
  /** Override the env factory (tests). */
  readonly makeEnv?: PPOOptions['makeEnv'];
  /**
   * Your own policy, objective, optimizer or advantage estimator, as `PPO.create` takes them
   * (the config fields a component replaces may not be set). Not stored in the run directory:
   * pass the same components with `resume` (a checkpoint that holds a custom component's state
   * refuses to resume without it).
   */
  readonly components?: PPOComponents;
  /** Write the learning curve when training ends. Default true. */
  readonly plot?: boolean;
  /**
   * Keep the model of the best evaluation (needs `config.evalEvery > 0`) as a checkpoint folder
   * at this path inside the run directory, such as `'best_model'` (Stable-Baselines3's
   * `best_model_save_path`). Default: not kept.
   */
  readonly bestModelPath?: string;
  /** Receives notices (a checkpoint skipped, modules imported); default: standard error. */
  readonly onNotice?: (message: string) => void;
  /**
   * Collect rollouts from `ppo worker` processes over NATS instead of stepping envs here
   * (needs `@ppo/distributed`; a token comes from `PPO_NATS_TOKEN`). Allowed with `resume`.
   */
  readonly workers?: WorkersSettings;
}

/** What {@link runTraining} returns. */
export interface RunResult {
  readonly runDir: string;
  readonly backend: BackendName;
  readonly globalStep: number;
  readonly update: number;
  /** Why training ended. */
  readonly stoppedBy: 'complete' | 'callback' | 'signal';
  /** The signal that stopped it, or null. */
  readonly signal: 'SIGINT' | 'SIGTERM' | null;
  /** Mean raw return of the last 20 episodes. */
  readonly recentReturn: number;
  readonly seconds: number;
  /** Where the learning curve was written, or null. */
  readonly plot: string | null;
}

type EnvTimeouts = Pick<RunTrainingOptions, 'envTimeoutMs' | 'envStartTimeoutMs'>;

/**
 * The async vector env's factory, or undefined for sync. `envPackage` is the env package
 * loaded by id (see `loadEnvPackage`), which the workers import after the config's modules.
 */
function vectorEnvFactory(config: PPOConfig, timeouts: EnvTimeouts, envPackage: string | null): PPOOptions['makeVectorEnv'] {
  if (config.vectorEnv !== 'async') {
    for (const name of ['envTimeoutMs', 'envStartTimeoutMs'] as const) {
      if (timeouts[name] !== undefined) {
        throw new PpoRangeError('INVALID_CONFIG', `${name} needs vectorEnv 'async' (a sync vector env runs in the training thread, where a call cannot be timed out), got vectorEnv '${config.vectorEnv}'`);
      }
    }
    return undefined;
  }
  return async (c) => {
    // Loaded only when asked for: worker threads cost a start-up.
    const { AsyncVectorEnv } = await import('@ppo/envs/node');
    return AsyncVectorEnv.create({
      envId: c.env,
      numEnvs: c.numEnvs,
      numWorkers: c.numWorkers > 0 ? c.numWorkers : Math.min(c.numEnvs, 2),
      makeOptions: c.envOptions,
      modules: envPackage === null ? c.envModules : [...c.envModules, envPackage],
      timeoutMs: timeouts.envTimeoutMs,
      startTimeoutMs: timeouts.envStartTimeoutMs,
    });
  };
}

/**
 * Trains (or resumes) a run in a run directory: config.json, metrics.jsonl, progress.csv,
 * checkpoints/ (every `checkpointEvery` updates, atomically, plus the action log that resume
 * replays), final/ and the learning-curve plot. A NaN or infinite observation, reward or loss
 * throws after the last good checkpoint is on disk.
 *
 * `config.envModules` are resolved against the current working directory, stored as absolute
 * URLs in config.json and the checkpoints, and imported before any env is made; a module that
 * cannot be found or fails to import raises a `ConfigError` before the run directory is
 * created. On resume they are imported again only with consent (see {@link RunTrainingOptions}).
 *
 * The run directory is locked while training (a second process gets a `RunLockedError` naming
 * the holder). Resume verifies the checkpoint's checksums and falls back to the newest one
 * that passes (saying so through `onNotice`); a run killed before its first checkpoint starts
 * over from its config.json; a run killed after its last update but before final/ was written
 * gets final/.
 *
 * @example
 * ```ts
 * const result = await runTraining({ out: 'runs/cartpole', config: { env: 'CartPole-v1', seed: 1 } });
 * ```
 */
export async function runTraining(options: RunTrainingOptions): Promise<RunResult> {
  const runDir = options.out;
  // Without a preset the env's registration names one: register the env before resolving.
  const envPackage = options.resume !== true && options.preset === undefined ? await registerConfiguredEnv(options.config) : null;
  if (options.bestModelPath !== undefined) {
    checkBestModelPath(options.bestModelPath);
    // A new run's config is known now: refuse before anything is written.
    if (options.resume !== true && resolveConfig({ preset: options.preset, overrides: options.config }).evalEvery === 0) {
      throw new PpoRangeError('INVALID_ARGUMENT', '`bestModelPath` keeps the model of the best evaluation, but the config runs none: set `evalEvery` > 0');
    }
  }
  const started = Date.now();
  const notice = options.onNotice ?? noticeToStderr;
  const opened = options.resume === true ? await resumeRun(options, notice) : await startRun(options, envPackage);
  const { ppo, backend, lock } = opened;
  try {
    return await trainInRunDirectory(options, runDir, ppo, backend, started);
  } finally {
    lock.release();
  }
}

interface OpenedRun {
  readonly ppo: PPO;
  readonly backend: BackendName;
  readonly lock: RunLock;
}

/**
 * A new run: the trainer is built before the run directory exists, then config.json is written
 * under the lock. `envPackage`: the env package already imported for the config's env, if any.
 */
async function startRun(options: RunTrainingOptions, envPackage: string | null): Promise<OpenedRun> {
  const runDir = options.out;
  const resolved = resolveConfig({ preset: options.preset, overrides: options.config });
  rejectReplacedFields(options);
  const alreadyRun = () => new PpoError('RUN_EXISTS', `\`out\` '${runDir}' already holds a run (${RUN_LAYOUT.config} exists); continue it with \`resume: true\` or choose another \`out\``);
  // Refuses timeouts without an async vector env before anything is imported.
  vectorEnvFactory(resolved, options, null);
  // A start killed before config.json was written leaves its lock (taken over below if its
  // process is gone) and maybe the config's temporary file: the same --out starts again.
  checkNewRunDir(runDir, RUN_LAYOUT.config, [RUN_LAYOUT.lock, `${RUN_LAYOUT.config}.tmp-`]);
  const config: PPOConfig = { ...resolved, envModules: await importEnvModules(resolved.envModules) };
  // Not stored in the config: resume and evaluation find the package by the env id again.
  const makeVectorEnv = vectorEnvFactory(config, options, envPackage ?? (await loadEnvPackage(config.env)));
  const backend = await selectBackend(config.backend);
  // Built before the run directory exists: a failure here (an unknown env, a value only the
  // networks or the envs reject) leaves nothing behind, so the same --out can be retried.
  const ppo = await createTrainer(config, { makeEnv: options.makeEnv, makeVectorEnv, components: options.components });
  let lock: RunLock | null = null;
  try {
    if (!existsSync(runDir)) makeFolder(runDir);
    lock = lockRunDirectory(runDir, 'train');
    if (existsSync(runPath(runDir, RUN_LAYOUT.config))) throw alreadyRun();
    writeFileAtomic(runPath(runDir, RUN_LAYOUT.config), `${JSON.stringify(config, null, 2)}\n`);
    return { ppo, backend, lock };
  } catch (error) {
    lock?.release();
    await ppo.close();
    throw error;
  }
}

/** A run read back from its directory, under its lock: from the newest good checkpoint, or from the start. */
async function resumeRun(options: RunTrainingOptions, notice: (message: string) => void): Promise<OpenedRun> {
  const runDir = options.out;
  if (!existsSync(runDir)) throw new PpoError('NOT_A_RUN', `cannot resume ${runDir}: it does not exist`);
  const lock = lockRunDirectory(runDir, 'train --resume');
  try {
    // A process killed while writing a checkpoint leaves its temporary folders behind.
    removeStaleCheckpointWrites(runDir);
    const point = findResumeCheckpoint(runDir);
    if (point === null) {
      const configPath = runPath(runDir, RUN_LAYOUT.config);
      if (!existsSync(configPath)) throw new PpoError('NOT_A_RUN', `cannot resume ${runDir}: it holds no run (no ${RUN_LAYOUT.config}); start one without \`resume: true\``);
      const saved = validateConfig(JSON.parse(readRegularFile(configPath, 1 << 20).toString('utf8')) as Record<string, unknown>);
      notice(`${runDir} holds no checkpoint yet (the run was stopped before its first): starting it over from its ${RUN_LAYOUT.config}`);
      const config: PPOConfig = { ...saved, envModules: await importRunEnvModules(saved.envModules, options, notice) };
      const makeVectorEnv = vectorEnvFactory(config, options, await loadEnvPackage(config.env));
      const backend = await selectBackend(config.backend);
      for (const file of [...LOG_FILES, RUN_LAYOUT.actions]) truncateFile(runDir, file, 0);
      const ppo = await createTrainer(config, { makeEnv: options.makeEnv, makeVectorEnv, components: options.components });
      return { ppo, backend, lock };
    }
    for (const reason of point.skipped) notice(`skipping a checkpoint that fails verification: ${reason}`);
    if (point.skipped.length > 0) notice(`resuming from the newest checkpoint that passes: ${point.directory}`);
    const stored = point.checkpoint;
    const envModules = await importRunEnvModules(stored.meta.config.envModules, options, notice);
    const checkpoint: Checkpoint = { ...stored, meta: { ...stored.meta, config: { ...stored.meta.config, envModules } } };
    const makeVectorEnv = vectorEnvFactory(checkpoint.meta.config, options, await loadEnvPackage(checkpoint.meta.config.env));
    const backend = await selectBackend(checkpoint.meta.config.backend);
    for (const [file, size] of Object.entries(checkpoint.meta.logSizes)) truncateFile(runDir, file, size);
    truncateFile(runDir, RUN_LAYOUT.actions, checkpoint.meta.actionLogBytes);
    const actionsPath = runPath(runDir, RUN_LAYOUT.actions);
    const log = existsSync(actionsPath) ? new Uint8Array(readRegularFile(actionsPath)) : new Uint8Array(0);
    const ppo = await PPO.restore(checkpoint, log, { makeEnv: options.makeEnv, makeVectorEnv, components: options.components });
    const final = runPath(runDir, RUN_LAYOUT.final);
    // Killed after the last checkpoint but before final/ was written (or replaced, after an
    // earlier stop): final/ is that checkpoint.
    if (ppo.update >= ppo.numUpdates && !holdsCheckpointOf(final, ppo.update)) writeCheckpoint(final, stored, point.actionLog);
    return { ppo, backend, lock };
  } catch (error) {
    lock.release();
    throw error;
  }
}

/** Whether `directory` holds a checkpoint of `update` that passes verification. */
function holdsCheckpointOf(directory: string, update: number): boolean {
  if (!existsSync(directory)) return false;
  try {
    return readCheckpoint(directory).meta.counters.update === update;
  } catch {
    return false;
  }
}

async function trainInRunDirectory(options: RunTrainingOptions, runDir: string, ppo: PPO, backend: BackendName, started: number): Promise<RunResult> {
  let checkpoints: RunCheckpointSink;
  const loggers: Logger[] = [];
  try {
    checkpoints = new RunCheckpointSink(runDir);
    loggers.push(new JsonlLogger(runPath(runDir, RUN_LAYOUT.metrics)), new CsvLogger(runPath(runDir, RUN_LAYOUT.progress)));
    if (options.tensorboard === true) loggers.push(new TensorBoardLogger(runPath(runDir, RUN_LAYOUT.tensorboard)));
  } catch (error) {
    await ppo.close();
    throw error;
  }
  const consoleLogger = options.console === false ? null : new ConsoleLogger({ totalSteps: ppo.config.totalSteps, initialStep: ppo.globalStep });
  if (consoleLogger !== null) loggers.push(consoleLogger);
  loggers.push(...(options.loggers ?? []));
  const callbacks: Callback[] = [...(options.callbacks ?? [])];
  if (ppo.config.evalEvery > 0) {
    const bestModel = options.bestModelPath === undefined ? undefined : bestModelSink(runDir, options.bestModelPath);
    callbacks.push(new EvaluationCallback(ppo, { every: ppo.config.evalEvery, loggers, bestModel }));
  }
  let signalled = false;
  let signalName: 'SIGINT' | 'SIGTERM' | null = null;
  let stoppedByCallback = false;
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    if (signalled) process.exit(signal === 'SIGINT' ? 130 : 143);
    signalled = true;
    signalName = signal;
    checkpoints.finalAllowed = false;
    ppo.requestStop();
  };
  const onSigint = () => onSignal('SIGINT');
  const onSigterm = () => onSignal('SIGTERM');
  const onStop = () => {
    if (!signalled) onSignal(options.stop?.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT');
  };
  const handle = options.handleSignals !== false;
  if (handle) {
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigterm);
  }
  options.stop?.addEventListener('abort', onStop);
  if (options.stop?.aborted === true) onStop();
  // Tells a callback's stop apart from a signal's.
  callbacks.push({
    onEnd: (context) => {
      if (!signalled && context.update < ppo.numUpdates) stoppedByCallback = true;
    },
  });
  let learner: { collect: RolloutCollector; close(): void } | null = null;
  let nc: { close(): Promise<void>; isClosed(): boolean } | null = null;
  try {
    if (options.workers !== undefined) {
      const distributed = await loadDistributed();
      const { servers, credsFile, tlsCaFile, prefix, expectWorkers, workerTimeoutMs } = options.workers;
      nc = await distributed.connect({ servers, token: natsToken(), credsFile, tlsCaFile, name: 'ppo-learner' });
      // Joins, waits and reassignments reach the user; the task sent every update does not.
      const notice = options.onNotice ?? noticeToStderr;
      const log = (line: string) => void (/^v\d+: /.test(line) ? undefined : notice(line));
      learner = await distributed.createLearner({ nc, config: ppo.config, prefix, expectWorkers, workerTimeoutMs, log });
    }
    await ppo.train({ callbacks, loggers, checkpoints, ...(learner === null ? {} : { collect: learner.collect }) });
  } finally {
    learner?.close();
    if (nc !== null && !nc.isClosed()) await nc.close();
    options.stop?.removeEventListener('abort', onStop);
    if (handle) {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
    }
    consoleLogger?.close();
    await ppo.close();
  }
  const plot = options.plot === false ? null : plotRun(runDir).svg;
  return {
    runDir,
    backend,
    globalStep: ppo.globalStep,
    update: ppo.update,
    stoppedBy: signalled ? 'signal' : stoppedByCallback ? 'callback' : 'complete',
    signal: signalName,
    recentReturn: ppo.recentReturn,
    seconds: (Date.now() - started) / 1000,
    plot,
  };
}

/**
 * Evaluates a run's policy (final/ if present, else the latest checkpoint, verified): the
 * deterministic policy (or, with `deterministic: false`, actions sampled from it) for
 * `episodes` episodes on a fresh env with the checkpoint's frozen normalization. The env
 * modules the run names are imported only with consent (`options.envModules` or
 * `options.trustRunModules`); an env of a first-party env package is found by its id
 * (see `loadEnvPackage`).
 */
export async function evaluateRun(
  runDir: string,
  options: RunModuleConsent & {
    episodes?: number;
    seed?: number;
    backend?: PPOConfig['backend'];
    /** Take the distribution's mode (default true); false samples the actions. */
    deterministic?: boolean;
    onNotice?: (message: string) => void;
  } = {},
): Promise<EvaluationResult> {
  const stored = readCheckpoint(bestAvailableCheckpointDir(runDir));
  const envModules = await importRunEnvModules(stored.meta.config.envModules, options, options.onNotice ?? noticeToStderr);
  const checkpoint: Checkpoint = { ...stored, meta: { ...stored.meta, config: { ...stored.meta.config, envModules } } };
  await loadEnvPackage(checkpoint.meta.config.env);
  await selectBackend(options.backend ?? checkpoint.meta.config.backend);
  const ppo = await PPO.restorePolicy(checkpoint);
  try {
    return await ppo.evaluate({ episodes: options.episodes, seed: options.seed, deterministic: options.deterministic });
  } finally {
    await ppo.close();
  }
}

/**
 * Writes a run's learning curve (learning-curve.svg and .png) from metrics.jsonl: every
 * episode's return, their running mean and, when the run has them, the evaluations' mean
 * returns. The PNG is the SVG rendered by resvg where `@resvg/resvg-js` (an optional
 * dependency) loads, else drawn by the built-in rasterizer (no words); `renderer` says which.
 * Both files are replaced atomically; a link in their place is replaced, never followed.
 */
export function plotRun(runDir: string): { svg: string; png: string; renderer: PngRenderer } {
  const configPath = runPath(runDir, RUN_LAYOUT.config);
  // Every run writes its config first: without one this is not a run and nothing is drawn.
  if (!existsSync(configPath)) throw new PpoError('NOT_A_RUN', `${runDir} is not a run directory (it has no ${RUN_LAYOUT.config})`);
  const records = readMetrics(runPath(runDir, RUN_LAYOUT.metrics));
  const config = JSON.parse(readRegularFile(configPath, 1 << 20).toString('utf8')) as Partial<PPOConfig>;
  const title = `PPO on ${String(config.env)} (seed ${String(config.seed)})`;
  const series = returnSeries(records);
  // Replaced by a rename: a link in their place is replaced, not followed.
  const svg = join(runDir, RUN_LAYOUT.plot);
  const document = learningCurveSvg(series, { title });
  writeFileAtomic(svg, document);
  const png = join(runDir, RUN_LAYOUT.plotPng);
  const renderer = writeLearningCurvePng(png, document, series);
  return { svg, png, renderer };
}
