/**
 * Crash points, after SQLite's crash tests and ALICE: a run killed just before any one of its
 * file operations must resume (and export) to exactly the result of an uninterrupted run, or
 * be refused with a clear message and then start over to that result.
 *
 * Every operation is covered without a process per point: the disk a kill before operation k
 * leaves is the disk an uninterrupted run has just before operation k (SIGKILL loses nothing
 * the kernel holds), so one run snapshots its directory before each operation and each
 * snapshot is resumed. A few points are also checked with a real SIGKILL
 * (PPO_TEST_CRASH_AT=k in a child process of the built CLI), which must leave the same files
 * as the snapshot.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { selectBackend } from '@ppo/nets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallbackContext } from './callbacks';
import { exportRun } from './export-run';
import { CRASH_AT_VARIABLE, watchFileOperations } from './file-ops';
import { RUN_LAYOUT } from './run-files';
import { runTraining } from './runner';
import { builtCli } from './test-cli-io';
import { QUIET, runResult, TINY_RUN } from './test-runs';

const root = mkdtempSync(join(tmpdir(), 'ppo-crash-points-'));
afterAll(() => {
  watchFileOperations(null);
  rmSync(root, { recursive: true, force: true });
});

interface Operation {
  readonly operation: string;
  readonly path: string;
}

/** Runs `action` with a snapshot of `runDir` taken (into `into/<k>`) before each file operation k; returns the operations. */
async function withSnapshots(runDir: string, into: string, action: () => Promise<unknown>): Promise<Operation[]> {
  const operations: Operation[] = [];
  mkdirSync(into, { recursive: true });
  watchFileOperations((_index, operation, path) => {
    operations.push({ operation, path: relative(runDir, path) });
    const snapshot = join(into, String(operations.length));
    mkdirSync(snapshot);
    if (existsSync(runDir)) cpSync(runDir, join(snapshot, 'run'), { recursive: true, verbatimSymlinks: true });
  });
  try {
    await action();
  } finally {
    watchFileOperations(null);
  }
  return operations;
}

/** The run directory of snapshot k. */
function snapshotRun(into: string, k: number): string {
  return join(into, String(k), 'run');
}

/**
 * What every crash point must end as: resumed (or, when the kill left no run, refused and
 * started over), then exported; returns how the point was recovered.
 */
async function recover(runDir: string): Promise<'resumed' | 'started over'> {
  let how: 'resumed' | 'started over' = 'resumed';
  if (existsSync(join(runDir, RUN_LAYOUT.config))) {
    await runTraining({ out: runDir, resume: true, plot: false, ...QUIET });
  } else {
    // Killed before config.json existed: there is no run to resume, and resume says so.
    await expect(runTraining({ out: runDir, resume: true, ...QUIET })).rejects.toThrow(/cannot resume .*: (it does not exist|it holds no run \(no config\.json\))/);
    await runTraining({ out: runDir, config: TINY_RUN, plot: false, ...QUIET });
    how = 'started over';
  }
  await exportRun(runDir, { onNotice: () => undefined });
  return how;
}

/** Names in a directory tree, with process ids replaced, for comparing two crashed runs. */
function tree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const names: string[] = [];
  const walk = (at: string) => {
    for (const name of readdirSync(at).sort()) {
      const path = join(at, name);
      names.push(relative(dir, path).replace(/\.(tmp|old|stale)-\d+/g, '.$1-PID'));
      if (statSync(path).isDirectory()) walk(path);
    }
  };
  walk(dir);
  return names.sort();
}

