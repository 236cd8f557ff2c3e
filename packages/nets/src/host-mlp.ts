import { tanh } from '@ppo/utils';
import type * as tf from '@tensorflow/tfjs';
import type { Activation } from './mlp';
import { WasmGemm } from './wasm-gemm';
import { WasmTanh } from './wasm-tanh';

/**
 * The SIMD kernel, compiled on first use (null where unavailable). It gives bitwise the results
 * of the JavaScript loops, so whether it runs changes only the speed.
 */
let wasmKernel: WasmGemm | null | undefined;
let wasmEnabled = true;
/** The tanh kernel, compiled on first use (null where unavailable); bitwise equal to `tanh`. */
let wasmTanh: WasmTanh | null | undefined;

/** Turns the WebAssembly kernels off or on (tests compare both ways). @internal */
export function useWasmKernel(enabled: boolean): void {
  wasmEnabled = enabled;
}

/**
 * Below this many multiply-adds copying into WebAssembly memory costs more than it saves; a
 * fixed B (kept in the kernel's memory) is not copied, and the kernel wins even for acting's
 * first layer (4 rows x 4 inputs x 64 units: measured 0.6 us against 1.0 us).
 */
const WASM_MIN_WORK = 4096;

/**
 * One dense layer on the host: `y = act(x kernel + bias)` with the kernel [inSize, outSize]
 * row-major as tfjs stores it (widened to float64, so every hot loop sees one array type), and
 * `activation` null for a linear layer.
 */
export interface HostDense {
  readonly kernel: Float64Array;
  readonly bias: Float64Array;
  readonly inSize: number;
  readonly outSize: number;
  readonly activation: Activation | null;
  /**
   * True when `kernel`'s values never change (the weight cache's copies): the SIMD kernel may
   * then keep it in its memory between calls instead of copying it in for each product.
   */
  readonly fixed?: boolean;
}

/** A dense layer as its variables, before its values are read. */
export interface DenseVariables {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;
  readonly activation: Activation | null;
}

/**
 * Host copies of variables, read again only when a variable was assigned since (tfjs gives a
 * variable a new data id on every `assign`), so acting between updates downloads nothing.
 */
export class HostWeightCache {
  private readonly entries = new Map<tf.Variable, { readonly id: object; readonly data: Float64Array }>();

  /** The current values of `variable`, widened to float64 (do not modify). */
  get(variable: tf.Variable): Float64Array {
    const id = variable.dataId;
    const entry = this.entries.get(variable);
    if (entry !== undefined && entry.id === id) return entry.data;
    const data = Float64Array.from(variable.dataSync() as Float32Array);
    this.entries.set(variable, { id, data });
    return data;
  }

  private readonly dense = new Map<DenseVariables, HostDense>();

  /** The layers with their current values (fixed: a changed variable gets new arrays). */
  layers(specs: readonly DenseVariables[]): HostDense[] {
    return specs.map((s) => {
      const kernel = this.get(s.kernel);
      const bias = this.get(s.bias);
      const known = this.dense.get(s);
      if (known !== undefined && known.kernel === kernel && known.bias === bias) return known;
      const layer = { ...hostDense(s, kernel, bias), fixed: true };
      this.dense.set(s, layer);
      return layer;
    });
  }
}

/** A {@link HostDense} over the given arrays, shaped by the layer's variables. */
export function hostDense(spec: DenseVariables, kernel: Float64Array, bias: Float64Array): HostDense {
  const [inSize, outSize] = spec.kernel.shape;
  return { kernel, bias, inSize, outSize, activation: spec.activation };
}

/**
 * The forward pass of `layers` over `rows` inputs (row-major `rows * inSize`, float64: every
 * hot loop sees one array type), in float64: the output of every layer after its activation,
 * `rows * outSize` each, written into `outs` (reused when large enough, else replaced).
 * Sequential loops in a fixed order, so the result is the same on every machine.
 */
export function hostMlpForward(layers: readonly HostDense[], x: Float64Array, rows: number, outs: Float64Array[]): Float64Array[] {
  let h = x;
  for (let l = 0; l < layers.length; l++) {
    const layer = layers[l];
    const need = rows * layer.outSize;
    if (outs[l] === undefined || outs[l].length < need) outs[l] = new Float64Array(need);
    denseForward(h, layer.kernel, layer.bias, outs[l], rows, layer.inSize, layer.outSize, layer.fixed === true);
    if (layer.activation === 'tanh') tanhInPlace(outs[l], need);
    else if (layer.activation === 'relu') reluInPlace(outs[l], need);
    h = outs[l];
  }
  outs.length = layers.length;
  return outs;
}

