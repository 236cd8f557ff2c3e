import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register } from '@ppo/envs';
import { ActorCritic, selectBackend } from '@ppo/nets';
import { loadWeights } from '@ppo/nets/node';
import { exportRun } from './export-run';
import { POLICY_FILE, type ExportedPolicy } from './policy-export';
import type { Checkpoint } from './checkpoint';
import type { PPOConfig } from './config';
import { MemoryLogger } from './loggers';
import { PPO } from './ppo';
import { runTraining } from './runner';
import { readCheckpoint, RUN_LAYOUT } from './run-files';
import { MemorySink } from './test-memory-sink';
import { ImageEnv } from './test-envs';

const IMAGE: Partial<PPOConfig> = {
  env: 'image-test', seed: 5, numEnvs: 2, numSteps: 32, numMinibatches: 2, updateEpochs: 2, totalSteps: 64 * 4,
  torso: 'nature-cnn', sharedTorso: true, learningRate: 1e-3, checkpointEvery: 2,
};

const dir = mkdtempSync(join(tmpdir(), 'ppo-cnn-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('PPO with the Nature-CNN torso', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('trains on [10, 10, 2] images without leaking tensors, and resumes bitwise from a checkpoint', async () => {
    const start = tf.memory().numTensors;
    const counts: number[] = [];
    const logger = new MemoryLogger();
    const full = new MemorySink();
    const ppo = await PPO.create({ config: IMAGE, makeEnv: () => new ImageEnv() });
    expect(Object.keys(ppo.actorCritic.variables)).toContain('torso/conv0/kernel');
    expect(ppo.actorCritic.shared).toBe(true);
    await ppo.train({ loggers: [logger], checkpoints: full, callbacks: [{ onUpdateEnd: () => void counts.push(tf.memory().numTensors) }] });
    await ppo.close();
    expect(counts).toHaveLength(4);
    expect(new Set(counts).size).toBe(1);
    expect(tf.memory().numTensors).toBe(start);
    for (const r of logger.records.filter((x) => x.metrics['charts/update'] !== undefined)) {
      expect(Number.isFinite(r.metrics['losses/value_loss'])).toBe(true);
    }

    // Resume from the update-2 checkpoint, replaying the first two rollouts' actions.
    const middle = full.checkpoints.find((c) => c.meta.counters.update === 2) as Checkpoint;
    const rest = new MemorySink();
    const resumed = await PPO.restore(middle, full.actionLog, { makeEnv: () => new ImageEnv() });
    await resumed.train({ checkpoints: rest });
    await resumed.close();
    const a = full.last;
    const b = rest.last;
    expect(b.meta.counters).toEqual(a.meta.counters);
    expect(Buffer.from(b.data.buffer).equals(Buffer.from(a.data.buffer))).toBe(true);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('orthogonalInit false gives conv filters PyTorch default bounds, 1/sqrt(k * k * cIn)', async () => {
    const ppo = await PPO.create({ config: { ...IMAGE, orthogonalInit: false }, makeEnv: () => new ImageEnv() });
    const filter = ppo.actorCritic.variables['torso/conv0/kernel'];
    expect(filter.shape).toEqual([3, 3, 2, 16]);
    const values = Array.from(filter.dataSync());
    const bound = 1 / Math.sqrt(3 * 3 * 2);
    expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(bound);
    // Uniform on [-b, b]: the largest of 288 draws is within 10% of b (fails with odds 0.9^288).
    expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(0.9 * bound);
    await ppo.close();
  });

  it('exports a policy that rebuilds the Nature-CNN network from policy.json', async () => {
    register('PpoCnnTestImage-v0', () => new ImageEnv());
    const out = join(dir, 'run');
    await runTraining({ out, config: { ...IMAGE, env: 'PpoCnnTestImage-v0', totalSteps: 64, observationScale: 0.5, backend: 'cpu' }, console: false, handleSignals: false, plot: false });
    const { out: exported } = await exportRun(out);
    const policy = JSON.parse(readFileSync(join(exported, POLICY_FILE), 'utf8')) as ExportedPolicy;
    expect(policy.actorCritic).toMatchObject({ torso: 'nature-cnn', observationShape: [10, 10, 2], inputScale: 0.5, shared: true });
    const network = new ActorCritic({ ...policy.actorCritic, seed: 99 });
    await loadWeights(exported, network);
    const restored = await PPO.restore(readCheckpoint(join(out, RUN_LAYOUT.final)), null);
    const observations = Float32Array.from({ length: 4 * 200 }, (_, k) => (k % 7) / 7);
    expect(Array.from(network.predictValues(observations, 4))).toEqual(Array.from(restored.actorCritic.predictValues(observations, 4)));
    network.dispose();
    await restored.close();
  });
});
