import { Rng } from '@ppo/utils';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { ActorCritic } from './actor-critic';
import { HostConvActorCritic } from './host-conv-actor-critic';
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
  readonly shape: [number, number, number];
  readonly n: number;
  readonly start: number;
  readonly inputScale: number;
  /** Observations: MinAtar's 0/1 grids, or standard normals. */
  readonly binary: boolean;
}

const CASES: Case[] = [
  { name: 'Breakout-like [10, 10, 4], 6 actions, 0/1', shape: [10, 10, 4], n: 6, start: 0, inputScale: 1, binary: true },
  { name: 'Freeway-like [10, 10, 7], 3 actions from -1, 0/1', shape: [10, 10, 7], n: 3, start: -1, inputScale: 1, binary: true },
  { name: '[6, 5, 3], scaled normals', shape: [6, 5, 3], n: 4, start: 0, inputScale: 0.5, binary: false },
];

function makePolicy(c: Case, seed: number): ActorCritic {
  return new ActorCritic({
    observationSize: c.shape[0] * c.shape[1] * c.shape[2], observationShape: c.shape, inputScale: c.inputScale, torso: 'nature-cnn', shared: true,
    actionSpace: { type: 'discrete', n: c.n, start: c.start }, seed,
  });
}

function inputs(policy: ActorCritic, c: Case, rows: number, seed: number) {
  const rng = new Rng(seed);
  const observations = Float32Array.from({ length: rows * policy.observationSize }, () => (c.binary ? (rng.nextFloat() < 0.2 ? 1 : 0) : rng.normal(0, 1)));
  const actions = Int32Array.from({ length: rows }, () => c.start + rng.nextInt(c.n));
  // Weights of the three outputs in a test loss, so every path of the backward pass is used.
  const weights = [0, 1, 2].map(() => Float64Array.from({ length: rows }, () => rng.normal(0, 1)));
  return { observations, actions, weights };
}

/** The tfjs outputs and gradients of sum(w0 logp + w1 entropy + w2 value), per trainable variable. */
function tfjsReference(policy: ActorCritic, observations: Float32Array, actions: Int32Array, rows: number, w: Float64Array[]) {
  return tf.tidy(() => {
    const obs = tf.tensor2d(observations, [rows, policy.observationSize]);
    const acts = tf.tensor1d(actions, 'int32');
    const r = policy.evaluate(obs, acts);
    const outputs = [r.logProbs, r.entropy, r.values].map((x) => x.dataSync() as Float32Array);
    const f = () => {
      const out = policy.evaluate(obs, acts);
      const terms = [out.logProbs, out.entropy, out.values].map((x, k) => tf.sum(tf.mul(x, tf.tensor1d(Float32Array.from(w[k])))));
      return tf.addN(terms) as tf.Scalar;
    };
    const { value, grads } = tf.variableGrads(f, policy.trainableVariables);
    value.dispose();
    return { outputs, grads: policy.trainableVariables.map((v) => grads[v.name].dataSync() as Float32Array) };
  });
}

describe.each(BACKENDS)('HostConvActorCritic on %s', (backend) => {
  useBackend(backend);

  it.each(CASES)('$name: outputs and gradients agree with the tfjs path (float32)', (c) => {
    const policy = makePolicy(c, 4);
    try {
      // 13 rows: neither the rows nor (for C = 7, 3) the patch width are multiples of the kernel's blocks.
      const rows = 13;
      const { observations, actions, weights } = inputs(policy, c, rows, 9);
      const before = tf.memory().numTensors;
      const host = policy.hostModel();
      expect(host).toBeInstanceOf(HostConvActorCritic);
      const out = host!.evaluate(observations, actions, rows);
      const grads = host!.backward(weights[0], weights[1], weights[2]);
      // Host evaluation and backward make no tensors.
      expect(tf.memory().numTensors).toBe(before);
      const reference = tfjsReference(policy, observations, actions, rows, weights);
      expectClose(out.logProbs, reference.outputs[0], 1e-5, 1e-5, 'logProbs');
      expectClose(out.entropy, reference.outputs[1], 1e-5, 1e-5, 'entropy');
      expectClose(out.values, reference.outputs[2], 1e-5, 1e-5, 'values');
      expect(grads.map((g) => g.length)).toEqual(policy.trainableVariables.map((v) => v.size));
      grads.forEach((g, k) => {
        const scale = reference.grads[k].reduce((m, x) => Math.max(m, Math.abs(x)), 1e-3);
        expectClose(g, reference.grads[k], 0, 2e-5 * scale, `gradient of ${policy.trainableVariables[k].name}`);
      });
    } finally {
      policy.dispose();
    }
  });

  it.each(CASES)('$name: act and predictValues run on the host and agree with evaluate', (c) => {
    const policy = makePolicy(c, 6);
    try {
      const rows = 8;
      const { observations } = inputs(policy, c, rows, 3);
      policy.act(observations, rows, new Rng(1)); // reads the weights once
      const before = tf.memory().numTensors;
      const acted = policy.act(observations, rows, new Rng(1));
      const predicted = policy.predictValues(observations, rows);
      expect(tf.memory().numTensors).toBe(before);
      const actions = acted.actions as Int32Array;
      for (const a of actions) expect(a >= c.start && a < c.start + c.n).toBe(true);
      const scored = tf.tidy(() => {
        const r = policy.evaluate(tf.tensor2d(observations, [rows, policy.observationSize]), tf.tensor1d(actions, 'int32'));
        return { logProbs: r.logProbs.dataSync().slice(), values: r.values.dataSync().slice() };
      });
      expectClose(acted.logProbs, scored.logProbs, 1e-5, 1e-5, 'act log-probs');
      expectClose(acted.values, scored.values, 1e-5, 1e-5, 'act values');
      expectClose(predicted, scored.values, 1e-5, 1e-5, 'predicted values');
    } finally {
      policy.dispose();
    }
  });
});

