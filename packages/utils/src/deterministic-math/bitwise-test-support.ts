// Test-only support (not exported, not bundled): random doubles by their bit fields and a
// bit-for-bit comparison against the engine's Math functions.
import { expect } from 'vitest';
import type { Rng } from '../rng';
import { fromWords } from './float-words';

/** Draws doubles with a uniform sign, a uniform biased exponent in [minExp, maxExp] and a uniform mantissa. */
export function randomDoubles(rng: Rng, count: number, minExp: number, maxExp: number, sign: 'both' | 'positive' | 'negative' = 'both'): Float64Array {
  const out = new Float64Array(count);
  const span = maxExp - minExp + 1;
  for (let i = 0; i < count; i++) {
    const negative = sign === 'negative' || (sign === 'both' && rng.nextUint32() >= 0x80000000);
    const exponent = minExp + rng.nextInt(span);
    const high = (negative ? 0x80000000 : 0) | (exponent << 20) | (rng.nextUint32() & 0xfffff);
    out[i] = fromWords(high, rng.nextUint32());
  }
  return out;
}

/** The bits of a double as 16 hex digits, for failure messages. */
export function hexBits(x: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return view.getBigUint64(0).toString(16).padStart(16, '0');
}

/** Asserts `Object.is(ours(x), reference(x))` for every x; reports the first mismatches and their count. */
export function expectSameBits(name: string, ours: (x: number) => number, reference: (x: number) => number, inputs: ArrayLike<number>): void {
  let mismatches = 0;
  const examples: string[] = [];
  for (let i = 0; i < inputs.length; i++) {
    const x = inputs[i];
    const got = ours(x);
    const want = reference(x);
    if (!Object.is(got, want)) {
      mismatches++;
      if (examples.length < 5) examples.push(`${name}(${x} = 0x${hexBits(x)}): got ${got} (0x${hexBits(got)}), Math gives ${want} (0x${hexBits(want)})`);
    }
  }
  expect(examples, `${mismatches} of ${inputs.length} inputs differ`).toEqual([]);
}

/** As {@link expectSameBits} for a function of two arguments, on pairs (xs[i], ys[i]). */
export function expectSameBits2(name: string, ours: (x: number, y: number) => number, reference: (x: number, y: number) => number, xs: ArrayLike<number>, ys: ArrayLike<number>): void {
  let mismatches = 0;
  const examples: string[] = [];
  for (let i = 0; i < xs.length; i++) {
    const got = ours(xs[i], ys[i]);
    const want = reference(xs[i], ys[i]);
    if (!Object.is(got, want)) {
      mismatches++;
      if (examples.length < 5) examples.push(`${name}(${xs[i]}, ${ys[i]}) [0x${hexBits(xs[i])}, 0x${hexBits(ys[i])}]: got ${got}, Math gives ${want}`);
    }
  }
  expect(examples, `${mismatches} of ${xs.length} pairs differ`).toEqual([]);
}

/** Concatenates arrays of doubles. */
export function concat(...parts: ArrayLike<number>[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Doubles of every kind that need special handling, plus their neighbours. */
export const SPECIAL_VALUES: readonly number[] = [
  0, -0, Infinity, -Infinity, NaN, Number.MIN_VALUE, -Number.MIN_VALUE, 2.2250738585072014e-308, -2.2250738585072014e-308,
  2.225073858507201e-308, Number.MAX_VALUE, -Number.MAX_VALUE, Number.EPSILON, 1, -1, 2, -2, 0.5, -0.5, 1e-300, -1e-300,
  1 + Number.EPSILON, 1 - Number.EPSILON / 2, -1 - Number.EPSILON, -1 + Number.EPSILON / 2,
];

/** x and its neighbours up to `ulps` representable doubles away on each side (same sign as x). */
export function around(x: number, ulps: number): number[] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigInt64(0);
  const out: number[] = [];
  for (let k = -ulps; k <= ulps; k++) {
    view.setBigInt64(0, bits + BigInt(k));
    out.push(view.getFloat64(0));
  }
  return out;
}
