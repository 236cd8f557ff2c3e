import { describeValue, PpoRangeError, PpoTypeError, PpoError } from '@ppo/utils';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { Info } from '../env';
import { ModuleResolutionError, resolveModuleUrl } from '../resolve-module';
import { spaceFromJSON, type Space, type SpaceSpec } from '../spaces';
import {
  CMD,
  CMD_CLOSE,
  CMD_RESET,
  CMD_STEP,
  DONE,
  HAS_MESSAGE,
  PHASE,
  PHASE_IMPORT,
  PHASE_INDEX,
  PHASE_MAKE,
  PHASE_NAMES,
  SEQ,
  STATUS,
  STATUS_DEAD,
  STRIDE,
  type SerializedError,
  type WorkerBuffers,
  type WorkerReadyMessage,
  type WorkerReply,
  type WorkerStartData,
} from './async-protocol';
import { VectorEnvError } from './sync-vector-env';
import {
  actionLayout,
  AutoresetMode,
  checkActions,
  checkSeed,
  type ActionKind,
  type VectorEnv,
  type VectorResetOptions,
  type VectorResetResult,
  type VectorStepResult,
} from './vector-env';
import { ActionMaskStacker } from './action-masks';

/** Options of {@link AsyncVectorEnv.create}. */
export interface AsyncVectorEnvOptions {
  /** A registered env id (see `register`); every env is `make(envId, makeOptions)`. */
  readonly envId: string;
  /** How many envs. */
  readonly numEnvs: number;
  /**
   * How many worker threads share the envs (contiguous slices, sizes differing by at most one).
   * Default: `min(numEnvs, os.availableParallelism())`; at most `numEnvs`.
   */
  readonly numWorkers?: number;
  /** Options given to `make` in every worker; they must be structured-cloneable (plain JSON is). */
  readonly makeOptions?: Readonly<Record<string, unknown>>;
  /**
   * Modules every worker imports before making its envs, so that envs registered by other
   * packages exist there: package specifiers such as `@ppo/envs-mujoco/register` (looked up
   * from the current working directory through the package's `exports` with the import
   * conditions), file paths (relative ones against the current working directory), or
   * `file:`, `node:` or `data:` URLs. They are resolved with {@link resolveModuleUrl} before
   * any worker starts; an entry that cannot be resolved makes `create` reject with an error
   * naming it.
   */
  readonly modules?: readonly string[];
  /**
   * How long `step`, `reset` and `stepWait` wait for the workers before raising a
   * {@link VectorEnvTimeoutError} naming the env and the call, in milliseconds. The vector env
   * is then unusable; `close()` ends its workers. Default: no limit.
   */
  readonly timeoutMs?: number;
  /**
   * How long `create` waits for the workers to import `modules` and make their envs, in
   * milliseconds; past it `create` ends every worker and rejects with a
   * {@link VectorEnvTimeoutError} naming the module or the env. Default: no limit when
   * `timeoutMs` is unset, else the larger of `timeoutMs` and 30 s (starting a thread and
   * importing modules takes far longer than a step).
   */
  readonly startTimeoutMs?: number;
}

/**
 * An env call (or a worker's module import) of an {@link AsyncVectorEnv} did not return within
 * the time limit. `call` is `'import'`, `'make'`, `'step'`, `'reset'`, `'autoreset'` or
 * `'close'`; for `'import'`, `envIndex` is undefined and `moduleIndex` names the module.
 */
export class VectorEnvTimeoutError extends PpoError {
  /** The global index of the env whose call hangs, when an env call hangs. */
  readonly envIndex: number | undefined;
  /** The index in `modules` of the module whose import hangs. */
  readonly moduleIndex: number | undefined;
  /** The call that did not return. */
  readonly call: string;
  /** The limit that passed, in milliseconds. */
  readonly timeoutMs: number;

  constructor(message: string, details: { call: string; timeoutMs: number; envIndex?: number; moduleIndex?: number }) {
    super('TIMEOUT', message);
    this.name = 'VectorEnvTimeoutError';
    this.call = details.call;
    this.timeoutMs = details.timeoutMs;
    this.envIndex = details.envIndex;
    this.moduleIndex = details.moduleIndex;
  }
}

