/**
 * The A2C objective on host arrays against its tfjs version (loss, metrics and autodiff
 * gradients), and one full update of the MinAtar network on the fused path against the general
 * one, on the cpu and wasm backends.
 */
import * as tf from '@tensorflow/tfjs';
import { RolloutBuffer } from '@ppo/buffers';
import { hostObjective, RmsProp, type ObjectiveBatch } from '@ppo/core';
import { ActorCritic, selectBackend } from '@ppo/nets';
import { ppoUpdate, type PpoUpdateOptions } from '@ppo/trainer';
import { Rng } from '@ppo/utils';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { A2CObjective } from './a2c-objective';

const N = 40;

/** A minibatch with values and returns of a few units, as MinAtar's rewards give. */
function hostBatch(seed: number) {
  const rng = new Rng(seed);
  const draw = (f: () => number) => Float32Array.from({ length: N }, f);
  return {
    logProbs: draw(() => -rng.uniform(0.05, 3)),
    entropy: draw(() => rng.uniform(0.1, 1.8)),
    values: draw(() => rng.normal(1, 2)),
    oldLogProbs: draw(() => -rng.uniform(0.05, 3)),
    oldValues: draw(() => rng.normal(1, 2)),
    advantages: draw(() => rng.normal(0, 1.5)),
    returns: draw(() => rng.normal(1, 2)),
    size: N,
  };
}

const tensorsOf = (b: ReturnType<typeof hostBatch>): ObjectiveBatch => ({
  logProbs: tf.tensor1d(b.logProbs), entropy: tf.tensor1d(b.entropy), values: tf.tensor1d(b.values), oldLogProbs: tf.tensor1d(b.oldLogProbs),
  oldValues: tf.tensor1d(b.oldValues), advantages: tf.tensor1d(b.advantages), returns: tf.tensor1d(b.returns),
});

const close = (actual: number, expected: number, what: string) =>
  expect(Math.abs(actual - expected), what).toBeLessThanOrEqual(2e-6 * Math.max(1, Math.abs(expected)));

