// The throughput and memory targets the suite checks, and the ratios to reach against the PyTorch
// references measured side by side. run.mjs marks every row against them; the Benchmarks page
// lists them.

/**
 * Training rates to reach on the default backend (what `selectBackend('auto')` picks), as the
 * steady rate after warm-up. `job` names the rows they apply to.
 */
export const THROUGHPUT_TARGETS = [
  { job: { kind: 'train', env: 'CartPole-v1' }, what: 'CartPole-v1 training, classic preset', atLeast: 6000, unit: 'env steps/s' },
  { job: { kind: 'train', env: 'HalfCheetah-v5' }, what: 'HalfCheetah-v5 training, mujoco preset', atLeast: 1100, unit: 'env steps/s' },
];

/** Peak resident memory every job stays below, in MB. */
export const PEAK_RSS_LIMIT_MB = 400;

/**
 * Side-by-side goals: our training rate over the faster of the PyTorch references' 1 and 2
 * threads, measured alternately on one machine (side-by-side.mjs), median over the pairs.
 */
export const RATIO_TARGETS = [
  { env: 'CartPole-v1', what: 'CartPole-v1 training, classic preset, over PyTorch', atLeast: 3.0 },
  { env: 'HalfCheetah-v5', what: 'HalfCheetah-v5 training, mujoco preset, over PyTorch with native MuJoCo', atLeast: 2.0 },
];

/**
 * The checks of one row: the largest peak RSS of its runs always, and its median against a throughput target when
 * the row's job matches one and ran on the default backend.
 * @returns {{ figure: string; relation: '>=' | '<'; limit: number; value: number; pass: boolean }[]}
 */
export function checkRow(job, row, defaultBackend) {
  const checks = [];
  for (const target of THROUGHPUT_TARGETS) {
    const matches = Object.entries(target.job).every(([key, value]) => job[key] === value);
    if (matches && row.backendUsed === defaultBackend) {
      checks.push({ figure: 'median', relation: '>=', limit: target.atLeast, value: row.median, pass: row.median >= target.atLeast });
    }
  }
  // The largest peak over the repeats, not their median: every run has to stay below.
  checks.push({ figure: 'peakRssMaxMb', relation: '<', limit: PEAK_RSS_LIMIT_MB, value: row.peakRssMaxMb, pass: row.peakRssMaxMb < PEAK_RSS_LIMIT_MB });
  return checks;
}