interface WorkerSlot {
  readonly worker: Worker;
  /** The main thread's end of the worker's command channel (infos, errors, reset options). */
  readonly port: MessagePort;
  /** The worker's end, transferred with the shared buffers. */
  readonly workerPort: MessagePort;
  readonly start: number;
  readonly count: number;
}

const EMPTY_INFO: Info = Object.freeze({});

/** The least default `startTimeoutMs` once `timeoutMs` is set. */
const DEFAULT_START_TIMEOUT_MS = 30_000;

/**
 * The worker script: the built `worker.js` next to this bundle; when running from the
 * TypeScript sources (the package's own tests and benchmarks), a bootstrap that registers tsx in
 * the worker and then imports the `.ts` worker.
 */
function workerLocation(): { script: URL | string; eval: boolean } {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    // The ESM build of tsx's API (require.resolve would pick its CommonJS one).
    const api = new URL('./dist/esm/api/index.mjs', pathToFileURL(createRequire(here).resolve('tsx/package.json'))).href;
    const worker = new URL('./async-worker.ts', here).href;
    const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(worker)}); });`;
    return { script: code, eval: true };
  }
  return { script: new URL('./worker.js', here), eval: false };
}

/** `modules` resolved from the working directory, with errors that name the option. */
function resolveModules(modules: readonly string[]): string[] {
  return modules.map((spec, k) => {
    try {
      return resolveModuleUrl(spec);
    } catch (error) {
      if (!(error instanceof ModuleResolutionError)) throw error;
      throw new PpoError('MODULE_NOT_FOUND', `AsyncVectorEnv.create: modules[${k}]: ${error.message}`, { cause: error });
    }
  });
}

/** The error for worker `w` not being ready within `timeoutMs`: the module or env it is stuck in. */
function startTimeout(control: Int32Array, w: number, envId: string, modules: readonly string[], timeoutMs: number): VectorEnvTimeoutError {
  const phase = Atomics.load(control, w * STRIDE + PHASE);
  const index = Atomics.load(control, w * STRIDE + PHASE_INDEX);
  const within = `within ${timeoutMs} ms (startTimeoutMs)`;
  if (phase === PHASE_IMPORT) {
    return new VectorEnvTimeoutError(`AsyncVectorEnv.create: worker ${w} did not finish importing modules[${index}] '${modules[index]}' ${within}`, {
      call: 'import',
      timeoutMs,
      moduleIndex: index,
    });
  }
  if (phase === PHASE_MAKE) {
    return new VectorEnvTimeoutError(`AsyncVectorEnv.create: env ${index} (${envId}) did not return from make ${within}`, {
      call: 'make',
      timeoutMs,
      envIndex: index,
    });
  }
  return new VectorEnvTimeoutError(`AsyncVectorEnv.create: worker ${w} did not start ${within}`, { call: 'start', timeoutMs });
}

function rebuildError(e: SerializedError): PpoError {
  if (e.envIndex !== undefined) {
    const cause = e.code === undefined ? new Error(e.message) : new PpoError(e.code, e.message);
    if (e.stack !== undefined) cause.stack = e.stack;
    return new VectorEnvError('AsyncVectorEnv', e.envIndex, e.envId, e.phase ?? 'step', cause);
  }
  const error = new PpoError(e.code ?? 'WORKER_FAILED', `AsyncVectorEnv: a worker failed: ${e.message}`);
  if (e.stack !== undefined) error.stack = `${error.message}\n(worker stack)\n${e.stack}`;
  return error;
}

/**
 * A {@link VectorEnv} whose envs run in `numWorkers` worker threads (Node only, from
 * `@ppo/envs/node`). Observations, final observations, actions, rewards and flags live in
 * `SharedArrayBuffer`s; the threads synchronise with `Atomics.wait`/`notify`, and only infos that
 * are not empty cross as messages. Each worker runs a `SyncVectorEnv` over its slice, so
 * the results, autoreset included, equal a `SyncVectorEnv` of the same envs and seeds.
 *
 * `step` blocks until every worker is done; `stepAsync` + `stepWait` let the caller work (run
 * the policy on the previous observations, say) while the envs step. An env that throws raises
 * a {@link VectorEnvError} naming its index and id (the vector env then needs a `reset`).
 * `close()` always ends every worker, even after errors.
 *
 * @example
 * ```ts
 * import { AsyncVectorEnv } from '@ppo/envs/node';
 * const venv = await AsyncVectorEnv.create({ envId: 'CartPole-v1', numEnvs: 16, numWorkers: 2 });
 * const { observations } = venv.reset({ seed: 1 });
 * const result = venv.step(new Int32Array(16));
 * await venv.close();
 * ```
 */
export class AsyncVectorEnv implements VectorEnv {
  readonly numEnvs: number;
  /** Finished episodes are reset within the `step` that ended them. */
  readonly autoresetMode: AutoresetMode = AutoresetMode.SAME_STEP;
  /** How many worker threads run the envs. */
  readonly numWorkers: number;
  readonly singleObservationSpace: Space<unknown>;
  readonly singleActionSpace: Space<unknown>;
  readonly observationSize: number;
  readonly actionSize: number;

  private readonly slots: readonly WorkerSlot[];
  private readonly control: Int32Array;
  private readonly actions: Float32Array | Int32Array;
  private readonly actionKind: ActionKind;
  private readonly timeoutMs: number;
  private readonly envId: string;
  private readonly result: {
    observations: Float32Array;
    rewards: Float32Array;
    terminated: Uint8Array;
    truncated: Uint8Array;
    finalObservations: Float32Array;
    infos: Info[];
    actionMasks: Uint8Array | undefined;
  };
  private readonly masks: ActionMaskStacker;
  private running: number;
  private needsReset = true;
  private pending: 'step' | 'reset' | undefined;
  private closing: Promise<void> | undefined;
  private broken: Error | undefined;

  private constructor(init: {
    numEnvs: number;
    slots: WorkerSlot[];
    observationSpace: Space<unknown>;
    actionSpace: Space<unknown>;
    timeoutMs: number;
    envId: string;
    control: SharedArrayBuffer;
  }) {
    this.numEnvs = init.numEnvs;
    this.numWorkers = init.slots.length;
    this.slots = init.slots;
    this.singleObservationSpace = init.observationSpace;
    this.singleActionSpace = init.actionSpace;
    this.observationSize = init.observationSpace.flatDim;
    const layout = actionLayout(init.actionSpace);
    this.actionKind = layout.kind;
    this.actionSize = layout.size;
    this.timeoutMs = init.timeoutMs;
    this.envId = init.envId;
    const n = this.numEnvs;
    const d = this.observationSize;
    const sab = (bytes: number): SharedArrayBuffer => new SharedArrayBuffer(bytes);
    const { control } = init;
    const observations = sab(n * d * 4);
    const finalObservations = sab(n * d * 4);
    const actions = sab(n * this.actionSize * 4);
    const rewards = sab(n * 4);
    const terminated = sab(n);
    const truncated = sab(n);
    this.control = new Int32Array(control);
    const actionsAreFloat = layout.kind === 'box';
    this.actions = actionsAreFloat ? new Float32Array(actions) : new Int32Array(actions);
    this.result = {
      observations: new Float32Array(observations),
      rewards: new Float32Array(rewards),
      terminated: new Uint8Array(terminated),
      truncated: new Uint8Array(truncated),
      finalObservations: new Float32Array(finalObservations),
      infos: new Array<Info>(n).fill(EMPTY_INFO),
      actionMasks: undefined,
    };
    this.masks = new ActionMaskStacker('AsyncVectorEnv', init.actionSpace, n);
    this.running = this.numWorkers;
    for (const slot of this.slots) {
      slot.worker.once('exit', () => {
        this.running--;
      });
      const message: WorkerBuffers = {
        type: 'buffers',
        observations,
        finalObservations,
        actions,
        actionsAreFloat,
        rewards,
        terminated,
        truncated,
        port: slot.workerPort,
      };
      slot.worker.postMessage(message, [slot.workerPort]);
    }
  }

  /**
   * Starts the workers, makes the envs in them and resolves once every worker is ready. On any
   * failure every worker is ended and the promise rejects with the first error (an env's names
   * its index and the id).
   */
  static async create(options: AsyncVectorEnvOptions): Promise<AsyncVectorEnv> {
    if (options === null || typeof options !== 'object') {
      throw new PpoTypeError('INVALID_ARGUMENT', `AsyncVectorEnv.create: options must be an object { envId, numEnvs, ... }, got ${describeValue(options)}`);
    }
    const { envId, numEnvs } = options;
    if (typeof envId !== 'string' || envId.length === 0) {
      throw new PpoTypeError('INVALID_ARGUMENT', `AsyncVectorEnv.create: envId must be a registered env id, got ${describeValue(envId)}`);
    }
    if (typeof numEnvs !== 'number' || !Number.isInteger(numEnvs) || numEnvs < 1) {
      throw new PpoRangeError('INVALID_ARGUMENT', `AsyncVectorEnv.create: numEnvs must be a positive integer, got ${describeValue(numEnvs)}`);
    }
    const numWorkers = options.numWorkers ?? Math.min(numEnvs, availableParallelism());
    if (typeof numWorkers !== 'number' || !Number.isInteger(numWorkers) || numWorkers < 1 || numWorkers > numEnvs) {
      throw new PpoRangeError('INVALID_ARGUMENT', `AsyncVectorEnv.create: numWorkers must be an integer in [1, numEnvs=${numEnvs}], got ${describeValue(numWorkers)}`);
    }
    const timeoutMs = options.timeoutMs ?? Infinity;
    if (typeof timeoutMs !== 'number' || !(timeoutMs > 0)) {
      throw new PpoRangeError('INVALID_ARGUMENT', `AsyncVectorEnv.create: timeoutMs must be a positive number, got ${describeValue(timeoutMs)}`);
    }
    const startTimeoutMs = options.startTimeoutMs ?? Math.max(timeoutMs, DEFAULT_START_TIMEOUT_MS);
    if (typeof startTimeoutMs !== 'number' || !(startTimeoutMs > 0)) {
      throw new PpoRangeError('INVALID_ARGUMENT', `AsyncVectorEnv.create: startTimeoutMs must be a positive number, got ${describeValue(startTimeoutMs)}`);
    }
    const makeOptions = options.makeOptions ?? {};
    if (makeOptions === null || typeof makeOptions !== 'object') {
      throw new PpoTypeError('INVALID_ARGUMENT', `AsyncVectorEnv.create: makeOptions must be an object, got ${describeValue(makeOptions)}`);
    }
    const modules = options.modules ?? [];
    if (!Array.isArray(modules)) throw new PpoTypeError('INVALID_ARGUMENT', `AsyncVectorEnv.create: modules must be an array of strings, got ${describeValue(modules)}`);
    const resolvedModules = resolveModules(modules);

    const location = workerLocation();
    const control = new SharedArrayBuffer(numWorkers * STRIDE * 4);
    const slots: WorkerSlot[] = [];
    const specs: Promise<{ observationSpace: SpaceSpec; actionSpace: SpaceSpec }>[] = [];
    let start = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      for (let w = 0; w < numWorkers; w++) {
        const count = Math.floor(numEnvs / numWorkers) + (w < numEnvs % numWorkers ? 1 : 0);
        const workerData: WorkerStartData = { envId, makeOptions, modules: resolvedModules, start, count, workerIndex: w, control };
        const worker = new Worker(location.script, { workerData, eval: location.eval, name: `AsyncVectorEnv ${envId} worker ${w}` });
        const channel = new MessageChannel();
        slots.push({ worker, port: channel.port1, workerPort: channel.port2, start, count });
        specs.push(
          new Promise((resolveReady, reject) => {
            const onExit = (code: number): void => reject(new PpoError('WORKER_FAILED', `AsyncVectorEnv.create: worker ${w} exited with code ${code} before it was ready`));
            worker.once('error', reject);
            worker.once('exit', onExit);
            worker.once('message', (message: WorkerReadyMessage) => {
              worker.off('error', reject);
              worker.off('exit', onExit);
              if (message.type === 'ready') resolveReady(message);
              else reject(rebuildError(message.error));
            });
          }),
        );
        start += count;
      }
      const readyFlags = specs.map(() => false);
      specs.forEach((spec, w) => void spec.then(() => (readyFlags[w] = true), () => undefined));
      const timedOut = new Promise<never>((_, reject) => {
        if (!Number.isFinite(startTimeoutMs)) return;
        timer = setTimeout(() => {
          const w = readyFlags.indexOf(false);
          reject(startTimeout(new Int32Array(control), w, envId, modules, startTimeoutMs));
        }, startTimeoutMs);
      });
      const ready = await Promise.race([Promise.all(specs), timedOut]);
      for (let w = 1; w < ready.length; w++) {
        if (JSON.stringify(ready[w]) !== JSON.stringify(ready[0])) {
          throw new PpoTypeError('INVALID_ARGUMENT', `AsyncVectorEnv.create: worker ${w} made envs with other spaces than worker 0`);
        }
      }
      const observationSpace = spaceFromJSON(ready[0].observationSpace);
      const actionSpace = spaceFromJSON(ready[0].actionSpace);
      actionLayout(actionSpace);
      return new AsyncVectorEnv({ numEnvs, slots, observationSpace, actionSpace, timeoutMs, envId, control });
    } catch (error) {
      // Terminating first: a worker stuck in an import or a constructor never settles its spec.
      await Promise.all(slots.map((slot) => slot.worker.terminate()));
      await Promise.allSettled(specs);
      for (const slot of slots) slot.port.close();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** How many worker threads are still running (0 once `close()` has resolved). */
  get runningWorkers(): number {
    return this.running;
  }

  reset(options: VectorResetOptions = {}): VectorResetResult {
    this.checkUsable('reset');
    if (this.pending !== undefined) throw new PpoError('INVALID_STATE', 'AsyncVectorEnv.reset: a stepAsync() is pending; call stepWait() first');
    if (options === null || typeof options !== 'object') {
      throw new PpoTypeError('INVALID_ARGUMENT', `AsyncVectorEnv.reset: options must be an object { seed?, options? }, got ${describeValue(options)}`);
    }
    const seed = checkSeed('AsyncVectorEnv', options.seed);
    this.needsReset = true;
    for (const slot of this.slots) slot.port.postMessage({ seed, options: options.options });
    this.signal(CMD_RESET);
    this.pending = 'reset';
    this.collect('reset');
    this.needsReset = false;
    return { observations: this.result.observations, infos: this.result.infos, actionMasks: this.result.actionMasks };
  }

  step(actions: Float32Array | Int32Array): VectorStepResult {
    this.stepAsync(actions);
    return this.stepWait();
  }

  /** Hands the actions to the workers and returns at once; `stepWait()` returns the results. */
  stepAsync(actions: Float32Array | Int32Array): void {
    this.checkUsable('stepAsync');
    if (this.pending !== undefined) throw new PpoError('INVALID_STATE', 'AsyncVectorEnv.stepAsync: a step is already pending; call stepWait() first');
    if (this.needsReset) throw new PpoError('INVALID_STATE', 'AsyncVectorEnv.step: call reset() before step() (and after an env threw)');
    checkActions('AsyncVectorEnv', actions, this.actionKind, this.numEnvs * this.actionSize);
    this.actions.set(actions);
    this.signal(CMD_STEP);
    this.pending = 'step';
  }

  /** Blocks until the pending `stepAsync` is done and returns its results (arrays reused). */
  stepWait(): VectorStepResult {
    this.checkUsable('stepWait');
    if (this.pending !== 'step') throw new PpoError('INVALID_STATE', 'AsyncVectorEnv.stepWait: no step is pending; call stepAsync() first');
    this.collect('step');
    return this.result;
  }

  /** Ends every worker (after closing the envs when the workers still answer); resolves once all have exited. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    let closeError: Error | undefined;
    try {
      if (this.broken === undefined) {
        // Finish a pending command first so that the workers listen again.
        if (this.pending !== undefined) {
          this.waitAll(5000, 'close');
          for (const slot of this.slots) this.readReply(slot); // drop the pending command's replies
        }
        this.signal(CMD_CLOSE);
        this.waitAll(5000, 'close');
        for (const slot of this.slots) {
          const reply = this.readReply(slot);
          if (reply !== undefined && 'error' in reply) closeError ??= rebuildError(reply.error);
        }
      }
    } catch {
      // The workers are ended below whatever happened.
    } finally {
      this.pending = undefined;
      await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
      for (const slot of this.slots) slot.port.close();
    }
    if (closeError !== undefined) throw closeError;
  }

  private checkUsable(method: string): void {
    if (this.closing !== undefined) throw new PpoError('INVALID_STATE', `AsyncVectorEnv.${method}: the vector env is closed`);
    if (this.broken !== undefined) throw new PpoError('WORKER_FAILED', `AsyncVectorEnv.${method}: a worker is gone (${this.broken.message}); close() it`);
  }

  private signal(cmd: number): void {
    const c = this.control;
    for (let w = 0; w < this.slots.length; w++) {
      const row = w * STRIDE;
      Atomics.store(c, row + CMD, cmd);
      Atomics.add(c, row + SEQ, 1);
      Atomics.notify(c, row + SEQ);
    }
  }

  /** Waits for every worker to finish the current command; raises on a dead worker or a timeout. */
  private waitAll(timeoutMs: number, method: string): void {
    const c = this.control;
    const deadline = Number.isFinite(timeoutMs) ? performance.now() + timeoutMs : Infinity;
    for (let w = 0; w < this.slots.length; w++) {
      const row = w * STRIDE;
      const target = Atomics.load(c, row + SEQ);
      for (;;) {
        const done = Atomics.load(c, row + DONE);
        if (done === target) break;
        if (Atomics.load(c, row + STATUS) === STATUS_DEAD) {
          throw new PpoError('WORKER_FAILED', `worker ${w} (envs ${this.slots[w].start}..${this.slots[w].start + this.slots[w].count - 1}) exited`);
        }
        const left = deadline - performance.now();
        if (left <= 0) throw this.callTimeout(w, timeoutMs, method);
        Atomics.wait(c, row + DONE, done, Math.min(left, 1000));
      }
    }
  }

  /** The error for worker `w` not answering: the env and the call it is in, from its control row. */
  private callTimeout(w: number, timeoutMs: number, method: string): VectorEnvTimeoutError {
    const row = w * STRIDE;
    const call = PHASE_NAMES[Atomics.load(this.control, row + PHASE)] ?? 'unknown';
    const envIndex = Atomics.load(this.control, row + PHASE_INDEX);
    const slot = this.slots[w];
    return new VectorEnvTimeoutError(
      `AsyncVectorEnv.${method}: env ${envIndex} (${this.envId}) did not return from ${call} within ${timeoutMs} ms (worker ${w}, envs ${slot.start}..${slot.start + slot.count - 1})`,
      { call, timeoutMs, envIndex },
    );
  }

  private readReply(slot: WorkerSlot): WorkerReply | undefined {
    const w = this.slots.indexOf(slot);
    if (Atomics.load(this.control, w * STRIDE + HAS_MESSAGE) !== 1) return undefined;
    return receiveMessageOnPort(slot.port)?.message as WorkerReply | undefined;
  }

  /** Waits for the pending command, then gathers infos and errors. */
  private collect(phase: 'step' | 'reset'): void {
    try {
      this.waitAll(this.timeoutMs, phase);
    } catch (error) {
      this.broken = error instanceof Error ? error : new Error(String(error));
      if (error instanceof VectorEnvTimeoutError) throw error;
      throw new PpoError(PpoError.is(error) ? error.code : 'WORKER_FAILED', `AsyncVectorEnv.${phase}: ${this.broken.message}`, { cause: error });
    } finally {
      this.pending = undefined;
    }
    const { infos } = this.result;
    infos.fill(EMPTY_INFO);
    let first: Error | undefined;
    for (const slot of this.slots) {
      const reply = this.readReply(slot);
      if (reply === undefined) continue;
      if ('error' in reply) first ??= rebuildError(reply.error);
      else for (const [i, info] of reply.infos) infos[i] = info;
    }
    if (first !== undefined) {
      this.needsReset = true;
      throw first;
    }
    try {
      this.result.actionMasks = this.masks.stack(infos);
    } catch (error) {
      this.needsReset = true;
      throw error;
    }
  }
}