function denseForward(x: Float64Array, kernel: Float64Array, bias: Float64Array, y: Float64Array, rows: number, inSize: number, outSize: number, fixed: boolean): void {
  // Row copies (bias holds outSize values): measured 4x faster than an element loop.
  for (let r = 0; r < rows; r++) y.set(bias, r * outSize);
  // y[r, j] += sum_k x[r, k] kernel[k, j]
  gemmAdd(rows, outSize, inSize, x, inSize, 1, kernel, 1, outSize, y, outSize, 1, fixed);
}

/**
 * `C[i sci + j scj] += sum_p A[i sai + p sap] B[j sbj + p sbp]` for i < m, j < n, p < depth:
 * every product of the forward and backward passes is one of these. Blocks of 4 x 2 outputs
 * are summed in locals (measured: 4x the throughput of a plain triple loop in V8), in a fixed
 * order, so the result does not depend on the machine. `bFixed`: B's values never change (see
 * {@link HostDense.fixed}).
 */
function gemmAdd(
  m: number, n: number, depth: number,
  A: Float64Array, sai: number, sap: number,
  B: Float64Array, sbj: number, sbp: number,
  C: Float64Array, sci: number, scj: number,
  bFixed = false,
): void {
  if (wasmEnabled && sbj === 1 && scj === 1 && m % 4 === 0 && n % 4 === 0 && (bFixed || m * n * depth >= WASM_MIN_WORK)) {
    if (wasmKernel === undefined) wasmKernel = WasmGemm.create();
    if (wasmKernel !== null) {
      wasmKernel.run(m, n, depth, A, sai, sap, B, sbp, C, sci, bFixed);
      return;
    }
  }
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const a0 = i * sai;
    const a1 = a0 + sai;
    const a2 = a1 + sai;
    const a3 = a2 + sai;
    let j = 0;
    for (; j + 2 <= n; j += 2) {
      const b0 = j * sbj;
      const b1 = b0 + sbj;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0; // prettier-ignore
      for (let p = 0, pa = 0, pb = 0; p < depth; p++, pa += sap, pb += sbp) {
        const u = B[b0 + pb];
        const v = B[b1 + pb];
        const x0 = A[a0 + pa];
        const x1 = A[a1 + pa];
        const x2 = A[a2 + pa];
        const x3 = A[a3 + pa];
        s00 += x0 * u;
        s01 += x0 * v;
        s10 += x1 * u;
        s11 += x1 * v;
        s20 += x2 * u;
        s21 += x2 * v;
        s30 += x3 * u;
        s31 += x3 * v;
      }
      const c0 = i * sci + j * scj;
      C[c0] += s00;
      C[c0 + scj] += s01;
      C[c0 + sci] += s10;
      C[c0 + sci + scj] += s11;
      C[c0 + 2 * sci] += s20;
      C[c0 + 2 * sci + scj] += s21;
      C[c0 + 3 * sci] += s30;
      C[c0 + 3 * sci + scj] += s31;
    }
    for (; j < n; j++) {
      const b0 = j * sbj;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0; // prettier-ignore
      for (let p = 0, pa = 0, pb = 0; p < depth; p++, pa += sap, pb += sbp) {
        const u = B[b0 + pb];
        s0 += A[a0 + pa] * u;
        s1 += A[a1 + pa] * u;
        s2 += A[a2 + pa] * u;
        s3 += A[a3 + pa] * u;
      }
      const c0 = i * sci + j * scj;
      C[c0] += s0;
      C[c0 + sci] += s1;
      C[c0 + 2 * sci] += s2;
      C[c0 + 3 * sci] += s3;
    }
  }
  for (; i < m; i++) {
    const a0 = i * sai;
    for (let j = 0; j < n; j++) {
      const b0 = j * sbj;
      let s = 0;
      for (let p = 0, pa = 0, pb = 0; p < depth; p++, pa += sap, pb += sbp) s += A[a0 + pa] * B[b0 + pb];
      C[i * sci + j * scj] += s;
    }
  }
}

/** Below this many values the call into WebAssembly and the copies cost about what they save. */
const WASM_TANH_MIN = 16;

function tanhInPlace(y: Float64Array, n: number): void {
  if (wasmEnabled && n >= WASM_TANH_MIN) {
    if (wasmTanh === undefined) wasmTanh = WasmTanh.create();
    if (wasmTanh !== null) {
      wasmTanh.run(y, n);
      return;
    }
  }
  for (let i = 0; i < n; i++) y[i] = tanh(y[i]);
}

function reluInPlace(y: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) if (!(y[i] > 0)) y[i] = 0;
}

/**
 * Backpropagates `dOut` (the loss's gradient with respect to the last layer's output, `rows *
 * outSize`; overwritten) through `layers`, adding each kernel's and bias's gradient into
 * `gradKernels[l]` and `gradBiases[l]`. `x` and `outs` are the forward pass's input and
 * outputs; `scratch` holds reusable buffers. The input's own gradient is not formed.
 */