describe.each(['cpu', 'wasm'] as const)('A2CObjective on host arrays against tfjs on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend(backend);
  });

  it.each([
    [1, 0.5, 0.01],
    [2, 1, 0],
    [3, 0.25, 0.1],
  ])('seed %i, vfCoef %f, entCoef %f: the same loss, metrics (names and order) and gradients, no tensors left', (seed, vfCoef, entCoef) => {
    const objective = new A2CObjective({ vfCoef, entCoef });
    const batch = hostBatch(seed);
    const host = objective.computeOnHost(batch);
    const before = tf.memory().numTensors;
    const tensors = tensorsOf(batch);
    const { logProbs, entropy, values } = tensors;
    // tfjs autodiff of compute's loss with respect to the three differentiable inputs.
    const { value, grads } = tf.valueAndGrads((lp: tf.Tensor, h: tf.Tensor, v: tf.Tensor) => {
      const out = objective.compute({ ...tensors, logProbs: lp as tf.Tensor1D, entropy: h as tf.Tensor1D, values: v as tf.Tensor1D });
      tf.dispose(Object.values(out.metrics));
      return out.loss;
    })([logProbs, entropy, values]);
    close(host.loss, value.dataSync()[0], 'loss');
    const [dLogProbs, dEntropy, dValues] = grads.map((g) => g.dataSync());
    for (let i = 0; i < N; i++) {
      close(host.dLogProbs[i], dLogProbs[i], `dLogProbs[${i}]`);
      close(host.dEntropy[i], dEntropy[i], `dEntropy[${i}]`);
      close(host.dValues[i], dValues[i], `dValues[${i}]`);
    }
    const out = objective.compute(tensors);
    expect(Object.keys(host.metrics)).toEqual(Object.keys(out.metrics));
    for (const [name, metric] of Object.entries(out.metrics)) close(host.metrics[name], metric.dataSync()[0], name);
    tf.dispose([value, ...grads, out.loss, ...Object.values(out.metrics), ...Object.values(tensors)]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('A2CObjective checks', () => {
  it('is a host objective the fused update accepts; a subclass overriding compute alone is not', () => {
    const objective = new A2CObjective({ vfCoef: 0.5, entCoef: 0.01 });
    expect(hostObjective(objective)).toBe(objective);
    class Changed extends A2CObjective {
      override compute(batch: ObjectiveBatch) {
        return super.compute(batch);
      }
    }
    expect(hostObjective(new Changed({ vfCoef: 0.5, entCoef: 0.01 }))).toBeNull();
  });

  it('names a bad coefficient or batch', () => {
    expect(() => new A2CObjective({ vfCoef: -1, entCoef: 0 })).toThrow(/A2CObjective: vfCoef must be a finite number >= 0, got -1/);
    expect(() => new A2CObjective({ vfCoef: 1, entCoef: Number.NaN })).toThrow(/entCoef must be a finite number >= 0, got NaN/);
    const objective = new A2CObjective({ vfCoef: 1, entCoef: 0 });
    expect(() => objective.computeOnHost({ ...hostBatch(1), size: 0 })).toThrow(/batch\.size must be a positive integer, got 0/);
    expect(() => objective.computeOnHost({ ...hostBatch(1), returns: new Float32Array(3) })).toThrow(/batch\.returns must hold at least 40 values, got 3/);
  });
});

const T = 5;
const ENVS = 16;
const SHAPE: [number, number, number] = [10, 10, 4];
const D = 400;

/** The minatar preset's network: one 3x3 conv of 16 filters and dense 128 on a shared torso, 6 actions. */
const makePolicy = () => new ActorCritic({ observationSize: D, observationShape: SHAPE, torso: 'nature-cnn', shared: true, actionSpace: { type: 'discrete', n: 6 }, seed: 7 });

/** A rollout of 16 envs x 5 steps acted by `policy` on random 0/1 grids, with random advantages and returns. */
function rollout(policy: ActorCritic, seed: number): RolloutBuffer {
  const rng = new Rng(seed);
  const buffer = new RolloutBuffer({ numSteps: T, numEnvs: ENVS, observationSize: D, actionSize: 1, actionType: 'int32' });
  const zeros = new Uint8Array(ENVS);
  for (let t = 0; t < T; t++) {
    const observations = Float32Array.from({ length: ENVS * D }, () => (rng.nextFloat() < 0.15 ? 1 : 0));
    const out = policy.act(observations, ENVS, rng);
    buffer.add({ observations, actions: out.actions, logProbs: out.logProbs, values: out.values, rewards: new Float32Array(ENVS).fill(0.5), terminated: zeros, truncated: zeros });
  }
  buffer.bootstrapNextValues(new Float32Array(ENVS));
  for (let k = 0; k < T * ENVS; k++) {
    buffer.advantages[k] = rng.normal(0, 1);
    buffer.returns[k] = buffer.values[k] + rng.normal(0, 1);
  }
  return buffer;
}

/** A2C's update with the MinAtar settings: one epoch, one minibatch, RMSprop lr 7e-4, grad norm 0.5. */
function update(policy: ActorCritic, optimizer: RmsProp, buffer: RolloutBuffer, extra: Partial<PpoUpdateOptions> = {}) {
  return ppoUpdate({
    policy, buffer, objective: new A2CObjective({ vfCoef: 0.5, entCoef: 0.01 }), optimizer, rng: new Rng(3),
    epochs: 1, numMinibatches: 1, learningRate: 7e-4, maxGradNorm: 0.5, context: { progress: 0 }, ...extra,
  });
}

const flatWeights = (policy: ActorCritic) => policy.trainableVariables.map((v) => Float32Array.from(v.dataSync()));
function distance(a: Float32Array[], b: Float32Array[]): number {
  let s = 0;
  a.forEach((x, k) => x.forEach((v, i) => (s += (v - b[k][i]) * (v - b[k][i]))));
  return Math.sqrt(s);
}

describe.each(['cpu', 'wasm'] as const)('A2C updates of the MinAtar network, fused and general, on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend(backend);
  });

  it('five updates agree to float32 rounding: metrics each update, then weights; the fused path makes no tensors and never calls compute', () => {
    const fast = makePolicy();
    const general = makePolicy();
    const start = flatWeights(fast);
    const fastOptimizer = new RmsProp(fast.trainableVariables, { epsilon: 1e-5 });
    const generalOptimizer = new RmsProp(general.trainableVariables, { epsilon: 1e-5 });
    const computed = vi.spyOn(A2CObjective.prototype, 'compute');
    for (let u = 0; u < 5; u++) {
      // Each rollout is acted by the general policy, so both paths see the same data.
      const buffer = rollout(general, 10 + u);
      const before = tf.memory().numTensors;
      const a = update(fast, fastOptimizer, buffer);
      expect(tf.memory().numTensors).toBe(before);
      expect(computed).toHaveBeenCalledTimes(u);
      const b = update(general, generalOptimizer, buffer, { fused: false });
      expect(computed).toHaveBeenCalledTimes(u + 1);
      expect(Object.keys(a)).toEqual(Object.keys(b));
      for (const name of Object.keys(b)) {
        expect(Math.abs(a[name] - b[name]), `update ${u}: ${name}`).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(b[name])));
      }
    }
    computed.mockRestore();
    // RMSprop's first steps move every weight by about lr / sqrt(1 - alpha): far more than rounding.
    const moved = distance(flatWeights(general), start);
    expect(moved).toBeGreaterThan(1e-2);
    expect(distance(flatWeights(fast), flatWeights(general))).toBeLessThan(1e-3 * moved);
    expect(fastOptimizer.step).toBe(5);
    for (const x of [fastOptimizer, generalOptimizer, fast, general]) x.dispose();
  });
});
