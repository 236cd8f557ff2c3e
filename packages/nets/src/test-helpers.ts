// Shared by the test files only (not part of the published entry points).
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { selectBackend, type BackendName } from './backend';

/** The backends every numerics suite runs on. */
export const BACKENDS = ['cpu', 'wasm'] as const satisfies readonly BackendName[];

/** Selects `backend` for the suite and asserts that every test leaves no tensor behind. */
export function useBackend(backend: BackendName): void {
  let start = 0;
  beforeAll(async () => {
    await selectBackend(backend);
  });
  beforeEach(async () => {
    // Suites of several files may share the engine: make this suite's backend current.
    if (tf.getBackend() !== backend) await selectBackend(backend);
    start = tf.memory().numTensors;
  });
  afterEach(() => {
    expect(tf.memory().numTensors).toBe(start);
  });
}

/** Reads a tensor into a plain array of numbers and disposes nothing. */
export function values(t: tf.Tensor): number[] {
  return Array.from(t.dataSync());
}

/** log(sum(exp(x))) in float64. */
export function logSumExp(x: readonly number[]): number {
  const m = Math.max(...x);
  return m + Math.log(x.reduce((s, v) => s + Math.exp(v - m), 0));
}

/** log-softmax in float64. */
export function logSoftmax(x: readonly number[]): number[] {
  const l = logSumExp(x);
  return x.map((v) => v - l);
}

/** Mean and standard error of a sample. */
export function meanAndSe(xs: ArrayLike<number>): { mean: number; se: number } {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  const mean = s / xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i] - mean) ** 2;
  return { mean, se: Math.sqrt(v / (xs.length - 1) / xs.length) };
}

/** log N(x; m, s^2) in float64. */
export function normalLogPdf(x: number, m: number, s: number): number {
  return -0.5 * ((x - m) / s) ** 2 - Math.log(s) - 0.5 * Math.log(2 * Math.PI);
}
