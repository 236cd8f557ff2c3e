import { fromWords, highWord, lowWord, withHighWord, withLowWord } from './float-words';

// fdlibm's pow (Sun Microsystems, 1993) with ECMAScript's special cases, as Node 20's V8
// computes Math.pow and **: log2|x| in extra precision, y log2|x| = n + y' in simulated double
// double arithmetic, then 2^n exp(y' ln2). IEEE-754 arithmetic only: the same bits everywhere.

const TWO_53 = 9007199254740992;
const TWO_M54 = 5.551115123125783e-17;
const HUGE = 1e300;
const TINY = 1e-300;
const DP_H1 = 5.84962487220764160156e-1; // log2(1.5), high part
const DP_L1 = 1.35003920212974897128e-8; // log2(1.5), low part
// Polynomial for (3/2)(log(x) - 2s - (2/3)s^3).
const L1 = 5.99999999999994648725e-1;
const L2 = 4.28571428578550184252e-1;
const L3 = 3.33333329818377432918e-1;
const L4 = 2.72728123808534006489e-1;
const L5 = 2.30660745775561754067e-1;
const L6 = 2.06975017800338417784e-1;
// exp's rational approximation (see exp.ts).
const P1 = 1.66666666666666019037e-1;
const P2 = -2.77777777770155933842e-3;
const P3 = 6.61375632143793436117e-5;
const P4 = -1.65339022054652515390e-6;
const P5 = 4.13813679705723846039e-8;
const LG2 = 6.93147180559945286227e-1; // ln 2
const LG2_H = 6.93147182464599609375e-1; // ln 2, high 32 bits
const LG2_L = -1.90465429995776804525e-9;
const OVT = 8.008566259537294e-17; // -(1024 - log2(overflow + 0.5 ulp))
const CP = 9.61796693925975554329e-1; // 2 / (3 ln 2)
const CP_H = 9.61796700954437255859e-1; // CP rounded to float
const CP_L = -7.02846165095275826516e-9;
const IVLN2 = 1.44269504088896338700e0; // 1 / ln 2
const IVLN2_H = 1.44269502162933349609e0; // 1 / ln 2, high 24 bits
const IVLN2_L = 1.92596299112661746887e-8;

/**
 * x to the power y, bit for bit equal to Node 20's `Math.pow` and `**`, including
 * ECMAScript's special cases (`pow(x, NaN)` is NaN even for x = 1, `pow(+-1, +-Infinity)` is NaN).
 */