describe('crash points', () => {
  const reference = join(root, 'reference', 'run');
  const trainSnapshots = join(root, 'train');
  const exportSnapshots = join(root, 'export');
  let trainOps: Operation[] = [];
  let exportOps: Operation[] = [];
  let expected: Record<string, string> = {};
  // Two windows the issue names, checked with a real SIGKILL too: after latest.json reached the
  // last update but before final/ was renamed in, and before the first checkpoint.
  let realKills: number[] = [];

  beforeAll(async () => {
    await selectBackend('cpu');
    mkdirSync(join(root, 'reference'));
    trainOps = await withSnapshots(reference, trainSnapshots, () => runTraining({ out: reference, config: TINY_RUN, ...QUIET }));
    exportOps = await withSnapshots(reference, exportSnapshots, () => exportRun(reference, { onNotice: () => undefined }));
    expected = runResult(reference);
    const renameOf = (path: string) => trainOps.findIndex((op) => op.operation === 'rename' && op.path === path) + 1;
    realKills = [renameOf(RUN_LAYOUT.final), renameOf(join(RUN_LAYOUT.checkpoints, 'update-000000'))];
    for (const k of realKills) cpSync(join(trainSnapshots, String(k)), join(root, 'kept', String(k)), { recursive: true, verbatimSymlinks: true });
  });

  it('a kill before any file operation of a training run resumes to the uninterrupted result', async () => {
    const outcomes = { resumed: 0, 'started over': 0 };
    for (let k = 1; k <= trainOps.length; k++) {
      const run = snapshotRun(trainSnapshots, k);
      try {
        outcomes[await recover(run)] += 1;
        expect(runResult(run), `killed before operation ${k} (${trainOps[k - 1].operation} ${trainOps[k - 1].path})`).toEqual(expected);
      } finally {
        rmSync(join(trainSnapshots, String(k)), { recursive: true, force: true });
      }
    }
    // Every operation after config.json is in place leaves a run to resume.
    const configInPlace = trainOps.findIndex((op) => op.operation === 'rename' && op.path === RUN_LAYOUT.config) + 1;
    expect(outcomes['started over']).toBe(configInPlace);
    expect(outcomes.resumed).toBe(trainOps.length - configInPlace);
    console.info(`crash points covered: ${trainOps.length} in training, ${exportOps.length} in export`);
  });

  it('a kill before any file operation of an export leaves the run exportable to the same files', async () => {
    expect(exportOps.length).toBeGreaterThan(5);
    for (let k = 1; k <= exportOps.length; k++) {
      const run = snapshotRun(exportSnapshots, k);
      try {
        await exportRun(run, { onNotice: () => undefined });
        expect(runResult(run), `killed before export operation ${k} (${exportOps[k - 1].operation} ${exportOps[k - 1].path})`).toEqual(expected);
        // No temporary folder of the killed export is left next to the export.
        expect(readdirSync(run).filter((name) => /^export\.(tmp|old)-/.test(name))).toEqual([]);
      } finally {
        rmSync(join(exportSnapshots, String(k)), { recursive: true, force: true });
      }
    }
  });

  it('a kill before any file operation of a resume resumes again to the same result', async () => {
    // A run stopped after its second update (with a final/ of that update), then resumed under snapshots.
    const stopped = join(root, 'stopped', 'run');
    const stopAtTwo = { onUpdateEnd: (context: CallbackContext) => void (context.update === 2 && context.stop()) };
    await runTraining({ out: stopped, config: TINY_RUN, callbacks: [stopAtTwo], ...QUIET });
    const into = join(root, 'resume');
    const resumeOps = await withSnapshots(stopped, into, () => runTraining({ out: stopped, resume: true, ...QUIET }));
    await exportRun(stopped, { onNotice: () => undefined });
    expect(runResult(stopped)).toEqual(expected);
    for (let k = 1; k <= resumeOps.length; k++) {
      const run = snapshotRun(into, k);
      try {
        expect(await recover(run)).toBe('resumed');
        expect(runResult(run), `killed before resume operation ${k} (${resumeOps[k - 1].operation} ${resumeOps[k - 1].path})`).toEqual(expected);
      } finally {
        rmSync(join(into, String(k)), { recursive: true, force: true });
      }
    }
    console.info(`crash points covered in a resume: ${resumeOps.length}`);
  });

  it('a real SIGKILL (PPO_TEST_CRASH_AT) leaves the files of the snapshot, and resumes to the same result', async () => {
    expect(realKills.every((k) => k > 0)).toBe(true);
    const flags = ['--env', 'CartPole-v1', '--seed', '7', '--num-envs', '2', '--num-steps', '8', '--total-steps', '48', '--num-minibatches', '1', '--update-epochs', '1', '--hidden-sizes', '8', '--checkpoint-every', '1', '--backend', 'cpu', '--quiet'];
    const killed = await Promise.all(
      realKills.map(async (k) => {
        const run = join(root, `killed-${k}`);
        const child = spawn(process.execPath, [builtCli(), 'train', ...flags, '--out', run], { env: { ...process.env, [CRASH_AT_VARIABLE]: String(k) }, stdio: 'ignore' });
        const signal = await new Promise<NodeJS.Signals | null>((resolve, reject) => {
          child.on('error', reject);
          child.on('close', (_code, s) => resolve(s));
        });
        return { k, run, signal };
      }),
    );
    for (const { k, run, signal } of killed) {
      expect(signal, `${CRASH_AT_VARIABLE}=${k}`).toBe('SIGKILL');
      // The files of the snapshot before operation k (the lock files hold the child's pid).
      const withoutLock = (names: string[]) => names.filter((name) => !name.startsWith(RUN_LAYOUT.lock));
      expect(withoutLock(tree(run))).toEqual(withoutLock(tree(snapshotRun(join(root, 'kept'), k))));
      await recover(run);
      expect(runResult(run)).toEqual(expected);
    }
  });
});

describe('crash points of a recurrent run', () => {
  it('an LSTM run killed by a real SIGKILL before its second checkpoint lands resumes to the uninterrupted result', async () => {
    await selectBackend('cpu');
    const config = { ...TINY_RUN, policy: 'lstm' as const, recurrentHiddenSize: 8 };
    const reference = join(root, 'lstm-reference');
    const operations: Operation[] = [];
    watchFileOperations((_index, operation, path) => void operations.push({ operation, path: relative(reference, path) }));
    try {
      await runTraining({ out: reference, config, ...QUIET });
    } finally {
      watchFileOperations(null);
    }
    const k = operations.findIndex((op) => op.operation === 'rename' && op.path === join(RUN_LAYOUT.checkpoints, 'update-000002')) + 1;
    expect(k).toBeGreaterThan(0);
    const flags = ['--env', 'CartPole-v1', '--seed', '7', '--num-envs', '2', '--num-steps', '8', '--total-steps', '48', '--num-minibatches', '1', '--update-epochs', '1', '--hidden-sizes', '8', '--checkpoint-every', '1', '--backend', 'cpu', '--policy', 'lstm', '--recurrent-hidden-size', '8', '--quiet'];
    const run = join(root, 'lstm-killed');
    const child = spawn(process.execPath, [builtCli(), 'train', ...flags, '--out', run], { env: { ...process.env, [CRASH_AT_VARIABLE]: String(k) }, stdio: 'ignore' });
    const signal = await new Promise<NodeJS.Signals | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (_code, s) => resolve(s));
    });
    expect(signal).toBe('SIGKILL');
    await runTraining({ out: run, resume: true, plot: false, ...QUIET });
    expect(runResult(run)).toEqual(runResult(reference));
  });
});
