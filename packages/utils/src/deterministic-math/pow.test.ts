import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { expectSameBits2, randomDoubles, SPECIAL_VALUES } from './bitwise-test-support';
import { pow } from './pow';

// Reference: the engine the tests run on (Node 20), whose Math.pow is fdlibm's with ECMAScript's
// special cases.
function pairs(seed: number, count: number): { xs: Float64Array; ys: Float64Array } {
  const rng = new Rng(seed);
  const xs = new Float64Array(count);
  const ys = new Float64Array(count);
  const anyX = randomDoubles(rng, count, 0, 0x7fe);
  const moderateY = randomDoubles(rng, count, 0x3e0, 0x40a); // |y| from 2^-31 to 2048
  for (let i = 0; i < count; i++) {
    const kind = i % 8;
    if (kind === 0) {
      // integer exponents, negative bases included
      xs[i] = anyX[i] > 0 ? rng.uniform(-20, 20) : anyX[i];
      ys[i] = rng.nextInt(400) - 200;
    } else if (kind === 1) {
      // bases near 1 with large exponents (the |y| > 2^31 branch)
      xs[i] = 1 + rng.uniform(-1e-6, 1e-6);
      ys[i] = (rng.nextFloat() < 0.5 ? -1 : 1) * 2 ** rng.uniform(20, 70);
    } else if (kind === 2) {
      // half-integers and small fractions
      xs[i] = rng.uniform(0, 100);
      ys[i] = (rng.nextInt(41) - 20) / 2 + (rng.nextFloat() < 0.2 ? 1 / 3 : 0);
    } else if (kind === 3) {
      // results near overflow and underflow, subnormal results included
      xs[i] = rng.uniform(1.0001, 10);
      ys[i] = (rng.nextFloat() < 0.5 ? -1 : 1) * (1020 + rng.uniform(-4, 60)) / Math.log2(xs[i]);
    } else {
      xs[i] = anyX[i];
      ys[i] = kind === 4 ? rng.uniform(-8, 8) : moderateY[i];
    }
  }
  return { xs, ys };
}

// Every pair of special values: ECMAScript's table (0 ** negative, (-1) ** +-Infinity, NaN, ...).
function specialPairs(): { xs: number[]; ys: number[] } {
  const values = [...SPECIAL_VALUES, 3, -3, 0.25, -0.25, 1.5, -1.5, 2 ** 53, -(2 ** 53), 2 ** 53 + 2, 2 ** 31 + 1, 2 ** 64, 2 ** 70, -(2 ** 70), 1 / 3];
  const xs: number[] = [];
  const ys: number[] = [];
  for (const x of values) {
    for (const y of values) {
      xs.push(x);
      ys.push(y);
    }
  }
  return { xs, ys };
}

describe('pow', () => {
  it('equals Math.pow bit for bit on 2 million pairs', () => {
    const { xs, ys } = pairs(7, 2_000_000);
    expectSameBits2('pow', pow, Math.pow, xs, ys);
  });

  it('equals Math.pow on every pair of special values', () => {
    const { xs, ys } = specialPairs();
    expectSameBits2('pow', pow, Math.pow, xs, ys);
  });

  it('follows ECMAScript where C differs: NaN for 1 ** NaN and (+-1) ** +-Infinity', () => {
    expect(pow(1, NaN)).toBeNaN();
    expect(pow(1, Infinity)).toBeNaN();
    expect(pow(-1, -Infinity)).toBeNaN();
    expect(pow(NaN, 0)).toBe(1);
    expect(pow(-0, -3)).toBe(-Infinity);
    expect(pow(-8, 1 / 3)).toBeNaN();
  });

  it('matches the ** operator', () => {
    const { xs, ys } = pairs(8, 100_000);
    expectSameBits2('pow', pow, (x, y) => x ** y, xs, ys);
  });
});
