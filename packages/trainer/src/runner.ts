/**
 * Node-only: a whole training run in a run directory, with file loggers, checkpoints, signal
 * handling, resume, evaluation and plotting.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BackendName } from '@ppo/nets';
import { selectBackend } from '@ppo/nets/node';
import type { Callback } from './callbacks';
import { resolveConfig, type PPOConfig, type PresetName } from './config';
import { withLaterConfigFields } from './checkpoint';
import { importEnvModules } from './env-modules';
import { EvaluationCallback } from './evaluation';
import { ConsoleLogger, type Logger } from './loggers';
import { checkNewRunDir } from './new-run-dir';
import { learningCurveSvg, returnSeries } from './plot';
import { PPO, type EvaluationResult, type PPOOptions } from './ppo';
import {
  bestAvailableCheckpointDir,
  CsvLogger,
  JsonlLogger,
  latestCheckpointDir,
  readCheckpoint,
  readMetrics,
  removeStaleCheckpointWrites,
  RUN_LAYOUT,
  RunCheckpointSink,
  truncateFile,
  writeFileAtomic,
} from './run-files';
import { writePng } from './png';

/** Options of {@link runTraining}. */
export interface RunTrainingOptions {
  /** The run directory (created). With `resume`, an existing run to continue. */
  readonly out: string;
  /** Partial config over `preset` (ignored when resuming: the checkpoint's config is used). */
  readonly config?: Partial<PPOConfig>;
  readonly preset?: PresetName;
  /** Continue the run in `out` from its latest checkpoint. */
  readonly resume?: boolean;
  /** Extra callbacks. */
  readonly callbacks?: readonly Callback[];
  /** Extra loggers. */
  readonly loggers?: readonly Logger[];
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
  /** Write the learning curve when training ends. Default true. */
  readonly plot?: boolean;
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

function vectorEnvFactory(config: PPOConfig, timeouts: EnvTimeouts): PPOOptions['makeVectorEnv'] {
  if (config.vectorEnv !== 'async') {
    for (const name of ['envTimeoutMs', 'envStartTimeoutMs'] as const) {
      if (timeouts[name] !== undefined) {
        throw new RangeError(`${name} needs vectorEnv 'async' (a sync vector env runs in the training thread, where a call cannot be timed out), got vectorEnv '${config.vectorEnv}'`);
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
      modules: c.envModules,
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
 * URLs in config.json and the checkpoints, and imported before any env is made (on resume
 * too); a module that cannot be found or fails to import raises a `ConfigError` before the run
 * directory is created.
 *
 * @example
 * ```ts
 * const result = await runTraining({ out: 'runs/cartpole', config: { env: 'CartPole-v1', seed: 1 } });
 * ```
 */
export async function runTraining(options: RunTrainingOptions): Promise<RunResult> {
  const runDir = options.out;
  const started = Date.now();
  let ppo: PPO;
  let backend: BackendName;
  if (options.resume === true) {
    // A process killed while writing a checkpoint leaves its temporary folders behind.
    removeStaleCheckpointWrites(runDir);
    const latest = latestCheckpointDir(runDir);
    if (latest === null) throw new Error(`cannot resume ${runDir}: it holds no checkpoint (${RUN_LAYOUT.latest} is missing)`);
    const checkpoint = withLaterConfigFields(readCheckpoint(latest));
    const config = checkpoint.meta.config;
    const makeVectorEnv = vectorEnvFactory(config, options);
    await importEnvModules(config.envModules);
    backend = await selectBackend(config.backend);
    for (const [file, size] of Object.entries(checkpoint.meta.logSizes)) truncateFile(join(runDir, file), size);
    const actionsPath = join(runDir, RUN_LAYOUT.actions);
    truncateFile(actionsPath, checkpoint.meta.actionLogBytes);
    const log = existsSync(actionsPath) ? new Uint8Array(readFileSync(actionsPath)) : new Uint8Array(0);
    ppo = await PPO.restore(checkpoint, log, { makeEnv: options.makeEnv, makeVectorEnv });
  } else {
    const resolved = resolveConfig({ preset: options.preset, overrides: options.config });
    const makeVectorEnv = vectorEnvFactory(resolved, options);
    checkNewRunDir(runDir, RUN_LAYOUT.config);
    const config: PPOConfig = { ...resolved, envModules: await importEnvModules(resolved.envModules) };
    backend = await selectBackend(config.backend);
    // Built before the run directory exists: a failure here (an unknown env, a value only the
    // networks or the envs reject) leaves nothing behind, so the same --out can be retried.
    ppo = await PPO.create({ config, makeEnv: options.makeEnv, makeVectorEnv });
    try {
      mkdirSync(runDir, { recursive: true });
      writeFileAtomic(join(runDir, RUN_LAYOUT.config), `${JSON.stringify(config, null, 2)}\n`);
    } catch (error) {
      await ppo.close();
      throw error;
    }
  }
  const checkpoints = new RunCheckpointSink(runDir);
  const loggers: Logger[] = [new JsonlLogger(join(runDir, RUN_LAYOUT.metrics)), new CsvLogger(join(runDir, RUN_LAYOUT.progress))];
  const consoleLogger = options.console === false ? null : new ConsoleLogger({ totalSteps: ppo.config.totalSteps });
  if (consoleLogger !== null) loggers.push(consoleLogger);
  loggers.push(...(options.loggers ?? []));
  const callbacks: Callback[] = [...(options.callbacks ?? [])];
  if (ppo.config.evalEvery > 0) callbacks.push(new EvaluationCallback(ppo, { every: ppo.config.evalEvery, loggers }));
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
  try {
    await ppo.train({ callbacks, loggers, checkpoints });
  } finally {
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
 * Evaluates a run's policy (final/ if present, else the latest checkpoint): the deterministic
 * policy for `episodes` episodes on a fresh env with the checkpoint's frozen normalization.
 * The run's `envModules` are imported first.
 */
export async function evaluateRun(runDir: string, options: { episodes?: number; seed?: number; backend?: PPOConfig['backend'] } = {}): Promise<EvaluationResult> {
  const checkpoint = withLaterConfigFields(readCheckpoint(bestAvailableCheckpointDir(runDir)));
  await importEnvModules(checkpoint.meta.config.envModules);
  await selectBackend(options.backend ?? checkpoint.meta.config.backend);
  const ppo = await PPO.restore(checkpoint, null);
  try {
    return await ppo.evaluate({ episodes: options.episodes, seed: options.seed });
  } finally {
    await ppo.close();
  }
}

/** Writes a run's learning curve (learning-curve.svg and .png) from metrics.jsonl. */
export function plotRun(runDir: string): { svg: string; png: string } {
  const configPath = join(runDir, RUN_LAYOUT.config);
  // Every run writes its config first: without one this is not a run and nothing is drawn.
  if (!existsSync(configPath)) throw new Error(`${runDir} is not a run directory (it has no ${RUN_LAYOUT.config})`);
  const records = readMetrics(join(runDir, RUN_LAYOUT.metrics));
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as Partial<PPOConfig>;
  const title = `PPO on ${String(config.env)} (seed ${String(config.seed)})`;
  const series = returnSeries(records);
  const svg = join(runDir, RUN_LAYOUT.plot);
  writeFileSync(svg, learningCurveSvg(series, { title }));
  const png = join(runDir, RUN_LAYOUT.plotPng);
  writePng(png, series);
  return { svg, png };
}
