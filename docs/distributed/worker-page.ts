/**
 * The rollout worker page: a form (server URL, token or credentials file, env, run prefix,
 * backend) and a display of what the Web Worker (rollout-worker.ts) does. The page stays
 * responsive: stepping envs and the policy run in the Web Worker.
 */
import { listEnvs } from '@ppo/envs';
import type { PageMessage, WorkerBackend, WorkerMessage } from './messages.js';

/** A running page; `dispose` stops the worker. */
export interface WorkerPage {
  readonly dispose: () => void;
}

const URL_PATTERN = /^wss?:\/\/[^\s/]+/;
const PREFIX_PATTERN = /^[A-Za-z0-9_-]+$/;

function element<T extends HTMLElement>(root: HTMLElement, selector: string): T {
  const found = root.querySelector<T>(selector);
  if (found === null) throw new Error(`startWorkerPage: root needs ${selector}`);
  return found;
}

/**
 * Starts the page inside `root`, which holds the form fields and the display (see worker.md).
 * The browser test reads the `data-*` attributes of `root`: `state`, `version`, `slots`,
 * `chunks`, `steps`.
 */
export function startWorkerPage(root: HTMLElement): WorkerPage {
  const url = element<HTMLInputElement>(root, '[data-field="url"]');
  const token = element<HTMLInputElement>(root, '[data-field="token"]');
  const creds = element<HTMLInputElement>(root, '[data-field="creds"]');
  const env = element<HTMLSelectElement>(root, '[data-field="env"]');
  const prefix = element<HTMLInputElement>(root, '[data-field="prefix"]');
  const backend = element<HTMLSelectElement>(root, '[data-field="backend"]');
  const connect = element<HTMLButtonElement>(root, '[data-action="connect"]');
  const disconnect = element<HTMLButtonElement>(root, '[data-action="disconnect"]');
  const status = element<HTMLElement>(root, '.status');
  const log = element<HTMLElement>(root, '.log');
  const show = (name: string, value: string): void => {
    element<HTMLElement>(root, `[data-stat="${name}"]`).textContent = value;
    root.dataset[name] = value;
  };

  for (const spec of listEnvs()) env.add(new Option(spec.id, spec.id));
  // The tutorials' task first; any other bundled env is one click away.
  if (listEnvs().some((spec) => spec.id === 'CartPole-v1')) env.value = 'CartPole-v1';
  let worker: Worker | null = null;
  let connectedAt = 0;
  let steps = 0;
  let chunks = 0;
  let bytes = 0;

  const setState = (state: 'idle' | 'connecting' | 'connected' | 'stopped' | 'error', text: string): void => {
    root.dataset.state = state;
    status.textContent = text;
    const busy = state === 'connecting' || state === 'connected';
    connect.disabled = busy;
    disconnect.disabled = !busy;
    for (const field of [url, token, creds, env, prefix, backend]) field.disabled = busy;
  };
  const addLog = (line: string): void => {
    const lines = `${log.textContent ?? ''}${line}\n`.split('\n');
    // The last 200 lines.
    log.textContent = lines.slice(Math.max(0, lines.length - 201)).join('\n');
  };

  const onMessage = (message: WorkerMessage): void => {
    switch (message.type) {
      case 'connected':
        connectedAt = performance.now();
        setState('connected', `Connected to ${message.server} (tfjs ${message.backend}); waiting for the learner's tasks.`);
        break;
      case 'connection':
        status.textContent = `Connection ${message.state}.`;
        break;
      case 'rollout': {
        steps += message.steps;
        chunks += message.messages;
        bytes += message.bytes;
        const seconds = (performance.now() - connectedAt) / 1000;
        show('version', String(message.version));
        show('slots', message.slots.join(', '));
        show('chunks', String(chunks));
        show('steps', String(steps));
        show('rate', seconds > 0 ? Math.round(steps / seconds).toLocaleString('en-US') : '-');
        show('bytes', `${(bytes / 1e6).toFixed(2)} MB`);
        break;
      }
      case 'log':
        addLog(message.line);
        break;
      case 'stopped':
        worker?.terminate();
        worker = null;
        setState('stopped', 'Stopped.');
        break;
      case 'error':
        worker?.terminate();
        worker = null;
        setState('error', `The worker stopped: ${message.message}`);
        addLog(`error: ${message.message}`);
        break;
    }
  };

  const start = async (): Promise<void> => {
    const server = url.value.trim();
    if (!URL_PATTERN.test(server)) {
      setState('error', `The server URL must start with ws:// or wss://, got ${JSON.stringify(server)}.`);
      return;
    }
    if (!PREFIX_PATTERN.test(prefix.value)) {
      setState('error', `The run prefix may hold letters, digits, '-' and '_' only, got ${JSON.stringify(prefix.value)}.`);
      return;
    }
    const file = creds.files?.[0];
    if (file !== undefined && token.value !== '') {
      setState('error', 'Give a token or a credentials file, not both.');
      return;
    }
    steps = chunks = bytes = 0;
    for (const name of ['version', 'slots', 'chunks', 'steps', 'rate', 'bytes']) show(name, '-');
    setState('connecting', `Connecting to ${server}…`);
    const credsText = file === undefined ? '' : await file.text();
    worker = new Worker(new URL('./rollout-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<WorkerMessage>) => onMessage(event.data);
    worker.onerror = (event) => onMessage({ type: 'error', message: event.message });
    const message: PageMessage = { type: 'start', url: server, token: token.value, creds: credsText, env: env.value, prefix: prefix.value, backend: backend.value as WorkerBackend };
    worker.postMessage(message);
  };

  connect.addEventListener('click', () => {
    start().catch((error: unknown) => setState('error', error instanceof Error ? error.message : String(error)));
  });
  disconnect.addEventListener('click', () => {
    status.textContent = 'Stopping…';
    worker?.postMessage({ type: 'stop' } satisfies PageMessage);
  });
  setState('idle', 'Not connected.');
  return {
    dispose: () => {
      worker?.terminate();
      worker = null;
    },
  };
}
