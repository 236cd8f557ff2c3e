import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { RmsProp } from '@ppo/core';
import { registerMinAtarEnvs } from '@ppo/envs-minatar';
import { selectBackend } from '@ppo/nets';
import { PPO, PRESETS, type CallbackContext } from '@ppo/trainer';
import { evaluateRun, exportRun, readCheckpoint, readMetrics, RUN_LAYOUT, runTraining } from '@ppo/trainer/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainA2C } from './a2c';
import { A2CObjective } from './a2c-objective';
import { a2cSetup, CLASSIC_A2C, MINATAR_A2C } from './a2c-setup';

const root = mkdtempSync(join(tmpdir(), 'a2c-setup-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a2cSetup', () => {
  beforeAll(async () => {
    registerMinAtarEnvs();
    await selectBackend('cpu');
  });

  it("gives MinAtar RL Zoo's Atari settings on the minatar preset's network, CartPole SB3's defaults", async () => {
    const setup = a2cSetup({ envId: 'MinAtar/Breakout-v0', seed: 4, totalSteps: 5_000_000 });
    expect(setup.preset).toBe('minatar');
    // vf_coef 0.25 on the plain MSE is 0.5 on core's 0.5 * MSE.
    expect(setup.settings).toEqual({ ...MINATAR_A2C });
    expect(MINATAR_A2C).toMatchObject({ numEnvs: 16, numSteps: 5, learningRate: 7e-4, vfCoef: 0.5, entCoef: 0.01, gaeLambda: 1, maxGradNorm: 0.5, rmspropAlpha: 0.99, rmspropEps: 1e-5 });
    expect(setup.config).toMatchObject({ numEnvs: 16, numSteps: 5, learningRate: 7e-4, annealLr: false, updateEpochs: 1, numMinibatches: 1, totalSteps: 5_000_000 });
    expect(setup.components.objective).toBeInstanceOf(A2CObjective);
    const ppo = await PPO.create({ preset: setup.preset, config: { ...setup.config, checkpointEvery: 0 }, components: setup.components });
    // The network is the PPO preset's: the conv torso, shared, unscaled 0/1 inputs.
    const { torso, sharedTorso, observationScale } = PRESETS.minatar;
    expect(ppo.config).toMatchObject({ torso, sharedTorso, observationScale });
    expect(ppo.actorCritic.trainableVariables.some((v) => v.shape.length === 4)).toBe(true);
    expect(ppo.optimizer).toBeInstanceOf(RmsProp);
    await ppo.close();
    const cartpole = a2cSetup({ envId: 'CartPole-v1', seed: 1, totalSteps: 10, settings: { entCoef: 0.1 } });
    expect(cartpole.preset).toBeUndefined();
    expect(cartpole.settings).toEqual({ ...CLASSIC_A2C, entCoef: 0.1 });
    // At least one rollout of 8 x 5 steps.
    expect(cartpole.config.totalSteps).toBe(40);
  });

  it('trains on a MinAtar game from trainA2C: finite losses, whole rollouts of 16 x 5, no early stop, no tensors left', async () => {
    const before = tf.memory().numTensors;
    const result = await trainA2C({ envId: 'MinAtar/Breakout-v0', totalSteps: 400, seed: 2 });
    expect(result.updates).toBe(5);
    expect(result.step).toBe(400);
    for (const x of [result.loss, result.policyLoss, result.valueLoss, result.entropy]) expect(Number.isFinite(x)).toBe(true);
    // Six actions: the entropy lies in (0, ln 6].
    expect(result.entropy).toBeGreaterThan(0);
    expect(result.entropy).toBeLessThanOrEqual(Math.log(6) + 1e-6);
    expect(result.solved).toBe(false);
    expect(result.stepsToSolve).toBeNull();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('runs through runTraining and resumes bitwise (weights, RMSprop state, metrics) when stopped after update 2', async () => {
    const run = (out: string, extra: { resume?: boolean; stopAt?: number } = {}) => {
      const setup = a2cSetup({ envId: 'MinAtar/Breakout-v0', seed: 3, totalSteps: 4 * 80 });
      const stop = { onUpdateEnd: (context: CallbackContext) => (context.update === extra.stopAt ? context.stop() : undefined) };
      return runTraining({
        out, preset: setup.preset, config: { ...setup.config, checkpointEvery: 1, backend: 'cpu' }, components: setup.components,
        resume: extra.resume, callbacks: [stop], console: false, plot: false, handleSignals: false,
      });
    };
    const straight = join(root, 'straight');
    expect((await run(straight)).update).toBe(4);
    const stopped = join(root, 'stopped');
    expect((await run(stopped, { stopAt: 2 })).update).toBe(2);
    expect((await run(stopped, { resume: true })).update).toBe(4);
    const [a, b] = [straight, stopped].map((dir) => readCheckpoint(join(dir, RUN_LAYOUT.final)));
    expect(Buffer.from(b.data.buffer).equals(Buffer.from(a.data.buffer))).toBe(true);
    expect(b.meta.components).toEqual(a.meta.components);
    expect(Object.keys(a.meta.components ?? {})).toContain('optimizer');
    const metrics = (dir: string) => readMetrics(join(dir, RUN_LAYOUT.metrics)).map((r) => [r.step, r.metrics['losses/loss'], r.metrics['charts/episodic_return']]);
    expect(metrics(stopped)).toEqual(metrics(straight));
  });

  it("a run's directory is evaluated and exported by the ppo commands' functions without A2C's components", async () => {
    const makeSetup = () => a2cSetup({ envId: 'MinAtar/Breakout-v0', seed: 5, totalSteps: 2 * 80 });
    const setup = makeSetup();
    const out = join(root, 'eval');
    await runTraining({ out, preset: setup.preset, config: { ...setup.config, backend: 'cpu' }, components: setup.components, console: false, plot: false, handleSignals: false });
    const start = tf.memory().numTensors;
    const evaluation = await evaluateRun(out, { episodes: 3, backend: 'cpu' });
    // The same policy restored with the run's own components acts the same.
    const checkpoint = readCheckpoint(join(out, RUN_LAYOUT.final));
    const withComponents = await PPO.restore(checkpoint, null, { components: makeSetup().components });
    expect(await withComponents.evaluate({ episodes: 3 })).toEqual(evaluation);
    await withComponents.close();
    expect(evaluation.returns).toHaveLength(3);
    const exported = await exportRun(out, { out: join(root, 'eval-export') });
    expect(exported.policy.source.globalStep).toBe(checkpoint.meta.counters.globalStep);
    expect(tf.memory().numTensors).toBe(start);
  });
});
