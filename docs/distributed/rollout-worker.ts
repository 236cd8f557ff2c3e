/**
 * The rollout worker page's Web Worker: connects to the NATS server over WebSocket and runs
 * `runWorker` from `@ppo/distributed` off the page's thread. It makes only the env the user
 * chose, from the envs bundled in the page: the learner sends a config and weights, never code.
 */
import { credsAuthenticator, wsconnect, type NatsConnection } from '@nats-io/nats-core';
import { runWorker } from '@ppo/distributed';
import { make } from '@ppo/envs';
import { selectBackend } from '@ppo/nets';
import type { PPOConfig } from '@ppo/trainer';
import { serveWasmBinaries } from '../demo/wasm-binaries.js';
import type { PageMessage, WorkerMessage } from './messages.js';

interface WorkerScope {
  postMessage(message: WorkerMessage): void;
  onmessage: ((event: MessageEvent<PageMessage>) => void) | null;
}
const scope = self as unknown as WorkerScope;
const post = (message: WorkerMessage): void => scope.postMessage(message);

let stop: AbortController | null = null;

async function serve(start: Extract<PageMessage, { type: 'start' }>): Promise<void> {
  const backend = start.backend === 'wasm' ? (serveWasmBinaries(), await selectBackend('wasm')) : await selectBackend('cpu');
  const nc: NatsConnection = await wsconnect({
    servers: start.url,
    name: 'ppo-browser-worker',
    // A restarted server is picked up again.
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    ...(start.token === '' ? {} : { token: start.token }),
    ...(start.creds === '' ? {} : { authenticator: credsAuthenticator(new TextEncoder().encode(start.creds)) }),
  });
  post({ type: 'connected', backend, server: nc.getServer() });
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect' || status.type === 'reconnecting' || status.type === 'reconnect') {
        post({ type: 'connection', state: status.type === 'disconnect' ? 'disconnected' : status.type === 'reconnect' ? 'reconnected' : 'reconnecting' });
      }
    }
  })();
  const makeEnv = (config: PPOConfig) => {
    if (config.env !== start.env) throw new Error(`the run trains ${config.env}; this page was told to serve ${start.env} only`);
    return make<unknown, unknown>(start.env, config.envOptions);
  };
  try {
    await runWorker({
      nc,
      prefix: start.prefix,
      makeEnv,
      signal: stop?.signal,
      log: (line) => post({ type: 'log', line }),
      onRollout: (sent) => post({ type: 'rollout', ...sent }),
    });
  } finally {
    if (!nc.isClosed()) await nc.close();
  }
}

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'stop') {
    stop?.abort();
    return;
  }
  if (stop !== null) return;
  stop = new AbortController();
  serve(message)
    .then(() => post({ type: 'stopped' }))
    .catch((error: unknown) => post({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
};
