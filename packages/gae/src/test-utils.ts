/**
 * Test-only support (not exported, not bundled): independent float64 references written per
 * episode, random rollouts, and a tolerance-aware comparison.
 */
import fc from 'fast-check';
import { expect } from 'vitest';

/** A random rollout as the estimators take it. */
export interface Rollout {
  rewards: Float32Array;
  values: Float32Array;
  nextValues: Float32Array;
  terminated: Uint8Array;
  truncated: Uint8Array;
  numEnvs: number;
  numSteps: number;
}

/** One episode segment of one env: steps `[start, end]` in time, inclusive. */
interface Segment {
  env: number;
  start: number;
  end: number;
  /** Value the segment's last step bootstraps from: 0 if it terminated. */
  bootstrap: number;
}

/**
 * Splits every env's column into explicit episode segments: a segment ends at a terminated or
 * truncated step, or at the end of the rollout (which bootstraps like a truncation).
 */
function segments(r: Rollout): Segment[] {
  const out: Segment[] = [];
  const { numEnvs: N, numSteps: T } = r;
  for (let env = 0; env < N; env++) {
    let start = 0;
    for (let t = 0; t < T; t++) {
      const k = t * N + env;
      const ended = r.terminated[k] === 1 || r.truncated[k] === 1 || t === T - 1;
      if (ended) {
        out.push({ env, start, end: t, bootstrap: r.terminated[k] === 1 ? 0 : r.nextValues[k] });
        start = t + 1;
      }
    }
  }
  return out;
}

/**
 * Reference GAE: per episode, the explicit forward sum
 * `A_t = sum_{l >= 0} (gamma * lambda)^l * delta_{t+l}` up to the episode's last step, where
 * a step inside the episode looks ahead to `nextValues` and the last one to the bootstrap.
 */
export function referenceGae(r: Rollout, gamma: number, lambda: number): Float64Array {
  const N = r.numEnvs;
  const adv = new Float64Array(r.rewards.length);
  for (const seg of segments(r)) {
    const delta: number[] = [];
    for (let t = seg.start; t <= seg.end; t++) {
      const k = t * N + seg.env;
      const next = t === seg.end ? seg.bootstrap : r.nextValues[k];
      delta.push(r.rewards[k] + gamma * next - r.values[k]);
    }
    for (let t = seg.start; t <= seg.end; t++) {
      let sum = 0;
      for (let j = t; j <= seg.end; j++) {
        sum += Math.pow(gamma * lambda, j - t) * delta[j - seg.start];
      }
      adv[t * N + seg.env] = sum;
    }
  }
  return adv;
}

/**
 * Reference Monte-Carlo return: `sum_l gamma^l r_{t+l} + gamma^{L} * bootstrap` over the rest
 * of the episode.
 */
export function referenceMonteCarlo(r: Rollout, gamma: number): Float64Array {
  const N = r.numEnvs;
  const ret = new Float64Array(r.rewards.length);
  for (const seg of segments(r)) {
    for (let t = seg.start; t <= seg.end; t++) {
      let sum = 0;
      for (let j = t; j <= seg.end; j++) sum += Math.pow(gamma, j - t) * r.rewards[j * N + seg.env];
      ret[t * N + seg.env] = sum + Math.pow(gamma, seg.end - t + 1) * seg.bootstrap;
    }
  }
  return ret;
}

/**
 * Reference lambda-return from its definition as a mixture of n-step returns (Sutton and
 * Barto 12.1), truncated at the episode's end:
 * `G^lambda_t = (1 - lambda) sum_{n=1}^{m-1} lambda^{n-1} G^(n)_t + lambda^{m-1} G^(m)_t`,
 * with `m` the steps left in the episode and `G^(n)_t` bootstrapping from `nextValues` of step
 * `t + n - 1` (from the episode's bootstrap when `n = m`).
 */
