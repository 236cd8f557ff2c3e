import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClipPpoObjective, RmsProp, type LossResult, type Objective, type ObjectiveBatch, type ObjectiveContext } from '@ppo/core';
import { make, register } from '@ppo/envs';
import { monteCarloEstimator } from '@ppo/gae';
import { selectBackend } from '@ppo/nets';
import type { Checkpoint } from './checkpoint';
import type { PPOConfig } from './config';
import { MemoryLogger } from './loggers';
import { PPO, type PPOComponents } from './ppo';
import { MemorySink } from './test-memory-sink';
import { LinearSoftmaxPolicy } from './test-policies';

const SHORT: Partial<PPOConfig> = { env: 'CartPole-v1', seed: 4, numEnvs: 2, numSteps: 32, numMinibatches: 2, updateEpochs: 2, totalSteps: 64 * 5, checkpointEvery: 1 };

/** PPO-Clip plus a stateful extra: a running count of minibatches it has scored, logged and checkpointed. */
class CountingObjective implements Objective {
  calls = 0;
  private readonly inner = new ClipPpoObjective({ clipRange: 0.2, entCoef: 0.01 });
  compute(batch: ObjectiveBatch, context: ObjectiveContext): LossResult {
    this.calls += 1;
    const { loss, metrics } = this.inner.compute(batch, context);
    return { loss, metrics: { ...metrics, scoredMinibatches: tf.scalar(this.calls) } };
  }
  getState() {
    return { calls: this.calls, marks: new Float64Array([this.calls / 3]) };
  }
  setState(state: { calls: number; marks: Float64Array }) {
    if (state.marks[0] !== state.calls / 3) throw new RangeError('marks do not match calls');
    this.calls = state.calls;
  }
}

function components(): PPOComponents {
  return {
    policy: (spec) => {
      expect(spec.actionSpace).toEqual({ type: 'discrete', n: 2, start: 0 });
      return new LinearSoftmaxPolicy(spec.observationSize, 2, spec.seed);
    },
    objective: new CountingObjective(),
    optimizer: (variables) => new RmsProp(variables, { alpha: 0.99, epsilon: 1e-5 }),
    advantageEstimator: monteCarloEstimator({ gamma: 0.99 }),
  };
}

