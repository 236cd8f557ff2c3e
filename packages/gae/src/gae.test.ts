import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { discountedReturns, gae, tdLambdaReturns, type GaeInput } from './gae';
import {
  expectClose,
  float32Budget,
  referenceGae,
  referenceLambdaReturn,
  referenceMonteCarlo,
  rolloutArbitrary,
  type Rollout,
  withConsistentNextValues,
} from './test-utils';

const GAMMAS = [0, 0.5, 0.99, 1];
const LAMBDAS = [0, 0.5, 0.95, 1];
const STEPS = [1, 3, 200];
const ENVS = [1, 7];

const sweep = GAMMAS.flatMap((gamma) =>
  LAMBDAS.flatMap((lambda) =>
    STEPS.flatMap((numSteps) => ENVS.map((numEnvs) => ({ gamma, lambda, numSteps, numEnvs }))),
  ),
);

function input(r: Rollout, gamma: number, lambda: number): GaeInput {
  return { ...r, gamma, lambda };
}

describe('gae against a per-episode float64 reference', () => {
  it.each(sweep)(
    'gamma=$gamma lambda=$lambda T=$numSteps N=$numEnvs',
    ({ gamma, lambda, numSteps, numEnvs }) => {
      fc.assert(
        fc.property(rolloutArbitrary(numSteps, numEnvs), (r) => {
          const { advantages, returns } = gae(input(r, gamma, lambda));
          const refAdv = referenceGae(r, gamma, lambda);
          const refRet = refAdv.map((a, k) => a + r.values[k]);
          expectClose(advantages, refAdv, float32Budget(r, refAdv, gamma * lambda), 'advantages');
          expectClose(returns, refRet, float32Budget(r, refRet, gamma * lambda), 'returns');

          const refMc = referenceMonteCarlo(r, gamma);
          expectClose(
            discountedReturns({ ...r, gamma }).returns,
            refMc,
            float32Budget(r, refMc, gamma),
            'discountedReturns',
          );
          const refLambda = referenceLambdaReturn(r, gamma, lambda);
          expectClose(
            tdLambdaReturns(input(r, gamma, lambda)).returns,
            refLambda,
            float32Budget(r, refLambda, gamma * lambda),
            'tdLambdaReturns',
          );
        }),
        { seed: 20261125, numRuns: numSteps === 200 ? 8 : 25 },
      );
    },
  );
});

describe('gae limits', () => {
  const settings = [
    { numSteps: 3, numEnvs: 1 },
    { numSteps: 200, numEnvs: 7 },
  ];

  it.each(settings)('lambda = 0 equals the one-step TD residuals (T=$numSteps N=$numEnvs)', ({ numSteps, numEnvs }) => {
    fc.assert(
      fc.property(rolloutArbitrary(numSteps, numEnvs), fc.constantFrom(0, 0.5, 0.99, 1), (r, gamma) => {
        const { advantages } = gae(input(r, gamma, 0));
        // Written directly from the definition, with no episode bookkeeping at all.
        const delta = Array.from(r.rewards, (rew, k) => {
          const next = r.terminated[k] === 1 ? 0 : r.nextValues[k];
          return rew + gamma * next - r.values[k];
        });
        expectClose(advantages, delta, float32Budget(r, delta, 0), 'advantages');
      }),
      { seed: 7, numRuns: 30 },
    );
  });

  it.each(settings)('lambda = 1 equals Monte-Carlo returns minus values (T=$numSteps N=$numEnvs)', ({ numSteps, numEnvs }) => {
    fc.assert(
      fc.property(rolloutArbitrary(numSteps, numEnvs), fc.constantFrom(0, 0.5, 0.99, 1), (raw, gamma) => {
        // The identity needs V(s_{t+1}) to be one number: nextValues_t = values_{t+1}.
        const r = withConsistentNextValues(raw);
        const { advantages } = gae(input(r, gamma, 1));
        const mc = referenceMonteCarlo(r, gamma);
        const expected = mc.map((g, k) => g - r.values[k]);
        expectClose(advantages, expected, float32Budget(r, expected, gamma), 'advantages');
      }),
      { seed: 8, numRuns: 30 },
    );
  });
});

