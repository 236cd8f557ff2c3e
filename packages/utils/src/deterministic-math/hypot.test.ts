import { describe, expect, it } from 'vitest';
import { hypot } from './hypot';
import { randomDoubles } from './test-inputs';

describe('hypot', () => {
  it('follows the ES rules for no arguments, Infinity, NaN and zeros like Math.hypot', () => {
    const cases: number[][] = [[], [0], [-0], [-0, -0], [NaN], [NaN, Infinity], [-Infinity, NaN],
      [NaN, 0, -Infinity], [NaN, 1], [3, 4], [-3, 4, 12], [5e-324, 5e-324], [1e308, 1e308],
      [Number.MAX_VALUE, Number.MAX_VALUE, 1], [1e-310, 3e-310], [1, 1e-17, 1e-17]];
    for (const args of cases) expect(Object.is(hypot(...args), Math.hypot(...args))).toBe(true);
    expect(hypot(NaN, Infinity)).toBe(Infinity);
    // Scaling by the largest value keeps huge and tiny inputs from overflowing or vanishing.
    expect(hypot(1e308, 1e308)).toBe(1.4142135623730951e308);
    expect(hypot(3e-320, 4e-320)).toBe(5e-320);
  });

  it('equals Math.hypot bit for bit on 2 million pairs and 3 million lists of 2, 3 and 5 values', () => {
    const wide = randomDoubles(32, 2_000_000);
    const near = randomDoubles(33, 5_000_000, 1023 - 20, 1023 + 20);
    let mismatch: number[] | undefined;
    for (let i = 0; i < 1_000_000 && !mismatch; i++) {
      const a = wide[2 * i];
      const b = wide[2 * i + 1];
      if (!Object.is(hypot(a, b), Math.hypot(a, b))) mismatch = [a, b];
      const [c, d, e, f, g] = near.subarray(5 * i, 5 * i + 5);
      if (!Object.is(hypot(c, d), Math.hypot(c, d))) mismatch = [c, d];
      if (!Object.is(hypot(c, d, e), Math.hypot(c, d, e))) mismatch = [c, d, e];
      if (!Object.is(hypot(c, d, e, f, g), Math.hypot(c, d, e, f, g))) mismatch = [c, d, e, f, g];
    }
    expect(mismatch).toBeUndefined();
  });
});
