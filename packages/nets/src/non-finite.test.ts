import { PpoError, Rng } from '@ppo/utils';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';
import { ActorCritic } from './actor-critic';
import { Bernoulli, Categorical, DiagGaussian, MultiCategorical, TanhGaussian } from './distributions';
import { BACKENDS, useBackend } from './test-helpers';
import { deserializeWeights, serializeWeights } from './weights';

/** Runs `fn` and returns what it threw (failing the test when it throws nothing). */
function thrown(fn: () => unknown): PpoError {
  try {
    fn();
  } catch (error) {
    return error as PpoError;
  }
  return expect.fail('expected an error');
}

/** Asserts `fn` throws a NON_FINITE RangeError whose message matches `message`. */
function expectNonFinite(fn: () => unknown, message: RegExp): void {
  const error = thrown(fn);
  expect(error).toBeInstanceOf(RangeError);
  expect(error.message).toMatch(message);
  expect(PpoError.is(error, 'NON_FINITE'), error.message).toBe(true);
}

const BOX = { type: 'box', shape: [2], low: [-1, -1], high: [1, 1] } as const;

describe.each(BACKENDS)('non-finite inputs are named errors on %s', (backend) => {
  useBackend(backend);

  it('act and predictValues reject NaN and ±Infinity observations, naming row and column', () => {
    const policy = new ActorCritic({ observationSize: 3, actionSpace: { type: 'discrete', n: 2 }, seed: 1 });
    const box = new ActorCritic({ observationSize: 3, actionSpace: BOX, continuous: 'tanh-gaussian', seed: 1 });
    for (const bad of [Infinity, -Infinity, NaN]) {
      const obs = Float32Array.of(0, 0, 0, 0, bad, 0);
      const message = new RegExp(`^observations\\[1, 1\\] must be finite, got ${String(bad)}$`);
      expectNonFinite(() => policy.act(obs, 2, new Rng(1)), message);
      expectNonFinite(() => box.act(obs, 2, new Rng(1)), message);
      expectNonFinite(() => policy.predictValues(obs, 2), message);
    }
    policy.dispose();
    box.dispose();
  });

  it('act names weights that overflow to a non-finite output instead of returning NaN actions', () => {
    const policy = new ActorCritic({ observationSize: 2, actionSpace: BOX, seed: 1 });
    const weights = policy.getWeights();
    // Finite weights whose products overflow float32.
    for (const [name, w] of weights) if (name.includes('kernel')) w.fill(3e38);
    policy.setWeights(weights);
    expectNonFinite(() => policy.act(Float32Array.of(1, 1), 1, new Rng(1)), /^ActorCritic\.act: network output\[\d+\] must be finite, got .*weights have diverged/);
    policy.dispose();
  });

  it('setWeights rejects NaN and infinite values, naming the variable and the position, and assigns nothing', () => {
    const policy = new ActorCritic({ observationSize: 2, actionSpace: { type: 'discrete', n: 2 }, seed: 1 });
    const before = policy.getWeights();
    const weights = policy.getWeights();
    const [name, kernel] = [...weights].find(([n]) => n.endsWith('kernel')) as [string, Float32Array];
    kernel[3] = NaN;
    const escaped = name.replace(/[/]/g, '\\/');
    expectNonFinite(() => policy.setWeights(weights), new RegExp(`^weights: variable '${escaped}'\\[0, 3\\] must be finite, got NaN$`));
    expect(policy.getWeights()).toEqual(before);
    policy.dispose();
  });

  it('deserializeWeights rejects serialized weights holding a non-finite value (BAD_WEIGHTS)', () => {
    const policy = new ActorCritic({ observationSize: 2, actionSpace: { type: 'discrete', n: 2 }, seed: 1 });
    const bytes = new Uint8Array(serializeWeights(policy));
    // The last float of the data: the critic head's bias.
    new DataView(bytes.buffer).setFloat32(bytes.byteLength - 4, -Infinity, true);
    const error = thrown(() => deserializeWeights(bytes, policy));
    expect(error.message).toMatch(/^serialized weights: variable 'critic\/head\/output\/bias'\[0\] must be finite, got -Infinity$/);
    expect(PpoError.is(error, 'BAD_WEIGHTS')).toBe(true);
    policy.dispose();
  });

  it('distributions reject non-finite parameters and actions, naming the argument and position', () => {
    tf.tidy(() => {
      expectNonFinite(() => new Categorical(tf.tensor2d([[0, 1], [NaN, 0]])), /^Categorical: logits\[1, 0\] must be finite, got NaN/);
      expectNonFinite(() => new Categorical(tf.tensor2d([[0, -Infinity]])), /logits\[0, 1\] must be finite, got -Infinity \(rule actions out with the mask option instead\)/);
      expectNonFinite(() => new MultiCategorical(tf.tensor2d([[0, 1, Infinity]]), [1, 2]), /^MultiCategorical: logits\[0, 2\] must be finite/);
      expectNonFinite(() => new Bernoulli(tf.tensor2d([[NaN]])), /^Bernoulli: logits\[0, 0\] must be finite/);
      const mean = tf.zeros<tf.Rank.R2>([2, 2]);
      expectNonFinite(() => new DiagGaussian(mean, tf.tensor1d([0, -Infinity])), /^DiagGaussian: logStd\[1\] must be finite, got -Infinity$/);
      expectNonFinite(() => new DiagGaussian(tf.tensor2d([[0, 0], [Infinity, 0]]), tf.zeros([2])), /^DiagGaussian: mean\[1, 0\] must be finite/);
      expectNonFinite(() => new TanhGaussian(mean, tf.tensor1d([NaN, 0])), /^DiagGaussian: logStd\[0\] must be finite/);
      const gaussian = new DiagGaussian(mean, tf.zeros([2]));
      expectNonFinite(() => gaussian.logProb(tf.tensor2d([[0, 0], [0, NaN]])), /^DiagGaussian\.logProb: actions\[1, 1\] must be finite, got NaN$/);
      expectNonFinite(() => new TanhGaussian(mean, tf.zeros([2])).logProb(tf.tensor2d([[NaN, 0], [0, 0]])), /^TanhGaussian\.logProb: actions\[0, 0\]/);
      // Finite inputs still work, and a Categorical's NaN action is named by its range check.
      expect(Array.from(gaussian.logProb(tf.zeros([2, 2])).dataSync()).every(Number.isFinite)).toBe(true);
      expect(() => new Categorical(tf.zeros([1, 2])).logProb(tf.tensor1d([NaN]))).toThrow(/actions\[0\] = NaN, expected an integer in \[0, 1\]/);
    });
  });

  it('evaluate and forward reject non-finite observations and box actions, reading each once', () => {
    const box = new ActorCritic({ observationSize: 2, actionSpace: BOX, seed: 1 });
    const discrete = new ActorCritic({ observationSize: 2, actionSpace: { type: 'discrete', n: 3 }, seed: 1 });
    tf.tidy(() => {
      const obs = tf.tensor2d([[0, 1], [2, 3]]);
      expectNonFinite(() => box.evaluate(obs, tf.tensor2d([[0, 0], [NaN, 0]])), /^ActorCritic\.evaluate: actions\[1, 0\] must be finite, got NaN$/);
      expectNonFinite(() => box.evaluate(obs, tf.tensor2d([[0, Infinity], [0, 0]])), /^ActorCritic\.evaluate: actions\[0, 1\] must be finite, got Infinity$/);
      const badObs = tf.tensor2d([[0, 1], [-Infinity, 3]]);
      expectNonFinite(() => box.evaluate(badObs, tf.zeros([2, 2])), /^ActorCritic\.evaluate: observations\[1, 0\] must be finite, got -Infinity$/);
      expectNonFinite(() => discrete.evaluate(badObs, tf.tensor1d([0, 1], 'int32')), /^ActorCritic\.evaluate: observations\[1, 0\]/);
      expectNonFinite(() => box.forward(tf.tensor2d([[NaN, 0]])), /^ActorCritic\.forward: observations\[0, 0\] must be finite, got NaN$/);
      const reads = vi.spyOn(tf.engine(), 'readSync');
      try {
        box.evaluate(tf.tensor2d([[0, 1], [2, 3]]), tf.tensor2d([[0.5, 0], [0, -0.5]]));
        discrete.evaluate(tf.tensor2d([[0, 1], [2, 3]]), tf.tensor1d([0, 2], 'int32'));
        // Observations and actions, once each per evaluate; the distribution reads nothing again.
        expect(reads).toHaveBeenCalledTimes(4);
      } finally {
        reads.mockRestore();
      }
    });
    box.dispose();
    discrete.dispose();
  });
});
