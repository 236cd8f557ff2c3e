/**
 * The built `ppo` in real child processes: real signals, and a real SIGKILL followed by a
 * resume. Needs `pnpm build` first.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from './cli-main';
import { readCheckpoint, readMetrics, RUN_LAYOUT } from './run-files';
import { captureIo } from './test-cli-io';
import { descendants, killTree, latestUpdate, startCli, startedClis } from './test-cli-process';

const root = mkdtempSync(join(tmpdir(), 'ppo-cli-process-'));
afterAll(() => {
  for (const child of startedClis) killTree(child);
  rmSync(root, { recursive: true, force: true });
});

// 24 updates of 2 x 32 steps on the cpu backend: long enough that a signal sent after the
// first progress line arrives mid-run, short enough to resume within seconds.
const small = ['--env', 'CartPole-v1', '--num-envs', '2', '--num-steps', '32', '--num-minibatches', '2', '--update-epochs', '1', '--backend', 'cpu'];

describe('signals', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s after the first progress line writes a checkpoint and exits %i (a SIGINT-stopped run then resumes to the end)', async (signal, exitCode) => {
    const out = join(root, signal);
    let sent = false;
    const run = startCli(['train', ...small, '--total-steps', String(64 * 24), '--seed', '5', '--checkpoint-every', '100', '--out', out], (child, stdout) => {
      if (!sent && /step=\d+/.test(stdout)) {
        sent = true;
        child.kill(signal);
      }
    });
    const stopped = await run.finished;
    expect(sent).toBe(true);
    expect(stopped.code, stopped.stderr).toBe(exitCode);
    expect(stopped.stdout).toMatch(/stopped by signal after a checkpoint: \d+ steps/);
    const update = latestUpdate(out);
    expect(update).toBeGreaterThanOrEqual(1);
    expect(update).toBeLessThan(24);
    expect(readCheckpoint(join(out, RUN_LAYOUT.checkpoints, `update-${String(update).padStart(6, '0')}`)).meta.counters.update).toBe(update);
    expect(existsSync(join(out, RUN_LAYOUT.final))).toBe(false);

    if (signal !== 'SIGINT') return;
    const resumed = await startCli(['train', '--resume', out, '--quiet']).finished;
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/^done: 1536 steps, 24 updates/);
    expect(readCheckpoint(join(out, RUN_LAYOUT.final)).meta.counters.update).toBe(24);
  });
});

describe('SIGKILL', () => {
  it('a run killed after a checkpoint and resumed ends bitwise equal to an uninterrupted one', async () => {
    // 4 envs x 32 steps x 6 updates, a checkpoint every 2 updates.
    const args = ['train', '--env', 'CartPole-v1', '--num-envs', '4', '--num-steps', '32', '--total-steps', String(4 * 32 * 6), '--checkpoint-every', '2', '--seed', '11', '--backend', 'cpu', '--quiet'];
    const whole = join(root, 'whole');
    const killed = join(root, 'killed');
    const uninterrupted = startCli([...args, '--out', whole]);
    const victim = startCli([...args, '--out', killed]);
    // Kill as soon as a checkpoint past the first one is on disk.
    await new Promise<void>((resolve, reject) => {
      const poll = setInterval(() => {
        if (victim.child.exitCode !== null) {
          clearInterval(poll);
          reject(new Error(`the run ended (code ${victim.child.exitCode}) before it could be killed`));
        } else if ((latestUpdate(killed) ?? 0) >= 2) {
          clearInterval(poll);
          victim.child.kill('SIGKILL');
          resolve();
        }
      }, 5);
    });
    expect((await victim.finished).signal).toBe('SIGKILL');
    expect(existsSync(join(killed, RUN_LAYOUT.final))).toBe(false);
    const resumed = await startCli(['train', '--resume', killed, '--quiet']).finished;
    expect(resumed.code, resumed.stderr).toBe(0);
    const reference = await uninterrupted.finished;
    expect(reference.code, reference.stderr).toBe(0);

    const a = readCheckpoint(join(whole, RUN_LAYOUT.final));
    const b = readCheckpoint(join(killed, RUN_LAYOUT.final));
    expect(b.meta.counters).toEqual(a.meta.counters);
    expect(b.meta.counters.update).toBe(6);
    // Bitwise: the bytes of weights, optimizer moments, statistics and generator states.
    expect(Buffer.from(b.data.buffer).equals(Buffer.from(a.data.buffer))).toBe(true);
    // Every metric but the wall-clock speed.
    const withoutSps = (runDir: string) =>
      readMetrics(join(runDir, RUN_LAYOUT.metrics)).map(({ step, metrics: { 'charts/SPS': _sps, ...rest } }) => ({ step, ...rest }));
    const expected = withoutSps(whole);
    expect(expected.length).toBeGreaterThan(6);
    expect(withoutSps(killed)).toEqual(expected);
  });
});

describe('run lock', () => {
  it('a resume while another process trains the run exits 1 naming that process; the run is not touched', async () => {
    const out = join(root, 'locked');
    let started: () => void = () => undefined;
    const training = new Promise<void>((resolve) => (started = resolve));
    const run = startCli(['train', ...small, '--total-steps', String(64 * 24), '--seed', '5', '--checkpoint-every', '100', '--out', out], (_child, stdout) => {
      if (/step=\d+/.test(stdout)) started();
    });
    await training;
    const metricsBefore = readFileSync(join(out, RUN_LAYOUT.metrics));
    // The lock is held by the process that trains: the child process of the `ppo` command.
    const [trainer] = descendants(run.child.pid as number);
    const c = captureIo();
    expect(await main(['train', '--resume', out, '--quiet'], c.io)).toBe(1);
    expect(c.err.join('')).toMatch(new RegExp(`is in use by another process: pid ${trainer} on .* \\(ppo train, since `));
    // The refused resume cut nothing: the log only grew.
    expect(readFileSync(join(out, RUN_LAYOUT.metrics)).subarray(0, metricsBefore.byteLength).equals(metricsBefore)).toBe(true);
    run.child.kill('SIGINT');
    expect((await run.finished).code).toBe(130);
    expect(existsSync(join(out, RUN_LAYOUT.lock))).toBe(false);
  });
});
