/**
 * What the samplers and initialisers of this package need from a random generator.
 *
 * Structurally identical to `RandomSource` of `@ppo/buffers` (whose `Rng` implements it), so
 * the two are interchangeable without this package depending on that one.
 */
export interface RandomSource {
  /** A uniform integer in [0, 2^32). */
  nextUint32(): number;
  /** A uniform float in [0, 1). */
  nextFloat(): number;
  /** A standard normal variate. */
  nextNormal(): number;
  /** A uniform integer in [0, n). */
  nextInt(n: number): number;
}

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

/**
 * A small seeded generator (mulberry32 with polar Box-Muller) used only when a network is
 * initialised from a plain integer seed; pass your own {@link RandomSource} to control the
 * stream fully.
 */
export function seededSource(seed: number): RandomSource {
  if (!Number.isInteger(seed) || seed < 0 || seed >= TWO_POW_32) {
    throw new RangeError(`seed must be an integer in [0, 2^32), got ${String(seed)}`);
  }
  let state = seed | 0;
  let spare: number | null = null;
  const nextUint32 = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  // 53 random bits: 27 from one draw, 26 from the next.
  const nextFloat = (): number => ((nextUint32() >>> 5) * 67108864 + (nextUint32() >>> 6)) / 9007199254740992;
  return {
    nextUint32,
    nextFloat,
    nextInt: (n: number) => Math.floor(nextFloat() * n),
    nextNormal: () => {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      for (;;) {
        const u = 2 * nextFloat() - 1;
        const v = 2 * nextFloat() - 1;
        const r = u * u + v * v;
        if (r > 0 && r < 1) {
          const f = Math.sqrt((-2 * Math.log(r)) / r);
          spare = v * f;
          return u * f;
        }
      }
    },
  };
}