describe('gae on hand-computed rollouts', () => {
  it('matches a worked single-env example with a termination', () => {
    // gamma 0.5, lambda 0.5, V = 1 everywhere, rewards 1, 2, 3, episode terminates at t = 2.
    // delta = [1 + 0.5 - 1, 2 + 0.5 - 1, 3 + 0 - 1] = [0.5, 1.5, 2]
    // A_2 = 2, A_1 = 1.5 + 0.25 * 2 = 2, A_0 = 0.5 + 0.25 * 2 = 1
    const { advantages, returns } = gae({
      rewards: new Float32Array([1, 2, 3]),
      values: new Float32Array([1, 1, 1]),
      nextValues: new Float32Array([1, 1, 123]),
      terminated: new Uint8Array([0, 0, 1]),
      truncated: new Uint8Array([0, 0, 0]),
      numEnvs: 1,
      gamma: 0.5,
      lambda: 0.5,
    });
    expectClose(advantages, [1, 2, 2], 1e-7, 'advantages');
    expectClose(returns, [2, 3, 3], 1e-7, 'returns');
  });

  it('bootstraps a truncated step from nextValues and a terminated one from nothing', () => {
    const base = {
      rewards: new Float32Array([0, 0]),
      values: new Float32Array([0, 0]),
      nextValues: new Float32Array([0, 10]),
      numEnvs: 1,
      gamma: 0.9,
      lambda: 1,
    };
    const truncated = gae({
      ...base,
      terminated: new Uint8Array([0, 0]),
      truncated: new Uint8Array([0, 1]),
    });
    expectClose(truncated.advantages, [8.1, 9], 1e-5, 'truncated');
    const terminated = gae({
      ...base,
      terminated: new Uint8Array([0, 1]),
      truncated: new Uint8Array([0, 0]),
    });
    expectClose(terminated.advantages, [0, 0], 0, 'terminated');
    // Terminated wins when both flags are set, as in Gymnasium.
    const both = gae({ ...base, terminated: new Uint8Array([0, 1]), truncated: new Uint8Array([0, 1]) });
    expectClose(both.advantages, [0, 0], 0, 'both');
  });

  it('does not carry advantages across an episode boundary, in an interleaved 2-env layout', () => {
    // env 0: rewards 1 then 1 (episode truncated after t = 0, bootstrap 0); env 1: 0, 5.
    const { advantages } = gae({
      rewards: new Float32Array([1, 0, 1, 5]),
      values: new Float32Array([0, 0, 0, 0]),
      nextValues: new Float32Array([0, 0, 0, 0]),
      terminated: new Uint8Array([0, 0, 0, 0]),
      truncated: new Uint8Array([1, 0, 0, 0]),
      numEnvs: 2,
      gamma: 1,
      lambda: 1,
    });
    expectClose(advantages, [1, 5, 1, 5], 0, 'advantages');
  });

  it('gives the documented discountedReturns and tdLambdaReturns examples', () => {
    expectClose(
      discountedReturns({
        rewards: new Float32Array([1, 1, 1]),
        nextValues: new Float32Array([0, 0, 10]),
        terminated: new Uint8Array([0, 0, 0]),
        truncated: new Uint8Array([0, 0, 1]),
        numEnvs: 1,
        gamma: 0.5,
      }).returns,
      [3, 4, 6],
      0,
      'discountedReturns',
    );
    expectClose(
      tdLambdaReturns({
        rewards: new Float32Array([0, 1]),
        nextValues: new Float32Array([2, 0]),
        terminated: new Uint8Array([0, 1]),
        truncated: new Uint8Array([0, 0]),
        numEnvs: 1,
        gamma: 1,
        lambda: 0.5,
      }).returns,
      [1.5, 1],
      0,
      'tdLambdaReturns',
    );
  });

  it('accepts Float64Array inputs', () => {
    const { advantages } = gae({
      rewards: new Float64Array([1, 2, 3]),
      values: new Float64Array([1, 1, 1]),
      nextValues: new Float64Array([1, 1, 1]),
      terminated: new Uint8Array([0, 0, 1]),
      truncated: new Uint8Array([0, 0, 0]),
      numEnvs: 1,
      gamma: 0.5,
      lambda: 0.5,
    });
    expect(advantages).toBeInstanceOf(Float32Array);
    expectClose(advantages, [1, 2, 2], 1e-7, 'advantages');
  });

  it('returns empty arrays for an empty rollout', () => {
    const empty = new Float32Array(0);
    const flags = new Uint8Array(0);
    const result = gae({
      rewards: empty,
      values: empty,
      nextValues: empty,
      terminated: flags,
      truncated: flags,
      numEnvs: 4,
      gamma: 0.99,
      lambda: 0.95,
    });
    expect(result.advantages.length).toBe(0);
    expect(result.returns.length).toBe(0);
  });
});

