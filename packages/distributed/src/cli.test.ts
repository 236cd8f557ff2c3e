import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNatsServer, type NatsServerFixture } from './nats-server-fixture';

const PPO = fileURLToPath(new URL('../node_modules/@ppo/trainer/bin/ppo.mjs', import.meta.url));
const PACKAGE_DIR = realpathSync(fileURLToPath(new URL('..', import.meta.url)));
const RUN_FLAGS = ['--env', 'CartPole-v1', '--backend', 'cpu', '--num-envs', '4', '--num-steps', '32', '--total-steps', '384', '--update-epochs', '2', '--seed', '3', '--quiet'];

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [PPO, ...args], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

/** metrics.jsonl without the wall-clock fields. */
function metrics(dir: string): unknown[] {
  return readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const { ['charts/SPS']: _sps, time: _time, ...rest } = JSON.parse(line) as Record<string, unknown>;
      return rest;
    });
}

describe('ppo train --workers with ppo worker processes', () => {
  let server: NatsServerFixture;
  let project: string;
  beforeAll(async () => {
    server = await startNatsServer();
    // A project that has @ppo/distributed installed, as a user's would.
    project = mkdtempSync(join(tmpdir(), 'ppo-workers-'));
    mkdirSync(join(project, 'node_modules', '@ppo'), { recursive: true });
    symlinkSync(PACKAGE_DIR, join(project, 'node_modules', '@ppo', 'distributed'), 'dir');
  });
  afterAll(async () => {
    await server?.dispose();
    if (project !== undefined) rmSync(project, { recursive: true, force: true });
  }, 240_000);

  it('writes the metrics of the single-process run', async () => {
    const env = { ...process.env, PPO_NATS_TOKEN: server.token };
    const workers: ChildProcess[] = [0, 1].map(() =>
      spawn(process.execPath, [PPO, 'worker', '--nats', server.url, '--backend', 'cpu', '--nats-prefix', 'cli'], { cwd: project, env, stdio: 'ignore' }),
    );
    try {
      const distributed = await run(['train', ...RUN_FLAGS, '--out', 'with-workers', '--workers', server.url, '--expect-workers', '2', '--nats-prefix', 'cli'], project, env);
      expect(distributed.code, distributed.stderr).toBe(0);
    } finally {
      await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve) => {
              w.once('exit', (code) => {
                // SIGTERM ends a worker with 143 after closing its connection.
                expect(code).toBe(143);
                resolve();
              });
              w.kill('SIGTERM');
            }),
        ),
      );
    }
    const alone = await run(['train', ...RUN_FLAGS, '--out', 'alone'], project, process.env);
    expect(alone.code, alone.stderr).toBe(0);
    const expected = metrics(join(project, 'alone'));
    expect(expected.length).toBeGreaterThan(3);
    expect(metrics(join(project, 'with-workers'))).toEqual(expected);
  }, 240_000);

  it('resumes a learner killed mid-run with --resume while the workers wait, with the metrics of the uninterrupted run', async () => {
    const env = { ...process.env, PPO_NATS_TOKEN: server.token };
    const flags = [...RUN_FLAGS.map((f) => (f === '384' ? '768' : f)), '--checkpoint-every', '1', '--nats-prefix', 'resume'];
    const workers: ChildProcess[] = [0, 1].map(() =>
      spawn(process.execPath, [PPO, 'worker', '--nats', server.url, '--backend', 'cpu', '--nats-prefix', 'resume'], { cwd: project, env, stdio: 'ignore' }),
    );
    try {
      const dir = join(project, 'killed');
      const learner = spawn(process.execPath, [PPO, 'train', ...flags, '--out', 'killed', '--workers', server.url, '--expect-workers', '2'], { cwd: project, env, stdio: 'ignore' });
      const exited = new Promise<void>((resolve) => learner.once('exit', () => resolve()));
      // SIGKILL the training process (the child of ppo) once it has checkpointed update 2.
      for (;;) {
        const checkpoints = existsSync(join(dir, 'checkpoints')) ? readdirSync(join(dir, 'checkpoints')) : [];
        if (checkpoints.filter((name) => /\d/.test(name) && !name.includes('tmp')).length >= 3) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const child = Number(execFileSync('ps', ['-o', 'pid=', '--ppid', String(learner.pid)], { encoding: 'utf8' }).trim().split('\n')[0]);
      expect(Number.isInteger(child) && child > 1, 'the training process is running').toBe(true);
      process.kill(child, 'SIGKILL');
      await exited;
      // Killed before the end: no final policy yet.
      expect(existsSync(join(dir, 'final'))).toBe(false);
      const resumed = await run(['train', '--resume', 'killed', '--quiet', '--workers', server.url, '--expect-workers', '2', '--nats-prefix', 'resume'], project, env);
      expect(resumed.code, resumed.stderr).toBe(0);
    } finally {
      for (const w of workers) w.kill('SIGTERM');
    }
    const alone = await run(['train', ...flags.slice(0, -2), '--out', 'uninterrupted'], project, process.env);
    expect(alone.code, alone.stderr).toBe(0);
    expect(metrics(join(project, 'killed'))).toEqual(metrics(join(project, 'uninterrupted')));
  }, 240_000);

  it('tells a worker without a token that the server refused it', async () => {
    const result = await run(['worker', '--nats', server.url, '--backend', 'cpu'], project, { ...process.env, PPO_NATS_TOKEN: '' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/authorization/i);
  }, 240_000);
});
