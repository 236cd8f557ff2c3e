import { Rng } from '@ppo/utils';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { natureCnn } from './cnn';
import { mlp } from './mlp';
import { BACKENDS, useBackend } from './test-helpers';

/** Naive float64 forward pass of a dense stack, for reference. */
function referenceForward(x: number[], layers: { kernel: Float32Array; bias: Float32Array; inSize: number; outSize: number; act: (v: number) => number }[]): number[] {
  let h = x;
  for (const l of layers) {
    const out = new Array<number>(l.outSize).fill(0);
    for (let j = 0; j < l.outSize; j++) {
      let s = l.bias[j];
      for (let i = 0; i < l.inSize; i++) s += h[i] * l.kernel[i * l.outSize + j];
      out[j] = l.act(s);
    }
    h = out;
  }
  return h;
}

describe.each(BACKENDS)('mlp on %s', (backend) => {
  useBackend(backend);

  it.each(['tanh', 'relu'] as const)('%s forward pass matches a naive reference', (activation) => {
    const net = mlp({ inputSize: 5, hiddenSizes: [7, 6], activation, outputSize: 3, init: { seed: 4 } });
    try {
      const rng = new Rng(1);
      // Non-zero biases so the bias path is exercised.
      for (const [name, v] of Object.entries(net.variables)) {
        if (name.endsWith('bias')) {
          tf.tidy(() => {
            v.assign(tf.tensor1d(Array.from({ length: v.size }, () => rng.normal(0, 0.5))));
          });
        }
      }
      const read = (name: string): Float32Array => net.variables[name].dataSync() as Float32Array;
      const act = activation === 'tanh' ? Math.tanh : (v: number): number => Math.max(0, v);
      const layers = [
        { kernel: read('hidden0/kernel'), bias: read('hidden0/bias'), inSize: 5, outSize: 7, act },
        { kernel: read('hidden1/kernel'), bias: read('hidden1/bias'), inSize: 7, outSize: 6, act },
        { kernel: read('output/kernel'), bias: read('output/bias'), inSize: 6, outSize: 3, act: (v: number) => v },
      ];
      const rows = Array.from({ length: 4 }, () => Array.from({ length: 5 }, () => rng.normal(0, 1)));
      const got = tf.tidy(() => net.apply(tf.tensor2d(rows)).arraySync());
      rows.forEach((row, i) => referenceForward(row, layers).forEach((v, j) => expect(got[i][j]).toBeCloseTo(v, 5)));
      expect(net.outputSize).toBe(3);
    } finally {
      net.dispose();
    }
  });

  it.each(['tanh', 'relu'] as const)('%s gradients (weights and input) match central finite differences in float64', (activation) => {
    const net = mlp({ inputSize: 3, hiddenSizes: [4], activation, outputSize: 2, init: { seed: 9 } });
    const start = tf.memory().numTensors;
    try {
      const rng = new Rng(2);
      // Biases away from zero so no ReLU unit sits at its kink.
      for (const [name, v] of Object.entries(net.variables)) {
        if (name.endsWith('bias')) tf.tidy(() => v.assign(tf.tensor1d(Array.from({ length: v.size }, () => rng.normal(0, 0.5)))));
      }
      const xs = [0.3, -0.7, 1.1, -0.2, 0.5, 0.9];
      const x = tf.tensor2d(xs, [2, 3]);
      // loss = sum(out * c) for fixed weights c, so every output and batch row contributes.
      const c = [0.7, -1.3, 0.4, 2.0];
      const lossOf = (input: tf.Tensor2D) => tf.sum<tf.Scalar>(tf.mul(net.apply(input), tf.tensor2d(c, [2, 2])));
      const { value, grads } = tf.variableGrads(() => lossOf(x), Object.values(net.variables));
      const dx = tf.grad((input: tf.Tensor) => lossOf(input as tf.Tensor2D))(x);
      // Float64 reference forward of the same network.
      const act = activation === 'tanh' ? Math.tanh : (v: number): number => Math.max(0, v);
      const read = (name: string): number[] => Array.from(net.variables[name].dataSync());
      const params = { k0: read('hidden0/kernel'), b0: read('hidden0/bias'), k1: read('output/kernel'), b1: read('output/bias') };
      const loss64 = (p: typeof params, inputs: number[]): number => {
        let total = 0;
        for (let r = 0; r < 2; r++) {
          const h = [0, 1, 2, 3].map((j) => act(p.b0[j] + [0, 1, 2].reduce((s, i) => s + inputs[r * 3 + i] * p.k0[i * 4 + j], 0)));
          for (let o = 0; o < 2; o++) total += c[r * 2 + o] * (p.b1[o] + h.reduce((s, hj, j) => s + hj * p.k1[j * 2 + o], 0));
        }
        return total;
      };
      const h = 1e-6;
      const numeric = (f: (delta: number) => number): number => (f(h) - f(-h)) / (2 * h);
      const names = { k0: 'hidden0/kernel', b0: 'hidden0/bias', k1: 'output/kernel', b1: 'output/bias' } as const;
      for (const key of Object.keys(names) as (keyof typeof names)[]) {
        const analytic = grads[net.variables[names[key]].name].dataSync();
        params[key].forEach((_, i) => {
          const expected = numeric((d) => loss64({ ...params, [key]: params[key].map((v, j) => (j === i ? v + d : v)) }, xs));
          expect(Math.abs(analytic[i] - expected)).toBeLessThan(1e-4 * (1 + Math.abs(expected)));
        });
      }
      const dxData = dx.dataSync();
      xs.forEach((_, i) => {
        const expected = numeric((d) => loss64(params, xs.map((v, j) => (j === i ? v + d : v))));
        expect(Math.abs(dxData[i] - expected)).toBeLessThan(1e-4 * (1 + Math.abs(expected)));
      });
      tf.dispose([x, dx, value, ...Object.values(grads)]);
      expect(tf.memory().numTensors).toBe(start);
    } finally {
      net.dispose();
    }
  });

  it('without outputSize it is a torso ending in the activation; gains are honoured', () => {
    const torso = mlp({ inputSize: 3, hiddenSizes: [8], activation: 'relu', init: { seed: 1, hiddenGain: 2 } });
    const head = mlp({ inputSize: 8, hiddenSizes: [], outputSize: 2, init: { seed: 1, outputGain: 0.01 } });
    try {
      expect(Object.keys(torso.variables)).toEqual(['hidden0/kernel', 'hidden0/bias']);
      expect(Object.keys(head.variables)).toEqual(['output/kernel', 'output/bias']);
      const out = tf.tidy(() => torso.apply(tf.tensor2d([[-5, 3, 1]])).dataSync());
      expect(Array.from(out).every((v) => v >= 0)).toBe(true);
      // A wide [3, 8] kernel has orthogonal rows of norm gain (2), so squared norm 4.
      const k = torso.variables['hidden0/kernel'].dataSync();
      for (let r = 0; r < 3; r++) {
        let s = 0;
        for (let c = 0; c < 8; c++) s += k[r * 8 + c] ** 2;
        expect(s).toBeCloseTo(4, 4);
      }
      const h = head.variables['output/kernel'].dataSync();
      for (let c = 0; c < 2; c++) {
        let s = 0;
        for (let r = 0; r < 8; r++) s += h[r * 2 + c] ** 2;
        expect(s).toBeCloseTo(1e-4, 8);
      }
    } finally {
      torso.dispose();
      head.dispose();
    }
  });

  it('validates its options, naming the argument', () => {
    expect(() => mlp({ inputSize: 3, hiddenSizes: [8, 0] })).toThrow(/hiddenSizes\[1\] must be a positive integer, got 0/);
    expect(() => mlp({ inputSize: 3, hiddenSizes: [] })).toThrow(/needs hiddenSizes or an outputSize/);
    expect(() => mlp({ inputSize: 3, activation: 'gelu' as 'tanh' })).toThrow(/activation must be 'tanh' or 'relu', got gelu/);
    expect(() => mlp({ inputSize: 3, init: { seed: -1 } })).toThrow(/seed must be an integer in \[0, 2\^32\), got -1/);
  });

  it('natureCnn (MinAtar variant) equals conv2d + dense, and its gradients too', () => {
    const cnn = natureCnn({ inputShape: [10, 10, 3], seed: 3 });
    try {
      const rng = new Rng(2);
      tf.tidy(() => cnn.variables['conv0/bias'].assign(tf.tensor1d(Array.from({ length: 16 }, () => rng.normal(0, 0.1)))));
      const x = tf.tensor2d(Array.from({ length: 2 * 300 }, () => (rng.uniform(0, 1) < 0.3 ? 1 : 0)), [2, 300]);
      // Reference: tfjs's own conv2d (its filter gradient on the cpu backend), then the dense layer.
      const reference = (input: tf.Tensor2D): tf.Tensor2D => {
        const v = cnn.variables;
        const image = tf.reshape<tf.Rank.R4>(input, [-1, 10, 10, 3]);
        const conv = tf.relu(tf.add(tf.conv2d(image, v['conv0/kernel'] as tf.Tensor4D, 1, 'valid'), v['conv0/bias']));
        return tf.relu(tf.add<tf.Tensor2D>(tf.matMul(tf.reshape(conv, [-1, 8 * 8 * 16]), v['dense/kernel']), v['dense/bias']));
      };
      const ours = tf.tidy(() => cnn.apply(x).arraySync());
      const expected = tf.tidy(() => reference(x).arraySync());
      for (let b = 0; b < 2; b++) for (let j = 0; j < 128; j++) expect(ours[b][j]).toBeCloseTo(expected[b][j], 5);
      const kernel = cnn.variables['conv0/kernel'];
      const grad = (f: (input: tf.Tensor2D) => tf.Tensor2D): number[] =>
        tf.tidy(() => Array.from(tf.variableGrads(() => tf.sum<tf.Scalar>(tf.square(f(x))), [kernel]).grads[kernel.name].dataSync()));
      const ourGrad = grad((input) => cnn.apply(input));
      // The reference's filter gradient needs Conv2DBackpropFilter, which only the cpu backend has.
      if (backend === 'cpu') {
        const refGrad = grad(reference);
        // float32 sums in another order: relative tolerance 1e-4.
        ourGrad.forEach((g, k) => expect(Math.abs(g - refGrad[k])).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(refGrad[k]))));
      }
      expect(ourGrad.some((g) => g !== 0)).toBe(true);
      x.dispose();
    } finally {
      cnn.dispose();
    }
  });

  it('natureCnn (MinAtar variant) maps flat rows to 128 ReLU features', () => {
    const cnn = natureCnn({ inputShape: [10, 10, 3], seed: 2 });
    try {
      expect(cnn.variant).toBe('minatar');
      expect(cnn.inputSize).toBe(300);
      const out = tf.tidy(() => cnn.apply(tf.ones([2, 300])).arraySync());
      expect(out.length).toBe(2);
      expect(out[0].length).toBe(128);
      expect(out[0].every((v) => v >= 0)).toBe(true);
      expect(out[1]).toEqual(out[0]);
      expect(() => natureCnn({ inputShape: [20, 20, 3], variant: 'atari' })).toThrow(/too small for the 'atari' network/);
    } finally {
      cnn.dispose();
    }
  });
});
