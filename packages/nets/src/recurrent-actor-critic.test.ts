import { PpoError, Rng } from '@ppo/utils';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { ActionSpaceSpec } from './actor-critic';
import { RecurrentActorCritic } from './recurrent-actor-critic';
import { isRecurrentPolicy } from './recurrent-policy';
import { BACKENDS, useBackend } from './test-helpers';

// Acting and the batched sequence pass compute the same float32 ops on the same values, but in
// different batch shapes (matMuls of 1 row block vs T blocks, sampling on the host in float64):
// the log-probabilities agree to float32 rounding, a few ulps of values of size ~1-10.
const LOG_PROB_TOLERANCE = 1e-5;

const SPACES: [string, ActionSpaceSpec][] = [
  ['discrete', { type: 'discrete', n: 3 }],
  ['box', { type: 'box', shape: [2], low: [-1, -1], high: [1, 1] }],
];

interface Rollout {
  readonly observations: Float32Array;
  readonly actions: Int32Array | Float32Array;
  readonly logProbs: Float32Array;
  readonly values: Float32Array;
  readonly starts: Float32Array;
  readonly initialState: Float32Array;
}

/**
 * T steps of N envs acted one step at a time with the state carried on the host, some envs
 * starting an episode at random steps, from a non-zero state (the state after a warm-up).
 */
function actStepByStep(policy: RecurrentActorCritic, n: number, steps: number, seed: number): Rollout {
  const rng = new Rng(seed);
  const d = policy.observationSize;
  const obs = () => Float32Array.from({ length: n * d }, () => rng.normal(0, 1));
  let state = policy.initialState(n);
  // Warm-up, so the stored initial state is not the zero state.
  for (let k = 0; k < 3; k++) state = policy.actRecurrent(obs(), n, state, new Uint8Array(n), rng).state;
  const initialState = Float32Array.from(state);
  const size = policy.actionSize;
  const out: Rollout = {
    observations: new Float32Array(steps * n * d),
    actions: policy.actionType === 'int32' ? new Int32Array(steps * n * size) : new Float32Array(steps * n * size),
    logProbs: new Float32Array(steps * n),
    values: new Float32Array(steps * n),
    starts: new Float32Array(steps * n),
    initialState,
  };
  for (let t = 0; t < steps; t++) {
    const o = obs();
    const starts = Uint8Array.from({ length: n }, () => (rng.nextFloat() < 0.2 ? 1 : 0));
    const step = policy.actRecurrent(o, n, state, starts, rng);
    out.observations.set(o, t * n * d);
    out.actions.set(step.actions, t * n * size);
    out.logProbs.set(step.logProbs, t * n);
    out.values.set(step.values, t * n);
    out.starts.set(starts, t * n);
    state = step.state;
  }
  return out;
}

function actionTensor(policy: RecurrentActorCritic, actions: Int32Array | Float32Array, rows: number): tf.Tensor {
  return policy.actionType === 'int32' ? tf.tensor1d(actions as Int32Array, 'int32') : tf.tensor2d(actions as Float32Array, [rows, policy.actionSize]);
}

