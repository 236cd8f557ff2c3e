import { Rng } from '@ppo/utils';
import { afterEach, describe, expect, it } from 'vitest';
import { hostMlpBackward, hostMlpForward, useWasmKernel, type HostDense } from './host-mlp';
import { WasmGemm } from './wasm-gemm';
import { WasmTanh } from './wasm-tanh';

/** Layers with random weights; widths chosen so some products take the SIMD kernel and some do not. */
function layers(rng: Rng, sizes: number[]): HostDense[] {
  return sizes.slice(1).map((outSize, l) => {
    const inSize = sizes[l];
    const kernel = Float64Array.from({ length: inSize * outSize }, () => Math.fround(rng.normal(0, 0.3)));
    const bias = Float64Array.from({ length: outSize }, () => Math.fround(rng.normal(0, 0.1)));
    return { kernel, bias, inSize, outSize, activation: l === sizes.length - 2 ? null : l % 2 === 0 ? 'tanh' : 'relu' };
  });
}

/** Forward and backward; returns every output and gradient. */
function pass(net: HostDense[], x: Float64Array, rows: number): Float64Array[] {
  const outs = hostMlpForward(net, x, rows, []).map((o) => o.slice());
  const dOut = Float64Array.from(outs[outs.length - 1], (v, i) => Math.sin(i) * v);
  const gk = net.map((l) => new Float64Array(l.kernel.length));
  const gb = net.map((l) => new Float64Array(l.bias.length));
  hostMlpBackward(net, x, outs, dOut, rows, gk, gb, []);
  return [...outs, ...gk, ...gb];
}

describe('the host MLP kernels', () => {
  afterEach(() => useWasmKernel(true));

  it.each([
    [128, [4, 64, 64, 2]],
    [64, [17, 64, 64, 6]],
    [12, [8, 16, 12, 1]],
    [5, [3, 8, 4]],
  ])('the SIMD kernels and the JavaScript loops give bitwise the same results (%i rows, widths %j)', (rows, sizes) => {
    const rng = new Rng(rows);
    const net = layers(rng, sizes);
    const x = Float64Array.from({ length: rows * sizes[0] }, () => rng.normal(0, 1));
    // Node has WebAssembly SIMD: the comparison is not of the loops with themselves.
    expect(WasmGemm.create()).not.toBeNull();
    expect(WasmTanh.create()).not.toBeNull();
    const withKernel = pass(net, x, rows);
    useWasmKernel(false);
    const plain = pass(net, x, rows);
    expect(withKernel).toEqual(plain);
  });

  it('matches a naive float64 forward pass', () => {
    const rng = new Rng(3);
    const rows = 8;
    const net = layers(rng, [5, 16, 8, 3]);
    const x = Float64Array.from({ length: rows * 5 }, () => rng.normal(0, 1));
    const out = hostMlpForward(net, x, rows, [])[2];
    for (let r = 0; r < rows; r++) {
      let h = Array.from(x.subarray(r * 5, r * 5 + 5));
      for (const l of net) {
        const y = Array.from({ length: l.outSize }, (_, j) => h.reduce((s, v, k) => s + v * l.kernel[k * l.outSize + j], l.bias[j]));
        h = y.map((v) => (l.activation === 'tanh' ? Math.tanh(v) : l.activation === 'relu' ? Math.max(v, 0) : v));
      }
      h.forEach((v, j) => expect(Math.abs(out[r * 3 + j] - v)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(v))));
    }
  });
});

describe('the SIMD kernel with fixed B operands', () => {
  it('gives the same results when B is kept in its memory, reused, and evicted and copied in again', () => {
    const kernel = WasmGemm.create();
    expect(kernel).not.toBeNull();
    const rng = new Rng(21);
    const [m, n, depth] = [4, 64, 64];
    const A = Float64Array.from({ length: m * depth }, () => rng.normal(0, 1));
    const product = (B: Float64Array, fixed: boolean): Float64Array => {
      const C = Float64Array.from({ length: m * n }, (_, i) => i / 7);
      kernel!.run(m, n, depth, A, depth, 1, B, n, C, n, fixed);
      return C;
    };
    const first = Float64Array.from({ length: depth * n }, () => rng.normal(0, 1));
    const expected = product(first, false);
    expect(product(first, true)).toEqual(expected);
    // Kept: the second call reads the copy made by the first.
    expect(product(first, true)).toEqual(expected);
    // Enough other fixed arrays to fill the kept region (2 MB) and start it over.
    for (let k = 0; k < 80; k++) {
      const other = Float64Array.from({ length: depth * n }, () => rng.normal(0, 1));
      expect(product(other, true)).toEqual(product(other, false));
    }
    expect(product(first, true)).toEqual(expected);
  });

  it('fixed layers (as the weight cache gives them) forward bitwise as plain ones', () => {
    const rng = new Rng(22);
    const rows = 4;
    const net = layers(rng, [4, 64, 64, 2]);
    const x = Float64Array.from({ length: rows * 4 }, () => rng.normal(0, 1));
    const plain = hostMlpForward(net, x, rows, []).map((o) => o.slice());
    const fixed = net.map((l) => ({ ...l, fixed: true }));
    for (let k = 0; k < 3; k++) expect(hostMlpForward(fixed, x, rows, [])).toEqual(plain);
  });
});
