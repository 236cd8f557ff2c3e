import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { RmsProp } from './rmsprop';
import { BACKENDS, useBackend } from './test-utils';

// Least squares: loss = sum((x w - y)^2), x [3, 2], w [2].
const X = [
  [0.5, -1.2],
  [1.1, 0.4],
  [-0.3, 0.8],
];
const Y = [1, -0.5, 0.7];
const W0 = [0.2, -0.1];

/** PyTorch's RMSprop (no momentum, not centred) with clip_grad_norm_, in float64. */
function referenceRmsProp(steps: number, lr: number, alpha: number, eps: number, maxNorm: number | null): number[] {
  const w = [...W0];
  const s = [0, 0];
  for (let t = 0; t < steps; t++) {
    const g = [0, 0];
    for (let i = 0; i < 3; i++) {
      const r = 2 * (X[i][0] * w[0] + X[i][1] * w[1] - Y[i]);
      g[0] += X[i][0] * r;
      g[1] += X[i][1] * r;
    }
    const norm = Math.hypot(g[0], g[1]);
    const scale = maxNorm === null ? 1 : Math.min(1, maxNorm / (norm + 1e-6));
    for (let k = 0; k < 2; k++) {
      const gk = g[k] * scale;
      s[k] = alpha * s[k] + (1 - alpha) * gk * gk;
      w[k] -= (lr * gk) / (Math.sqrt(s[k]) + eps);
    }
  }
  return w;
}

describe.each(BACKENDS)('RmsProp on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  const loss = (w: tf.Variable) => () => tf.tidy(() => tf.sum<tf.Scalar>(tf.square(tf.sub(tf.matMul(tf.tensor2d(X), tf.reshape(w, [2, 1])), tf.tensor2d(Y, [3, 1])))));

  it.each([
    [null, 0.99, 1e-8],
    [0.5, 0.9, 1e-5],
  ] as const)('matches a float64 reference (maxGradNorm %s, alpha %s, eps %s) without leaking', (maxNorm, alpha, eps) => {
    const start = tf.memory().numTensors;
    const w = tf.tidy(() => tf.variable(tf.tensor1d(W0)));
    const opt = new RmsProp([w], { alpha, epsilon: eps });
    const counts: number[] = [];
    for (let t = 0; t < 25; t++) {
      opt.minimize(loss(w), 0.01, maxNorm);
      counts.push(tf.memory().numTensors);
    }
    const ref = referenceRmsProp(25, 0.01, alpha, eps, maxNorm);
    const got = w.dataSync();
    ref.forEach((x, k) => expect(Math.abs(got[k] - x)).toBeLessThan(1e-5 * (1 + Math.abs(x))));
    expect(new Set(counts).size).toBe(1);
    expect(opt.step).toBe(25);
    opt.dispose();
    w.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('resumes bitwise from a saved state and rejects malformed ones', () => {
    const w1 = tf.tidy(() => tf.variable(tf.tensor1d(W0)));
    const a = new RmsProp([w1]);
    for (let t = 0; t < 4; t++) a.minimize(loss(w1), 0.01, null);
    const state = a.getState();
    const saved = Float32Array.from(w1.dataSync());
    for (let t = 0; t < 4; t++) a.minimize(loss(w1), 0.01, null);
    const w2 = tf.tidy(() => tf.variable(tf.tensor1d(saved)));
    const b = new RmsProp([w2]);
    b.setState(state);
    for (let t = 0; t < 4; t++) b.minimize(loss(w2), 0.01, null);
    expect(Array.from(w2.dataSync())).toEqual(Array.from(w1.dataSync()));
    expect(b.step).toBe(8);
    expect(() => b.setState({ step: 1, squareAverages: [new Float32Array(3)] })).toThrow(/state\.squareAverages\[0\] must be a Float32Array of length 2/);
    expect(() => b.setState({ step: -1, squareAverages: state.squareAverages })).toThrow(/state\.step must be an integer >= 0, got -1/);
    expect(() => new RmsProp([w2], { alpha: 1 })).toThrow(/alpha must be in \[0, 1\), got 1/);
    for (const x of [w1, w2]) x.dispose();
  });
});
