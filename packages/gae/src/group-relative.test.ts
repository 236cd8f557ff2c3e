import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupRelativeAdvantages, type GroupScale } from './group-relative';
import { expectClose } from './test-utils';

/** Naive reference: statistics by explicit sums over each group, straight from the definition. */
function reference(
  rewards: ArrayLike<number>,
  groupSize: number,
  scale: GroupScale,
  epsilon: number,
  unbiased: boolean,
): Float64Array {
  const std = (xs: number[]): number => {
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    const ss = xs.reduce((a, b) => a + (b - m) ** 2, 0);
    return Math.sqrt(ss / (xs.length - (unbiased ? 1 : 0)));
  };
  const all = Array.from(rewards);
  const out = new Float64Array(all.length);
  for (let g = 0; g < all.length / groupSize; g++) {
    const group = all.slice(g * groupSize, (g + 1) * groupSize);
    const mean = group.reduce((a, b) => a + b, 0) / groupSize;
    const denominator = scale === 'none' ? 1 : (scale === 'group' ? std(group) : std(all)) + epsilon;
    group.forEach((r, i) => {
      out[g * groupSize + i] = (r - mean) / denominator;
    });
  }
  return out;
}

const batches = fc
  .record({ groupSize: fc.integer({ min: 2, max: 9 }), groups: fc.integer({ min: 1, max: 12 }) })
  .chain(({ groupSize, groups }) =>
    fc.record({
      groupSize: fc.constant(groupSize),
      // Outcome rewards are often a handful of discrete values: mix those with continuous ones.
      rewards: fc.oneof(
        fc.float32Array({ minLength: groupSize * groups, maxLength: groupSize * groups, min: -5, max: 5, noNaN: true }),
        fc
          .array(fc.constantFrom(0, 0.5, 1), { minLength: groupSize * groups, maxLength: groupSize * groups })
          .map((xs) => Float32Array.from(xs)),
      ),
    }),
  );

