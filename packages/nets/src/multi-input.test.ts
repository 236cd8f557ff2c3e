import { Rng } from '@ppo/utils';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { ActorCritic } from './actor-critic';
import { natureCnn } from './cnn';
import { Mlp } from './mlp';
import { MultiInputTorso, type ObservationPart } from './multi-input';
import { useBackend, values } from './test-helpers';

const PARTS: ObservationPart[] = [
  { name: 'frame', size: 6 * 6 * 2, image: [6, 6, 2] },
  { name: 'state', size: 3 },
];
const D = 75;

function rows(rng: Rng, count: number): Float32Array {
  return Float32Array.from({ length: count * D }, () => rng.normal(0, 1));
}

describe('MultiInputTorso', () => {
  useBackend('cpu');

  it('encodes each part with its own encoder and concatenates the features', () => {
    const torso = new MultiInputTorso({ parts: PARTS, hiddenSizes: [16], seed: 5 });
    // The same encoders built by hand from the same generator, applied to the slices.
    const rng = new Rng(5);
    const cnn = natureCnn({ inputShape: [6, 6, 2], rng });
    const mlp = new Mlp({ inputSize: 3, hiddenSizes: [16], init: { rng } });
    try {
      expect(torso.inputSize).toBe(D);
      expect(torso.outputSize).toBe(128 + 16);
      expect(Object.keys(torso.variables)).toEqual([...Object.keys(cnn.variables).map((k) => `frame/${k}`), ...Object.keys(mlp.variables).map((k) => `state/${k}`)]);
      const count = 4;
      const x = rows(new Rng(1), count);
      const [ours, reference] = tf.tidy(() => {
        const input = tf.tensor2d(x, [count, D]);
        const image: tf.Tensor2D = tf.slice(input, [0, 0], [count, 72]);
        const vector: tf.Tensor2D = tf.slice(input, [0, 72], [count, 3]);
        return [values(torso.apply(input)), values(tf.concat([cnn.apply(image), mlp.apply(vector)], 1))];
      });
      expect(ours).toEqual(reference);
    } finally {
      torso.dispose();
      cnn.dispose();
      mlp.dispose();
    }
  });

  it('rejects bad parts, naming them', () => {
    expect(() => new MultiInputTorso({ parts: [] })).toThrow(/parts must be a non-empty array/);
    expect(() => new MultiInputTorso({ parts: [{ name: 'a b', size: 2 }] })).toThrow(/parts\[0\].name must be a string of letters/);
    expect(() => new MultiInputTorso({ parts: [{ name: 'a', size: 2 }, { name: 'a', size: 1 }] })).toThrow(/'a' is used twice/);
    expect(() => new MultiInputTorso({ parts: [{ name: 'a', size: 10, image: [3, 3, 1] }] })).toThrow(/holds 9 values, size is 10/);
    expect(() => new MultiInputTorso({ parts: [{ name: 'a', size: 0 }] })).toThrow(/parts\[0\].size/);
  });

  it("ActorCritic with torso 'multi-input' acts, scores and trains every encoder", () => {
    const policy = new ActorCritic({ observationSize: D, actionSpace: { type: 'discrete', n: 4 }, torso: 'multi-input', observationParts: PARTS, hiddenSizes: [8], seed: 3 });
    try {
      expect(policy.shared).toBe(true);
      const names = Object.keys(policy.variables);
      expect(names.some((n) => n.startsWith('torso/frame/conv0'))).toBe(true);
      expect(names.some((n) => n.startsWith('torso/state/'))).toBe(true);
      const count = 5;
      const x = rows(new Rng(2), count);
      const acted = policy.act(x, count, new Rng(0));
      const grads = tf.tidy(() => {
        const { grads } = tf.variableGrads(() => {
          const out = policy.evaluate(tf.tensor2d(x, [count, D]), tf.tensor1d(acted.actions, 'int32'));
          // The first PPO ratio is 1: evaluate scores the acted actions as act did.
          expect(values(out.logProbs).map((v, i) => Math.abs(v - acted.logProbs[i])).every((d) => d < 1e-5)).toBe(true);
          return tf.sum<tf.Scalar>(tf.add(out.logProbs, out.values));
        }, policy.trainableVariables);
        return Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.sum(tf.abs(g)).dataSync()[0]]));
      });
      // Both encoders get a gradient.
      const byName = Object.entries(policy.variables).map(([name, v]) => [name, grads[v.name]] as const);
      expect(byName.filter(([n]) => n.includes('/frame/')).some(([, g]) => g > 0)).toBe(true);
      expect(byName.filter(([n]) => n.includes('/state/')).some(([, g]) => g > 0)).toBe(true);
      expect(() => new ActorCritic({ observationSize: D, actionSpace: { type: 'discrete', n: 4 }, torso: 'multi-input', seed: 1 })).toThrow(/needs observationParts/);
    } finally {
      policy.dispose();
    }
  });
});