export function pow(x: number, y: number): number {
  const hx = highWord(x);
  const lx = lowWord(x);
  const hy = highWord(y);
  const ly = lowWord(y);
  let ix = hx & 0x7fffffff;
  const iy = hy & 0x7fffffff;

  if ((iy | ly) === 0) return 1; // x ** +-0
  if (ix > 0x7ff00000 || (ix === 0x7ff00000 && lx !== 0) || iy > 0x7ff00000 || (iy === 0x7ff00000 && ly !== 0)) {
    return x + y; // NaN
  }

  // For x < 0: yIsInt 0 = y not an integer, 1 = odd integer, 2 = even integer.
  let yIsInt = 0;
  if (hx < 0) {
    if (iy >= 0x43400000) {
      yIsInt = 2; // |y| >= 2^53
    } else if (iy >= 0x3ff00000) {
      const e = (iy >> 20) - 0x3ff;
      if (e > 20) {
        const j = ly >>> (52 - e);
        if (j << (52 - e) === (ly | 0)) yIsInt = 2 - (j & 1);
      } else if (ly === 0) {
        const j = iy >> (20 - e);
        if (j << (20 - e) === iy) yIsInt = 2 - (j & 1);
      }
    }
  }

  if (ly === 0) {
    if (iy === 0x7ff00000) {
      // y = +-Infinity
      if (((ix - 0x3ff00000) | lx) === 0) return NaN; // (+-1) ** +-Infinity
      if (ix >= 0x3ff00000) return hy >= 0 ? y : 0; // |x| > 1
      return hy < 0 ? -y : 0; // |x| < 1
    }
    if (iy === 0x3ff00000) return hy < 0 ? 1 / x : x; // y = +-1
    if (hy === 0x40000000) return x * x; // y = 2
    if (hy === 0x3fe00000 && hx >= 0) return Math.sqrt(x); // y = 0.5, x >= +0
  }

  let ax = Math.abs(x);
  if (lx === 0 && (ix === 0x7ff00000 || ix === 0 || ix === 0x3ff00000)) {
    // x is +-0, +-Infinity or +-1
    let z = ax;
    if (hy < 0) z = 1 / z;
    if (hx < 0) {
      if (((ix - 0x3ff00000) | yIsInt) === 0) z = NaN; // (-1) ** non-integer
      else if (yIsInt === 1) z = -z;
    }
    return z;
  }

  let n = (hx >> 31) + 1; // 0 for negative x
  if ((n | yIsInt) === 0) return NaN; // negative ** non-integer
  const s = (n | (yIsInt - 1)) === 0 ? -1 : 1; // sign of the result

  // log2|x| = t1 + t2 in extra precision, t1 with 21 significant bits.
  let t1: number;
  let t2: number;
  if (iy > 0x41e00000) {
    // |y| > 2^31
    if (iy > 0x43f00000) {
      // |y| > 2^64: overflow or underflow unless x is 1
      if (ix <= 0x3fefffff) return hy < 0 ? HUGE * HUGE : TINY * TINY;
      if (ix >= 0x3ff00000) return hy > 0 ? HUGE * HUGE : TINY * TINY;
    }
    if (ix < 0x3fefffff) return hy < 0 ? s * HUGE * HUGE : s * TINY * TINY;
    if (ix > 0x3ff00000) return hy > 0 ? s * HUGE * HUGE : s * TINY * TINY;
    // |1 - x| <= 2^-20: log(x) from x - x^2/2 + x^3/3 - x^4/4.
    const t = ax - 1;
    const w = t * t * (0.5 - t * (0.3333333333333333 - t * 0.25));
    const u = IVLN2_H * t;
    const v = t * IVLN2_L - w * IVLN2;
    t1 = withLowWord(u + v, 0);
    t2 = v - (t1 - u);
  } else {
    n = 0;
    if (ix < 0x00100000) {
      // subnormal x
      ax *= TWO_53;
      n -= 53;
      ix = highWord(ax);
    }
    n += (ix >> 20) - 0x3ff;
    const j = ix & 0x000fffff;
    // Normalize |x| into [1, 2) and pick the expansion point 1 (below sqrt(3/2)) or 1.5 (below sqrt(3)).
    ix = j | 0x3ff00000;
    let k = 0;
    if (j > 0x3988e) {
      if (j < 0xbb67a) {
        k = 1;
      } else {
        n += 1;
        ix -= 0x00100000;
      }
    }
    ax = withHighWord(ax, ix);
    const bp = k === 0 ? 1 : 1.5;
    const dpH = k === 0 ? 0 : DP_H1;
    const dpL = k === 0 ? 0 : DP_L1;

    // ss = sH + sL = (ax - bp) / (ax + bp)
    let u = ax - bp;
    let v = 1 / (ax + bp);
    const ss = u * v;
    const sH = withLowWord(ss, 0);
    let tH = fromWords(((ix >> 1) | 0x20000000) + 0x00080000 + (k << 18), 0); // ax + bp, high part
    let tL = ax - (tH - bp);
    const sL = v * (u - sH * tH - sH * tL);
    // log(ax)
    let s2 = ss * ss;
    let r = s2 * s2 * (L1 + s2 * (L2 + s2 * (L3 + s2 * (L4 + s2 * (L5 + s2 * L6)))));
    r += sL * (sH + ss);
    s2 = sH * sH;
    tH = withLowWord(3 + s2 + r, 0);
    tL = r - (tH - 3 - s2);
    u = sH * tH;
    v = sL * tH + tL * ss;
    // 2 / (3 ln2) * (ss + ...)
    const pH = withLowWord(u + v, 0);
    const pL = v - (pH - u);
    const zH = CP_H * pH;
    const zL = CP_L * pH + pL * CP + dpL;
    // log2(ax) = n + dpH + zH + zL
    const t = n;
    t1 = withLowWord(zH + zL + dpH + t, 0);
    t2 = zL - (t1 - t - dpH - zH);
  }

  // (y1 + y2) * (t1 + t2) with y1 = y cut to 21 significant bits.
  const y1 = withLowWord(y, 0);
  const pL = (y - y1) * t1 + y * t2;
  let pH = y1 * t1;
  let z = pL + pH;
  let j = highWord(z);
  const i = lowWord(z);
  if (j >= 0x40900000) {
    // z >= 1024
    if (((j - 0x40900000) | i) !== 0) return s * HUGE * HUGE;
    if (pL + OVT > z - pH) return s * HUGE * HUGE;
  } else if ((j & 0x7fffffff) >= 0x4090cc00) {
    // z <= -1075
    if (((j - (0xc090cc00 | 0)) | i) !== 0) return s * TINY * TINY;
    if (pL <= z - pH) return s * TINY * TINY;
  }

  // 2^(pH + pL): split off the nearest integer n when |z| > 0.5.
  const absJ = j & 0x7fffffff;
  let e = (absJ >> 20) - 0x3ff;
  n = 0;
  if (absJ > 0x3fe00000) {
    n = j + (0x00100000 >> (e + 1));
    e = ((n & 0x7fffffff) >> 20) - 0x3ff;
    const whole = fromWords(n & ~(0x000fffff >> e), 0);
    n = ((n & 0x000fffff) | 0x00100000) >> (20 - e);
    if (j < 0) n = -n;
    pH -= whole;
  }
  let t = withLowWord(pL + pH, 0);
  const u = t * LG2_H;
  const v = (pL - (t - pH)) * LG2 + t * LG2_L;
  z = u + v;
  const w = v - (z - u);
  t = z * z;
  t1 = z - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  const r = (z * t1) / (t1 - 2 - (w + z * w));
  z = 1 - (r - z);
  j = highWord(z) + (n << 20);
  if (j >> 20 <= 0) return s * scaleToSubnormal(z, n);
  return s * withHighWord(z, j);
}

// z * 2^n for a positive normal z whose result is subnormal (or 0): set the exponent to
// that of the result times 2^54, then one multiplication by 2^-54 rounds once (fdlibm's scalbn).
function scaleToSubnormal(z: number, n: number): number {
  const hz = highWord(z);
  const e = ((hz >> 20) & 0x7ff) + n;
  if (e <= -54) return TINY * TINY;
  return withHighWord(z, (hz & 0x800fffff) | ((e + 54) << 20)) * TWO_M54;
}
