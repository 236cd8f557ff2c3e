import type { RandomSource } from '@ppo/utils';

export type { RandomSource };

const TWO_POW_32 = 4294967296;

/** A uniform float strictly inside (0, 1), so logarithms of it and of 1 - it are finite. */
export function openUniform(rng: RandomSource): number {
  return (rng.nextUint32() + 0.5) / TWO_POW_32;
}

/** Fills `out` with standard normal variates from `rng`. */
export function fillStandardNormal(rng: RandomSource, out: Float32Array): Float32Array {
  for (let i = 0; i < out.length; i++) out[i] = rng.nextNormal();
  return out;
}
