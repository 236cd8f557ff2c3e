/**
 * A local `nats-server` for tests and benchmarks (Node): on 127.0.0.1 at a free port, with
 * JetStream in a temporary directory and token auth, optionally a WebSocket listener for
 * browser workers; restartable on the same port and store. Uses `PPO_NATS_SERVER` or
 * `nats-server` on the PATH (CI installs Debian's package).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running test server. */
export interface NatsServerFixture {
  /** `nats://127.0.0.1:<port>`. */
  readonly url: string;
  /** The token clients must present. */
  readonly token: string;
  /** `ws://127.0.0.1:<port>` of the WebSocket listener (without TLS), when one was asked for. */
  readonly wsUrl?: string;
  /** Stops the server (SIGTERM, then waits for the exit). */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same JetStream store. */
  start(): Promise<void>;
  /** Stops it and deletes its directory. */
  dispose(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Options of {@link startNatsServer}. */
export interface NatsServerOptions {
  /** Lowers the message size limit (bytes), to exercise chunking. */
  readonly maxPayload?: number;
  /** Adds a WebSocket listener without TLS on another free port of 127.0.0.1 (for browser workers). */
  readonly websocket?: boolean;
}

/**
 * Starts a local server; `dispose` stops it and deletes its store.
 *
 * @example
 * ```ts
 * const server = await startNatsServer({ websocket: true });
 * const nc = await connect({ servers: server.url, token: server.token });
 * ```
 */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServerFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'ppo-nats-'));
  const port = await freePort();
  const wsPort = options.websocket === true ? await freePort() : undefined;
  const token = `t${Math.floor(Math.random() * 2 ** 48).toString(36)}`;
  const conf = join(dir, 'server.conf');
  writeFileSync(
    conf,
    [
      `listen: "127.0.0.1:${port}"`,
      `jetstream { store_dir: "${join(dir, 'js')}" }`,
      `authorization { token: "${token}" }`,
      ...(options.maxPayload === undefined ? [] : [`max_payload: ${options.maxPayload}`]),
      ...(wsPort === undefined ? [] : [`websocket { listen: "127.0.0.1:${wsPort}", no_tls: true }`]),
      '',
    ].join('\n'),
  );
  const binary = process.env.PPO_NATS_SERVER ?? 'nats-server';
  let child: ChildProcess | null = null;
  const start = async () => {
    const proc = spawn(binary, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    await new Promise<void>((resolve, reject) => {
      let log = '';
      proc.once('error', (error) => reject(new Error(`could not start ${binary} (install nats-server or set PPO_NATS_SERVER): ${error.message}`)));
      proc.once('exit', (code) => reject(new Error(`${binary} exited with ${code}: ${log}`)));
      proc.stderr?.on('data', (data: Buffer) => {
        log += data.toString();
        if (log.includes('Server is ready')) resolve();
      });
    });
  };
  const stop = async () => {
    const proc = child;
    child = null;
    if (proc === null || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    });
  };
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    token,
    ...(wsPort === undefined ? {} : { wsUrl: `ws://127.0.0.1:${wsPort}` }),
    stop,
    start,
    dispose: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
