// Statistical helpers shared by this package's tests (not exported from the package).

/** Mean and unbiased variance of a sample. */
export function meanVar(xs: ArrayLike<number>): { mean: number; variance: number } {
  let mean = 0;
  for (let k = 0; k < xs.length; k++) mean += xs[k];
  mean /= xs.length;
  let sq = 0;
  for (let k = 0; k < xs.length; k++) sq += (xs[k] - mean) ** 2;
  return { mean, variance: sq / (xs.length - 1) };
}

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

/** Kolmogorov-Smirnov statistic of a sample against a continuous CDF. */
export function ksStatistic(xs: ArrayLike<number>, cdf: (x: number) => number): number {
  const sorted = Float64Array.from(xs).sort();
  const n = sorted.length;
  let d = 0;
  for (let k = 0; k < n; k++) {
    const f = cdf(sorted[k]);
    d = Math.max(d, f - k / n, (k + 1) / n - f);
  }
  return d;
}

/** KS critical value at alpha = 0.001 for large n: 1.9495 / sqrt(n). */
export function ksCritical999(n: number): number {
  return 1.9495 / Math.sqrt(n);
}

/**
 * The standard normal CDF via erf (Abramowitz and Stegun 7.1.26, absolute error below
 * 1.5e-7, far under the KS tolerances used).
 */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}
