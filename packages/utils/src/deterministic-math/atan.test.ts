import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { atan, atan2 } from './atan';
import { firstMismatch, randomDoubles } from './test-inputs';

const SPECIAL = [0, -0, Infinity, -Infinity, NaN, 1, -1, 5e-324, -5e-324, Number.MAX_VALUE,
  -Number.MAX_VALUE, 2 ** 66, -(2 ** 66), 2 ** -27, 0.4375, 0.6875, 1.1875, 2.4375, 1e300, 1e-300];

describe('atan', () => {
  it('equals Math.atan bit for bit on edge cases and 2 million inputs', () => {
    expect(firstMismatch(SPECIAL, atan, Math.atan)).toBeUndefined();
    expect(firstMismatch(randomDoubles(21, 1_000_000), atan, Math.atan)).toBeUndefined();
    // Where the reduction intervals meet.
    expect(firstMismatch(randomDoubles(22, 1_000_000, 1023 - 30, 1023 + 70), atan, Math.atan)).toBeUndefined();
  });
});

describe('atan2', () => {
  it('equals Math.atan2 bit for bit on every pairing of signed zeros, infinities, NaN and finite values', () => {
    const values = [...SPECIAL, 3, -3, 0.5, -0.5, 2 ** 61, -(2 ** 61), 2 ** -61];
    for (const y of values) {
      for (const x of values) {
        const ours = atan2(y, x);
        const reference = Math.atan2(y, x);
        if (!Object.is(ours, reference)) expect({ y, x, ours }).toEqual({ y, x, ours: reference });
      }
    }
  });

  it('equals Math.atan2 bit for bit on 2 million pairs', () => {
    const rng = new Rng(23);
    // Independent exponents over the whole range, and close ones (|y/x| near the 2^60 cut-offs
    // and ordinary ratios).
    const ys = randomDoubles(24, 2_000_000);
    const xs = randomDoubles(25, 1_000_000);
    const nearXs = randomDoubles(26, 1_000_000, 1023 - 40, 1023 + 40);
    const nearYs = ys.subarray(1_000_000).map((y, i) => {
      const ratio = 2 ** (rng.nextInt(141) - 70) * (1 + rng.nextFloat());
      return (y < 0 ? -1 : 1) * ratio * nearXs[i];
    });
    let mismatch: { y: number; x: number } | undefined;
    for (let i = 0; i < 1_000_000 && !mismatch; i++) {
      if (!Object.is(atan2(ys[i], xs[i]), Math.atan2(ys[i], xs[i]))) mismatch = { y: ys[i], x: xs[i] };
      const y = nearYs[i];
      const x = nearXs[i];
      if (!Object.is(atan2(y, x), Math.atan2(y, x))) mismatch = { y, x };
    }
    expect(mismatch).toBeUndefined();
  });
});
