import { expm1 } from './exp';
import { highWord } from './float-words';

/**
 * The hyperbolic tangent, bit for bit equal to Node 20's `Math.tanh` (fdlibm): from
 * t = expm1(+-2|x|) as -t / (t + 2) below 1 and 1 - 2 / (t + 2) from 1 to 22; +-1 beyond.
 */
export function tanh(x: number): number {
  const word = highWord(x);
  const ix = word & 0x7fffffff;
  if (ix >= 0x7ff00000) {
    // tanh(+-Infinity) = +-1, tanh(NaN) = NaN
    return word >= 0 ? 1 / x + 1 : 1 / x - 1;
  }
  let z: number;
  if (ix < 0x40360000) {
    // |x| < 22
    if (ix < 0x3e300000) return x; // |x| < 2^-28: tanh(x) rounds to x (keeps -0)
    const ax = Math.abs(x);
    if (ix >= 0x3ff00000) {
      z = 1 - 2 / (expm1(2 * ax) + 2);
    } else {
      const t = expm1(-2 * ax);
      z = -t / (t + 2);
    }
  } else {
    z = 1;
  }
  return word >= 0 ? z : -z;
}
