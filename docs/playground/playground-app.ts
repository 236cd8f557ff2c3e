/**
 * The Playground page: reads the controls, talks to the training worker in the messages of
 * protocol.ts, and shows what it reports (the env, the curves, the counters). Everything heavy
 * (TensorFlow.js, the envs, MuJoCo, the trainer) lives in the worker, so the page stays responsive.
 */
import type { ExportFile, PageMessage, PlaygroundBackend, PlaygroundHyperparameters, PlaygroundSettings, RunState, WorkerMessage } from './protocol.js';
import { TASKS } from './tasks.js';

const PRESETS: readonly PlaygroundSettings['preset'][] = ['classic', 'mujoco', 'minatar', 'atari'];

/** The hyperparameter fields, in the order shown, with their labels. */
const HYPERPARAMETERS: readonly (readonly [keyof PlaygroundHyperparameters, string])[] = [
  ['learningRate', 'learning rate'],
  ['numEnvs', 'envs'],
  ['numSteps', 'steps per rollout'],
  ['updateEpochs', 'epochs'],
  ['numMinibatches', 'minibatches'],
  ['clipCoef', 'clip'],
  ['entCoef', 'entropy coef'],
  ['totalSteps', 'total steps'],
];

/** The backends this browser can run: webgl where a worker can draw on an OffscreenCanvas. */
function availableBackends(): PlaygroundBackend[] {
  const backends: PlaygroundBackend[] = ['wasm', 'cpu'];
  if (typeof OffscreenCanvas !== 'undefined') backends.push('webgl');
  return backends;
}

function formatNumber(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '–';
  return String(Math.round(x * 100) / 100);
}

