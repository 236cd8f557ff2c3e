import { Rng } from '@ppo/utils';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { ActorCritic, type ActionSpaceSpec } from './actor-critic';
import type { Activation } from './mlp';
import { BACKENDS, useBackend } from './test-helpers';

/** |a - e| <= atol + rtol |e| element-wise, naming the first failure. */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol: number, label: string): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const bound = atol + rtol * Math.abs(expected[i]);
    if (!(Math.abs(actual[i] - expected[i]) <= bound)) expect.fail(`${label}[${i}]: got ${actual[i]}, expected ${expected[i]} (bound ${bound})`);
  }
}

interface Case {
  readonly name: string;
  readonly actionSpace: ActionSpaceSpec;
  readonly activation: Activation;
  readonly hiddenSizes: number[];
  readonly shared: boolean;
}

const CASES: Case[] = [
  { name: 'discrete, tanh', actionSpace: { type: 'discrete', n: 3, start: -1 }, activation: 'tanh', hiddenSizes: [8, 6], shared: false },
  { name: 'discrete, relu, shared torso', actionSpace: { type: 'discrete', n: 2 }, activation: 'relu', hiddenSizes: [9], shared: true },
  { name: 'box, tanh', actionSpace: { type: 'box', shape: [2], low: [-1, -1], high: [1, 1] }, activation: 'tanh', hiddenSizes: [7, 5], shared: false },
  { name: 'box, relu', actionSpace: { type: 'box', shape: [3], low: [null, null, null], high: [null, null, null] }, activation: 'relu', hiddenSizes: [6], shared: false },
];

const D = 5;

function inputs(policy: ActorCritic, rows: number, seed: number) {
  const rng = new Rng(seed);
  const observations = Float32Array.from({ length: rows * D }, () => rng.normal(0, 1));
  const { actions } = policy.act(observations, rows, rng);
  // Weights of the three outputs in a test loss, so every path of the backward pass is used.
  const weights = [0, 1, 2].map(() => Float64Array.from({ length: rows }, () => rng.normal(0, 1)));
  return { observations, actions, weights };
}

/** The tfjs gradients of sum(w0 logp + w1 entropy + w2 value), per trainable variable. */
function tfjsGradients(policy: ActorCritic, observations: Float32Array, actions: Int32Array | Float32Array, rows: number, w: Float64Array[]): Float32Array[] {
  return tf.tidy(() => {
    const obs = tf.tensor2d(observations, [rows, D]);
    const acts = policy.actionType === 'int32' ? tf.tensor1d(actions as Int32Array, 'int32') : tf.tensor2d(actions as Float32Array, [rows, policy.actionSize]);
    const f = () => {
      const out = policy.evaluate(obs, acts);
      const terms = [out.logProbs, out.entropy, out.values].map((x, k) => tf.sum(tf.mul(x, tf.tensor1d(Float32Array.from(w[k])))));
      return tf.addN(terms) as tf.Scalar;
    };
    const { value, grads } = tf.variableGrads(f, policy.trainableVariables);
    value.dispose();
    return policy.trainableVariables.map((v) => grads[v.name].dataSync() as Float32Array);
  });
}

describe.each(BACKENDS)('HostActorCritic on %s', (backend) => {
  useBackend(backend);

  it.each(CASES)('$name: outputs and gradients agree with the tfjs path (float32)', (c) => {
    const policy = new ActorCritic({ observationSize: D, actionSpace: c.actionSpace, activation: c.activation, hiddenSizes: c.hiddenSizes, shared: c.shared, logStdInit: -0.3, seed: 4 });
    try {
      const rows = 11;
      const { observations, actions, weights } = inputs(policy, rows, 9);
      const before = tf.memory().numTensors;
      const host = policy.hostModel();
      expect(host).not.toBeNull();
      const out = host!.evaluate(observations, actions, rows);
      const reference = tf.tidy(() => {
        const obs = tf.tensor2d(observations, [rows, D]);
        const acts = policy.actionType === 'int32' ? tf.tensor1d(actions as Int32Array, 'int32') : tf.tensor2d(actions as Float32Array, [rows, policy.actionSize]);
        const r = policy.evaluate(obs, acts);
        return [r.logProbs, r.entropy, r.values].map((x) => x.dataSync() as Float32Array);
      });
      expectClose(out.logProbs, reference[0], 1e-5, 1e-5, 'logProbs');
      expectClose(out.entropy, reference[1], 1e-5, 1e-5, 'entropy');
      expectClose(out.values, reference[2], 1e-5, 1e-5, 'values');
      const grads = host!.backward(weights[0], weights[1], weights[2]);
      // Host evaluation and backward make no tensors.
      expect(tf.memory().numTensors).toBe(before);
      const expected = tfjsGradients(policy, observations, actions, rows, weights);
      grads.forEach((g, k) => {
        const scale = Math.max(...Array.from(expected[k], Math.abs), 1e-3);
        expectClose(g, expected[k], 0, 2e-5 * scale, `gradient of ${policy.trainableVariables[k].name}`);
      });
    } finally {
      policy.dispose();
    }
  });
});

