// Test-only support (not exported, not bundled).
import { expect } from 'vitest';

/** Asserts `|actual[k] - expected[k]| <= tol` (a number, or one per entry) everywhere, naming the first entry that is not. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number | ArrayLike<number>, label = 'value'): void {
  expect(actual.length, `${label} length`).toBe(expected.length);
  const bad = Array.from(expected, (e, k) => ({ k, err: Math.abs(actual[k] - e), bound: typeof tol === 'number' ? tol : tol[k] }))
    .find(({ err, bound }) => !(err <= bound));
  if (bad !== undefined) expect.fail(`${label}[${bad.k}]: got ${actual[bad.k]}, expected ${expected[bad.k]} (error ${bad.err} > tolerance ${bad.bound})`);
}
