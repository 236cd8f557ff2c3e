import { describe, expect, it } from 'vitest';
import { npio2HighWords } from './rem-pio2';
import { twoOverPiDigits } from './kernel-rem-pio2';
import { firstMismatch, randomDoubles } from './test-inputs';
import { fromWords, highWord, lowWord } from './float-words';
import { cos, sin } from './trig';

// pi to 2000 bits by Machin's formula, independent of the tables under test.
const BITS = 2000n;
const ONE = 1n << BITS;
function arctanInverse(k: bigint): bigint {
  let sum = 0n;
  let term = ONE / k;
  let sign = 1n;
  for (let n = 1n; term !== 0n; n += 2n, sign = -sign, term /= k * k) sum += (sign * term) / n;
  return sum;
}
const PI_SCALED = 16n * arctanInverse(5n) - 4n * arctanInverse(239n);

/** The double next to `x` away from (+1) or towards (-1) zero. */
function neighbour(x: number, step: 1 | -1): number {
  const hi = highWord(x);
  const lo = lowWord(x) >>> 0;
  const next = lo + step;
  if (next === 0x100000000) return fromWords(hi + 1, 0);
  if (next === -1) return fromWords(hi - 1, -1);
  return fromWords(hi, next | 0);
}

function edgeCases(): number[] {
  const cases = [0, -0, Infinity, -Infinity, NaN, 5e-324, -5e-324, 2.2250738585072014e-308,
    2.225073858507201e-308, Number.MAX_VALUE, -Number.MAX_VALUE, 1e300, -1e300, 1e22, 2 ** 20,
    -(2 ** 20), 2 ** 1023, 2 ** -27, 2 ** -26, 0.78125, 0.3, 0.7853981633974483, 2.356194490192345];
  for (let n = 1; n <= 64; n++) {
    const multiple = n * (Math.PI / 2);
    for (let d = -3; d <= 3; d++) {
      let x = multiple;
      for (let s = 0; s < Math.abs(d); s++) x = neighbour(x, d > 0 ? 1 : -1);
      cases.push(x, -x);
    }
  }
  // Around 2^19 * pi/2, where the medium reduction hands over to the large one, and 2^20.
  for (const centre of [2 ** 19 * (Math.PI / 2), 2 ** 20, 2 ** 19 * Math.PI]) {
    let x = centre;
    let y = centre;
    for (let s = 0; s < 200; s++) {
      cases.push(x, -x, y, -y);
      x = neighbour(x, 1);
      y = neighbour(y, -1);
    }
  }
  // The doubles closest to multiples of pi/2 (hardest cases for the reduction).
  cases.push(6381956970095103 * 2 ** 797, 5.319372648326541e255, 1.0e308, 1.7e308);
  return cases;
}

describe('sin and cos', () => {
  it('hold the digits of 2/pi and the high words of n pi/2 exactly', () => {
    let fraction = (2n * ONE * ONE) / PI_SCALED;
    const digits: number[] = [];
    for (let i = 0; i < twoOverPiDigits.length; i++) {
      fraction <<= 24n;
      const digit = fraction >> BITS;
      digits.push(Number(digit));
      fraction -= digit << BITS;
    }
    expect(twoOverPiDigits).toEqual(digits);
    const multiples = npio2HighWords.map((_, i) => {
      const scaled = (BigInt(i + 1) * PI_SCALED) / 2n;
      return highWord(Number(scaled >> (BITS - 60n)) / 2 ** 60);
    });
    expect(npio2HighWords).toEqual(multiples);
  });

  it('equal Math.sin and Math.cos bit for bit on edge cases', () => {
    const cases = edgeCases();
    expect(firstMismatch(cases, sin, Math.sin)).toBeUndefined();
    expect(firstMismatch(cases, cos, Math.cos)).toBeUndefined();
    expect(Object.is(sin(-0), -0)).toBe(true);
    expect(Number.isNaN(sin(Infinity)) && Number.isNaN(cos(-Infinity))).toBe(true);
  });

  it('equal Math.sin and Math.cos bit for bit on 2 million inputs each', () => {
    // Half over every exponent (mostly the large reduction), half over |x| in [2^-30, 2^25).
    const whole = randomDoubles(11, 1_000_000);
    const moderate = randomDoubles(12, 1_000_000, 1023 - 30, 1023 + 24);
    for (const inputs of [whole, moderate]) {
      expect(firstMismatch(inputs, sin, Math.sin)).toBeUndefined();
      expect(firstMismatch(inputs, cos, Math.cos)).toBeUndefined();
    }
  });
});
