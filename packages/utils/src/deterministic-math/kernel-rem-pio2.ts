/**
 * Reduction of a huge argument modulo pi/2 (fdlibm's __kernel_rem_pio2, double precision
 * result only): the argument, split into 24-bit pieces, is multiplied by as many 24-bit digits
 * of 2/pi as its exponent needs, so the result keeps full precision for every finite double.
 */

import { powerOfTwo } from './float-words';

/** The fraction bits of 2/pi in 24-bit digits, most significant first. */
const TWO_OVER_PI = [
  0xa2f983, 0x6e4e44, 0x1529fc, 0x2757d1, 0xf534dd, 0xc0db62, 0x95993c, 0x439041, 0xfe5163,
  0xabdebb, 0xc561b7, 0x246e3a, 0x424dd2, 0xe00649, 0x2eea09, 0xd1921c, 0xfe1deb, 0x1cb129,
  0xa73ee8, 0x8235f5, 0x2ebb44, 0x84e99c, 0x7026b4, 0x5f7e41, 0x3991d6, 0x398353, 0x39f49c,
  0x845f8b, 0xbdf928, 0x3b1ff8, 0x97ffde, 0x05980f, 0xef2f11, 0x8b5a0a, 0x6d1f6d, 0x367ecf,
  0x27cb09, 0xb74f46, 0x3f669e, 0x5fea2d, 0x7527ba, 0xc7ebe5, 0xf17b3d, 0x0739f7, 0x8a5292,
  0xea6bfb, 0x5fb11f, 0x8d5d08, 0x560330, 0x46fc7b, 0x6babf0, 0xcfbc20, 0x9af436, 0x1da9e3,
  0x91615e, 0xe61b08, 0x659985, 0x5f14a0, 0x68408d, 0xffd880, 0x4d7327, 0x310606, 0x1556ca,
  0x73a8c9, 0x60e27b, 0xc08c6b,
];

/** pi/2 in 24-bit pieces (each value has at most 24 significant bits). */
const PI_O2 = [
  1.57079625129699707031e0, 7.54978941586159635335e-8, 5.39030252995776476554e-15,
  3.28200341580791294123e-22, 1.27065575308067607349e-29, 1.22933308981111328932e-36,
  2.73370053816464559624e-44, 2.16741683877804819444e-51,
];

const TWO24 = 16777216;
const TWON24 = 5.9604644775390625e-8;
/** Terms of 2/pi used beyond the argument's own, for a double result (fdlibm's init_jk[2]). */
const JK = 4;

/** Exported for the tests, which check it against 2/pi computed independently. */
export const twoOverPiDigits: readonly number[] = TWO_OVER_PI;

const f = new Float64Array(20);
const q = new Float64Array(20);
const fq = new Float64Array(20);
const iq = new Int32Array(20);

/**
 * Reduces the value `sum(x[i] * 2^(e0 - 24 i))` (x holds `nx` 24-bit integers, e0 >= -20)
 * modulo pi/2. Writes the remainder as a head and tail into `y[0]`, `y[1]` and returns the
 * quotient modulo 8.
 */
export function kernelRemPio2(x: Float64Array, y: Float64Array, e0: number, nx: number): number {
  const jp = JK;
  const jx = nx - 1;
  let jv = Math.trunc((e0 - 3) / 24);
  if (jv < 0) jv = 0;
  let q0 = e0 - 24 * (jv + 1);

  // f[0..jx+jk] are the digits of 2/pi that meet the argument's pieces.
  let j = jv - jx;
  const m = jx + JK;
  for (let i = 0; i <= m; i++, j++) f[i] = j < 0 ? 0 : TWO_OVER_PI[j];

  for (let i = 0; i <= JK; i++) {
    let fw = 0;
    for (let k = 0; k <= jx; k++) fw += x[k] * f[jx + i - k];
    q[i] = fw;
  }

  let jz = JK;
  let n: number;
  let ih: number;
  let z: number;
  for (;;) {
    // Distil q[] into 24-bit integers iq[], least significant last.
    let i = 0;
    z = q[jz];
    for (let k = jz; k > 0; i++, k--) {
      const fw = Math.trunc(TWON24 * z);
      iq[i] = Math.trunc(z - TWO24 * fw);
      z = q[k - 1] + fw;
    }

    z *= powerOfTwo(q0);
    z -= 8 * Math.floor(z * 0.125);
    n = Math.trunc(z);
    z -= n;
    ih = 0;
    if (q0 > 0) {
      const top = iq[jz - 1] >> (24 - q0);
      n += top;
      iq[jz - 1] -= top << (24 - q0);
      ih = iq[jz - 1] >> (23 - q0);
    } else if (q0 === 0) {
      ih = iq[jz - 1] >> 23;
    } else if (z >= 0.5) {
      ih = 2;
    }

    let carry = 0;
    if (ih > 0) {
      // The fraction exceeds 1/2: take 1 - fraction and round the quotient up.
      n += 1;
      for (let k = 0; k < jz; k++) {
        const digit = iq[k];
        if (carry === 0) {
          if (digit !== 0) {
            carry = 1;
            iq[k] = 0x1000000 - digit;
          }
        } else {
          iq[k] = 0xffffff - digit;
        }
      }
      if (q0 === 1) iq[jz - 1] &= 0x7fffff;
      else if (q0 === 2) iq[jz - 1] &= 0x3fffff;
      if (ih === 2) {
        z = 1 - z;
        if (carry !== 0) z -= powerOfTwo(q0);
      }
    }

    if (z !== 0) break;
    let any = 0;
    for (let k = jz - 1; k >= JK; k--) any |= iq[k];
    if (any !== 0) break;
    // Cancellation left too few bits: bring in more digits of 2/pi and start over.
    let extra = 1;
    while (iq[JK - extra] === 0) extra++;
    for (let k = jz + 1; k <= jz + extra; k++) {
      f[jx + k] = TWO_OVER_PI[jv + k];
      let fw = 0;
      for (let t = 0; t <= jx; t++) fw += x[t] * f[jx + k - t];
      q[k] = fw;
    }
    jz += extra;
  }

  if (z === 0) {
    jz -= 1;
    q0 -= 24;
    while (iq[jz] === 0) {
      jz--;
      q0 -= 24;
    }
  } else {
    z *= powerOfTwo(-q0);
    if (z >= TWO24) {
      const fw = Math.trunc(TWON24 * z);
      iq[jz] = Math.trunc(z - TWO24 * fw);
      jz += 1;
      q0 += 24;
      iq[jz] = fw;
    } else {
      iq[jz] = Math.trunc(z);
    }
  }

  let fw = powerOfTwo(q0);
  for (let i = jz; i >= 0; i--) {
    q[i] = fw * iq[i];
    fw *= TWON24;
  }

  for (let i = jz; i >= 0; i--) {
    let sum = 0;
    for (let k = 0; k <= jp && k <= jz - i; k++) sum += PI_O2[k] * q[i + k];
    fq[jz - i] = sum;
  }

  let sum = 0;
  for (let i = jz; i >= 0; i--) sum += fq[i];
  y[0] = ih === 0 ? sum : -sum;
  let tail = fq[0] - sum;
  for (let i = 1; i <= jz; i++) tail += fq[i];
  y[1] = ih === 0 ? tail : -tail;
  return n & 7;
}
