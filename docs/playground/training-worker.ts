/**
 * The Playground's Web Worker: trains with `@ppo/trainer`'s `PPO` off the page's thread, stores
 * checkpoints and the action log in IndexedDB (so a reload resumes exactly), draws the training
 * env 0, plots the curves with the trainer's `learningCurveSvg`, exports the policy and plays an
 * uploaded one. It talks to the page in the plain messages of protocol.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { make, type Env } from '@ppo/envs';
import { registerMinAtarEnvs } from '@ppo/envs-minatar';
import { loadPolicy, selectBackend, type LoadedPolicy } from '@ppo/nets';
import { describePolicy, policyFiles, PPO, resolveConfig, type Callback, type Checkpoint, type CheckpointSink } from '@ppo/trainer';
import { serveWasmBinaries } from '../demo/wasm-binaries.js';
import { curvesSvg } from './curves.js';
import type { ExportFile, PageMessage, PlaygroundBackend, PlaygroundHyperparameters, RunState, WorkerMessage } from './protocol.js';
import { RunStore, StoredRunError, type UpdateRecord } from './run-store.js';
import { needsMujoco } from './tasks.js';

interface WorkerScope {
  postMessage(message: WorkerMessage, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<PageMessage>) => void) | null;
}
const scope = self as unknown as WorkerScope;
const post = (message: WorkerMessage, transfer: Transferable[] = []): void => scope.postMessage(message, transfer);

registerMinAtarEnvs();

/** At most this often (ms) the training env 0 is drawn and sent to the page. */
const FRAME_INTERVAL_MS = 33;

let backend: string | null = null;
let ppo: PPO | null = null;
let history: UpdateRecord[] = [];
let running: Promise<void> | null = null;
let sink: IndexedDbSink | null = null;
let storePromise: Promise<RunStore> | null = null;
let watching: { stop: boolean } | null = null;
/** The update after which the run pauses itself (the page's "pause after update" field), or null. */
let pauseAfterUpdate: number | null = null;

let mujocoStart: Promise<void> | null = null;

/**
 * Starts MuJoCo and registers its tasks the first time `env` is one of them: the package and its
 * WebAssembly module (a chunk of about 10 MB) are fetched only then. A failed start is retried
 * the next time.
 */
