import { PpoError, Rng } from '@ppo/utils';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { recurrentCell, type RecurrentCell } from './recurrent-cell';
import { BACKENDS, useBackend } from './test-helpers';

// float32 arithmetic through a handful of ops of O(1) values: 2e-6 absolute is ~20 ulps.
const TOLERANCE = 2e-6;

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Row-major [rows, cols] float64 copy of a variable. */
function weightsOf(cell: RecurrentCell, name: string): { data: Float64Array; cols: number } {
  const v = cell.variables[name];
  return { data: Float64Array.from(v.dataSync()), cols: v.shape.length === 2 ? v.shape[1] : v.shape[0] };
}

/** x (length n) times rows [offset, offset + n) of a row-major kernel, plus column j. */
function dot(x: ArrayLike<number>, kernel: { data: Float64Array; cols: number }, rowOffset: number, j: number): number {
  let s = 0;
  for (let r = 0; r < x.length; r++) s += x[r] * kernel.data[(rowOffset + r) * kernel.cols + j];
  return s;
}

/** One LSTM step in float64 from PyTorch's equations, on one row; state [h, c]. */
function lstmReference(cell: RecurrentCell, x: number[], state: number[]): { output: number[]; state: number[] } {
  const n = cell.hiddenSize;
  const kernel = weightsOf(cell, 'kernel');
  const bias = weightsOf(cell, 'bias').data;
  const h = state.slice(0, n);
  const c = state.slice(n);
  const gate = (k: number, j: number) => dot(x, kernel, 0, k * n + j) + dot(h, kernel, x.length, k * n + j) + bias[k * n + j];
  const hNext: number[] = [];
  const cNext: number[] = [];
  for (let j = 0; j < n; j++) {
    const cj = sigmoid(gate(1, j)) * c[j] + sigmoid(gate(0, j)) * Math.tanh(gate(2, j));
    cNext.push(cj);
    hNext.push(sigmoid(gate(3, j)) * Math.tanh(cj));
  }
  return { output: hNext, state: [...hNext, ...cNext] };
}

/** One GRU step in float64 from PyTorch's equations, on one row. */
function gruReference(cell: RecurrentCell, x: number[], h: number[]): { output: number[]; state: number[] } {
  const n = cell.hiddenSize;
  const wi = weightsOf(cell, 'input_kernel');
  const wh = weightsOf(cell, 'recurrent_kernel');
  const bi = weightsOf(cell, 'input_bias').data;
  const bh = weightsOf(cell, 'recurrent_bias').data;
  const out: number[] = [];
  for (let j = 0; j < n; j++) {
    const r = sigmoid(dot(x, wi, 0, j) + bi[j] + dot(h, wh, 0, j) + bh[j]);
    const z = sigmoid(dot(x, wi, 0, n + j) + bi[n + j] + dot(h, wh, 0, n + j) + bh[n + j]);
    const cand = Math.tanh(dot(x, wi, 0, 2 * n + j) + bi[2 * n + j] + r * (dot(h, wh, 0, 2 * n + j) + bh[2 * n + j]));
    out.push((1 - z) * cand + z * h[j]);
  }
  return { output: out, state: out };
}

/** Gives the biases random values so they take part in the comparison. */
function randomizeBiases(cell: RecurrentCell, rng: Rng): void {
  for (const [name, v] of Object.entries(cell.variables)) {
    if (name.endsWith('bias')) tf.tidy(() => v.assign(tf.tensor(Float32Array.from({ length: v.size }, () => rng.normal(0, 0.5)), v.shape)));
  }
}