describe('preallocated out', () => {
  it('writes into and returns the given arrays, overwriting stale contents', () => {
    const r = fc.sample(rolloutArbitrary(50, 3), { seed: 3, numRuns: 1 })[0];
    const fresh = gae(input(r, 0.99, 0.95));
    const out = {
      advantages: new Float32Array(150).fill(Number.NaN),
      returns: new Float32Array(150).fill(Number.NaN),
    };
    const result = gae({ ...input(r, 0.99, 0.95), out });
    expect(result.advantages).toBe(out.advantages);
    expect(result.returns).toBe(out.returns);
    // Same arithmetic in the same order: the results are bit-identical.
    expect(Array.from(out.advantages)).toEqual(Array.from(fresh.advantages));
    expect(Array.from(out.returns)).toEqual(Array.from(fresh.returns));

    const returnsOut = { returns: new Float32Array(150).fill(Number.NaN) };
    const d = discountedReturns({ ...r, gamma: 0.99, out: returnsOut });
    expect(d.returns).toBe(returnsOut.returns);
    expect(Array.from(d.returns)).toEqual(Array.from(discountedReturns({ ...r, gamma: 0.99 }).returns));
    // A GaeInput object, out included, fits tdLambdaReturns: the returns go to out.returns.
    const t = tdLambdaReturns({ ...input(r, 0.99, 0.95), out });
    expect(t.returns).toBe(out.returns);
  });
});

