import * as tf from '@tensorflow/tfjs';
import { Rng } from '@ppo/buffers';
import { selectBackend } from '@ppo/nets';
import { beforeAll, describe, expect, it } from 'vitest';
import { TorchRmsprop } from './rmsprop';

describe('TorchRmsprop', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  /** Float64 loop of torch.optim.RMSprop's update (alpha, eps outside the root, ms from 0). */
  function reference(w0: number[], grads: number[][], lr: number, alpha: number, eps: number): number[] {
    const w = [...w0];
    const ms = w0.map(() => 0);
    for (const g of grads) {
      for (let k = 0; k < w.length; k++) {
        ms[k] = alpha * ms[k] + (1 - alpha) * g[k] * g[k];
        w[k] -= (lr * g[k]) / (Math.sqrt(ms[k]) + eps);
      }
    }
    return w;
  }

  it.each([
    [7e-4, 0.99, 1e-5, 1],
    [1e-2, 0.9, 1e-8, 1e-4],
    [3e-3, 0.99, 1e-3, 10],
  ])('matches the PyTorch update over 6 steps (lr %s, alpha %s, eps %s, gradient scale %s)', (lr, alpha, eps, scale) => {
    const rng = new Rng(3);
    const w0 = Array.from({ length: 5 }, () => rng.normal(0, 1));
    const grads = Array.from({ length: 6 }, () => w0.map(() => scale * rng.normal(0, 1)));
    const start = tf.memory().numTensors;
    const w = tf.tidy(() => tf.variable(tf.tensor1d(w0)));
    const opt = new TorchRmsprop(lr, alpha, eps);
    for (const g of grads) {
      const gt = tf.tensor1d(g);
      opt.applyGradients([w], { [w.name]: gt });
      gt.dispose();
    }
    const want = reference(w0, grads, lr, alpha, eps);
    const got = Array.from(w.dataSync());
    // Each step moves a weight by at most about lr / sqrt(1 - alpha); float32 rounding stays far below 1e-5 of that.
    for (let k = 0; k < w0.length; k++) expect(Math.abs(got[k] - want[k])).toBeLessThan(1e-6 + 1e-5 * Math.abs(want[k]));
    // One running average per variable, freed by dispose.
    expect(tf.memory().numTensors).toBe(start + 2);
    opt.dispose();
    w.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('differs from tf.train.rmsprop, which puts eps inside the square root, on small gradients', () => {
    const step = (apply: (w: tf.Variable, g: tf.Tensor) => void): number => {
      const w = tf.tidy(() => tf.variable(tf.scalar(0), true, 'v'));
      const g = tf.scalar(1e-3);
      apply(w, g);
      const x = w.dataSync()[0];
      w.dispose();
      g.dispose();
      return x;
    };
    const ours = new TorchRmsprop(7e-4, 0.99, 1e-5);
    const torchForm = step((w, g) => ours.applyGradients([w], { v: g }));
    const theirs = tf.train.rmsprop(7e-4, 0.99, 0, 1e-5);
    const tfjsForm = step((w, g) => theirs.applyGradients({ v: g }));
    ours.dispose();
    theirs.dispose();
    // First step, ms = 0.01 g^2: PyTorch moves by lr * g / (0.1 g + eps), tfjs by lr * g / sqrt(0.01 g^2 + eps).
    expect(torchForm).toBeCloseTo(-7e-4 * 1e-3 / (1e-4 + 1e-5), 9);
    expect(tfjsForm).toBeCloseTo(-7e-4 * 1e-3 / Math.sqrt(1e-8 + 1e-5), 9);
    expect(torchForm / tfjsForm).toBeGreaterThan(20);
  });

  it('names a bad hyperparameter or a missing gradient', () => {
    expect(() => new TorchRmsprop(0)).toThrow(/learningRate must be > 0, got 0/);
    expect(() => new TorchRmsprop(1e-3, 1)).toThrow(/alpha must be in \[0, 1\), got 1/);
    expect(() => new TorchRmsprop(1e-3, 0.99, -1)).toThrow(/epsilon must be >= 0, got -1/);
    const w = tf.tidy(() => tf.variable(tf.scalar(0), true, 'lonely'));
    const opt = new TorchRmsprop(1e-3);
    expect(() => opt.applyGradients([w], {})).toThrow(/no gradient for variable lonely/);
    opt.dispose();
    w.dispose();
  });
});
