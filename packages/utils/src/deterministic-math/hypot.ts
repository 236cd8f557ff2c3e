/**
 * The Euclidean norm as V8 computes `Math.hypot` (its own builtin, not libm): absolute values
 * scaled by the largest, squares added with Kahan compensation, the square root rescaled.
 * Only exactly rounded operations, so the result is the same in every engine.
 */

const scaled: number[] = [];

/**
 * The square root of the sum of squares of `values`, bit for bit as Node 20's `Math.hypot`:
 * Infinity if any value is infinite, else NaN if any is NaN, else 0 for no or all-zero values.
 */
export function hypot(...values: number[]): number {
  const length = values.length;
  let max = 0;
  let anyNaN = false;
  scaled.length = length;
  for (let i = 0; i < length; i++) {
    const value = +values[i];
    if (value !== value) {
      anyNaN = true;
      scaled[i] = 0;
    } else {
      const abs = Math.abs(value);
      scaled[i] = abs;
      if (abs > max) max = abs;
    }
  }
  if (max === Infinity) return Infinity;
  if (anyNaN) return NaN;
  if (max === 0) return 0;
  let sum = 0;
  let compensation = 0;
  for (let i = 0; i < length; i++) {
    const n = scaled[i] / max;
    const summand = n * n - compensation;
    const preliminary = sum + summand;
    compensation = preliminary - sum - summand;
    sum = preliminary;
  }
  return Math.sqrt(sum) * max;
}
