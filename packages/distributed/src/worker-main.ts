import { connect, type ConnectOptions } from './connect';
import { runWorker, type WorkerOptions } from './worker';

/** Options of {@link workerMain}: where to connect, and the worker's own options. */
export interface WorkerMainOptions extends ConnectOptions, Omit<WorkerOptions, 'nc'> {}

/**
 * A worker process's body (what `ppo worker` runs): connects (reconnecting forever), serves the
 * learner until `signal` aborts, then closes the connection. Register the envs (env modules
 * named on this machine's command line) and select the tfjs backend first.
 *
 * @example
 * ```ts
 * await selectBackend('cpu');
 * const stop = new AbortController();
 * process.once('SIGTERM', () => stop.abort());
 * await workerMain({ servers: 'nats://10.0.0.1:4222', token: process.env.NATS_TOKEN, signal: stop.signal });
 * ```
 */
export async function workerMain(options: WorkerMainOptions): Promise<void> {
  const { servers, token, credsFile, tlsCaFile, name, ...worker } = options;
  const nc = await connect({ servers, token, credsFile, tlsCaFile, name: name ?? 'ppo-worker' });
  try {
    await runWorker({ ...worker, nc });
  } finally {
    if (!nc.isClosed()) await nc.close();
  }
}