describe('PPO with custom components on cpu', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('trains with a hand-written policy, objective, optimizer and estimator, logs their metrics and resumes bitwise', async () => {
    const start = tf.memory().numTensors;
    const full = new MemorySink();
    const logger = new MemoryLogger();
    const ppo = await PPO.create({ config: SHORT, components: components() });
    expect(() => ppo.actorCritic).toThrow(/custom policy component/);
    await ppo.train({ checkpoints: full, loggers: [logger] });
    await ppo.close();
    const updates = logger.records.filter((r) => r.metrics['charts/update'] !== undefined);
    expect(updates.map((r) => r.metrics['losses/scored_minibatches'])).toEqual([4, 8, 12, 16, 20]);
    // Only what the objective reports is logged: no hyperparameters hook, no clip range.
    expect(updates.every((r) => r.metrics['charts/clip_range'] === undefined && Number.isFinite(r.metrics['losses/approx_kl']))).toBe(true);
    expect(tf.memory().numTensors).toBe(start);

    const middle = full.checkpoints.find((c) => c.meta.counters.update === 2) as Checkpoint;
    expect(middle.meta.adamM).toEqual([]);
    expect(Object.keys(middle.meta.components ?? {}).sort()).toEqual(['objective', 'optimizer']);
    // The checkpoint is JSON: the restored states come from text, as from a file.
    const fromText: Checkpoint = { meta: JSON.parse(JSON.stringify(middle.meta)) as Checkpoint['meta'], data: middle.data };
    const rest = new MemorySink();
    const restoredComponents = components();
    const resumed = await PPO.restore(fromText, full.actionLog, { components: restoredComponents });
    expect((restoredComponents.objective as CountingObjective).calls).toBe(8);
    expect(resumed.optimizer.step).toBe(8);
    await resumed.train({ checkpoints: rest });
    await resumed.close();
    expect(rest.last.meta.counters).toEqual(full.last.meta.counters);
    expect(Buffer.from(rest.last.data.buffer).equals(Buffer.from(full.last.data.buffer))).toBe(true);
    expect(rest.last.meta.components).toEqual(full.last.meta.components);
    expect(tf.memory().numTensors).toBe(start);

    // Restoring without the custom optimizer is refused by name, not silently restarted.
    await expect(PPO.restore(fromText, full.actionLog, { components: { ...components(), optimizer: undefined } })).rejects.toThrow(
      /checkpoint holds the state of a custom optimizer component: pass the components the run was created with to PPO\.restore/,
    );
    // Acting needs the policy only: restorePolicy skips the optimizer's, objective's and estimator's state.
    const withAll = await PPO.restore(fromText, null, { components: components() });
    const policyOnly = await PPO.restorePolicy(fromText, { components: { policy: components().policy } });
    const weights = (p: PPO) => p.policy.trainableVariables.map((v) => Array.from(v.dataSync()));
    const fresh = await PPO.create({ config: SHORT, components: components() });
    const initial = weights(fresh);
    await fresh.close();
    expect(weights(policyOnly)).toEqual(weights(withAll));
    expect(weights(policyOnly)).not.toEqual(initial);
    expect(await policyOnly.evaluate({ episodes: 2 })).toEqual(await withAll.evaluate({ episodes: 2 }));
    await expect(policyOnly.train()).rejects.toThrow(/cannot train: this trainer was rebuilt by PPO\.restorePolicy/);
    expect(() => policyOnly.checkpoint()).toThrow(/cannot checkpoint: this trainer was rebuilt by PPO\.restorePolicy/);
    await Promise.all([withAll.close(), policyOnly.close()]);
    const plain = await PPO.create({ config: SHORT });
    const adamCheckpoint = plain.checkpoint();
    await plain.close();
    await expect(PPO.restore(adamCheckpoint, null, { components: components() })).rejects.toThrow(/checkpoint holds no state for the custom (optimizer|objective) component/);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('rejects config fields that a component replaces or that PPO.create does not use', async () => {
    await expect(PPO.create({ config: { ...SHORT, backend: 'wasm' } })).rejects.toThrow(/config\.backend: PPO\.create does not use it \(PPO runs on the active tfjs backend/);
    await expect(PPO.create({ config: { ...SHORT, vectorEnv: 'async' } })).rejects.toThrow(/config\.vectorEnv: PPO\.create builds a sync vector env unless makeVectorEnv is given/);
    await expect(PPO.create({ config: { ...SHORT, envModules: ['./x.mjs'] } })).rejects.toThrow(/config\.envModules/);
    await expect(PPO.create({ config: { ...SHORT, evalEvery: 2 } })).rejects.toThrow(/config\.evalEvery/);
    await expect(PPO.create({ config: { ...SHORT, hiddenSizes: [32] }, components: components() })).rejects.toThrow(/config\.hiddenSizes: is not used with a custom policy component/);
    await expect(PPO.create({ config: { ...SHORT, clipCoef: 0.1 }, components: { objective: new CountingObjective() } })).rejects.toThrow(/config\.clipCoef: is not used with a custom objective/);
    await expect(PPO.create({ config: { ...SHORT, gaeLambda: 0.9 }, components: { advantageEstimator: monteCarloEstimator({ gamma: 0.99 }) } })).rejects.toThrow(/config\.gaeLambda/);
    // Defaults spelled out are accepted.
    const ppo = await PPO.create({ config: { ...SHORT, backend: 'auto', vectorEnv: 'sync' } });
    await ppo.close();
  });

  it("judges a replaced field against the preset the config resolves to: the env's recommended one without `preset`", async () => {
    register('RecommendsMujoco-v0', () => make('CartPole-v1'), { recommendedPreset: 'mujoco' });
    const config = { ...SHORT, env: 'RecommendsMujoco-v0', numEnvs: 1, numSteps: 64, totalSteps: 64 };
    const objective = () => ({ objective: new ClipPpoObjective() });
    // mujoco's entCoef is 0: setting it to that changes nothing, setting classic's 0.01 does.
    const ppo = await PPO.create({ config: { ...config, entCoef: 0 }, components: objective() });
    expect(ppo.config.entCoef).toBe(0);
    await ppo.close();
    await expect(PPO.create({ config: { ...config, entCoef: 0.01 }, components: objective() })).rejects.toThrow(/config\.entCoef: is not used with a custom objective/);
    await expect(PPO.create({ preset: 'classic', config: { ...config, entCoef: 0 }, components: objective() })).rejects.toThrow(/config\.entCoef/);
  });
});
