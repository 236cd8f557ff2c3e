import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '@ppo/nets';
import { Adam } from './adam';

// Least squares: loss = sum((x w + b - y)^2), x [4, 3], w [3, 2], b [2].
const X = [
  [0.5, -1.2, 0.3],
  [1.1, 0.4, -0.7],
  [-0.3, 0.8, 0.9],
  [0.2, -0.5, -1.4],
];
const Y = [
  [1, -1],
  [0.5, 2],
  [-1.5, 0.3],
  [0.7, 0.1],
];
const W0 = [0.1, -0.2, 0.3, 0.4, -0.5, 0.6];
const B0 = [0.05, -0.05];

/** Analytic float64 gradient and PyTorch's Adam with clip_grad_norm_, as the reference. */
function referenceAdam(steps: number, lr: number, maxNorm: number | null, eps: number): { w: number[]; b: number[] } {
  const w = [...W0];
  const b = [...B0];
  const m = new Array<number>(8).fill(0);
  const v = new Array<number>(8).fill(0);
  for (let t = 1; t <= steps; t++) {
    const g = new Array<number>(8).fill(0);
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 2; j++) {
        let pred = b[j];
        for (let k = 0; k < 3; k++) pred += X[i][k] * w[k * 2 + j];
        const r = 2 * (pred - Y[i][j]);
        for (let k = 0; k < 3; k++) g[k * 2 + j] += X[i][k] * r;
        g[6 + j] += r;
      }
    }
    if (maxNorm !== null) {
      const norm = Math.sqrt(g.reduce((s, x) => s + x * x, 0));
      const scale = Math.min(1, maxNorm / (norm + 1e-6));
      for (let k = 0; k < 8; k++) g[k] *= scale;
    }
    for (let k = 0; k < 8; k++) {
      m[k] = 0.9 * m[k] + 0.1 * g[k];
      v[k] = 0.999 * v[k] + 0.001 * g[k] * g[k];
      const step = ((lr / (1 - 0.9 ** t)) * m[k]) / (Math.sqrt(v[k]) / Math.sqrt(1 - 0.999 ** t) + eps);
      if (k < 6) w[k] -= step;
      else b[k - 6] -= step;
    }
  }
  return { w, b };
}

