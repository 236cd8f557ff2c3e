import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '@ppo/nets';
import type { Callback } from './callbacks';
import { MemoryLogger } from './loggers';
import { NonFiniteError, PPO } from './ppo';
import { latestCheckpointDir, readCheckpoint, readMetrics, RUN_LAYOUT } from './run-files';
import { runTraining } from './runner';
import { multiBinaryEnv, multiDiscreteEnv, nanEnv } from './test-envs';
import type { PPOConfig } from './config';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ppo-trainer-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Metric records with the wall-clock ones (SPS) dropped: those are the only ones allowed to differ. */
function comparable(records: { step: number; metrics: Record<string, number> }[]) {
  return records.map((r) => {
    const { 'charts/SPS': _sps, ...rest } = r.metrics;
    return { step: r.step, metrics: rest };
  });
}

const SHORT: Partial<PPOConfig> = { env: 'CartPole-v1', seed: 3, numEnvs: 2, numSteps: 64, numMinibatches: 2, updateEpochs: 2, totalSteps: 128 * 6 };

describe('PPO on cpu', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('two runs with the same seed give identical metrics and weights; tensor count is flat across updates', async () => {
    const run = async () => {
      const logger = new MemoryLogger();
      const counts: number[] = [];
      const ppo = await PPO.create({ config: SHORT });
      await ppo.train({ loggers: [logger], callbacks: [{ onUpdateEnd: () => void counts.push(tf.memory().numTensors) }] });
      const weights = ppo.actorCritic.trainableVariables.map((v) => Array.from(v.dataSync()));
      await ppo.close();
      return { records: comparable(logger.records), counts, weights };
    };
    const start = tf.memory().numTensors;
    const a = await run();
    const b = await run();
    expect(a.records.length).toBeGreaterThan(6);
    expect(b.records).toEqual(a.records);
    expect(b.weights).toEqual(a.weights);
    expect(a.counts).toHaveLength(6);
    expect(new Set(a.counts).size).toBe(1);
    expect(tf.memory().numTensors).toBe(start);
  });

  // Recurrent policies also carry their per-env state across the kill (in the checkpoint).
  it.each(['mlp', 'lstm', 'gru'] as const)('a %s run killed after a checkpoint and resumed ends bitwise equal to an uninterrupted one', async (policy) => {
    const config = { ...SHORT, checkpointEvery: 2, backend: 'cpu' as const, policy, ...(policy === 'mlp' ? {} : { recurrentHiddenSize: 8, hiddenSizes: [8] }) };
    const full = tempDir();
    await runTraining({ out: join(full, 'run'), config, console: false, handleSignals: false, plot: false });
    const broken = join(tempDir(), 'run');
    // Crash in the middle of update 4 (after checkpoint 2, with actions and episode lines of
    // update 3 already written), as a SIGKILL would leave it.
    const crash: Callback = {
      onRolloutEnd: (context) => {
        if (context.update === 3) throw new Error('simulated kill');
      },
    };
    await expect(runTraining({ out: broken, config, console: false, handleSignals: false, callbacks: [crash], plot: false })).rejects.toThrow('simulated kill');
    expect(readCheckpoint(latestCheckpointDir(broken) as string).meta.counters.update).toBe(2);
    const resumed = await runTraining({ out: broken, resume: true, console: false, handleSignals: false, plot: false });
    expect(resumed.update).toBe(6);
    const a = readCheckpoint(join(full, 'run', RUN_LAYOUT.final));
    const b = readCheckpoint(join(broken, RUN_LAYOUT.final));
    expect(Buffer.from(b.data.buffer).equals(Buffer.from(a.data.buffer))).toBe(true);
    expect(b.meta.rngs).toEqual(a.meta.rngs);
    expect(b.meta.counters).toEqual(a.meta.counters);
    expect(b.meta.components).toEqual(a.meta.components);
    expect(Object.keys(a.meta.components ?? {})).toEqual(policy === 'mlp' ? [] : ['recurrentMemory']);
    expect(comparable(readMetrics(join(broken, RUN_LAYOUT.metrics)))).toEqual(comparable(readMetrics(join(full, 'run', RUN_LAYOUT.metrics))));
    // progress.csv: a row per record of metrics.jsonl, the same as the uninterrupted run's but for the wall-clock speed.
    const csvRows = (dir: string) => {
      const rows = readFileSync(join(dir, RUN_LAYOUT.progress), 'utf8').trim().split('\n');
      const sps = rows[0].split(',').indexOf('charts/SPS');
      return rows.map((row) => row.split(',').filter((_, k) => k !== sps).join(','));
    };
    expect(csvRows(broken)).toHaveLength(readMetrics(join(broken, RUN_LAYOUT.metrics)).length + 1);
    expect(csvRows(broken)).toEqual(csvRows(join(full, 'run')));
  });

  it('an AsyncVectorEnv (worker threads) run gives the same metrics as a SyncVectorEnv run', async () => {
    const runWith = async (vectorEnv: 'sync' | 'async') => {
      const out = join(tempDir(), 'run');
      await runTraining({ out, config: { ...SHORT, totalSteps: 256, vectorEnv, backend: 'cpu' }, console: false, handleSignals: false, plot: false });
      return comparable(readMetrics(join(out, RUN_LAYOUT.metrics)));
    };
    const sync = await runWith('sync');
    expect(await runWith('async')).toEqual(sync);
  });

  it('a NaN observation stops training with an error naming env, step and quantity, after a checkpoint', async () => {
    const out = join(tempDir(), 'run');
    const config = { env: 'nan-test', seed: 1, numEnvs: 2, numSteps: 16, numMinibatches: 2, updateEpochs: 1, totalSteps: 320, checkpointEvery: 1, backend: 'cpu' as const };
    let error: unknown;
    try {
      await runTraining({ out, config, console: false, handleSignals: false, plot: false, makeEnv: (i) => nanEnv(i === 1 ? 40 : 1e9) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NonFiniteError);
    const e = error as NonFiniteError;
    expect(e.quantity).toBe('observation');
    expect(e.envIndex).toBe(1);
    expect(e.globalStep).toBe(80);
    expect(e.message).toBe('non-finite observation in env 1 at step 80: element 1 is NaN');
    const latest = latestCheckpointDir(out);
    expect(latest).not.toBeNull();
    expect(readCheckpoint(latest as string).meta.counters.update).toBe(2);
  });
});

describe('PPO on wasm', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('runs Pendulum-v1 with the mujoco preset: wrappers, normalization state, finite losses', async () => {
    const out = join(tempDir(), 'run');
    const result = await runTraining({
      out,
      preset: 'mujoco',
      config: { env: 'Pendulum-v1', seed: 2, numSteps: 512, numMinibatches: 8, updateEpochs: 2, totalSteps: 1536, checkpointEvery: 1, backend: 'wasm', evalEvery: 3, evalEpisodes: 2 },
      console: false,
      handleSignals: false,
    });
    expect(result.update).toBe(3);
    const records = readMetrics(join(out, RUN_LAYOUT.metrics));
    const updates = records.filter((r) => r.metrics['charts/SPS'] !== undefined);
    expect(updates).toHaveLength(3);
    for (const r of updates) {
      for (const name of ['losses/policy_loss', 'losses/value_loss', 'losses/entropy', 'losses/approx_kl', 'losses/explained_variance']) {
        expect(Number.isFinite(r.metrics[name])).toBe(true);
      }
    }
    // 1536 steps of 200-step episodes: 7 episodes with raw (unnormalized) returns.
    const returns = records.map((r) => r.metrics['charts/episodic_return']).filter((x) => x !== undefined);
    expect(returns).toHaveLength(7);
    for (const r of returns) expect(r).toBeLessThan(0);
    const evaluation = records.find((r) => r.metrics['eval/mean_return'] !== undefined);
    expect(evaluation?.metrics['eval/mean_return']).toBeLessThan(0);
    const meta = readCheckpoint(join(out, RUN_LAYOUT.final)).meta;
    expect((meta.normalization.observation as { count: number }).count).toBeGreaterThan(1536);
    expect((meta.normalization.reward as { count: number }).count).toBeGreaterThan(1536);
    expect(meta.weights.map((w) => w.name).some((n) => n.includes('log_std'))).toBe(true);
  });

  it.each([
    ['multi-discrete', multiDiscreteEnv],
    ['multi-binary', multiBinaryEnv],
  ] as const)('learns a %s action task', async (_name, makeEnv) => {
    const ppo = await PPO.create({
      config: { env: 'match', seed: 1, numEnvs: 4, numSteps: 64, numMinibatches: 4, updateEpochs: 4, totalSteps: 256 * 12, learningRate: 1e-2, entCoef: 0 },
      makeEnv,
    });
    const logger = new MemoryLogger();
    await ppo.train({ loggers: [logger] });
    // Random play scores about 0.42 (multi-discrete) or 0.5 (multi-binary) per step; the optimum is 1.
    expect(ppo.recentReturn / 16).toBeGreaterThan(0.7);
    await ppo.close();
  });

  it('PPO-KL adapts beta, target-KL stops epochs early, and the other switches run', async () => {
    const logger = new MemoryLogger();
    const ppo = await PPO.create({
      config: { ...SHORT, loss: 'kl', klTarget: 0.001, targetKl: 1e-6, learningRate: 1e-2, sharedTorso: true, orthogonalInit: false, bootstrapTruncated: false, annealClip: true, maxGradNorm: null },
    });
    await ppo.train({ loggers: [logger] });
    const updates = logger.records.filter((r) => r.metrics['charts/SPS'] !== undefined).map((r) => r.metrics);
    expect(updates).toHaveLength(6);
    expect(new Set(updates.map((m) => m['charts/kl_beta'])).size).toBeGreaterThan(1);
    expect(updates.every((m) => m['charts/epochs'] === 1)).toBe(true);
    expect(updates[5]['charts/clip_range']).toBeCloseTo(0.2 / 6, 10);
    expect(ppo.actorCritic.shared).toBe(true);
    await ppo.close();
  });

  it('evaluates the deterministic policy with a summary, leaving the training normalization untouched', async () => {
    const ppo = await PPO.create({ config: { ...SHORT, normalizeObservation: true } });
    await ppo.train();
    const before = ppo.checkpoint().meta.normalization;
    const a = await ppo.evaluate({ episodes: 3, seed: 5 });
    const b = await ppo.evaluate({ episodes: 3, seed: 5 });
    expect(a.returns).toEqual(b.returns);
    expect(a.episodes).toBe(3);
    expect(a.min).toBeLessThanOrEqual(a.mean);
    expect(a.max).toBeGreaterThanOrEqual(a.mean);
    expect(ppo.checkpoint().meta.normalization).toEqual(before);
    await expect(ppo.evaluate({ episodes: 0 })).rejects.toThrow(/episodes must be a positive integer, got 0/);
    await ppo.close();
  });
});