describe.each(BACKENDS)('recurrentCell on %s', (backend) => {
  useBackend(backend);

  describe.each(['lstm', 'gru'] as const)('%s', (kind) => {
    it.each([
      [1, 1, 1],
      [3, 4, 5],
      [7, 16, 2],
      [2, 64, 8],
    ])('input %i, hidden %i, batch %i: matches the float64 equations over 4 steps', (inputSize, hiddenSize, batch) => {
      const rng = new Rng(inputSize * 100 + hiddenSize);
      const cell = recurrentCell({ kind, inputSize, hiddenSize, seed: 5 });
      try {
        randomizeBiases(cell, rng);
        expect(cell.stateSize).toBe(kind === 'lstm' ? 2 * hiddenSize : hiddenSize);
        let state = Float32Array.from({ length: batch * cell.stateSize }, () => rng.normal(0, 1));
        let expectedState = Array.from({ length: batch }, (_, b) => Array.from(state.subarray(b * cell.stateSize, (b + 1) * cell.stateSize)));
        for (let t = 0; t < 4; t++) {
          const x = Float32Array.from({ length: batch * inputSize }, () => rng.normal(0, 2));
          const [output, next] = tf.tidy(() => {
            const step = cell.step(tf.tensor2d(x, [batch, inputSize]), tf.tensor2d(state, [batch, cell.stateSize]));
            return [step.output.dataSync(), step.state.dataSync()] as const;
          });
          for (let b = 0; b < batch; b++) {
            const xb = Array.from(x.subarray(b * inputSize, (b + 1) * inputSize));
            const ref = (kind === 'lstm' ? lstmReference : gruReference)(cell, xb, expectedState[b]);
            for (let j = 0; j < hiddenSize; j++) expect(Math.abs(output[b * hiddenSize + j] - ref.output[j])).toBeLessThan(TOLERANCE);
            for (let j = 0; j < cell.stateSize; j++) expect(Math.abs(next[b * cell.stateSize + j] - ref.state[j])).toBeLessThan(TOLERANCE);
            expectedState[b] = ref.state;
          }
          // The next step starts from the cell's own float32 state, as a rollout does.
          state = Float32Array.from(next);
          expectedState = Array.from({ length: batch }, (_, b) => Array.from(state.subarray(b * cell.stateSize, (b + 1) * cell.stateSize)));
        }
      } finally {
        cell.dispose();
      }
    });

    it('initialises kernels orthogonally (gain 1) and biases to zero, the same for the same seed', () => {
      const a = recurrentCell({ kind, inputSize: 3, hiddenSize: 4, seed: 9 });
      const b = recurrentCell({ kind, inputSize: 3, hiddenSize: 4, seed: 9 });
      try {
        for (const [name, v] of Object.entries(a.variables)) {
          const values = v.dataSync();
          expect(Array.from(b.variables[name].dataSync())).toEqual(Array.from(values));
          if (name.endsWith('bias')) expect(Array.from(values).every((x) => x === 0)).toBe(true);
          else {
            // Rows of a wide orthogonal block are orthonormal: each row has unit norm.
            const cols = v.shape[1] as number;
            for (let r = 0; r < v.shape[0]; r++) {
              let s = 0;
              for (let c = 0; c < cols; c++) s += values[r * cols + c] ** 2;
              expect(Math.abs(s - 1)).toBeLessThan(1e-5);
            }
          }
        }
      } finally {
        a.dispose();
        b.dispose();
      }
    });

    it.each([1, 5])('unroll over %i steps equals step by step with resets', (steps) => {
      const rng = new Rng(steps);
      const cell = recurrentCell({ kind, inputSize: 3, hiddenSize: 6, seed: 2 });
      try {
        randomizeBiases(cell, rng);
        const batch = 3;
        const x = Float32Array.from({ length: steps * batch * 3 }, () => rng.normal(0, 1));
        const s0 = Float32Array.from({ length: batch * cell.stateSize }, () => rng.normal(0, 1));
        // Step 0 resets row 1; the others carry their state.
        const keepRows = Array.from({ length: steps }, (_, t) => (t === 0 ? [1, 0, 1] : t === 3 ? [0, 0, 0] : null));
        const [unrolled, stepped] = tf.tidy(() => {
          const keeps = keepRows.map((k) => (k === null ? null : tf.tensor2d(k, [batch, 1])));
          const all = cell.unroll(tf.tensor2d(x, [steps * batch, 3]), tf.tensor2d(s0, [batch, cell.stateSize]), keeps);
          let state = tf.tensor2d(s0, [batch, cell.stateSize]);
          const outs: tf.Tensor2D[] = [];
          for (let t = 0; t < steps; t++) {
            const keep = keeps[t];
            const step = cell.step(tf.tensor2d(x.subarray(t * batch * 3, (t + 1) * batch * 3), [batch, 3]), keep === null ? state : tf.mul<tf.Tensor2D>(state, keep));
            outs.push(step.output);
            state = step.state;
          }
          return [all.dataSync(), tf.concat(outs, 0).dataSync()];
        });
        expect(unrolled).toHaveLength(steps * batch * 6);
        for (let k = 0; k < unrolled.length; k++) expect(Math.abs(unrolled[k] - stepped[k])).toBeLessThan(TOLERANCE);
      } finally {
        cell.dispose();
      }
    });

    it('is differentiable in every variable', () => {
      const cell = recurrentCell({ kind, inputSize: 2, hiddenSize: 3, seed: 1 });
      try {
        const grads = tf.tidy(() => {
          const x = tf.tensor2d([[0.5, -1], [2, 0.3]]);
          const s0 = tf.fill<tf.Rank.R2>([2, cell.stateSize], 0.2);
          const { grads } = tf.variableGrads(() => {
            const first = cell.step(x, s0);
            const unrolled = cell.unroll(tf.concat([x, x], 0), first.state, [null, tf.tensor2d([[1], [0]])]);
            return tf.add<tf.Scalar>(tf.sum(cell.step(x, first.state).output), tf.sum(unrolled));
          }, Object.values(cell.variables));
          return Object.values(grads).map((g) => tf.sum(tf.abs(g)).dataSync()[0]);
        });
        expect(grads).toHaveLength(Object.keys(cell.variables).length);
        for (const g of grads) expect(g).toBeGreaterThan(0);
      } finally {
        cell.dispose();
      }
    });
  });

  it('rejects a bad kind or size, naming it', () => {
    expect(() => recurrentCell({ kind: 'rnn' as never, inputSize: 2, hiddenSize: 3 })).toThrow(/kind must be one of 'lstm', 'gru', got rnn/);
    expect(() => recurrentCell({ inputSize: 0, hiddenSize: 3 })).toThrow(/inputSize must be a positive integer, got 0/);
    expect(() => recurrentCell({ inputSize: 2, hiddenSize: 1.5 })).toThrow(PpoError);
  });
});
