/**
 * Arctangent and two-argument arctangent that give the same bits in every JavaScript engine:
 * fdlibm's s_atan.c and e_atan2.c (in the form V8 uses for Node 20's `Math.atan`/`Math.atan2`),
 * written with IEEE-754 arithmetic only.
 */

import { highWord, lowWord } from './float-words';

// atan(0.5), atan(1), atan(1.5), atan(inf) as head + tail.
const ATAN_HI = [
  4.63647609000806093515e-1, 7.85398163397448278999e-1, 9.82793723247329054082e-1,
  1.570796326794896558e0,
];
const ATAN_LO = [
  2.26987774529616870924e-17, 3.06161699786838301793e-17, 1.39033110312309984516e-17,
  6.12323399573676603587e-17,
];
// Polynomial coefficients of atan(x) = x - x^3 (AT0 + AT1 x^2 + ... ) on [-7/16, 7/16].
const AT = [
  3.33333333333329318027e-1, -1.99999999998764832476e-1, 1.42857142725034663711e-1,
  -1.1111110405462355788e-1, 9.09088713343650656196e-2, -7.69187620504482999495e-2,
  6.66107313738753120669e-2, -5.83357013379057348645e-2, 4.97687799461593236017e-2,
  -3.6531572744216915527e-2, 1.62858201153657823623e-2,
];

/** The arctangent of `x`, in radians, bit for bit as fdlibm computes it in every engine. */
export function atan(x: number): number {
  const hx = highWord(x);
  const ix = hx & 0x7fffffff;
  let id: number;
  if (ix >= 0x44100000) {
    // |x| >= 2^66 or NaN
    if (x !== x) return x + x;
    return hx > 0 ? ATAN_HI[3] + ATAN_LO[3] : -ATAN_HI[3] - ATAN_LO[3];
  }
  if (ix < 0x3fdc0000) {
    // |x| < 0.4375
    if (ix < 0x3e400000) return x; // |x| < 2^-27: atan x rounds to x
    id = -1;
  } else {
    x = Math.abs(x);
    if (ix < 0x3ff30000) {
      if (ix < 0x3fe60000) {
        id = 0; // 7/16 <= |x| < 11/16
        x = (2 * x - 1) / (2 + x);
      } else {
        id = 1; // 11/16 <= |x| < 19/16
        x = (x - 1) / (x + 1);
      }
    } else if (ix < 0x40038000) {
      id = 2; // 19/16 <= |x| < 39/16
      x = (x - 1.5) / (1 + 1.5 * x);
    } else {
      id = 3; // 39/16 <= |x| < 2^66
      x = -1 / x;
    }
  }
  const z = x * x;
  const w = z * z;
  // Odd and even terms separately, as fdlibm does.
  const s1 = z * (AT[0] + w * (AT[2] + w * (AT[4] + w * (AT[6] + w * (AT[8] + w * AT[10])))));
  const s2 = w * (AT[1] + w * (AT[3] + w * (AT[5] + w * (AT[7] + w * AT[9]))));
  if (id < 0) return x - x * (s1 + s2);
  const result = ATAN_HI[id] - (x * (s1 + s2) - ATAN_LO[id] - x);
  return hx < 0 ? -result : result;
}

const TINY = 1.0e-300;
const PI_O_4 = 7.85398163397448278999e-1;
const PI_O_2 = 1.570796326794896558e0;
const PI = 3.141592653589793;
const PI_LO = 1.2246467991473532e-16; // pi - PI

/**
 * The angle of the point (x, y) from the positive x axis, in (-pi, pi], bit for bit as fdlibm
 * computes `atan2(y, x)` in every engine.
 */
export function atan2(y: number, x: number): number {
  if (x !== x || y !== y) return x + y;
  const hx = highWord(x);
  const ix = hx & 0x7fffffff;
  const lx = lowWord(x);
  const hy = highWord(y);
  const iy = hy & 0x7fffffff;
  const ly = lowWord(y);
  if (hx === 0x3ff00000 && lx === 0) return atan(y); // x = 1
  const m = ((hy >>> 31) & 1) | ((hx >> 30) & 2); // 2 * sign(x) + sign(y)

  if ((iy | ly) === 0) {
    // y = +-0
    if (m < 2) return y;
    return m === 2 ? PI + TINY : -PI - TINY;
  }
  if ((ix | lx) === 0) return hy < 0 ? -PI_O_2 - TINY : PI_O_2 + TINY;
  if (ix === 0x7ff00000) {
    if (iy === 0x7ff00000) {
      if (m === 0) return PI_O_4 + TINY;
      if (m === 1) return -PI_O_4 - TINY;
      if (m === 2) return 3 * PI_O_4 + TINY;
      return -3 * PI_O_4 - TINY;
    }
    if (m === 0) return 0;
    if (m === 1) return -0;
    if (m === 2) return PI + TINY;
    return -PI - TINY;
  }
  if (iy === 0x7ff00000) return hy < 0 ? -PI_O_2 - TINY : PI_O_2 + TINY;

  const k = (iy - ix) >> 20;
  let z: number;
  let quadrant = m;
  if (k > 60) {
    // |y/x| > 2^60
    z = PI_O_2 + 0.5 * PI_LO;
    quadrant &= 1;
  } else if (hx < 0 && k < -60) {
    z = 0; // |y|/x < -2^-60
  } else {
    z = atan(Math.abs(y / x));
  }
  switch (quadrant) {
    case 0:
      return z;
    case 1:
      return -z;
    case 2:
      return PI - (z - PI_LO);
    default:
      return z - PI_LO - PI;
  }
}
