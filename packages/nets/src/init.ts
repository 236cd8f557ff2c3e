import { PpoRangeError } from '@ppo/utils';
import type { RandomSource } from './random';

/**
 * PPO's initialisation gains (Engstrom et al. 2020; CleanRL, SB3): sqrt(2) for hidden layers,
 * 0.01 for the policy head (near-uniform initial policy), 1 for the value head.
 */
export const PPO_GAINS = Object.freeze({ hidden: Math.SQRT2, policy: 0.01, value: 1 });

/**
 * An orthogonal matrix scaled by `gain`, as a row-major `rows x cols` Float32Array.
 *
 * Method (Saxe et al. 2014): draw a Gaussian matrix from `rng`, take the thin QR
 * factorisation by Householder reflections, and fix the sign of each column of Q by the sign
 * of R's diagonal so the result is uniformly (Haar) distributed. When rows >= cols the
 * columns are orthonormal (W^T W = gain^2 I); otherwise the rows are (W W^T = gain^2 I).
 *
 * For a dense kernel of shape [inputSize, outputSize] this matches PyTorch's
 * `orthogonal_` applied to the transposed [out, in] weight.
 */
export function orthogonal(rows: number, cols: number, gain: number, rng: RandomSource): Float32Array {
  for (const [name, value] of [['rows', rows], ['cols', cols]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new PpoRangeError('INVALID_ARGUMENT', `${name} must be a positive integer, got ${String(value)}`);
  }
  if (!Number.isFinite(gain)) throw new PpoRangeError('INVALID_ARGUMENT', `gain must be a finite number, got ${String(gain)}`);
  const tall = rows >= cols;
  const m = tall ? rows : cols;
  const n = tall ? cols : rows;
  const q = householderQ(m, n, rng);
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const v = gain * q[i * n + j];
      if (tall) out[i * cols + j] = v;
      else out[j * cols + i] = v;
    }
  }
  return out;
}

/**
 * The m x n (m >= n) Q factor, sign-corrected, of a Gaussian matrix, row-major Float64Array.
 * Works column-major internally so every inner loop runs over contiguous memory.
 */
function householderQ(m: number, n: number, rng: RandomSource): Float64Array {
  // a[j * m + i] is entry (i, j); drawn row by row so the stream order is row-major.
  const a = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) a[j * m + i] = rng.nextNormal();
  const vs: Float64Array[] = [];
  const vnorms = new Float64Array(n);
  const signs = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const colK = k * m;
    let norm = 0;
    for (let i = k; i < m; i++) norm += a[colK + i] * a[colK + i];
    norm = Math.sqrt(norm);
    const akk = a[colK + k];
    // Reflect onto -sign(akk) * norm * e_k to avoid cancellation; R's diagonal is then alpha.
    const alpha = akk >= 0 ? -norm : norm;
    const v = a.slice(colK + k, colK + m);
    v[0] = akk - alpha;
    let vnorm2 = 0;
    for (let i = 0; i < v.length; i++) vnorm2 += v[i] * v[i];
    if (vnorm2 > 0) reflect(a, m, n, k, k + 1, v, vnorm2);
    vs.push(v);
    vnorms[k] = vnorm2;
    signs[k] = alpha === 0 ? 1 : Math.sign(alpha);
  }
  // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of the identity, last reflection first.
  // When H_k is applied, columns j < k are still e_j, zero on the rows H_k acts on: skip them.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * m + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    if (vnorms[k] > 0) reflect(q, m, n, k, k, vs[k], vnorms[k]);
  }
  const out = new Float64Array(m * n);
  for (let j = 0; j < n; j++) for (let i = 0; i < m; i++) out[i * n + j] = q[j * m + i] * signs[j];
  return out;
}

/** Applies I - 2 v v^T / |v|^2 (v acting on rows k..m-1) to columns from..n-1 of column-major x. */
function reflect(x: Float64Array, m: number, n: number, k: number, from: number, v: Float64Array, vnorm2: number): void {
  for (let j = from; j < n; j++) {
    const base = j * m + k;
    let dot = 0;
    for (let i = 0; i < v.length; i++) dot += v[i] * x[base + i];
    const f = (2 * dot) / vnorm2;
    if (f !== 0) for (let i = 0; i < v.length; i++) x[base + i] -= f * v[i];
  }
}