describe('HostActorCritic, float64 checks', () => {
  useBackend('cpu');

  it.each(CASES.filter((c) => c.activation === 'tanh'))('$name: gradients match central differences of the host forward', (c) => {
    const policy = new ActorCritic({ observationSize: D, actionSpace: c.actionSpace, activation: c.activation, hiddenSizes: c.hiddenSizes, shared: c.shared, logStdInit: -0.3, seed: 5 });
    try {
      const rows = 6;
      const { observations, actions, weights } = inputs(policy, rows, 10);
      const host = policy.hostModel()!;
      const lossAt = (): number => {
        const out = host.evaluate(observations, actions, rows);
        let s = 0;
        for (let r = 0; r < rows; r++) s += weights[0][r] * out.logProbs[r] + weights[1][r] * out.entropy[r] + weights[2][r] * out.values[r];
        return s;
      };
      lossAt();
      const grads = host.backward(weights[0], weights[1], weights[2]);
      const rng = new Rng(2);
      host.parameters.forEach((p, k) => {
        for (let probe = 0; probe < 4; probe++) {
          const i = rng.nextInt(p.length);
          const x = p[i];
          // Parameters are float32: difference by the step actually taken.
          p[i] = x + 1e-3;
          const up = lossAt();
          const hi = p[i];
          p[i] = x - 1e-3;
          const down = lossAt();
          const lo = p[i];
          p[i] = x;
          const numeric = (up - down) / (hi - lo);
          expectClose([grads[k][i]], [numeric], 1e-3, 1e-5, `d loss / d ${policy.trainableVariables[k].name}[${i}]`);
        }
      });
    } finally {
      policy.dispose();
    }
  });

  it('commit writes the parameters into the variables without leaking tensors', () => {
    const policy = new ActorCritic({ observationSize: D, actionSpace: { type: 'discrete', n: 2 }, seed: 6 });
    try {
      const host = policy.hostModel()!;
      host.parameters.forEach((p, k) => p.fill(k / 10));
      const before = tf.memory().numTensors;
      host.commit();
      expect(tf.memory().numTensors).toBe(before);
      policy.trainableVariables.forEach((v, k) => expect(Array.from(v.dataSync())).toEqual(new Array(v.size).fill(Math.fround(k / 10))));
      // Acting reads the new weights: the cached copies follow every assign.
      const obs = new Float32Array(2 * D).fill(0.5);
      const values = policy.act(obs, 2, new Rng(1)).values;
      const expected = tf.tidy(() => {
        const o = tf.tensor2d(obs, [2, D]);
        return policy.evaluate(o, tf.tensor1d([0, 0], 'int32')).values.dataSync();
      });
      expectClose(values, expected, 1e-5, 1e-6, 'values after commit');
    } finally {
      policy.dispose();
    }
  });

  it('applies only to MLP torsos with a categorical or Gaussian head, and checks its inputs', () => {
    const multi = new ActorCritic({ observationSize: D, actionSpace: { type: 'multi-discrete', nvec: [2, 3] }, seed: 1 });
    const squashed = new ActorCritic({ observationSize: D, actionSpace: { type: 'box', shape: [1], low: [-1], high: [1] }, continuous: 'tanh-gaussian', seed: 1 });
    const discrete = new ActorCritic({ observationSize: D, actionSpace: { type: 'discrete', n: 3 }, seed: 1 });
    try {
      expect(multi.hostModel()).toBeNull();
      expect(squashed.hostModel()).toBeNull();
      const host = discrete.hostModel()!;
      const obs = new Float32Array(2 * D);
      expect(() => host.evaluate(obs, Int32Array.from([0, 3]), 2)).toThrow(/actions\[1\] = 3, expected an integer in \[0, 2\]/);
      obs[3] = Number.NaN;
      expect(() => host.evaluate(obs, Int32Array.from([0, 1]), 2)).toThrow(/observations\[0, 3\] must be finite/);
    } finally {
      for (const p of [multi, squashed, discrete]) p.dispose();
    }
  });
});