describe('HostConvActorCritic, float64 checks', () => {
  useBackend('cpu');

  it('gradients match central differences of the host forward', () => {
    const c = CASES[2];
    const policy = makePolicy(c, 5);
    try {
      const rows = 5;
      const { observations, actions, weights } = inputs(policy, c, rows, 10);
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
        for (let probe = 0; probe < 6; probe++) {
          const i = rng.nextInt(p.length);
          const x = p[i];
          // Parameters are float32: difference by the step actually taken. A step this small
          // crosses a ReLU's kink only where a pre-activation is within 1e-4 of 0.
          p[i] = x + 1e-4;
          const up = lossAt();
          const hi = p[i];
          p[i] = x - 1e-4;
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

  it('applies to the shared MinAtar torso with a categorical head only, and checks its inputs', () => {
    const shape: [number, number, number] = [10, 10, 4];
    const separate = new ActorCritic({ observationSize: 400, observationShape: shape, torso: 'nature-cnn', shared: false, actionSpace: { type: 'discrete', n: 3 }, seed: 1 });
    const box = new ActorCritic({ observationSize: 400, observationShape: shape, torso: 'nature-cnn', actionSpace: { type: 'box', shape: [1], low: [-1], high: [1] }, seed: 1 });
    const atari = new ActorCritic({ observationSize: 36 * 36, observationShape: [36, 36, 1], torso: 'nature-cnn', actionSpace: { type: 'discrete', n: 3 }, seed: 1 });
    const minatar = new ActorCritic({ observationSize: 400, observationShape: shape, torso: 'nature-cnn', actionSpace: { type: 'discrete', n: 3 }, seed: 1 });
    try {
      expect(separate.hostModel()).toBeNull();
      expect(box.hostModel()).toBeNull();
      expect(atari.hostModel()).toBeNull();
      const host = minatar.hostModel()!;
      const obs = new Float32Array(2 * 400);
      expect(() => host.evaluate(obs, Int32Array.from([0, 3]), 2)).toThrow(/actions\[1\] = 3, expected an integer in \[0, 2\]/);
      obs[3] = Number.NaN;
      expect(() => host.evaluate(obs, Int32Array.from([0, 1]), 2)).toThrow(/observations\[0, 3\] must be finite/);
    } finally {
      for (const p of [separate, box, atari, minatar]) p.dispose();
    }
  });

  it('commit writes the parameters into the variables without leaking tensors, and acting follows', () => {
    const c = CASES[0];
    const policy = makePolicy(c, 7);
    try {
      const host = policy.hostModel()!;
      const obs = inputs(policy, c, 2, 1).observations;
      const valuesBefore = policy.predictValues(obs, 2);
      host.parameters.forEach((p, k) => p.forEach((x, i) => (p[i] = x + (k + 1) / 100)));
      const before = tf.memory().numTensors;
      host.commit();
      expect(tf.memory().numTensors).toBe(before);
      policy.trainableVariables.forEach((v, k) => expect(Array.from(v.dataSync())).toEqual(Array.from(host.parameters[k])));
      // Acting reads the new weights: the cached copies follow every assign.
      const values = policy.predictValues(obs, 2);
      expect(values).not.toEqual(valuesBefore);
      const expected = tf.tidy(() => policy.evaluate(tf.tensor2d(obs, [2, 400]), tf.tensor1d([0, 0], 'int32')).values.dataSync());
      expectClose(values, expected, 1e-5, 1e-5, 'values after commit');
    } finally {
      policy.dispose();
    }
  });
});
