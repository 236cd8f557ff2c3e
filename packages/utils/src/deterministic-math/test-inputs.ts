/** Seeded float64 inputs for the bitwise tests: uniform in sign, exponent and mantissa. */

import { Rng } from '../rng';
import { fromWords } from './float-words';

/**
 * `count` finite doubles whose biased exponent is uniform in [minExp, maxExp] (0 gives
 * subnormals and zeros), with uniform mantissa and sign.
 */
export function randomDoubles(seed: number, count: number, minExp = 0, maxExp = 2046): Float64Array {
  const rng = new Rng(seed);
  const out = new Float64Array(count);
  const span = maxExp - minExp + 1;
  for (let i = 0; i < count; i++) {
    const exponent = minExp + rng.nextInt(span);
    const sign = rng.nextUint32() & 0x80000000;
    const mantissaHigh = rng.nextUint32() & 0xfffff;
    out[i] = fromWords(sign | (exponent << 20) | mantissaHigh, rng.nextUint32() | 0);
  }
  return out;
}

/** The index and both results of the first input where `ours` and `reference` differ in bits. */
export function firstMismatch(
  inputs: ArrayLike<number>,
  ours: (x: number) => number,
  reference: (x: number) => number,
): { x: number; ours: number; reference: number } | undefined {
  for (let i = 0; i < inputs.length; i++) {
    const x = inputs[i];
    const a = ours(x);
    const b = reference(x);
    if (!Object.is(a, b)) return { x, ours: a, reference: b };
  }
  return undefined;
}
