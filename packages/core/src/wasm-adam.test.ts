import * as tf from '@tensorflow/tfjs';
import { Rng } from '@ppo/utils';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '@ppo/nets';
import { Adam } from './adam';
import { useWasmAdam, WasmAdam } from './wasm-adam';

/** Variables of odd and even sizes (odd ones leave a last parameter to the loop, at odd offsets after them). */
const SHAPES: number[][] = [[3, 5], [7], [4, 4], [1], [2, 3]];

/** Runs `steps` applyGradients steps with random gradients (some huge, some tiny, some zero); returns parameters and state. */
function run(kernel: boolean, steps: number, maxGradNorm: number | null) {
  useWasmAdam(kernel);
  const variables = SHAPES.map((shape, k) => tf.variable(tf.randomNormal(shape, 0, 1, 'float32', k + 1)));
  const adam = new Adam(variables, { epsilon: 1e-5 });
  useWasmAdam(true);
  const params = variables.map((x) => Float32Array.from(x.dataSync() as Float32Array));
  const rng = new Rng(8);
  const norms: number[] = [];
  for (let t = 0; t < steps; t++) {
    const grads = params.map((p) => Float32Array.from(p, (_, i) => (i % 5 === 4 ? 0 : rng.normal(0, 1) * 10 ** rng.nextInt(9) * 1e-4)));
    norms.push(adam.applyGradients(grads, params, 3e-4 * (1 - t / steps), maxGradNorm));
  }
  const state = adam.getState();
  adam.dispose();
  for (const x of variables) x.dispose();
  return { params, state, norms };
}

describe('the SIMD Adam update', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });
  afterEach(() => useWasmAdam(true));

  it('is available in Node (so the comparison below is not of the loop with itself)', () => {
    expect(WasmAdam.create(10, 4)).not.toBeNull();
    useWasmAdam(false);
    expect(WasmAdam.create(10, 4)).toBeNull();
  });

  // Outputs are float32, so this catches wrong lanes, offsets, tails, clipping or a wrong
  // operation, but not a float64 product or sum associated differently (its last-bit change
  // alters a float32 result only once in ~2^29): that order is kept by construction, each
  // expression in wasm-adam.ts written in the loop's order.
  it.each([null, 0.5])('gives bitwise the parameters and moments of the JavaScript loop (maxGradNorm %s)', (maxGradNorm) => {
    const withKernel = run(true, 25, maxGradNorm);
    const plain = run(false, 25, maxGradNorm);
    expect(withKernel.norms).toEqual(plain.norms);
    expect(withKernel.params).toEqual(plain.params);
    expect(withKernel.state).toEqual(plain.state);
  });
});
