// Shared test helpers (not part of the published entry point).
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '@ppo/nets';
import { expect } from 'vitest';

/** The backends every numerics suite runs on. */
export const BACKENDS = ['cpu', 'wasm'] as const;

/** Makes `name` the current tfjs backend (call in `beforeAll`). */
export async function useBackend(name: (typeof BACKENDS)[number]): Promise<void> {
  await selectBackend(name);
  expect(tf.getBackend()).toBe(name);
}

/** |actual - expected| <= atol + rtol * |expected|, element-wise. */
export interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
}

/** What is being compared, which decides how much float error is acceptable. */
export type ToleranceKind = 'value' | 'gradient' | 'finiteDifference';

// Keyed by the backend's float precision (32, or 16 on a webgl device without float32 textures).
// value: float32 forward vs a float64 loop; gradient: tf.grad vs central differences of the
// float64 reference (h = 1e-6); finiteDifference: tf.grad vs central differences of the float32
// forward itself (h = 1e-2), where rounding of the loss / h dominates.
const TOLERANCES: Record<16 | 32, Record<ToleranceKind, Tolerance>> = {
  32: {
    value: { rtol: 1e-4, atol: 1e-6 },
    gradient: { rtol: 1e-4, atol: 1e-6 },
    finiteDifference: { rtol: 1e-2, atol: 5e-5 },
  },
  16: {
    value: { rtol: 1e-2, atol: 1e-3 },
    gradient: { rtol: 1e-2, atol: 1e-3 },
    finiteDifference: { rtol: 1e-1, atol: 1e-2 },
  },
};

/** The tolerance for `kind` on the current backend's float precision. */
export function tolerance(kind: ToleranceKind): Tolerance {
  const precision = tf.backend().floatPrecision() === 16 ? 16 : 32;
  return TOLERANCES[precision][kind];
}

/** Element-wise closeness with a message naming the first failing index. */
export function expectClose(
  actual: ArrayLike<number> | number,
  expected: ArrayLike<number> | number,
  tol: Tolerance,
  label = 'value',
): void {
  const a = typeof actual === 'number' ? [actual] : Array.from(actual);
  const e = typeof expected === 'number' ? [expected] : Array.from(expected);
  expect(a.length, `${label}: length`).toBe(e.length);
  for (let i = 0; i < e.length; i++) {
    const bound = tol.atol + tol.rtol * Math.abs(e[i]);
    const diff = Math.abs(a[i] - e[i]);
    if (!(diff <= bound)) {
      expect.fail(`${label}[${i}]: got ${a[i]}, expected ${e[i]} (|diff| ${diff} > ${bound})`);
    }
  }
}

/** Flat values of every tensor in a (nested) result object, keyed by leaf name. */
export type ReadValues = Record<string, number[]>;

function collect(value: unknown, out: ReadValues, tensors: tf.Tensor[], key: string): void {
  if (value instanceof tf.Tensor) {
    out[key] = Array.from(value.dataSync());
    tensors.push(value as tf.Tensor);
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) collect(v, out, tensors, k);
  }
}

/**
 * Runs `fn`, reads every tensor it returns, disposes them, and asserts that the engine holds
 * exactly as many tensors as before the call: any leak, or a returned tensor that aliases an
 * input, fails the test.
 */
export function runNoLeak(fn: () => unknown): ReadValues {
  const before = tf.memory().numTensors;
  const out: ReadValues = {};
  const tensors: tf.Tensor[] = [];
  collect(fn(), out, tensors, 'result');
  for (const t of new Set(tensors)) t.dispose();
  expect(tf.memory().numTensors, 'tensors after the call').toBe(before);
  return out;
}

/** Central finite differences of `f` at `x` with step `h`, in float64. */
export function numericGradient(f: (x: Float64Array) => number, x: ArrayLike<number>, h: number): Float64Array {
  const point = Float64Array.from(x);
  const grad = new Float64Array(point.length);
  for (let i = 0; i < point.length; i++) {
    const xi = point[i];
    point[i] = xi + h;
    const up = f(point);
    point[i] = xi - h;
    const down = f(point);
    point[i] = xi;
    grad[i] = (up - down) / (2 * h);
  }
  return grad;
}

/** What {@link checkGradient} needs about one loss and its independent float64 reference. */
export interface GradientCase {
  /**
   * The loss under test as a function of the differentiated input; returns the function's
   * whole result so that the leak check can dispose every tensor it made.
   */
  readonly loss: (x: tf.Tensor) => { readonly loss: tf.Scalar };
  /** The float64 reference of the same loss. */
  readonly reference: (x: Float64Array) => number;
  /** The point (float32 values) and its shape. */
  readonly x: Float32Array;
  readonly shape: number[];
  /** Skip the float32 finite-difference check (when kinks lie within 1e-2 of the point). */
  readonly skipFloat32Differences?: boolean;
}

/**
 * Checks a loss at a point: value against the reference, `tf.grad` against central differences
 * of the float64 reference (h = 1e-6) and of the float32 loss itself (h = 1e-2), and that the
 * gradient computation leaks no tensor. Returns the tfjs gradient.
 */
export function checkGradient(c: GradientCase, label: string): Float32Array {
  const input = tf.tensor(c.x, c.shape);
  try {
    const values = runNoLeak(() => c.loss(input));
    expectClose(values.loss, c.reference(Float64Array.from(c.x)), tolerance('value'), `${label} value`);
    const before = tf.memory().numTensors;
    const gradTensor = tf.grad((x: tf.Tensor) => c.loss(x).loss)(input);
    const grad = gradTensor.dataSync() as Float32Array;
    gradTensor.dispose();
    expect(tf.memory().numTensors, `${label}: tensors after tf.grad`).toBe(before);
    expectClose(grad, numericGradient(c.reference, c.x, 1e-6), tolerance('gradient'), `${label} grad vs float64 differences`);
    if (c.skipFloat32Differences !== true) {
      const forward = (x: Float64Array): number =>
        tf.tidy(() => c.loss(tf.tensor(Float32Array.from(x), c.shape)).loss.dataSync()[0]);
      expectClose(grad, numericGradient(forward, c.x, 1e-2), tolerance('finiteDifference'), `${label} grad vs float32 differences`);
    }
    return grad;
  } finally {
    input.dispose();
  }
}

/** Mean of `values` over the kept entries (all when `mask` is undefined); 0 when none is kept. */
export function refMean(values: ArrayLike<number>, mask?: ArrayLike<number>): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    if (mask !== undefined && mask[i] === 0) continue;
    sum += values[i];
    count += 1;
  }
  return count === 0 ? 0 : sum / count;
}