describe('input validation', () => {
  function valid(): GaeInput {
    return {
      rewards: new Float32Array(6),
      values: new Float32Array(6),
      nextValues: new Float32Array(6),
      terminated: new Uint8Array(6),
      truncated: new Uint8Array(6),
      numEnvs: 2,
      gamma: 0.99,
      lambda: 0.95,
    };
  }
  const cases: Array<[string, Partial<Record<keyof GaeInput, unknown>>, typeof RangeError | typeof TypeError, RegExp]> = [
    ['values length', { values: new Float32Array(5) }, RangeError, /values must have length 6.*got length 5/],
    ['nextValues length', { nextValues: new Float32Array(8) }, RangeError, /nextValues must have length 6/],
    ['terminated length', { terminated: new Uint8Array(4) }, RangeError, /terminated must have length 6/],
    ['truncated length', { truncated: new Uint8Array(7) }, RangeError, /truncated must have length 6/],
    ['length not a multiple of numEnvs', { numEnvs: 4 }, RangeError, /rewards\.length must be a multiple of numEnvs \(4\), got length 6/],
    ['numEnvs 0', { numEnvs: 0 }, RangeError, /numEnvs must be an integer >= 1, got 0/],
    ['numEnvs fractional', { numEnvs: 1.5 }, RangeError, /numEnvs/],
    ['numEnvs string', { numEnvs: '2' }, TypeError, /numEnvs must be an integer/],
    ['gamma above 1', { gamma: 1.01 }, RangeError, /gamma must be in \[0, 1\], got 1.01/],
    ['gamma negative', { gamma: -0.1 }, RangeError, /gamma must be in \[0, 1\]/],
    ['gamma NaN', { gamma: Number.NaN }, RangeError, /gamma must be a finite number, got NaN/],
    ['lambda above 1', { lambda: 2 }, RangeError, /lambda must be in \[0, 1\], got 2/],
    ['lambda missing', { lambda: undefined }, TypeError, /lambda must be a number, got undefined/],
    ['rewards as a plain array', { rewards: [0, 0, 0, 0, 0, 0] }, TypeError, /rewards must be a Float32Array or Float64Array, got \[0,0,0,0,0,0\]/],
    ['values as Int32Array', { values: new Int32Array(6) }, TypeError, /values must be a Float32Array or Float64Array, got Int32Array\(6\)/],
    ['terminated as Float32Array', { terminated: new Float32Array(6) }, TypeError, /terminated must be a Uint8Array/],
    ['truncated missing', { truncated: undefined }, TypeError, /truncated must be a Uint8Array of 0\/1 flags, got undefined/],
    ['truncated flag 2', { truncated: new Uint8Array([0, 0, 0, 2, 0, 0]) }, RangeError, /truncated\[3\] must be 0 or 1, got 2/],
    ['NaN reward', { rewards: new Float32Array([0, 0, Number.NaN, 0, 0, 0]) }, RangeError, /rewards\[2\] must be finite, got NaN/],
    ['infinite value', { values: new Float32Array([0, 0, 0, 0, 0, Infinity]) }, RangeError, /values\[5\] must be finite, got Infinity/],
    ['-Infinity next value', { nextValues: new Float64Array([-Infinity, 0, 0, 0, 0, 0]) }, RangeError, /nextValues\[0\] must be finite, got -Infinity/],
    ['out not an object', { out: 3 }, TypeError, /out must be an object/],
    ['out.advantages wrong length', { out: { advantages: new Float32Array(5), returns: new Float32Array(6) } }, RangeError, /out\.advantages must have length 6/],
    ['out.returns Float64Array', { out: { advantages: new Float32Array(6), returns: new Float64Array(6) } }, TypeError, /out\.returns must be a Float32Array/],
  ];

  it.each(cases)('gae rejects %s', (_name, patch, ErrorType, message) => {
    const bad = { ...valid(), ...patch } as GaeInput;
    expect(() => gae(bad)).toThrow(ErrorType);
    expect(() => gae(bad)).toThrow(message);
  });

  it('rejects out arrays that share memory with each other or with an input', () => {
    const base = valid();
    const shared = new Float32Array(12);
    expect(() =>
      gae({ ...base, out: { advantages: shared.subarray(0, 6), returns: shared.subarray(3, 9) } }),
    ).toThrow(/out\.advantages and out\.returns must not share memory/);
    expect(() =>
      gae({ ...base, out: { advantages: base.values as Float32Array, returns: new Float32Array(6) } }),
    ).toThrow(/out\.advantages and values must not share memory/);
    expect(() =>
      discountedReturns({ ...base, out: { returns: base.rewards as Float32Array } }),
    ).toThrow(/out\.returns and rewards must not share memory/);
  });

  it('names a bad entry wherever it is, including a terminated step and the last row', () => {
    const withNaN = (k: number): Float32Array => {
      const a = new Float32Array(6);
      a[k] = Number.NaN;
      return a;
    };
    const terminatedEverywhere = new Uint8Array(6).fill(1);
    for (let k = 0; k < 6; k++) {
      expect(() => gae({ ...valid(), nextValues: withNaN(k), terminated: terminatedEverywhere })).toThrow(
        new RegExp(`nextValues\\[${k}\\] must be finite`),
      );
      expect(() => tdLambdaReturns({ ...valid(), nextValues: withNaN(k) })).toThrow(
        new RegExp(`nextValues\\[${k}\\] must be finite`),
      );
      expect(() => discountedReturns({ ...valid(), rewards: withNaN(k) })).toThrow(
        new RegExp(`rewards\\[${k}\\] must be finite`),
      );
    }
    // values are not an input of discountedReturns: bad ones there are not its concern.
    const badValues: GaeInput = { ...valid(), values: withNaN(0) };
    expect(() => discountedReturns(badValues)).not.toThrow();
  });

  it('reports results beyond the float32 range instead of returning infinities', () => {
    const huge = { ...valid(), rewards: new Float64Array(6).fill(1e300), gamma: 1, lambda: 1 };
    expect(() => gae(huge)).toThrow(/overflows the float32 range/);
    expect(() => discountedReturns(huge)).toThrow(/returns\[\d\] overflows the float32 range/);
    const nearMax = { ...valid(), rewards: new Float32Array(6).fill(3e38), gamma: 1, lambda: 1 };
    expect(() => tdLambdaReturns(nearMax)).toThrow(/overflows the float32 range/);
  });

  it('validates discountedReturns and tdLambdaReturns the same way', () => {
    expect(() => discountedReturns({ ...valid(), gamma: 3 })).toThrow(/gamma must be in \[0, 1\], got 3/);
    expect(() => tdLambdaReturns({ ...valid(), lambda: -1 })).toThrow(/lambda must be in \[0, 1\], got -1/);
    expect(() => tdLambdaReturns({ ...valid(), numEnvs: 5 })).toThrow(RangeError);
    expect(() => discountedReturns({ ...valid(), out: { returns: new Float32Array(2) } })).toThrow(
      /out\.returns must have length 6/,
    );
    expect(() => gae(null as unknown as GaeInput)).toThrow(TypeError);
  });
});
