import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { discountedReturns, gae, tdLambdaReturns, type GaeInput } from './gae';
import {
  expectClose,
  float32Budget,
  rolloutArbitrary,
  type Rollout,
  withConsistentNextValues,
} from './test-utils';

const shapes = fc.record({ numSteps: fc.integer({ min: 1, max: 40 }), numEnvs: fc.integer({ min: 1, max: 6 }) });
const rollouts = shapes.chain(({ numSteps, numEnvs }) => rolloutArbitrary(numSteps, numEnvs));
const discount = fc.constantFrom(0, 0.3, 0.9, 0.99, 1);
const options = { seed: 42, numRuns: 200 };

function toInput(r: Rollout, gamma: number, lambda: number): GaeInput {
  return { ...r, gamma, lambda };
}

/** Elementwise a * x + b * y in float64, for exact-ish linear combinations of inputs. */
function combine(a: number, x: Float32Array, b: number, y: Float32Array): Float64Array {
  return Float64Array.from(x, (v, k) => a * v + b * y[k]);
}

/** Copies column `env` of a time-major array into its own single-env array. */
function column<T extends Float32Array | Uint8Array>(array: T, numEnvs: number, env: number): T {
  const out = new (array.constructor as new (n: number) => T)(array.length / numEnvs);
  for (let t = 0; t < out.length; t++) out[t] = array[t * numEnvs + env];
  return out;
}

