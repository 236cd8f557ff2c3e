/**
 * A local `nats-server` for tests and benchmarks (Node; exported from `@ppo/distributed/node`): on 127.0.0.1 at a free port, with
 * JetStream in a temporary directory and token auth; restartable on the same port and store.
 * Uses `PPO_NATS_SERVER` or `nats-server` on the PATH (CI installs Debian's package).
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
  /** `ws://127.0.0.1:<port>` when started with `websocket: true` (a browser's way in), else null. */
  readonly wsUrl: string | null;
  /** The token clients must present. */
  readonly token: string;
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

/**
 * Starts a server; `maxPayload` (bytes) lowers the message size limit to exercise chunking;
 * `websocket` adds a plain-text WebSocket listener on another free port.
 */
export async function startNatsServer(options: { maxPayload?: number; websocket?: boolean } = {}): Promise<NatsServerFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'ppo-nats-'));
  const port = await freePort();
  const wsPort = options.websocket === true ? await freePort() : null;
  const token = `t${Math.floor(Math.random() * 2 ** 48).toString(36)}`;
  const conf = join(dir, 'server.conf');
  writeFileSync(
    conf,
    [
      `listen: "127.0.0.1:${port}"`,
      `jetstream { store_dir: "${join(dir, 'js')}" }`,
      `authorization { token: "${token}" }`,
      ...(options.maxPayload === undefined ? [] : [`max_payload: ${options.maxPayload}`]),
      ...(wsPort === null ? [] : [`websocket { listen: "127.0.0.1:${wsPort}", no_tls: true }`]),
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
    wsUrl: wsPort === null ? null : `ws://127.0.0.1:${wsPort}`,
    token,
    stop,
    start,
    dispose: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
