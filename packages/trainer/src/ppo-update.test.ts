import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { RolloutBuffer } from '@ppo/buffers';
import { Rng } from '@ppo/utils';
import type { Objective, ObjectiveBatch, Optimizer } from '@ppo/core';
import { selectBackend } from '@ppo/nets';
import { NonFiniteError } from './non-finite';
import { ppoUpdate } from './ppo-update';
import { LinearSoftmaxPolicy } from './test-policies';

const T = 6;
const N = 2;

/** A full buffer whose row k has observation [k, 1], action k % 3, log-prob -k/10, advantage k, return 2k. */
function filledBuffer(): RolloutBuffer<'int32'> {
  const buffer = new RolloutBuffer({ numSteps: T, numEnvs: N, observationSize: 2, actionSize: 1, actionType: 'int32' });
  for (let t = 0; t < T; t++) {
    const rows = [t * N, t * N + 1];
    buffer.add({
      observations: rows.flatMap((k) => [k, 1]),
      actions: rows.map((k) => k % 3),
      logProbs: rows.map((k) => -k / 10),
      values: rows.map((k) => k / 2),
      rewards: [0, 0],
      terminated: [0, 0],
      truncated: [0, 0],
    });
  }
  buffer.bootstrapNextValues([0, 0]);
  for (let k = 0; k < T * N; k++) {
    buffer.advantages[k] = k;
    buffer.returns[k] = 2 * k;
  }
  return buffer;
}

/** Records what each minibatch carried; its metrics are chosen to test the aggregation rules. */
class RecordingObjective implements Objective {
  readonly seen: { old: number[]; adv: number[]; ret: number[]; oldValues: number[]; progress: number }[] = [];
  readonly rollouts: number[][] = [];
  constructor(private readonly kl: (call: number) => number) {}

  compute(batch: ObjectiveBatch, context: { progress: number }) {
    const call = this.seen.length;
    this.seen.push({
      old: Array.from(batch.oldLogProbs.dataSync()),
      adv: Array.from(batch.advantages.dataSync()),
      ret: Array.from(batch.returns.dataSync()),
      oldValues: Array.from(batch.oldValues.dataSync()),
      progress: context.progress,
    });
    return {
      loss: tf.neg(tf.mean(tf.mul(batch.logProbs, batch.advantages))) as tf.Scalar,
      metrics: { call: tf.scalar(call), clipFraction: tf.scalar(call % 2), approxKl: tf.scalar(this.kl(call)) },
    };
  }

  hyperparameters(context: { progress: number }) {
    return { schedule: 1 - context.progress };
  }

  afterUpdate(rollout: () => { logProbs: tf.Tensor1D; oldLogProbs: tf.Tensor1D }) {
    tf.tidy(() => {
      const { logProbs, oldLogProbs } = rollout();
      expect(logProbs.shape).toEqual([T * N]);
      this.rollouts.push(Array.from(oldLogProbs.dataSync()));
    });
    return { after: 7 };
  }
}

class RecordingOptimizer implements Optimizer<{ step: number }> {
  readonly calls: [number, number | null][] = [];
  get step() {
    return this.calls.length;
  }
  minimize(loss: () => tf.Scalar, learningRate: number, maxGradNorm: number | null): number {
    tf.tidy(() => void loss());
    this.calls.push([learningRate, maxGradNorm]);
    return this.calls.length;
  }
  getState() {
    return { step: this.calls.length };
  }
  setState() {}
  dispose() {}
}

describe('ppoUpdate on cpu', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('visits every transition once per epoch with its stored quantities and aggregates metrics as CleanRL logs them', () => {
    const policy = new LinearSoftmaxPolicy(2, 3, 1);
    const buffer = filledBuffer();
    const objective = new RecordingObjective(() => 0);
    const optimizer = new RecordingOptimizer();
    const before = tf.memory().numTensors;
    const metrics = ppoUpdate({
      policy, buffer, objective, optimizer, rng: new Rng(5), epochs: 3, numMinibatches: 4,
      learningRate: 0.01, maxGradNorm: 0.5, context: { progress: 0.25 }, position: { update: 2, globalStep: 12 },
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(objective.seen.length).toBe(12);
    for (let epoch = 0; epoch < 3; epoch++) {
      const rows = objective.seen.slice(epoch * 4, epoch * 4 + 4).flatMap((s) => s.adv);
      expect(rows.slice().sort((a, b) => a - b)).toEqual(Array.from({ length: T * N }, (_, k) => k));
    }
    for (const s of objective.seen) {
      expect(s.progress).toBe(0.25);
      s.adv.forEach((k, j) => {
        expect(s.ret[j]).toBe(2 * k);
        expect(s.old[j]).toBeCloseTo(-k / 10, 6);
        expect(s.oldValues[j]).toBe(k / 2);
      });
    }
    expect(optimizer.calls).toEqual(Array.from({ length: 12 }, () => [0.01, 0.5]));
    expect(objective.rollouts[0].map((x) => Math.round(-x * 10))).toEqual(Array.from({ length: T * N }, (_, k) => k));
    expect(Object.keys(metrics)).toEqual(['learningRate', 'call', 'clipFraction', 'approxKl', 'explainedVariance', 'schedule', 'epochs', 'gradNorm', 'after']);
    expect(metrics.call).toBe(11);
    expect(metrics.clipFraction).toBe(0.5);
    expect(metrics.gradNorm).toBe(6.5);
    expect(metrics.epochs).toBe(3);
    expect(metrics.schedule).toBe(0.75);
    expect(metrics.after).toBe(7);
    policy.dispose();
  });

  it('stops the epochs once the last minibatch approxKl exceeds targetKl', () => {
    const policy = new LinearSoftmaxPolicy(2, 3, 2);
    const objective = new RecordingObjective((call) => (call === 5 ? 0.5 : 0));
    const metrics = ppoUpdate({
      policy, buffer: filledBuffer(), objective, optimizer: new RecordingOptimizer(), rng: new Rng(5), epochs: 4, numMinibatches: 3,
      learningRate: 0.01, maxGradNorm: null, targetKl: 0.1, context: { progress: 0 },
    });
    expect(metrics.epochs).toBe(2);
    expect(objective.seen.length).toBe(6);
    policy.dispose();
  });

  it('names a non-finite metric with the update, epoch and minibatch', () => {
    const policy = new LinearSoftmaxPolicy(2, 3, 3);
    const run = () =>
      ppoUpdate({
        policy, buffer: filledBuffer(), objective: new RecordingObjective((call) => (call === 4 ? Number.NaN : 0)), optimizer: new RecordingOptimizer(), rng: new Rng(5), epochs: 2, numMinibatches: 3,
        learningRate: 0.01, maxGradNorm: null, context: { progress: 0 }, position: { update: 3, globalStep: 96 },
      });
    expect(run).toThrow(NonFiniteError);
    expect(run).toThrow(/non-finite losses\/approx_kl at step 96: update 3, epoch 1, minibatch 1 gave NaN/);
    policy.dispose();
  });
});