describe('groupRelativeAdvantages', () => {
  it('matches a hand-computed example', () => {
    // Group [1, 0, 0]: mean 1/3, unbiased variance (4/9 + 1/9 + 1/9) / 2 = 1/3.
    const s = Math.sqrt(1 / 3);
    const adv = groupRelativeAdvantages(new Float32Array([1, 0, 0, 1, 1, 0]), 3, { epsilon: 0 });
    expectClose(adv, [2 / 3 / s, -1 / 3 / s, -1 / 3 / s, 1 / 3 / s, 1 / 3 / s, -2 / 3 / s], 1e-6, 'advantages');
  });

  it.each(['group', 'batch', 'none'] as const)('matches the naive reference with scale %s', (scale) => {
    fc.assert(
      fc.property(batches, fc.constantFrom(0, 1e-4, 0.1), fc.boolean(), ({ rewards, groupSize }, epsilon, unbiased) => {
        const adv = groupRelativeAdvantages(rewards, groupSize, { scale, epsilon, unbiased });
        const ref = reference(rewards, groupSize, scale, epsilon, unbiased);
        // A constant group: the reference divides 0 by 0 when epsilon is 0; the estimator
        // defines it as 0.
        const expected = ref.map((x) => (Number.isNaN(x) ? 0 : x));
        // Float32 output of a float64 result, plus float64 noise relative to the reward range.
        const tol = expected.map((e) => 2 ** -23 * Math.abs(e) + 1e-9);
        expectClose(adv, expected, tol, 'advantages');
      }),
      { seed: 21, numRuns: 300 },
    );
  });

  it('centres every group and ignores a per-group shift of the rewards', () => {
    fc.assert(
      fc.property(
        batches,
        fc.constantFrom<GroupScale>('group', 'none'),
        fc.array(fc.integer({ min: -100, max: 100 }), { minLength: 12, maxLength: 12 }),
        ({ rewards, groupSize }, scale, shifts) => {
          const adv = groupRelativeAdvantages(rewards, groupSize, { scale });
          for (let g = 0; g < rewards.length / groupSize; g++) {
            let sum = 0;
            for (let i = 0; i < groupSize; i++) sum += adv[g * groupSize + i];
            expect(Math.abs(sum)).toBeLessThan(1e-5 * groupSize);
          }
          const shifted = Float64Array.from(rewards, (r, k) => r + shifts[Math.floor(k / groupSize)]);
          const again = groupRelativeAdvantages(shifted, groupSize, { scale });
          // Shifts up to 100 cost float64 digits only far below float32 resolution.
          expectClose(again, adv, Array.from(adv, (a) => 2 ** -22 * Math.abs(a) + 1e-9), 'shifted');
        },
      ),
      { seed: 22, numRuns: 200 },
    );
  });

  it('is invariant to a positive scaling of the rewards when std-scaled with epsilon 0', () => {
    fc.assert(
      fc.property(batches, fc.constantFrom<GroupScale>('group', 'batch'), fc.double({ min: 0.01, max: 100, noNaN: true }), ({ rewards, groupSize }, scale, c) => {
        const adv = groupRelativeAdvantages(rewards, groupSize, { scale, epsilon: 0 });
        const scaled = groupRelativeAdvantages(Float64Array.from(rewards, (r) => c * r), groupSize, { scale, epsilon: 0 });
        expectClose(scaled, adv, Array.from(adv, (a) => 2 ** -21 * Math.abs(a) + 1e-9), 'scaled');
      }),
      { seed: 23, numRuns: 200 },
    );
  });

  it('gives exactly zero for a constant group, even with epsilon 0', () => {
    const rewards = new Float32Array([0.1, 0.1, 0.1, 0.1, 0.7, 0.2, 0.3, 0.1]);
    const adv = groupRelativeAdvantages(rewards, 4, { epsilon: 0 });
    expect(Array.from(adv.subarray(0, 4))).toEqual([0, 0, 0, 0]);
    expect(adv.subarray(4).every((a) => Number.isFinite(a) && a !== 0)).toBe(true);
    expect(Array.from(groupRelativeAdvantages(new Float32Array(6).fill(3), 3, { scale: 'batch', epsilon: 0 }))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('writes into out when given', () => {
    const out = new Float32Array(4).fill(Number.NaN);
    expect(groupRelativeAdvantages(new Float32Array([1, 0, 2, 2]), 2, { out, scale: 'none' })).toBe(out);
    expectClose(out, [0.5, -0.5, 0, 0], 0, 'out');
  });

  it('rejects bad arguments, naming them', () => {
    const r = new Float32Array(6);
    expect(() => groupRelativeAdvantages(r, 4)).toThrow(/rewards\.length must be a multiple of groupSize \(4\), got length 6/);
    expect(() => groupRelativeAdvantages(r, 1)).toThrow(/groupSize must be an integer >= 2, got 1/);
    expect(() => groupRelativeAdvantages(r, 3, { scale: 'token' as GroupScale })).toThrow(/options\.scale must be one of 'group', 'batch', 'none', got "token"/);
    expect(() => groupRelativeAdvantages(r, 3, { epsilon: -1 })).toThrow(/options\.epsilon must be >= 0, got -1/);
    expect(() => groupRelativeAdvantages(new Float32Array([0, Number.NaN, 0]), 3)).toThrow(/rewards\[1\] must be finite, got NaN/);
    expect(() => groupRelativeAdvantages([1, 2] as unknown as Float32Array, 2)).toThrow(TypeError);
    expect(() => groupRelativeAdvantages(r, 3, { out: new Float32Array(5) })).toThrow(/options\.out must have length 6/);
    expect(() => groupRelativeAdvantages(r, 3, { unbiased: 1 as unknown as boolean })).toThrow(/options\.unbiased must be a boolean/);
  });
});