export function referenceLambdaReturn(r: Rollout, gamma: number, lambda: number): Float64Array {
  const N = r.numEnvs;
  const ret = new Float64Array(r.rewards.length);
  for (const seg of segments(r)) {
    for (let t = seg.start; t <= seg.end; t++) {
      const m = seg.end - t + 1;
      let mixture = 0;
      let rewardSum = 0;
      for (let n = 1; n <= m; n++) {
        rewardSum += Math.pow(gamma, n - 1) * r.rewards[(t + n - 1) * N + seg.env];
        const boot = n === m ? seg.bootstrap : r.nextValues[(t + n - 1) * N + seg.env];
        const nStep = rewardSum + Math.pow(gamma, n) * boot;
        mixture += n === m ? Math.pow(lambda, m - 1) * nStep : (1 - lambda) * Math.pow(lambda, n - 1) * nStep;
      }
      ret[t * N + seg.env] = mixture;
    }
  }
  return ret;
}

/**
 * Error budget of a backward recursion that carries float64 from step to step and rounds each
 * result to float32 once, when stored, compared with a float64 reference; `decay` is the
 * weight with which a step reaches the previous one inside an episode:
 *
 * - the one float32 rounding of step k: at most 2^-24 of its magnitude (of the computed value,
 *   which is within the float64 term below of the reference's);
 * - both sides round in float64 (the reference sums in a different order), by at most a few
 *   units of 2^-53 of the magnitudes summed: `numSteps * 2^-50 * sum_l decay^l |inputs|`;
 * - float32 subnormals have an absolute spacing of 2^-149.
 */
export function float32Budget(r: Rollout, ref: ArrayLike<number>, decay: number): Float64Array {
  const N = r.numEnvs;
  const n = r.rewards.length;
  const inputs = new Float64Array(n);
  for (let k = n - 1; k >= 0; k--) {
    const done = r.terminated[k] === 1 || r.truncated[k] === 1 || k + N >= n;
    const magnitude = Math.abs(r.rewards[k]) + Math.abs(r.values[k]) + Math.abs(r.nextValues[k]);
    inputs[k] = magnitude + (done ? 0 : decay * inputs[k + N]);
  }
  const tol = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const float64 = r.numSteps * 2 ** -50 * inputs[k];
    tol[k] = 2 ** -24 * (Math.abs(ref[k]) + float64) + float64 + 2 ** -149;
  }
  return tol;
}

/**
 * Sets `nextValues[k] = values[k + numEnvs]` on every step that continues its episode inside
 * the rollout, as a real rollout has it (the random ones do not), returning a copy.
 */
export function withConsistentNextValues(r: Rollout): Rollout {
  const nextValues = r.nextValues.slice();
  const N = r.numEnvs;
  for (let k = 0; k + N < nextValues.length; k++) {
    if (r.terminated[k] === 0 && r.truncated[k] === 0) nextValues[k] = r.values[k + N];
  }
  return { ...r, nextValues };
}

/** Asserts `|actual_k - expected_k| <= tol_k` everywhere, reporting the first violation. */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: number | ArrayLike<number>,
  label = 'value',
): void {
  expect(actual.length, `${label} length`).toBe(expected.length);
  for (let k = 0; k < expected.length; k++) {
    const bound = typeof tol === 'number' ? tol : tol[k];
    const err = Math.abs(actual[k] - expected[k]);
    if (!(err <= bound)) {
      expect.fail(
        `${label}[${k}]: got ${actual[k]}, expected ${expected[k]} (error ${err} > tolerance ${bound})`,
      );
    }
  }
}

/**
 * Random rollouts of `numSteps x numEnvs` with about 10% terminations, 10% truncations and 3%
 * steps flagged both ways, anywhere in the rollout.
 */
export function rolloutArbitrary(numSteps: number, numEnvs: number): fc.Arbitrary<Rollout> {
  const n = numSteps * numEnvs;
  const floats = fc.float32Array({ minLength: n, maxLength: n, min: -10, max: 10, noNaN: true });
  return fc
    .record({
      rewards: floats,
      values: floats,
      nextValues: floats,
      ends: fc.array(fc.nat(29), { minLength: n, maxLength: n }),
    })
    .map(({ rewards, values, nextValues, ends }) => {
      const terminated = new Uint8Array(n);
      const truncated = new Uint8Array(n);
      for (let k = 0; k < n; k++) {
        const e = ends[k];
        terminated[k] = e < 3 || e === 6 ? 1 : 0;
        truncated[k] = (e >= 3 && e < 6) || e === 6 ? 1 : 0;
      }
      return { rewards, values, nextValues, terminated, truncated, numEnvs, numSteps };
    });
}