describe('gae properties', () => {
  it('returns equal advantages plus values', () => {
    fc.assert(
      fc.property(rollouts, discount, discount, (r, gamma, lambda) => {
        const { advantages, returns } = gae(toInput(r, gamma, lambda));
        const sum = Float64Array.from(advantages, (a, k) => a + r.values[k]);
        // returns_k rounds A + V and advantages_k rounds A (A the float64 advantage), each once
        // and within 2^-24, so they differ from this sum by at most both roundings.
        const tol = sum.map((s, k) => (2 ** -24 + 2 ** -50) * (Math.abs(s) + 2 * Math.abs(advantages[k])) + 2 ** -149);
        expectClose(returns, sum, tol, 'returns');
      }),
      options,
    );
  });

  it('is linear in (rewards, values, nextValues) jointly', () => {
    fc.assert(
      fc.property(
        shapes.chain(({ numSteps, numEnvs }) =>
          fc.tuple(rolloutArbitrary(numSteps, numEnvs), rolloutArbitrary(numSteps, numEnvs)),
        ),
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.double({ min: -3, max: 3, noNaN: true }),
        discount,
        discount,
        ([x, y], a, b, gamma, lambda) => {
          // Same episode structure for both, so the estimator is one linear map.
          const flags = { terminated: x.terminated, truncated: x.truncated };
          const yy = { ...y, ...flags };
          const ax = gae(toInput(x, gamma, lambda)).advantages;
          const ay = gae(toInput(yy, gamma, lambda)).advantages;
          const mixed = gae({
            rewards: combine(a, x.rewards, b, y.rewards),
            values: combine(a, x.values, b, y.values),
            nextValues: combine(a, x.nextValues, b, y.nextValues),
            ...flags,
            numEnvs: x.numEnvs,
            gamma,
            lambda,
          }).advantages;
          const expected = Float64Array.from(ax, (v, k) => a * v + b * ay[k]);
          const budgetX = float32Budget(x, ax, gamma * lambda);
          const budgetY = float32Budget(yy, ay, gamma * lambda);
          const tol = expected.map(
            (e, k) => (2 * Math.abs(a) + 1) * budgetX[k] + (2 * Math.abs(b) + 1) * budgetY[k] + 2 ** -23 * Math.abs(e),
          );
          expectClose(mixed, expected, tol, 'advantages');
        },
      ),
      { seed: 43, numRuns: 150 },
    );
  });

  it('treats every env independently of the others (and of their order)', () => {
    fc.assert(
      fc.property(rollouts, discount, discount, (r, gamma, lambda) => {
        const all = gae(toInput(r, gamma, lambda));
        const N = r.numEnvs;
        for (let env = 0; env < N; env++) {
          const single = gae({
            rewards: column(r.rewards, N, env),
            values: column(r.values, N, env),
            nextValues: column(r.nextValues, N, env),
            terminated: column(r.terminated, N, env),
            truncated: column(r.truncated, N, env),
            numEnvs: 1,
            gamma,
            lambda,
          });
          // Each column goes through the same arithmetic in the same order: bit-identical.
          expect(Array.from(single.advantages)).toEqual(Array.from(column(all.advantages, N, env)));
          expect(Array.from(single.returns)).toEqual(Array.from(column(all.returns, N, env)));
        }
      }),
      options,
    );
  });

  it('never lets anything after an episode end reach back before it', () => {
    fc.assert(
      fc.property(rollouts, discount, discount, fc.nat(), fc.nat(), (r, gamma, lambda, envPick, salt) => {
        const N = r.numEnvs;
        const env = envPick % N;
        const T = r.numSteps;
        let end = -1;
        for (let t = 0; t < T - 1; t++) {
          const k = t * N + env;
          if (r.terminated[k] === 1 || r.truncated[k] === 1) end = t;
        }
        fc.pre(end >= 0);
        const changed = { ...r, rewards: r.rewards.slice(), values: r.values.slice(), nextValues: r.nextValues.slice() };
        for (let t = end + 1; t < T; t++) {
          const k = t * N + env;
          changed.rewards[k] += 1 + (salt % 7);
          changed.values[k] -= 2;
          changed.nextValues[k] += 3;
        }
        const before = gae(toInput(r, gamma, lambda)).advantages;
        const after = gae(toInput(changed, gamma, lambda)).advantages;
        for (let t = 0; t <= end; t++) {
          const k = t * N + env;
          expect(after[k]).toBe(before[k]);
        }
      }),
      options,
    );
  });

  it('reduces to r - V when gamma is 0, whatever lambda', () => {
    fc.assert(
      fc.property(rollouts, discount, (r, lambda) => {
        const { advantages, returns } = gae(toInput(r, 0, lambda));
        const expected = Float64Array.from(r.rewards, (rew, k) => rew - r.values[k]);
        expectClose(advantages, expected, float32Budget(r, expected, 0), 'advantages');
        expectClose(returns, r.rewards, float32Budget(r, r.rewards, 0), 'returns');
        expectClose(discountedReturns({ ...r, gamma: 0 }).returns, r.rewards, 0, 'discountedReturns');
      }),
      options,
    );
  });

  it('gives gae returns from tdLambdaReturns when nextValues match the following values', () => {
    fc.assert(
      fc.property(rollouts, discount, discount, (raw, gamma, lambda) => {
        const r = withConsistentNextValues(raw);
        const fromGae = gae(toInput(r, gamma, lambda));
        const td = tdLambdaReturns(toInput(r, gamma, lambda)).returns;
        // Two float64 computations of the same quantity, each rounded to float32 once.
        const tol = float32Budget(r, fromGae.returns, gamma * lambda).map((t) => 2 * t);
        expectClose(td, fromGae.returns, tol, 'tdLambdaReturns');
      }),
      { seed: 44, numRuns: 100 },
    );
  });

  it('gives discountedReturns from tdLambdaReturns at lambda 1 and one-step targets at lambda 0', () => {
    fc.assert(
      fc.property(rollouts, discount, (r, gamma) => {
        const mc = discountedReturns({ ...r, gamma }).returns;
        // Lambda 1 makes the bootstrap weight exactly 0: the same arithmetic, bit-identical.
        expect(Array.from(tdLambdaReturns({ ...r, gamma, lambda: 1 }).returns)).toEqual(Array.from(mc));
        const oneStep = Float64Array.from(r.rewards, (rew, k) =>
          rew + (r.terminated[k] === 1 ? 0 : gamma * r.nextValues[k]),
        );
        expectClose(
          tdLambdaReturns({ ...r, gamma, lambda: 0 }).returns,
          oneStep,
          float32Budget(r, oneStep, 0),
          'tdLambdaReturns',
        );
      }),
      options,
    );
  });

  it('gives zero advantages when every TD residual is zero', () => {
    fc.assert(
      fc.property(rollouts, discount, discount, (r, gamma, lambda) => {
        // Rewards chosen to make every delta 0 give zero advantages for every gamma and lambda.
        const rewards = Float64Array.from(r.rewards, (_, k) =>
          r.values[k] - (r.terminated[k] === 1 ? 0 : gamma * r.nextValues[k]),
        );
        const { advantages } = gae({ ...r, rewards, gamma, lambda });
        const zeros = new Float64Array(advantages.length);
        expectClose(advantages, zeros, float32Budget(r, zeros, gamma * lambda), 'advantages');
      }),
      options,
    );
  });
});