async function prepareEnv(env: string): Promise<void> {
  if (!needsMujoco(env)) return;
  if (mujocoStart === null) {
    post({ type: 'loading', what: 'MuJoCo' });
    mujocoStart = import('@ppo/envs-mujoco').then(async ({ initMujoco, registerMujocoEnvs }) => {
      await initMujoco();
      registerMujocoEnvs();
    });
    try {
      await mujocoStart;
    } catch (error) {
      mujocoStart = null;
      throw new Error(`MuJoCo failed to load: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    } finally {
      post({ type: 'loading', what: null });
    }
  }
  await mujocoStart;
}

function store(): Promise<RunStore> {
  storePromise ??= RunStore.open();
  return storePromise;
}

function setState(state: RunState): void {
  post({ type: 'state', state, backend });
}

function fail(error: unknown): void {
  const message = error instanceof Error ? (error instanceof StoredRunError ? `Stored run: ${error.message}` : error.message) : String(error);
  post({ type: 'error', message });
}

/** Makes `name` the tfjs backend. The umbrella registers cpu and webgl; wasm-binaries.ts registers wasm. */
async function useBackend(name: PlaygroundBackend): Promise<void> {
  if (name === 'wasm') {
    serveWasmBinaries();
    backend = await selectBackend('wasm');
  } else if (name === 'cpu') {
    backend = await selectBackend('cpu');
  } else {
    // webgl draws on an OffscreenCanvas in a worker.
    if (tf.findBackendFactory(name) === null) throw new Error(`the ${name} backend is not available on this page`);
    if (!(await tf.setBackend(name))) throw new Error(`the ${name} backend failed to start in this browser`);
    backend = tf.getBackend();
  }
}

/**
 * Env `index` of the run; env 0 draws itself after a step at most every {@link FRAME_INTERVAL_MS}.
 * Drawing only reads the env's state, so the run's numbers are those of a run without it.
 */
function envMaker(env: string, envOptions: Record<string, unknown>): (index: number) => Env<unknown, unknown> {
  return (index) => {
    const made = make<unknown, unknown>(env, envOptions);
    if (index !== 0 || made.render === undefined) return made;
    const step = made.step.bind(made);
    let last = 0;
    made.step = (action) => {
      const result = step(action);
      const now = performance.now();
      if (now - last >= FRAME_INTERVAL_MS) {
        last = now;
        const frame = made.render?.();
        if (frame?.kind === 'svg') post({ type: 'frame', svg: frame.svg });
      }
      return result;
    };
    return made;
  };
}

/** Keeps the action log in memory and stores it with every checkpoint, in one IndexedDB transaction. */
class IndexedDbSink implements CheckpointSink {
  private chunks: Uint8Array[];
  private bytes: number;

  constructor(private readonly runStore: RunStore, private readonly backendName: string, log: Uint8Array = new Uint8Array(0)) {
    this.chunks = log.byteLength > 0 ? [log] : [];
    this.bytes = log.byteLength;
  }

  appendActions(actions: Float32Array | Int32Array): void {
    this.chunks.push(new Uint8Array(actions.buffer, actions.byteOffset, actions.byteLength).slice());
    this.bytes += actions.byteLength;
  }

  async save(checkpoint: Checkpoint): Promise<string> {
    const log = new Uint8Array(this.bytes);
    let offset = 0;
    for (const chunk of this.chunks) {
      log.set(chunk, offset);
      offset += chunk.byteLength;
    }
    this.chunks = [log];
    const { update, globalStep } = checkpoint.meta.counters;
    await this.runStore.save(checkpoint, log, history.filter((r) => r.update <= update), this.backendName);
    post({ type: 'saved', globalStep, update });
    return `indexeddb:ppo-playground@${update}`;
  }
}

/**
 * After every update: its metrics and the redrawn curves to the page; at the update the page asked
 * to pause after, a stop, so that update's checkpoint is the final one stored.
 */
const reporter: Callback = {
  onUpdateEnd(context, metrics) {
    const record = { globalStep: context.globalStep, update: context.update, metrics: { ...metrics } };
    history.push(record);
    post({ type: 'update', ...record, numUpdates: context.numUpdates });
    post({ type: 'curves', svg: curvesSvg(history) });
    if (context.update === pauseAfterUpdate) context.stop();
  },
};

function startTraining(trainer: PPO, checkpoints: IndexedDbSink): void {
  sink = checkpoints;
  setState('training');
  running = trainer
    .train({ checkpoints, callbacks: [reporter] })
    .then(() => setState(trainer.update >= trainer.numUpdates ? 'done' : 'paused'))
    .catch((error: unknown) => {
      fail(error);
      setState('paused');
    })
    .finally(() => {
      running = null;
    });
}

async function stopRun(): Promise<void> {
  ppo?.requestStop();
  await running;
  if (ppo !== null) await ppo.close();
  ppo = null;
  sink = null;
}

async function train(settings: Extract<PageMessage, { type: 'train' }>['settings']): Promise<void> {
  setState('starting');
  await stopRun();
  const runStore = await store();
  await runStore.clear();
  history = [];
  await prepareEnv(settings.env);
  await useBackend(settings.backend);
  pauseAfterUpdate = settings.pauseAfterUpdate;
  const config = { env: settings.env, seed: settings.seed, ...settings.hyperparameters };
  ppo = await PPO.create({ preset: settings.preset, config, makeEnv: envMaker(settings.env, {}) });
  startTraining(ppo, new IndexedDbSink(runStore, backend ?? settings.backend));
}

async function resume(pauseAfter: number | null): Promise<void> {
  if (running !== null) return;
  pauseAfterUpdate = pauseAfter;
  if (ppo !== null && sink !== null) {
    startTraining(ppo, sink);
    return;
  }
  setState('starting');
  const runStore = await store();
  const stored = await runStore.load();
  if (stored === null) throw new Error('there is no stored run to resume; press Train');
  await useBackend(stored.backend as PlaygroundBackend);
  const { config } = stored.checkpoint.meta;
  await prepareEnv(config.env);
  ppo = await PPO.restore(stored.checkpoint, stored.actionLog, { makeEnv: envMaker(config.env, config.envOptions) });
  history = stored.history;
  post({ type: 'history', updates: history });
  if (history.length > 0) post({ type: 'curves', svg: curvesSvg(history) });
  startTraining(ppo, new IndexedDbSink(runStore, backend ?? stored.backend, stored.actionLog));
}

async function reset(): Promise<void> {
  if (watching !== null) watching.stop = true;
  await stopRun();
  history = [];
  await (await store()).clear();
  setState('idle');
  post({ type: 'stored', run: null });
}

async function exportPolicy(): Promise<void> {
  if (ppo === null) throw new Error('there is no policy to export yet: press Train (or Resume a stored run) first');
  const { files } = await policyFiles(ppo.actorCritic, describePolicy(ppo));
  const list: ExportFile[] = [...files].map(([name, bytes]) => ({ name, bytes }));
  post({ type: 'export', files: list }, list.map((f) => f.bytes.buffer));
}

/** Plays episodes of an uploaded policy on its env, one step per 20 ms, drawing each step. */
async function watch(files: readonly ExportFile[], requested: PlaygroundBackend): Promise<void> {
  if (running !== null) throw new Error('pause the training before watching an uploaded policy');
  if (watching !== null) watching.stop = true;
  const byName = new Map(files.map((f) => [f.name, f.bytes]));
  await useBackend(requested);
  const policy: LoadedPolicy = await loadPolicy((name) => {
    const bytes = byName.get(name);
    if (bytes === undefined) return Promise.reject(new Error(`the upload has no file '${name}', which the export needs; choose every file of the export folder`));
    return Promise.resolve(bytes);
  });
  try {
    await prepareEnv(policy.spec.env);
  } catch (error) {
    policy.dispose();
    throw error;
  }
  const state = { stop: false };
  watching = state;
  const env = make<Float32Array, number>(policy.spec.env, policy.spec.envOptions);
  let observation = env.reset({ seed: 0 }).observation;
  let episodeReturn = 0;
  let episode = 0;
  post({ type: 'watching', env: policy.spec.env, episode, episodeReturn: null });
  while (!state.stop) {
    const [action] = policy.predict(Float32Array.from(observation as ArrayLike<number>));
    const step = env.step(action);
    episodeReturn += step.reward;
    observation = step.observation;
    const frame = env.render?.();
    if (frame?.kind === 'svg') post({ type: 'frame', svg: frame.svg });
    if (step.terminated || step.truncated) {
      episode++;
      post({ type: 'watching', env: policy.spec.env, episode, episodeReturn });
      episodeReturn = 0;
      observation = env.reset({ seed: episode }).observation;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  env.close();
  policy.dispose();
}

async function inspect(): Promise<void> {
  post({ type: 'stored', run: await (await store()).summary() });
}

/** The hyperparameters a preset gives a task, for the page's fields. */
function defaults(env: string, preset: Extract<PageMessage, { type: 'defaults' }>['preset']): PlaygroundHyperparameters {
  const c = resolveConfig({ preset, overrides: { env } });
  return {
    learningRate: c.learningRate,
    numEnvs: c.numEnvs,
    numSteps: c.numSteps,
    updateEpochs: c.updateEpochs,
    numMinibatches: c.numMinibatches,
    clipCoef: c.clipCoef,
    entCoef: c.entCoef,
    totalSteps: c.totalSteps,
  };
}

// Messages are handled one at a time, in order; pause acts at once (it only asks the run to stop).
// First the wasm backend starts, which fetches its binary: the page then trains offline.
let queue: Promise<void> = useBackend('wasm').catch(fail);
scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'pause') {
    if (running !== null) {
      ppo?.requestStop();
      setState('stopping');
    }
    return;
  }
  if (message.type === 'stop-watching') {
    if (watching !== null) watching.stop = true;
    return;
  }
  queue = queue.then(async () => {
    try {
      switch (message.type) {
        case 'train':
          return await train(message.settings);
        case 'resume':
          return await resume(message.pauseAfterUpdate);
        case 'reset':
          return await reset();
        case 'export':
          return await exportPolicy();
        case 'watch':
          // Not awaited: the episodes run until stopped, and other messages must get through.
          watch(message.files, message.backend).catch(fail);
          return;
        case 'inspect':
          return await inspect();
        case 'defaults':
          await prepareEnv(message.env);
          post({ type: 'defaults', env: message.env, preset: message.preset, hyperparameters: defaults(message.env, message.preset) });
          return;
      }
    } catch (error) {
      fail(error);
      if (ppo === null) setState('idle');
    }
  });
};