function formatBytes(n: number): string {
  return n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} kB`;
}

/** A running Playground; `dispose` ends its worker. */
export interface Playground {
  readonly dispose: () => void;
}

/** Starts the Playground in `root` (the page's markup, with its `data-testid` hooks). */
export function startPlayground(root: HTMLElement): Playground {
  const $ = <T extends HTMLElement>(id: string): T => {
    const element = root.querySelector<T>(`[data-testid="${id}"]`);
    if (element === null) throw new Error(`startPlayground: the page has no element with data-testid="${id}"`);
    return element;
  };
  const envSelect = $<HTMLSelectElement>('env');
  const presetSelect = $<HTMLSelectElement>('preset');
  const seedInput = $<HTMLInputElement>('seed');
  const backendSelect = $<HTMLSelectElement>('backend');
  const pauseAfterInput = $<HTMLInputElement>('pause-after');
  const hyperparameterBox = $<HTMLElement>('hyperparameters');
  const buttons = {
    train: $<HTMLButtonElement>('train'),
    pause: $<HTMLButtonElement>('pause'),
    resume: $<HTMLButtonElement>('resume'),
    reset: $<HTMLButtonElement>('reset'),
    download: $<HTMLButtonElement>('download'),
  };
  const upload = $<HTMLInputElement>('upload');
  const status = $<HTMLElement>('status');
  const errorBox = $<HTMLElement>('error');
  const meanReturn = $<HTMLElement>('mean-return');
  const stepText = $<HTMLElement>('step');
  const updateText = $<HTMLElement>('update');
  const frame = $<HTMLElement>('frame');
  const returnsPlot = $<HTMLElement>('curve-returns');
  const valueLossPlot = $<HTMLElement>('curve-value-loss');
  const policyLossPlot = $<HTMLElement>('curve-policy-loss');
  const downloads = $<HTMLElement>('downloads');
  const metricsLog = $<HTMLElement>('metrics-jsonl');

  for (const task of TASKS) envSelect.add(new Option(task.label, task.env));
  for (const preset of PRESETS) presetSelect.add(new Option(preset, preset));
  for (const backend of availableBackends()) backendSelect.add(new Option(backend, backend));
  presetSelect.value = TASKS[0].preset;
  const inputs = new Map<keyof PlaygroundHyperparameters, HTMLInputElement>();
  for (const [key, label] of HYPERPARAMETERS) {
    const field = document.createElement('label');
    field.textContent = label;
    const input = document.createElement('input');
    input.type = 'number';
    input.step = 'any';
    input.dataset.testid = `hp-${key}`;
    field.append(input);
    hyperparameterBox.append(field);
    inputs.set(key, input);
  }

  const worker = new Worker(new URL('./training-worker.ts', import.meta.url), { type: 'module' });
  const send = (message: PageMessage, transfer: Transferable[] = []): void => worker.postMessage(message, transfer);

  let state: RunState = 'idle';
  let stored = false;
  let pendingFrame: string | null = null;
  let frameRequested = false;
  let downloadUrls: string[] = [];
  let statusBeforeLoading = '';

  const showError = (message: string | null): void => {
    errorBox.textContent = message ?? '';
    errorBox.hidden = message === null;
  };
  const refreshButtons = (): void => {
    const busy = state === 'starting' || state === 'training' || state === 'stopping';
    buttons.train.disabled = busy;
    buttons.pause.disabled = state !== 'training';
    buttons.resume.disabled = busy || !(state === 'paused' || (state === 'idle' && stored));
    buttons.reset.disabled = state === 'starting' || state === 'stopping';
    buttons.download.disabled = busy || !(state === 'paused' || state === 'done');
    root.dataset.state = state;
  };
  const drawFrame = (svg: string): void => {
    pendingFrame = svg;
    if (frameRequested) return;
    frameRequested = true;
    requestAnimationFrame(() => {
      frameRequested = false;
      if (pendingFrame !== null) frame.innerHTML = pendingFrame;
      pendingFrame = null;
    });
  };
  const showUpdate = (record: { globalStep: number; update: number; metrics: Readonly<Record<string, number>> }, numUpdates?: number): void => {
    meanReturn.textContent = formatNumber(record.metrics['charts/mean_recent_return']);
    stepText.textContent = String(record.globalStep);
    updateText.textContent = numUpdates === undefined ? String(record.update) : `${record.update} / ${numUpdates}`;
    metricsLog.append(`${JSON.stringify(record)}\n`);
  };
  const clearRun = (): void => {
    meanReturn.textContent = '–';
    stepText.textContent = '0';
    updateText.textContent = '0';
    metricsLog.textContent = '';
    for (const plot of [returnsPlot, valueLossPlot, policyLossPlot]) plot.innerHTML = '';
    for (const url of downloadUrls) URL.revokeObjectURL(url);
    downloadUrls = [];
    downloads.innerHTML = '';
  };
  const requestDefaults = (): void => {
    send({ type: 'defaults', env: envSelect.value, preset: presetSelect.value as PlaygroundSettings['preset'] });
  };
  /** The "pause after update" field: an update number, or null when empty. */
  const readPauseAfter = (): number | null => (pauseAfterInput.value.trim() === '' ? null : Number(pauseAfterInput.value));
  const readSettings = (): PlaygroundSettings => {
    const hyperparameters = Object.fromEntries(HYPERPARAMETERS.map(([key]) => [key, Number((inputs.get(key) as HTMLInputElement).value)])) as unknown as PlaygroundHyperparameters;
    return {
      env: envSelect.value,
      preset: presetSelect.value as PlaygroundSettings['preset'],
      seed: Number(seedInput.value),
      backend: backendSelect.value as PlaygroundBackend,
      hyperparameters,
      pauseAfterUpdate: readPauseAfter(),
    };
  };

  worker.onmessage = (event: MessageEvent<WorkerMessage>) => {
    const message = event.data;
    switch (message.type) {
      case 'state':
        state = message.state;
        if (state === 'training' || state === 'starting') showError(null);
        status.textContent =
          state === 'idle' ? 'Ready.' :
          state === 'starting' ? 'Starting…' :
          state === 'training' ? `Training on the ${message.backend ?? '?'} backend…` :
          state === 'stopping' ? 'Pausing after this update…' :
          state === 'paused' ? 'Paused; the run is stored in this browser (IndexedDB): Resume continues it, even after a reload.' :
          'Done: the run reached its total steps.';
        refreshButtons();
        break;
      case 'update':
        showUpdate(message, message.numUpdates);
        break;
      case 'curves':
        returnsPlot.innerHTML = message.svg.returns;
        valueLossPlot.innerHTML = message.svg.valueLoss;
        policyLossPlot.innerHTML = message.svg.policyLoss;
        break;
      case 'frame':
        drawFrame(message.svg);
        break;
      case 'saved':
        stored = true;
        root.dataset.savedUpdate = String(message.update);
        break;
      case 'stored':
        stored = message.run !== null;
        if (message.run !== null) {
          const { env, seed, globalStep, backend } = message.run;
          envSelect.value = env;
          seedInput.value = String(seed);
          if (Array.from(backendSelect.options).some((o) => o.value === backend)) backendSelect.value = backend;
          status.textContent = `A run of ${env} (seed ${seed}, ${backend}) is stored in this browser at step ${globalStep}: Resume continues it.`;
          stepText.textContent = String(globalStep);
        }
        refreshButtons();
        break;
      case 'history':
        clearRun();
        for (const record of message.updates) showUpdate(record);
        break;
      case 'defaults':
        if (message.env !== envSelect.value || message.preset !== presetSelect.value) break;
        for (const [key, input] of inputs) input.value = String(message.hyperparameters[key]);
        root.dataset.ready = 'true';
        break;
      case 'export': {
        for (const url of downloadUrls) URL.revokeObjectURL(url);
        downloads.innerHTML = '';
        downloadUrls = message.files.map((file) => URL.createObjectURL(new Blob([file.bytes as BlobPart])));
        message.files.forEach((file, i) => {
          const link = document.createElement('a');
          link.href = downloadUrls[i];
          link.download = file.name;
          link.textContent = `${file.name} (${formatBytes(file.bytes.byteLength)})`;
          const item = document.createElement('li');
          item.append(link);
          downloads.append(item);
        });
        break;
      }
      case 'watching':
        status.textContent =
          message.episodeReturn === null
            ? `Playing the uploaded ${message.env} policy…`
            : `Uploaded ${message.env} policy: episode ${message.episode} returned ${formatNumber(message.episodeReturn)}.`;
        if (message.episodeReturn !== null) root.dataset.watchReturn = String(message.episodeReturn);
        break;
      case 'loading':
        // The status says what is loading, then shows again what it said before.
        if (message.what !== null) {
          statusBeforeLoading = status.textContent ?? '';
          status.textContent = `Loading ${message.what}…`;
          root.dataset.loading = message.what;
        } else {
          status.textContent = statusBeforeLoading;
          delete root.dataset.loading;
        }
        break;
      case 'error':
        showError(message.message);
        break;
    }
  };
  worker.onerror = (event) => showError(`The training worker failed: ${event.message}`);

  envSelect.addEventListener('change', () => {
    const task = TASKS.find((t) => t.env === envSelect.value);
    if (task !== undefined) presetSelect.value = task.preset;
    requestDefaults();
  });
  presetSelect.addEventListener('change', requestDefaults);
  buttons.train.addEventListener('click', () => {
    clearRun();
    send({ type: 'stop-watching' });
    send({ type: 'train', settings: readSettings() });
  });
  buttons.pause.addEventListener('click', () => send({ type: 'pause' }));
  buttons.resume.addEventListener('click', () => send({ type: 'resume', pauseAfterUpdate: readPauseAfter() }));
  buttons.reset.addEventListener('click', () => {
    clearRun();
    frame.innerHTML = '';
    stored = false;
    send({ type: 'reset' });
  });
  buttons.download.addEventListener('click', () => send({ type: 'export' }));
  upload.addEventListener('change', () => {
    const chosen = Array.from(upload.files ?? []);
    if (chosen.length === 0) return;
    Promise.all(chosen.map(async (file): Promise<ExportFile> => ({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) })))
      .then((files) => {
        showError(null);
        send({ type: 'watch', files, backend: backendSelect.value as PlaygroundBackend }, files.map((f) => f.bytes.buffer));
      })
      .catch((error: unknown) => showError(`Reading the upload failed: ${error instanceof Error ? error.message : String(error)}`));
  });

  refreshButtons();
  requestDefaults();
  send({ type: 'inspect' });
  return {
    dispose: () => {
      worker.terminate();
      for (const url of downloadUrls) URL.revokeObjectURL(url);
    },
  };
}
