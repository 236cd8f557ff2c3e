import { describe, expect, it } from 'vitest';
import { gaeEstimator, monteCarloEstimator, tdLambdaEstimator, type EstimatorInput } from './estimators';
import { gae } from './gae';

const T = 40;
const N = 3;

/** A seeded rollout with terminations and truncations mid-way (a small LCG, independent of the code under test). */
function rollout(seed: number): EstimatorInput {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const size = T * N;
  const input = {
    rewards: Float32Array.from({ length: size }, () => next() * 2 - 1),
    values: Float32Array.from({ length: size }, () => next() * 4 - 2),
    nextValues: new Float32Array(size),
    terminated: Uint8Array.from({ length: size }, () => (next() < 0.05 ? 1 : 0)),
    truncated: Uint8Array.from({ length: size }, () => (next() < 0.05 ? 1 : 0)),
    numEnvs: N,
  };
  for (let k = 0; k < size; k++) {
    const cut = input.truncated[k] === 1 && input.terminated[k] === 0;
    input.nextValues[k] = cut || k + N >= size ? next() * 4 - 2 : input.values[k + N];
  }
  return input;
}

/** Per-env backward loops in float64: the n-step-free definitions. */
function reference(input: EstimatorInput, gamma: number, lambda: number): { td: number[]; mc: number[] } {
  const size = input.rewards.length;
  const td = new Array<number>(size);
  const mc = new Array<number>(size);
  for (let i = 0; i < N; i++) {
    let gLambda = 0;
    let gMc = 0;
    for (let t = T - 1; t >= 0; t--) {
      const k = t * N + i;
      const alive = input.terminated[k] === 1 ? 0 : 1;
      const ends = input.terminated[k] === 1 || input.truncated[k] === 1 || t === T - 1;
      const v = input.nextValues[k];
      gLambda = input.rewards[k] + gamma * alive * (ends ? v : (1 - lambda) * v + lambda * gLambda);
      gMc = input.rewards[k] + gamma * alive * (ends ? v : gMc);
      td[k] = gLambda;
      mc[k] = gMc;
    }
  }
  return { td, mc };
}

function run(estimator: ReturnType<typeof gaeEstimator>, input: EstimatorInput) {
  const out = { advantages: new Float32Array(T * N), returns: new Float32Array(T * N) };
  estimator.estimate(input, out);
  return out;
}

describe('advantage estimators', () => {
  it.each([
    [0.99, 0.95],
    [0.9, 0],
    [1, 1],
  ])('gaeEstimator writes exactly gae() (gamma %s, lambda %s)', (gamma, lambda) => {
    const input = rollout(7);
    const got = run(gaeEstimator({ gamma, lambda }), input);
    const want = gae({ ...input, gamma, lambda });
    expect(got.advantages).toEqual(want.advantages);
    expect(got.returns).toEqual(want.returns);
  });

  it.each([
    [0.99, 0],
    [0.95, 0.5],
    [0.99, 1],
  ])('tdLambdaEstimator matches the float64 reference (gamma %s, lambda %s)', (gamma, lambda) => {
    const input = rollout(11);
    const got = run(tdLambdaEstimator({ gamma, lambda }), input);
    const { td } = reference(input, gamma, lambda);
    td.forEach((g, k) => {
      expect(Math.abs(got.returns[k] - g)).toBeLessThan(1e-6 * (1 + Math.abs(g)));
      expect(Math.abs(got.advantages[k] - (g - input.values[k]))).toBeLessThan(2e-6 * (1 + Math.abs(g)));
    });
  });

  it('monteCarloEstimator matches the float64 reference and TD(1)', () => {
    const input = rollout(13);
    const got = run(monteCarloEstimator({ gamma: 0.97 }), input);
    const { mc } = reference(input, 0.97, 1);
    mc.forEach((g, k) => expect(Math.abs(got.returns[k] - g)).toBeLessThan(1e-6 * (1 + Math.abs(g))));
    expect(got.returns).toEqual(run(tdLambdaEstimator({ gamma: 0.97, lambda: 1 }), input).returns);
  });

  it('rejects bad options with the argument named', () => {
    expect(() => gaeEstimator({ gamma: 1.5, lambda: 0.95 })).toThrow(/gaeEstimator: gamma must be in \[0, 1\], got 1.5/);
    expect(() => tdLambdaEstimator({ gamma: 0.99, lambda: Number.NaN })).toThrow(/tdLambdaEstimator: lambda/);
    expect(() => monteCarloEstimator(null as never)).toThrow(/monteCarloEstimator: options must be an object/);
  });
});
