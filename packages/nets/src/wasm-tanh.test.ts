import { tanh } from '@ppo/utils';
import { describe, expect, it } from 'vitest';
// The deterministic-math tests' input generators (test-only, not exported by @ppo/utils), with
// the source Rng their signature names.
import { around, concat, hexBits, randomDoubles, SPECIAL_VALUES } from '../../utils/src/deterministic-math/bitwise-test-support';
import { Rng } from '../../utils/src/rng';
import { WasmTanh } from './wasm-tanh';

/** The first mismatches (at most 5) of `got[i]` against `want(inputs[i])` and their count. */
function mismatches(inputs: Float64Array, got: Float64Array, want: (x: number) => number): string[] {
  let count = 0;
  const examples: string[] = [];
  for (let i = 0; i < inputs.length; i++) {
    const w = want(inputs[i]);
    if (!Object.is(got[i], w)) {
      count++;
      if (examples.length < 5) examples.push(`tanh(${inputs[i]} = 0x${hexBits(inputs[i])}): got 0x${hexBits(got[i])}, want 0x${hexBits(w)}`);
    }
  }
  return count === 0 ? [] : [`${count} of ${inputs.length} differ`, ...examples];
}

describe('WasmTanh', () => {
  // Node has WebAssembly SIMD, so the kernel (not the fallback) is what is tested here.
  const kernel = WasmTanh.create();

  it('compiles where WebAssembly SIMD is available', () => {
    expect(kernel).not.toBeNull();
  });

  it('equals the utils tanh and Math.tanh bit for bit on 2.4 million inputs and the edge cases', () => {
    const rng = new Rng(16);
    const moderate = new Float64Array(400_000);
    for (let i = 0; i < moderate.length; i++) moderate[i] = rng.uniform(-25, 25);
    const inputs = concat(
      randomDoubles(rng, 1_400_000, 0, 0x404), // |x| < 64 and subnormals, both signs
      randomDoubles(rng, 600_000, 0, 0x7fe), // the whole range
      moderate,
      SPECIAL_VALUES,
      ...[2 ** -55, 2 ** -28, 1, 22].flatMap((x) => [around(x, 64), around(-x, 64)]),
      around(Number.MIN_VALUE, 16),
      around(-Number.MIN_VALUE, 16),
    );
    const got = inputs.slice();
    kernel!.run(got, got.length);
    expect(mismatches(inputs, got, tanh)).toEqual([]);
    expect(mismatches(inputs, got, Math.tanh)).toEqual([]);
  });

  it('transforms exactly the first n elements of views at odd offsets and lengths', () => {
    const rng = new Rng(3);
    for (const [offset, n] of [[0, 1], [1, 1], [1, 2], [3, 7], [2, 8], [5, 1001], [0, 0]]) {
      const base = new Float64Array(offset + n + 3);
      for (let i = 0; i < base.length; i++) base[i] = rng.uniform(-3, 3);
      const before = base.slice();
      const view = base.subarray(offset);
      kernel!.run(view, n);
      const want = before.map((x, i) => (i >= offset && i < offset + n ? tanh(x) : x));
      expect(Array.from(base), `offset ${offset}, n ${n}`).toEqual(Array.from(want));
    }
  });

  it('grows its memory for long arrays and keeps working on short ones after', () => {
    const rng = new Rng(4);
    for (const n of [3, 300_001, 5]) {
      const inputs = new Float64Array(n);
      for (let i = 0; i < n; i++) inputs[i] = rng.uniform(-30, 30);
      const got = inputs.slice();
      kernel!.run(got, n);
      expect(mismatches(inputs, got, tanh)).toEqual([]);
    }
  });
});
