/**
 * Argument reduction x = n * pi/2 + r with |r| <= pi/4 (fdlibm's __ieee754_rem_pio2): a
 * special case near +-pi/2, Cody-Waite reduction with three splits of pi/2 up to
 * |x| ~ 2^19 * pi/2, and the 2/pi digit method of {@link kernelRemPio2} beyond.
 */

import { fromWords, highWord, lowWord } from './float-words';
import { kernelRemPio2 } from './kernel-rem-pio2';

const INV_PIO2 = 6.36619772367581382433e-1; // 0x3FE45F30 6DC9C883
const PIO2_1 = 1.57079632673412561417e0; // first 33 bits of pi/2
const PIO2_1T = 6.07710050650619224932e-11; // pi/2 - PIO2_1
const PIO2_2 = 6.0771005063039659766e-11; // second 33 bits of pi/2
const PIO2_2T = 2.02226624879595063154e-21; // pi/2 - (PIO2_1 + PIO2_2)
const PIO2_3 = 2.0222662487111664558e-21; // third 33 bits of pi/2
const PIO2_3T = 8.47842766036889956997e-32; // pi/2 - (PIO2_1 + PIO2_2 + PIO2_3)
const TWO24 = 16777216;

/** High words of n * pi/2 for n = 1..32: arguments this close need the extra splits. */
const NPIO2_HW = [
  0x3ff921fb, 0x400921fb, 0x4012d97c, 0x401921fb, 0x401f6a7a, 0x4022d97c, 0x4025fdbb, 0x402921fb,
  0x402c463a, 0x402f6a7a, 0x4031475c, 0x4032d97c, 0x40346b9c, 0x4035fdbb, 0x40378fdb, 0x403921fb,
  0x403ab41b, 0x403c463a, 0x403dd85a, 0x403f6a7a, 0x40407e4c, 0x4041475c, 0x4042106c, 0x4042d97c,
  0x4043a28c, 0x40446b9c, 0x404534ac, 0x4045fdbb, 0x4046c6cb, 0x40478fdb, 0x404858eb, 0x404921fb,
];

/** Exported for the tests, which check it against n * pi/2 computed independently. */
export const npio2HighWords: readonly number[] = NPIO2_HW;

const pieces = new Float64Array(3);

/**
 * Reduces `x` modulo pi/2: writes the remainder as head and tail into `y[0]`, `y[1]`
 * (r = y[0] + y[1]) and returns the quotient n (only n mod 4 matters to callers).
 * NaN and infinities give NaN remainders.
 */
export function remPio2(x: number, y: Float64Array): number {
  const hx = highWord(x);
  const ix = hx & 0x7fffffff;
  if (ix <= 0x3fe921fb) {
    y[0] = x;
    y[1] = 0;
    return 0;
  }
  if (ix < 0x4002d97c) {
    // |x| < 3pi/4: n = +-1, with one more split when x is near pi/2 itself.
    if (hx > 0) {
      let z = x - PIO2_1;
      if (ix !== 0x3ff921fb) {
        y[0] = z - PIO2_1T;
        y[1] = z - y[0] - PIO2_1T;
      } else {
        z -= PIO2_2;
        y[0] = z - PIO2_2T;
        y[1] = z - y[0] - PIO2_2T;
      }
      return 1;
    }
    let z = x + PIO2_1;
    if (ix !== 0x3ff921fb) {
      y[0] = z + PIO2_1T;
      y[1] = z - y[0] + PIO2_1T;
    } else {
      z += PIO2_2;
      y[0] = z + PIO2_2T;
      y[1] = z - y[0] + PIO2_2T;
    }
    return -1;
  }
  if (ix <= 0x413921fb) {
    // Medium size: subtract n * pi/2 in 33-bit pieces, using more pieces when cancellation
    // has eaten the leading bits.
    let t = Math.abs(x);
    const n = Math.trunc(t * INV_PIO2 + 0.5);
    const fn = n;
    let r = t - fn * PIO2_1;
    let w = fn * PIO2_1T;
    if (n < 32 && ix !== NPIO2_HW[n - 1]) {
      y[0] = r - w;
    } else {
      const j = ix >> 20;
      y[0] = r - w;
      let i = j - ((highWord(y[0]) >> 20) & 0x7ff);
      if (i > 16) {
        t = r;
        w = fn * PIO2_2;
        r = t - w;
        w = fn * PIO2_2T - (t - r - w);
        y[0] = r - w;
        i = j - ((highWord(y[0]) >> 20) & 0x7ff);
        if (i > 49) {
          t = r;
          w = fn * PIO2_3;
          r = t - w;
          w = fn * PIO2_3T - (t - r - w);
          y[0] = r - w;
        }
      }
    }
    y[1] = r - y[0] - w;
    if (hx < 0) {
      y[0] = -y[0];
      y[1] = -y[1];
      return -n;
    }
    return n;
  }
  if (ix >= 0x7ff00000) {
    y[0] = x - x;
    y[1] = y[0];
    return 0;
  }
  // Large: scale |x| to [2^23, 2^24) and split it into three 24-bit integers.
  const e0 = (ix >> 20) - 1046;
  let z = fromWords(ix - (e0 << 20), lowWord(x));
  for (let i = 0; i < 2; i++) {
    pieces[i] = Math.trunc(z);
    z = (z - pieces[i]) * TWO24;
  }
  pieces[2] = z;
  let nx = 3;
  while (pieces[nx - 1] === 0) nx--;
  const n = kernelRemPio2(pieces, y, e0, nx);
  if (hx < 0) {
    y[0] = -y[0];
    y[1] = -y[1];
    return -n;
  }
  return n;
}
