// The uniformity check of this package's sampler tests (not exported from the package).

/** Pearson's chi-square statistic of observed counts against equal expected counts. */
export function chiSquareUniform(counts: ArrayLike<number>): number {
  let total = 0;
  for (let k = 0; k < counts.length; k++) total += counts[k];
  const expected = total / counts.length;
  let stat = 0;
  for (let k = 0; k < counts.length; k++) stat += (counts[k] - expected) ** 2 / expected;
  return stat;
}

/**
 * Upper 0.1% critical values of the chi-square distribution by degrees of freedom (standard
 * tables), so a correct generator fails a given check with probability 0.001 per fresh seed.
 */
export const CHI2_CRIT_999: Readonly<Record<number, number>> = {
  1: 10.828,
  2: 13.816,
  5: 20.515,
  9: 27.877,
  23: 49.728,
  99: 148.23,
};