describe.each(BACKENDS)('RecurrentActorCritic on %s', (backend) => {
  useBackend(backend);

  describe.each(['lstm', 'gru'] as const)('%s', (cell) => {
    it.each(SPACES)('%s: the batched sequence pass reproduces the step-by-step log-probs and values', (_name, actionSpace) => {
      const policy = new RecurrentActorCritic({ observationSize: 3, actionSpace, cell, hiddenSize: 8, hiddenSizes: [16], seed: 4 });
      try {
        const n = 4;
        const steps = 6;
        const r = actStepByStep(policy, n, steps, 11);
        expect(r.starts.some((f) => f === 1)).toBe(true);
        const [logProbs, values] = tf.tidy(() => {
          const out = policy.evaluateSequences(tf.tensor2d(r.observations, [steps * n, 3]), actionTensor(policy, r.actions, steps * n), {
            numSequences: n,
            initialState: tf.tensor2d(r.initialState, [n, policy.stateSize]),
            episodeStarts: tf.tensor1d(r.starts),
          });
          return [out.logProbs.dataSync(), out.values.dataSync()];
        });
        for (let k = 0; k < steps * n; k++) {
          expect(Math.abs(logProbs[k] - r.logProbs[k])).toBeLessThan(LOG_PROB_TOLERANCE);
          expect(Math.abs(values[k] - r.values[k])).toBeLessThan(LOG_PROB_TOLERANCE);
        }
      } finally {
        policy.dispose();
      }
    });

    it('the update is a sequence pass: sub-sequences of envs score as in the whole batch', () => {
      // A sequential minibatch holds some envs' columns; each env's column must score the same
      // whichever other envs share its batch.
      const policy = new RecurrentActorCritic({ observationSize: 3, actionSpace: { type: 'discrete', n: 2 }, cell, hiddenSize: 5, seed: 2 });
      try {
        const n = 3;
        const steps = 5;
        const r = actStepByStep(policy, n, steps, 3);
        const column = (env: number) => tf.tidy(() => {
          const rows = Array.from({ length: steps }, (_, t) => t * n + env);
          const out = policy.evaluateSequences(
            tf.tensor2d(Float32Array.from(rows.flatMap((k) => Array.from(r.observations.subarray(k * 3, k * 3 + 3)))), [steps, 3]),
            tf.tensor1d(Int32Array.from(rows.map((k) => r.actions[k])), 'int32'),
            {
              numSequences: 1,
              initialState: tf.tensor2d(r.initialState.subarray(env * policy.stateSize, (env + 1) * policy.stateSize), [1, policy.stateSize]),
              episodeStarts: tf.tensor1d(Float32Array.from(rows.map((k) => r.starts[k]))),
            },
          );
          return out.logProbs.dataSync();
        });
        for (let env = 0; env < n; env++) {
          const alone = column(env);
          for (let t = 0; t < steps; t++) expect(Math.abs(alone[t] - r.logProbs[t * n + env])).toBeLessThan(LOG_PROB_TOLERANCE);
        }
      } finally {
        policy.dispose();
      }
    });

    it('an episode start zeroes the state: the step scores as from the initial state', () => {
      const policy = new RecurrentActorCritic({ observationSize: 2, actionSpace: { type: 'discrete', n: 2 }, cell, hiddenSize: 4, seed: 8 });
      try {
        const obs = Float32Array.of(0.3, -0.7);
        const busy = Float32Array.from({ length: policy.stateSize }, (_, i) => Math.sin(i + 1));
        const fromStart = policy.actRecurrent(obs, 1, busy, Uint8Array.of(1), new Rng(1), { deterministic: true });
        const fromZero = policy.actRecurrent(obs, 1, policy.initialState(1), Uint8Array.of(0), new Rng(1), { deterministic: true });
        const carried = policy.actRecurrent(obs, 1, busy, Uint8Array.of(0), new Rng(1), { deterministic: true });
        expect(Array.from(fromStart.state)).toEqual(Array.from(fromZero.state));
        expect(Array.from(fromStart.values)).toEqual(Array.from(fromZero.values));
        expect(Math.abs(carried.values[0] - fromZero.values[0])).toBeGreaterThan(1e-6);
        // The stateless methods act from the zero state.
        expect(Array.from(policy.predictValues(obs, 1))).toEqual(Array.from(fromZero.values));
      } finally {
        policy.dispose();
      }
    });

    it('is differentiable through the sequence in every variable', () => {
      const policy = new RecurrentActorCritic({ observationSize: 2, actionSpace: { type: 'discrete', n: 2 }, cell, hiddenSize: 3, seed: 8 });
      try {
        const sums = tf.tidy(() => {
          const { grads } = tf.variableGrads(() => {
            const out = policy.evaluateSequences(tf.tensor2d([[1, 0], [0, 1], [0.5, 0.5], [-1, 2]]), tf.tensor1d([0, 1, 1, 0], 'int32'), {
              numSequences: 2,
              initialState: tf.zeros([2, policy.stateSize]),
              episodeStarts: tf.tensor1d([1, 1, 0, 0]),
            });
            return tf.sum<tf.Scalar>(tf.add(out.logProbs, out.values));
          }, policy.trainableVariables);
          return Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, tf.sum(tf.abs(g)).dataSync()[0]]));
        });
        // The recurrent kernel gets a gradient only through the carried state of step 2.
        for (const v of policy.trainableVariables.filter((x) => /kernel/.test(x.name))) expect(sums[v.name]).toBeGreaterThan(0);
      } finally {
        policy.dispose();
      }
    });
  });

  it('names its weights core/... then the heads, and round-trips them', () => {
    const a = new RecurrentActorCritic({ observationSize: 2, actionSpace: { type: 'box', shape: [1], low: [-2], high: [2] }, cell: 'gru', hiddenSize: 4, seed: 1 });
    const b = new RecurrentActorCritic({ observationSize: 2, actionSpace: { type: 'box', shape: [1], low: [-2], high: [2] }, cell: 'gru', hiddenSize: 4, seed: 2 });
    try {
      expect(isRecurrentPolicy(a)).toBe(true);
      expect(a.stateSize).toBe(4);
      const names = [...a.getWeights().keys()];
      expect(names.slice(0, 4)).toEqual(['core/input_kernel', 'core/recurrent_kernel', 'core/input_bias', 'core/recurrent_bias']);
      expect(names).toContain('actor/log_std');
      b.setWeights(a.getWeights());
      const obs = Float32Array.of(0.1, 0.2);
      expect(Array.from(b.predictValues(obs, 1))).toEqual(Array.from(a.predictValues(obs, 1)));
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it('rejects bad states, flags and sequence shapes, naming them', () => {
    const policy = new RecurrentActorCritic({ observationSize: 2, actionSpace: { type: 'discrete', n: 2 }, hiddenSize: 3, seed: 1 });
    try {
      const obs = new Float32Array(4);
      const rng = new Rng(0);
      expect(policy.stateSize).toBe(6);
      expect(() => policy.actRecurrent(obs, 2, new Float32Array(5), new Uint8Array(2), rng)).toThrow(/state must be a Float32Array of count \* stateSize = 12 values, got 5/);
      expect(() => policy.actRecurrent(obs, 2, new Float32Array(12), new Uint8Array(3), rng)).toThrow(/episodeStarts must be a Uint8Array of count = 2 flags, got 3/);
      expect(() => policy.actRecurrent(obs, 2, new Float32Array(12), Uint8Array.of(0, 2), rng)).toThrow(/episodeStarts\[1\] must be 0 or 1, got 2/);
      expect(() => policy.actRecurrent(obs, 2, new Float32Array(12).fill(Number.NaN), new Uint8Array(2), rng)).toThrow(PpoError);
      expect(() =>
        tf.tidy(() => {
          policy.evaluateSequences(tf.zeros([6, 2]), tf.zeros([6], 'int32'), { numSequences: 4, initialState: tf.zeros([4, 6]), episodeStarts: tf.zeros([6]) });
        }),
      ).toThrow(/observations must be a tensor \[numSequences \* T, 2\] with numSequences = 4, got \[6, 2\]/);
      expect(() =>
        tf.tidy(() => {
          policy.evaluateSequences(tf.zeros([6, 2]), tf.zeros([6], 'int32'), { numSequences: 2, initialState: tf.zeros([2, 3]), episodeStarts: tf.zeros([6]) });
        }),
      ).toThrow(/sequences.initialState must be a tensor \[2, 6\], got \[2, 3\]/);
      expect(() => new RecurrentActorCritic({ observationSize: 2, actionSpace: { type: 'discrete', n: 2 } })).toThrow(/needs a seed/);
    } finally {
      policy.dispose();
    }
    expect(() => policy.initialState(1)).not.toThrow();
    expect(() => policy.predictValues(new Float32Array(2), 1)).toThrow(/has been disposed/);
  });
});
