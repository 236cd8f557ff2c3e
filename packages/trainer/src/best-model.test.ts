import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectBackend } from '@ppo/nets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bestModelSink, checkBestModelPath } from './best-model';
import { readCheckpoint } from './checkpoint-files';
import type { PPOConfig } from './config';
import { EvaluationCallback } from './evaluation';
import { PPO } from './ppo';
import { readMetrics, RUN_LAYOUT } from './run-files';
import { runTraining } from './runner';

const root = mkdtempSync(join(tmpdir(), 'ppo-best-model-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
beforeAll(async () => {
  await selectBackend('cpu');
});

const tiny: Partial<PPOConfig> = { env: 'CartPole-v1', seed: 3, numEnvs: 2, numSteps: 16, numMinibatches: 2, updateEpochs: 1, totalSteps: 160, evalEvery: 1, evalEpisodes: 2, backend: 'cpu' };
const quiet = { console: false, plot: false, handleSignals: false } as const;

describe('checkBestModelPath', () => {
  it('accepts relative folders inside the run directory', () => {
    expect(checkBestModelPath('best_model')).toBe('best_model');
    expect(checkBestModelPath('models/best/')).toBe(join('models', 'best'));
  });

  it.each([
    ['/tmp/best', /not inside the run directory/],
    ['../best', /not inside the run directory/],
    ['models/../../best', /not inside the run directory/],
    ['..', /not inside the run directory/],
    ['', /must be a non-empty path/],
    ['checkpoints/best', /would take over a name the run writes itself/],
    ['final', /would take over a name the run writes itself/],
    ['config.json', /would take over a name the run writes itself/],
  ])('refuses %j', (path, message) => {
    expect(() => checkBestModelPath(path)).toThrow(message);
  });
});

describe('EvaluationCallback with a best model', () => {
  it('saves after every evaluation that beats all earlier ones, a tie keeping the earlier model', async () => {
    const means = [1, 3, 2, 3, 5, -1];
    let call = 0;
    let update = 0;
    // A stand-in trainer: evaluations return the means above, checkpoints are numbered.
    const ppo = {
      evaluate: () => Promise.resolve({ mean: means[call++], std: 0, min: 0, max: 0, episodes: 1, meanLength: 1, returns: [] }),
      checkpoint: () => ({ meta: { update } }),
    } as unknown as PPO;
    const saved: { update: number; step: number; mean: number }[] = [];
    const callback = new EvaluationCallback(ppo, {
      every: 1,
      bestModel: { save: (checkpoint, best) => (saved.push({ update: (checkpoint.meta as unknown as { update: number }).update, step: best.globalStep, mean: best.result.mean }), `slot-${saved.length}`) },
    });
    for (update = 1; update <= means.length; update++) {
      await callback.onUpdateEnd({ update, globalStep: 100 * update } as never);
    }
    expect(saved).toEqual([
      { update: 1, step: 100, mean: 1 },
      { update: 2, step: 200, mean: 3 },
      { update: 5, step: 500, mean: 5 },
    ]);
    expect(callback.best).toMatchObject({ globalStep: 500, result: { mean: 5 } });
    expect(callback.bestPath).toBe('slot-3');
    expect(() => new EvaluationCallback(ppo, { every: 1, bestModel: {} as never })).toThrow(/bestModel must be a sink with a save\(checkpoint, best\) method/);
  });
});

describe('runTraining with bestModelPath', () => {
  it("keeps the best evaluation's model inside the run directory, as a checkpoint that restores", async () => {
    const out = join(root, 'run');
    await runTraining({ out, config: tiny, bestModelPath: 'best_model', ...quiet });
    const evaluations = readMetrics(join(out, RUN_LAYOUT.metrics)).filter((r) => r.metrics['eval/mean_return'] !== undefined);
    expect(evaluations.length).toBeGreaterThan(2);
    // The first evaluation with the highest mean.
    const best = evaluations.reduce((a, b) => (b.metrics['eval/mean_return'] > a.metrics['eval/mean_return'] ? b : a));
    const checkpoint = readCheckpoint(join(out, 'best_model'));
    expect(checkpoint.meta.counters.globalStep).toBe(best.step);
    const restored = await PPO.restore(checkpoint, null);
    expect(restored.globalStep).toBe(best.step);
    await restored.close();
  });

  it('refuses a path out of the run directory, a link out of it, and a run without evaluations, writing nothing', async () => {
    const out = join(root, 'refused');
    await expect(runTraining({ out, config: tiny, bestModelPath: '../elsewhere', ...quiet })).rejects.toThrow(/not inside the run directory/);
    await expect(runTraining({ out, config: { ...tiny, evalEvery: 0 }, bestModelPath: 'best_model', ...quiet })).rejects.toThrow(/`bestModelPath` keeps the model of the best evaluation, but the config runs none/);
    expect(existsSync(out)).toBe(false);
    const linked = join(root, 'linked');
    const outside = join(root, 'outside');
    mkdirSync(linked);
    mkdirSync(outside);
    symlinkSync(outside, join(linked, 'best_model'));
    expect(() => bestModelSink(linked, 'best_model').save({} as never, {} as never)).toThrow(/is a symbolic link to .*outside, outside/);
    expect(existsSync(join(outside, 'manifest.json'))).toBe(false);
  });
});