describe.each(['cpu', 'wasm'] as const)('Adam on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend(backend);
  });

  const loss = (w: tf.Variable, b: tf.Variable) => () =>
    tf.tidy(() => tf.sum<tf.Scalar>(tf.square(tf.sub(tf.add(tf.matMul(tf.tensor2d(X), w), b), tf.tensor2d(Y)))));

  it.each([
    [null, 1e-5],
    [0.5, 1e-5],
    [2, 1e-8],
  ] as const)('matches a float64 reference (maxGradNorm %s, eps %s)', (maxNorm, eps) => {
    const start = tf.memory().numTensors;
    const w = tf.tidy(() => tf.variable(tf.tensor2d(W0, [3, 2])));
    const b = tf.tidy(() => tf.variable(tf.tensor1d(B0)));
    const adam = new Adam([w, b], { epsilon: eps });
    const counts: number[] = [];
    for (let t = 0; t < 30; t++) {
      adam.minimize(loss(w, b), 0.05, maxNorm);
      counts.push(tf.memory().numTensors);
    }
    const ref = referenceAdam(30, 0.05, maxNorm, eps);
    const got = [...w.dataSync(), ...b.dataSync()];
    [...ref.w, ...ref.b].forEach((x, k) => expect(Math.abs(got[k] - x)).toBeLessThan(1e-4 * (1 + Math.abs(x))));
    expect(new Set(counts).size).toBe(1);
    adam.dispose();
    w.dispose();
    b.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('resumes bitwise from a saved state', () => {
    const make = () => tf.tidy(() => [tf.variable(tf.tensor2d(W0, [3, 2])), tf.variable(tf.tensor1d(B0))] as const);
    const [w1, b1] = make();
    const a1 = new Adam([w1, b1]);
    for (let t = 0; t < 5; t++) a1.minimize(loss(w1, b1), 0.05, 0.5);
    const state = a1.getState();
    const weights = [Float32Array.from(w1.dataSync()), Float32Array.from(b1.dataSync())];
    for (let t = 0; t < 5; t++) a1.minimize(loss(w1, b1), 0.05, 0.5);
    const [w2, b2] = make();
    tf.tidy(() => {
      w2.assign(tf.tensor2d(weights[0], [3, 2]));
      b2.assign(tf.tensor1d(weights[1]));
    });
    const a2 = new Adam([w2, b2]);
    a2.setState(state);
    expect(a2.step).toBe(5);
    for (let t = 0; t < 5; t++) a2.minimize(loss(w2, b2), 0.05, 0.5);
    expect(Array.from(w2.dataSync())).toEqual(Array.from(w1.dataSync()));
    expect(Array.from(b2.dataSync())).toEqual(Array.from(b1.dataSync()));
    expect(() => a2.setState({ ...state, m: [state.m[0]] })).toThrow(/state\.m must hold 2 arrays, got 1/);
    for (const x of [a1, a2]) x.dispose();
    for (const x of [w1, b1, w2, b2]) x.dispose();
  });

  it('returns the pre-clip gradient norm and rejects bad options', () => {
    const w = tf.tidy(() => tf.variable(tf.tensor2d(W0, [3, 2])));
    const b = tf.tidy(() => tf.variable(tf.tensor1d(B0)));
    const adam = new Adam([w, b]);
    const norm = adam.minimize(loss(w, b), 0, null);
    expect(norm).toBeGreaterThan(0);
    expect(Array.from(w.dataSync())).toEqual(Array.from(new Float32Array(W0)));
    expect(() => adam.minimize(loss(w, b), Number.NaN, null)).toThrow(/learningRate must be a finite number >= 0, got NaN/);
    expect(() => new Adam([w], { beta1: 1 })).toThrow(/beta1 must be in \[0, 1\), got 1/);
    adam.dispose();
    w.dispose();
    b.dispose();
  });

  it('applyGradients takes the steps minimize takes, on host copies, and checks its arrays', () => {
    const w1 = tf.tidy(() => tf.variable(tf.tensor2d(W0, [3, 2])));
    const b1 = tf.tidy(() => tf.variable(tf.tensor1d(B0)));
    const w2 = tf.tidy(() => tf.variable(tf.tensor2d(W0, [3, 2])));
    const b2 = tf.tidy(() => tf.variable(tf.tensor1d(B0)));
    const viaTape = new Adam([w1, b1]);
    const onHost = new Adam([w2, b2]);
    const params = [Float32Array.from(w2.dataSync()), Float32Array.from(b2.dataSync())];
    for (let t = 0; t < 4; t++) {
      // The gradients minimize would compute at the host parameters, read from the tape.
      const grads = tf.tidy(() => {
        const [wt, bt] = [tf.tensor2d(params[0], [3, 2]), tf.tensor1d(params[1])];
        const g = tf.grads((a: tf.Tensor, c: tf.Tensor) => tf.sum(tf.square(tf.sub(tf.add(tf.matMul(tf.tensor2d(X), a as tf.Tensor2D), c), tf.tensor2d(Y)))))([wt, bt]);
        return g.map((x) => x.dataSync() as Float32Array);
      });
      const n1 = viaTape.minimize(loss(w1, b1), 0.05, 0.5);
      const n2 = onHost.applyGradients(grads, params, 0.05, 0.5);
      expect(n2).toBeCloseTo(n1, 5);
    }
    // The same arithmetic on the same float32 gradients: identical parameters and moments.
    expect(Array.from(params[0])).toEqual(Array.from(w1.dataSync()));
    expect(Array.from(params[1])).toEqual(Array.from(b1.dataSync()));
    expect(onHost.getState()).toEqual(viaTape.getState());
    // The variables themselves are untouched.
    expect(Array.from(w2.dataSync())).toEqual(Array.from(new Float32Array(W0)));
    expect(viaTape.optimizes([w1, b1])).toBe(true);
    expect(viaTape.optimizes([b1, w1])).toBe(false);
    expect(() => onHost.applyGradients([new Float32Array(5), null], params, 0.1, null)).toThrow(/grads\[0\] must be a Float32Array of length 6/);
    expect(() => onHost.applyGradients([null], params, 0.1, null)).toThrow(/must hold 2 arrays, got 1 and 2/);
    expect(() => onHost.applyGradients([null, null], params, 0.1, null)).toThrow(/every gradient is null/);
    for (const x of [viaTape, onHost]) x.dispose();
    for (const x of [w1, b1, w2, b2]) x.dispose();
  });
});
