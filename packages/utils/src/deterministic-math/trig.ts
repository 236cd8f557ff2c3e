/**
 * Sine and cosine that give the same bits in every JavaScript engine: fdlibm's algorithms
 * (s_sin.c, s_cos.c, k_sin.c, k_cos.c), which Node 20's `Math.sin` and `Math.cos` also use,
 * written with IEEE-754 arithmetic only, so results never depend on the engine's libm.
 */

import { fromWords, highWord } from './float-words';
import { remPio2 } from './rem-pio2';

// Minimax polynomial coefficients of sin(x) = x + S1 x^3 + ... + S6 x^13 on [-pi/4, pi/4].
const S1 = -1.66666666666666324348e-1;
const S2 = 8.33333333332248946124e-3;
const S3 = -1.98412698298579493134e-4;
const S4 = 2.75573137070700676789e-6;
const S5 = -2.50507602534068634195e-8;
const S6 = 1.58969099521155010221e-10;

// Minimax polynomial coefficients of cos(x) = 1 - x^2/2 + C1 x^4 + ... + C6 x^14.
const C1 = 4.16666666666666019037e-2;
const C2 = -1.38888888888741095749e-3;
const C3 = 2.48015872894767294178e-5;
const C4 = -2.75573143513906633035e-7;
const C5 = 2.0875723212981748279e-9;
const C6 = -1.13596475577881948265e-11;

/** sin(x + y) for |x| <= pi/4, with y the tail of x; `hasTail` false means y is 0. */
function kernelSin(x: number, y: number, hasTail: boolean): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix < 0x3e400000 && Math.trunc(x) === 0) return x; // |x| < 2^-27: sin x rounds to x
  const z = x * x;
  const v = z * x;
  const r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  if (!hasTail) return x + v * (S1 + z * r);
  return x - (z * (0.5 * y - v * r) - y - v * S1);
}

/** cos(x + y) for |x| <= pi/4, with y the tail of x. */
function kernelCos(x: number, y: number): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix < 0x3e400000 && Math.trunc(x) === 0) return 1; // |x| < 2^-27: cos x rounds to 1
  const z = x * x;
  const r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  if (ix < 0x3fd33333) return 1 - (0.5 * z - (z * r - x * y)); // |x| < 0.3
  // Subtract a quarter of x (0.28125 past 0.78125), exactly, first to keep precision.
  const qx = ix > 0x3fe90000 ? 0.28125 : fromWords(ix - 0x00200000, 0);
  const hz = 0.5 * z - qx;
  const a = 1 - qx;
  return a - (hz - (z * r - x * y));
}

const reduced = new Float64Array(2);

/** The sine of `x` (radians), bit for bit as fdlibm computes it in every engine. */
export function sin(x: number): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) return kernelSin(x, 0, false);
  if (ix >= 0x7ff00000) return x - x;
  const n = remPio2(x, reduced);
  switch (n & 3) {
    case 0:
      return kernelSin(reduced[0], reduced[1], true);
    case 1:
      return kernelCos(reduced[0], reduced[1]);
    case 2:
      return -kernelSin(reduced[0], reduced[1], true);
    default:
      return -kernelCos(reduced[0], reduced[1]);
  }
}

/** The cosine of `x` (radians), bit for bit as fdlibm computes it in every engine. */
export function cos(x: number): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) return kernelCos(x, 0);
  if (ix >= 0x7ff00000) return x - x;
  const n = remPio2(x, reduced);
  switch (n & 3) {
    case 0:
      return kernelCos(reduced[0], reduced[1]);
    case 1:
      return -kernelSin(reduced[0], reduced[1], true);
    case 2:
      return -kernelCos(reduced[0], reduced[1]);
    default:
      return kernelSin(reduced[0], reduced[1], true);
  }
}