export function hostMlpBackward(
  layers: readonly HostDense[],
  x: Float64Array,
  outs: readonly Float64Array[],
  dOut: Float64Array,
  rows: number,
  gradKernels: readonly Float64Array[],
  gradBiases: readonly Float64Array[],
  scratch: Float64Array[],
): void {
  let d = dOut;
  for (let l = layers.length - 1; l >= 0; l--) {
    const { kernel, inSize, outSize, activation } = layers[l];
    const n = rows * outSize;
    if (activation === 'tanh') tanhBackwardWithBias(d, outs[l], gradBiases[l], rows, outSize);
    else {
      // tfjs's relu gradient is the step function of the output: 0 at 0.
      if (activation === 'relu') reluBackward(d, outs[l], n);
      biasGrads(d, gradBiases[l], rows, outSize);
    }
    denseWeightGrads(l === 0 ? x : outs[l - 1], d, gradKernels[l], rows, inSize, outSize);
    if (l === 0) break;
    const need = rows * inSize;
    if (scratch[l] === undefined || scratch[l].length < need) scratch[l] = new Float64Array(need);
    // scratch[0] is never an input gradient (the first layer's is not formed): it holds the transposed kernel.
    if (scratch[0] === undefined || scratch[0].length < inSize * outSize) scratch[0] = new Float64Array(inSize * outSize);
    denseInputGrads(d, kernel, scratch[l], rows, inSize, outSize, scratch[0]);
    d = scratch[l];
  }
}

/**
 * `d *= 1 - y^2` (tanh's derivative from its output) and the bias gradient of the result in one
 * pass: `gb[j] += d[0, j] + d[1, j] + ...`, summed in row order in locals, the same sums as
 * adding into `gb[j]` row by row.
 */
function tanhBackwardWithBias(d: Float64Array, y: Float64Array, gb: Float64Array, rows: number, outSize: number): void {
  let j = 0;
  for (; j + 2 <= outSize; j += 2) {
    let s0 = gb[j];
    let s1 = gb[j + 1];
    for (let r = 0, at = j; r < rows; r++, at += outSize) {
      const y0 = y[at];
      const y1 = y[at + 1];
      const v0 = d[at] * (1 - y0 * y0);
      const v1 = d[at + 1] * (1 - y1 * y1);
      d[at] = v0;
      d[at + 1] = v1;
      s0 += v0;
      s1 += v1;
    }
    gb[j] = s0;
    gb[j + 1] = s1;
  }
  for (; j < outSize; j++) {
    let s = gb[j];
    for (let r = 0, at = j; r < rows; r++, at += outSize) {
      const v = d[at] * (1 - y[at] * y[at]);
      d[at] = v;
      s += v;
    }
    gb[j] = s;
  }
}

/** `gb[j] += d[0, j] + d[1, j] + ...`, summed in row order in a local (the same sums as adding into `gb[j]` row by row). */
export function biasGrads(d: Float64Array, gb: Float64Array, rows: number, outSize: number): void {
  for (let j = 0; j < outSize; j++) {
    let s = gb[j];
    for (let r = 0, at = j; r < rows; r++, at += outSize) s += d[at];
    gb[j] = s;
  }
}

/** `d[i] = 0` where the ReLU output `y[i]` is not positive (tfjs's gradient of relu). */
export function reluBackward(d: Float64Array, y: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) if (!(y[i] > 0)) d[i] = 0;
}

/** Adds a dense layer's kernel gradient, from its input `x` and output gradient `d`, into `gk` (the bias gradient: {@link biasGrads}). */
export function denseWeightGrads(x: Float64Array, d: Float64Array, gk: Float64Array, rows: number, inSize: number, outSize: number): void {
  // gk[k, j] += sum_r x[r, k] d[r, j]
  gemmAdd(inSize, outSize, rows, x, 1, inSize, d, 1, outSize, gk, outSize, 1);
}

/** A dense layer's input gradient `dIn = d kernel^T` (`transposed`: scratch of `inSize * outSize`). */
export function denseInputGrads(d: Float64Array, kernel: Float64Array, dIn: Float64Array, rows: number, inSize: number, outSize: number, transposed: Float64Array): void {
  // The kernel transposed to [outSize, inSize], so that dIn's rows are the contiguous axis.
  for (let k = 0; k < inSize; k++) for (let j = 0; j < outSize; j++) transposed[j * inSize + k] = kernel[k * outSize + j];
  dIn.fill(0, 0, rows * inSize);
  // dIn[r, k] = sum_j d[r, j] kernel[k, j]
  gemmAdd(rows, inSize, outSize, d, outSize, 1, transposed, 1, inSize, dIn, inSize, 1);
}

/** `source` widened into `target` (replaced when too short); returns the array used. */
export function widen(source: Float32Array, target: Float64Array): Float64Array {
  const out = target.length >= source.length ? target : new Float64Array(source.length);
  for (let i = 0; i < source.length; i++) out[i] = source[i];
  return out;
}
