import { highWord, lowWord, powerOfTwo } from './float-words';

// fdlibm's exp and expm1 (Sun Microsystems, 1993) as Node 20's V8 computes them. Only IEEE-754
// +, -, *, / are used, so the result is the same bits in every JavaScript engine.

const LN2_HI = 6.93147180369123816490e-1; // 0x3FE62E42 FEE00000: n * LN2_HI is exact for |n| < 2000
const LN2_LO = 1.90821492927058770002e-10; // 0x3DEA39EF 35793C76
const INV_LN2 = 1.44269504088896338700e0; // 0x3FF71547 652B82FE
const O_THRESHOLD = 7.09782712893383973096e2; // above: exp(x) overflows
const U_THRESHOLD = -7.45133219101941108420e2; // below: exp(x) underflows to 0
const E = 2.718281828459045; // V8 returns this for exp(1), where the reduction loses the last bit
const TWO_1023 = 8.98846567431158e307;
const TWO_M1000 = 9.33263618503218878990e-302;
const HUGE = 1e300;
const TINY = 1e-300;

// Remez polynomial for R(r^2) = r * (exp(r) + 1) / (exp(r) - 1) on [0, 0.5 ln 2], |error| < 2^-59.
const P1 = 1.66666666666666019037e-1;
const P2 = -2.77777777770155933842e-3;
const P3 = 6.61375632143793436117e-5;
const P4 = -1.65339022054652515390e-6;
const P5 = 4.13813679705723846039e-8;

// Scaled polynomial for expm1's R1(z) (coefficient i times 2^i, evaluated at z = r^2 / 2).
const Q1 = -3.33333333333331316428e-2;
const Q2 = 1.58730158725481460165e-3;
const Q3 = -7.93650757867487942473e-5;
const Q4 = 4.00821782732936239552e-6;
const Q5 = -2.01099218183624371326e-7;

/**
 * e^x, bit for bit equal to Node 20's `Math.exp` (fdlibm): x = k ln2 + r with |r| <= ln2 / 2,
 * exp(r) from a rational approximation, then scaled by 2^k.
 */
export function exp(x: number): number {
  const word = highWord(x);
  const negative = word < 0;
  const hx = word & 0x7fffffff;
  if (hx >= 0x40862e42) {
    // |x| >= 709.78: overflow, underflow, infinities and NaN.
    if (hx >= 0x7ff00000) {
      if (((hx & 0xfffff) | lowWord(x)) !== 0) return x + x;
      return negative ? 0 : x;
    }
    if (x > O_THRESHOLD) return HUGE * HUGE;
    if (x < U_THRESHOLD) return TINY * TINY;
  }
  let hi = 0;
  let lo = 0;
  let k = 0;
  if (hx > 0x3fd62e42) {
    // |x| > ln2 / 2: reduce.
    if (hx < 0x3ff0a2b2) {
      // |x| < 1.5 ln2: k = +-1.
      if (x === 1) return E;
      if (negative) {
        hi = x + LN2_HI;
        lo = -LN2_LO;
        k = -1;
      } else {
        hi = x - LN2_HI;
        lo = LN2_LO;
        k = 1;
      }
    } else {
      // Truncation toward zero, as C's conversion to int.
      k = (INV_LN2 * x + (negative ? -0.5 : 0.5)) | 0;
      hi = x - k * LN2_HI;
      lo = k * LN2_LO;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) {
    // |x| < 2^-28: 1 + x is exact enough.
    return 1 + x;
  }
  const t = x * x;
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k === 0) return 1 - ((x * c) / (c - 2) - x);
  const y = 1 - (lo - (x * c) / (2 - c) - hi);
  if (k >= -1021) {
    // 2^1024 is not a double: scale in two steps.
    if (k === 1024) return y * 2 * TWO_1023;
    return y * powerOfTwo(k);
  }
  // Subnormal result: scale by 2^(k+1000), then by 2^-1000 (one rounding, in the last step).
  return y * powerOfTwo(k + 1000) * TWO_M1000;
}

/**
 * e^x - 1, accurate near 0; bit for bit equal to Node 20's `Math.expm1` (fdlibm): the same
 * reduction as {@link exp} with a correction term for the rounding of r.
 */
export function expm1(x: number): number {
  const word = highWord(x);
  const negative = word < 0;
  const hx = word & 0x7fffffff;
  if (hx >= 0x4043687a) {
    // |x| >= 56 ln2
    if (hx >= 0x40862e42) {
      if (hx >= 0x7ff00000) {
        if (((hx & 0xfffff) | lowWord(x)) !== 0) return x + x;
        return negative ? -1 : x;
      }
      if (x > O_THRESHOLD) return HUGE * HUGE;
    }
    // x < -56 ln2: e^x is below half an ulp of 1.
    if (negative) return TINY - 1;
  }
  let k = 0;
  let c = 0;
  if (hx > 0x3fd62e42) {
    let hi: number;
    let lo: number;
    if (hx < 0x3ff0a2b2) {
      if (negative) {
        hi = x + LN2_HI;
        lo = -LN2_LO;
        k = -1;
      } else {
        hi = x - LN2_HI;
        lo = LN2_LO;
        k = 1;
      }
    } else {
      k = (INV_LN2 * x + (negative ? -0.5 : 0.5)) | 0;
      hi = x - k * LN2_HI;
      lo = k * LN2_LO;
    }
    x = hi - lo;
    c = hi - x - lo;
  } else if (hx < 0x3c900000) {
    // |x| < 2^-54: expm1(x) rounds to x (this keeps -0).
    return x;
  }
  const hfx = 0.5 * x;
  const hxs = x * hfx;
  const r1 = 1 + hxs * (Q1 + hxs * (Q2 + hxs * (Q3 + hxs * (Q4 + hxs * Q5))));
  const t = 3 - r1 * hfx;
  let e = hxs * ((r1 - t) / (6 - x * t));
  if (k === 0) return x - (x * e - hxs);
  e = x * (e - c) - c;
  e -= hxs;
  if (k === -1) return 0.5 * (x - e) - 0.5;
  if (k === 1) {
    if (x < -0.25) return -2 * (e - (x + 0.5));
    return 1 + 2 * (x - e);
  }
  if (k <= -2 || k > 56) {
    // 2^k dominates or vanishes: exp(x) - 1 directly.
    let y = 1 - (e - x);
    y = k === 1024 ? y * 2 * TWO_1023 : y * powerOfTwo(k);
    return y - 1;
  }
  if (k < 20) {
    // 1 - 2^-k is exact: fold it in before scaling.
    return (1 - powerOfTwo(-k) - (e - x)) * powerOfTwo(k);
  }
  return (x - (e + powerOfTwo(-k)) + 1) * powerOfTwo(k);
}
