/**
 * The built `ppo` with an env that hangs, sync and async: a real SIGINT or SIGTERM still ends
 * the run within seconds with the last checkpoint intact, a second signal ends it at once, and
 * the env timeouts name the env and the call. Needs `pnpm build` first.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { latestCheckpointDir, readCheckpoint } from './run-files';
import { alive, descendants, killTree, latestUpdate, startCli, startedClis, type Finished } from './test-cli-process';

const root = mkdtempSync(join(tmpdir(), 'ppo-cli-hang-'));
afterAll(() => {
  for (const child of startedClis) killTree(child);
  rmSync(root, { recursive: true, force: true });
});

const HANG_MODULE = fileURLToPath(new URL('./test-hang-env-module.mjs', import.meta.url));

// 2 envs x 8 steps per update, a checkpoint after every update; each env's step 41 never
// returns, so updates 1 to 5 complete and the rollout of update 6 hangs at its first step.
function hangingRun(out: string, extra: string[] = [], envOptions = '{"hangAfter":40}'): string[] {
  return [
    'train', '--env', 'TestHang-v0', '--env-modules', HANG_MODULE, '--env-options', envOptions, '--num-envs', '2', '--num-steps', '8',
    '--num-minibatches', '1', '--update-epochs', '1', '--total-steps', '1600', '--checkpoint-every', '1', '--backend', 'cpu', '--quiet',
    '--out', out, ...extra,
  ];
}
const LAST_GOOD_UPDATE = 5;

/** Resolves once the run's latest checkpoint is `update`; rejects if the CLI ends first. */
function checkpointReached(child: ChildProcess, out: string, update: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const poll = setInterval(() => {
      if (child.exitCode !== null || child.signalCode !== null) {
        clearInterval(poll);
        reject(new Error(`the CLI ended (code ${String(child.exitCode)}) before checkpoint ${update}`));
      } else if (latestUpdate(out) === update) {
        clearInterval(poll);
        resolve();
      }
    }, 20);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Generous for a busy machine: the grace period is 5 s.
const EXIT_BOUND_MS = 20_000;

/** The CLI's end, or a rejection naming what was sent if it is still running after the bound. */
async function endsWithinBound(finished: Promise<Finished>, what: string): Promise<Finished> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`ppo train still runs ${EXIT_BOUND_MS} ms after ${what}`)), EXIT_BOUND_MS);
  });
  try {
    return await Promise.race([finished, bound]);
  } finally {
    clearTimeout(timer);
  }
}

/** Starts a hanging run and resolves once it hangs: past its last good checkpoint, with its processes listed. */
async function startHanging(out: string, extra: string[] = []) {
  const run = startCli(hangingRun(out, extra));
  await checkpointReached(run.child, out, LAST_GOOD_UPDATE);
  // The next step hangs right after the checkpoint; give it a moment to be inside it.
  await sleep(300);
  const tree = descendants(run.child.pid as number);
  expect(tree.length).toBeGreaterThanOrEqual(1);
  return { ...run, tree };
}

function expectLastCheckpointIntact(out: string): void {
  expect(latestUpdate(out)).toBe(LAST_GOOD_UPDATE);
  const checkpoint = readCheckpoint(latestCheckpointDir(out) as string);
  expect(checkpoint.meta.counters.update).toBe(LAST_GOOD_UPDATE);
  expect(checkpoint.meta.counters.globalStep).toBe(LAST_GOOD_UPDATE * 16);
}

describe('a signal ends a run whose env hangs', () => {
  it.each([
    ['sync', 'SIGINT', 130],
    ['async', 'SIGTERM', 143],
  ] as const)('%s env, %s: ends after the grace period, exit %i, processes gone, last checkpoint intact', async (vectorEnv, signal, exitCode) => {
    const out = join(root, `${vectorEnv}-${signal}`);
    const run = await startHanging(out, ['--vector-env', vectorEnv]);
    run.child.kill(signal);
    const end = await endsWithinBound(run.finished, signal);
    expect(end.code, end.stderr).toBe(exitCode);
    expect(end.stderr).toContain(
      `ppo: stopped by ${signal}: the training process was ended because it did not stop within 5000 ms; the last checkpoint on disk is kept (ppo train --resume ${out} continues from it)`,
    );
    for (const pid of run.tree) expect(alive(pid), `process ${pid} of the run`).toBe(false);
    expectLastCheckpointIntact(out);
    if (vectorEnv !== 'async') return;
    // The killed run resumes (its lock is stale): it replays to the checkpoint and reaches the same hang, which a timeout now ends.
    const resumed = await endsWithinBound(startCli(['train', '--resume', out, '--trust-run-modules', '--quiet', '--env-timeout-ms', '1000']).finished, 'the resume');
    expect(resumed.code).toBe(1);
    expect(resumed.stderr).toContain('did not return from step within 1000 ms');
    expectLastCheckpointIntact(out);
  });

  it('a second signal ends it at once, long before a grace period of 10 minutes', async () => {
    const out = join(root, 'second-signal');
    const run = await startHanging(out, ['--stop-grace-ms', '600000']);
    run.child.kill('SIGINT');
    await sleep(500);
    expect(run.child.exitCode).toBeNull();
    run.child.kill('SIGTERM');
    const end = await endsWithinBound(run.finished, 'a second signal');
    expect(end.code, end.stderr).toBe(130);
    expect(end.stderr).toContain('ppo: stopped by SIGINT: the training process was ended because a second signal came');
    for (const pid of run.tree) expect(alive(pid), `process ${pid} of the run`).toBe(false);
    expectLastCheckpointIntact(out);
  });
});

describe('env timeouts from the command line', () => {
  it('--env-timeout-ms fails the run naming the env and the call, keeps the last checkpoint, and --resume continues from it', async () => {
    const out = join(root, 'step-timeout');
    const end = await endsWithinBound(startCli(hangingRun(out, ['--vector-env', 'async', '--env-timeout-ms', '1000'])).finished, 'the step timeout');
    expect(end.code).toBe(1);
    expect(end.stderr).toContain('ppo: AsyncVectorEnv.step: env 0 (TestHang-v0) did not return from step within 1000 ms (worker 0, envs 0..0)');
    expectLastCheckpointIntact(out);
    // The resumed run replays the 40 good steps of each env and reaches the same hang.
    const resumed = await endsWithinBound(startCli(['train', '--resume', out, '--trust-run-modules', '--quiet', '--env-timeout-ms', '1000']).finished, 'the step timeout on resume');
    expect(resumed.code).toBe(1);
    expect(resumed.stderr).toContain('did not return from step within 1000 ms');
    expectLastCheckpointIntact(out);
  });

  it('--env-start-timeout-ms fails a run whose env constructor hangs, naming the env, before anything is written', async () => {
    const out = join(root, 'make-timeout');
    const run = startCli(hangingRun(out, ['--vector-env', 'async', '--env-start-timeout-ms', '3000'], '{"hangInMake":true}'));
    const end = await endsWithinBound(run.finished, 'the start timeout');
    expect(end.code).toBe(1);
    expect(end.stderr).toMatch(/ppo: AsyncVectorEnv\.create: env [01] \(TestHang-v0\) did not return from make within 3000 ms \(startTimeoutMs\)/);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses the timeouts with a sync vector env, where they cannot be enforced', async () => {
    const end = await startCli(hangingRun(join(root, 'sync-timeout'), ['--env-timeout-ms', '1000'])).finished;
    expect(end.code).toBe(2);
    expect(end.stderr).toContain('ppo: --env-timeout-ms and --env-start-timeout-ms need --vector-env async');
  });
});

describe('the result crosses from the training process intact', () => {
  it("a resume without consent to import the run's env modules exits 2 with the consent message alone", async () => {
    const out = join(root, 'consent');
    const made = await startCli(hangingRun(out, [], '{}').map((arg) => (arg === '1600' ? '32' : arg))).finished;
    expect(made.code, made.stderr).toBe(0);
    const end = await startCli(['train', '--resume', out, '--quiet']).finished;
    expect(end.code).toBe(2);
    expect(end.stderr).toMatch(/^ppo: this run names env modules, which are code and are only imported with your consent: /);
    expect(end.stderr).not.toContain('Usage:');
  });

  it('prints a run that finished no episode (a NaN mean return) as NaN', async () => {
    const out = join(root, 'no-episode');
    const end = await startCli(['train', '--env', 'CartPole-v1', '--num-envs', '1', '--num-steps', '8', '--num-minibatches', '1', '--total-steps', '8', '--backend', 'cpu', '--quiet', '--out', out]).finished;
    expect(end.code, end.stderr).toBe(0);
    expect(end.stdout).toMatch(/^done: 8 steps, 1 updates in \d+\.\d s on cpu; mean return of the last 20 episodes NaN$/m);
  });
});
