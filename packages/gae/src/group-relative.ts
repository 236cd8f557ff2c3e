import {
  describeValue,
  assertAllFinite,
  assertFloat32Array,
  assertFloatArray,
  assertInteger,
  assertLength,
  assertNoOverlap,
  assertNonNegative,
  PpoRangeError,
  PpoTypeError,
} from '@ppo/utils';

/** How {@link groupRelativeAdvantages} scales the centred rewards. */
export type GroupScale = 'group' | 'batch' | 'none';

/** Options of {@link groupRelativeAdvantages}. */
export interface GroupRelativeOptions {
  /**
   * Divisor of the centred rewards: `'group'` the standard deviation of the rewards within the
   * group (GRPO as in DeepSeekMath), `'batch'` the standard deviation of all rewards in the
   * batch, `'none'` no scaling (Dr. GRPO). Default `'group'`.
   */
  readonly scale?: GroupScale;
  /** Added to the standard deviation before dividing. Default `1e-4` (as TRL). Must be >= 0. */
  readonly epsilon?: number;
  /**
   * Use the unbiased (n - 1) standard deviation, as `torch.std` and TRL do; `false` uses the
   * population (n) one. Default `true`.
   */
  readonly unbiased?: boolean;
  /** Optional preallocated Float32Array of `rewards.length` to write the advantages into. */
  readonly out?: Float32Array;
}

const SCALES: readonly GroupScale[] = ['group', 'batch', 'none'];

/**
 * Group-relative advantages for GRPO (Shao et al. 2024, DeepSeekMath section 4.1): the
 * completions of one prompt form a group of `groupSize` consecutive entries of `rewards`, and
 * each completion's advantage is its reward minus the group mean, divided by
 * `std + epsilon` where `std` is that of the group (`scale: 'group'`), of the whole batch
 * (`'batch'`), or 1 with no epsilon (`'none'`). A zero numerator gives exactly 0, so a group of
 * equal rewards has zero advantages even when `epsilon` is 0.
 *
 * Statistics are accumulated in float64 with two passes (mean, then squared deviations).
 *
 * @param rewards - One outcome reward per completion, length `numGroups * groupSize`,
 *   grouped contiguously: group g is `[g * groupSize, (g + 1) * groupSize)`.
 * @param groupSize - Completions per prompt, an integer >= 2.
 * @param options - Scaling mode, epsilon, estimator and destination.
 * @returns A Float32Array of advantages, one per completion (`options.out` when given).
 * @throws TypeError or RangeError naming the argument: wrong types, a length that is not a
 *   multiple of `groupSize`, NaN or infinite rewards, an unknown `scale`, negative `epsilon`.
 *
 * @example
 * ```ts
 * import { groupRelativeAdvantages } from '@ppo/gae';
 * // two prompts, three completions each
 * const adv = groupRelativeAdvantages(new Float32Array([1, 0, 0, 1, 1, 0]), 3);
 * ```
 */
export function groupRelativeAdvantages(
  rewards: Float32Array | Float64Array,
  groupSize: number,
  options: GroupRelativeOptions = {},
): Float32Array {
  assertFloatArray('rewards', rewards);
  assertInteger('groupSize', groupSize, 2);
  if (typeof options !== 'object' || options === null) {
    throw new PpoTypeError('INVALID_ARGUMENT', `options must be an object, got ${describeValue(options)}`);
  }
  const { scale = 'group', epsilon = 1e-4, unbiased = true, out } = options;
  if (!SCALES.includes(scale)) {
    throw new PpoRangeError('INVALID_ARGUMENT', 
      `options.scale must be one of 'group', 'batch', 'none', got ${describeValue(scale)}`,
    );
  }
  assertNonNegative('options.epsilon', epsilon);
  if (typeof unbiased !== 'boolean') {
    throw new PpoTypeError('INVALID_ARGUMENT', `options.unbiased must be a boolean, got ${describeValue(unbiased)}`);
  }
  const n = rewards.length;
  if (n % groupSize !== 0) {
    throw new PpoRangeError('INVALID_ARGUMENT', 
      `rewards.length must be a multiple of groupSize (${groupSize}), got length ${n}`,
    );
  }
  assertAllFinite('rewards', rewards);
  let result: Float32Array;
  if (out === undefined) {
    result = new Float32Array(n);
  } else {
    assertFloat32Array('options.out', out);
    assertLength('options.out', out, n, 'rewards.length');
    assertNoOverlap('options.out', out, 'rewards', rewards);
    result = out;
  }

  let batchDenominator = 1;
  if (scale === 'batch' && n > 0) {
    batchDenominator = standardDeviation(rewards, 0, n, mean(rewards, 0, n), unbiased) + epsilon;
  }
  for (let start = 0; start < n; start += groupSize) {
    const end = start + groupSize;
    const groupMean = mean(rewards, start, end);
    let denominator = batchDenominator;
    if (scale === 'group') {
      denominator = standardDeviation(rewards, start, end, groupMean, unbiased) + epsilon;
    }
    for (let k = start; k < end; k++) {
      const centred = rewards[k] - groupMean;
      // 0 / 0 would be NaN when a group (or batch) is constant and epsilon is 0.
      result[k] = centred === 0 ? 0 : centred / denominator;
    }
  }
  return result;
}

/**
 * Mean shifted by the first entry, so a constant range gives exactly that constant (a plain sum
 * can round, leaving tiny nonzero deviations that a zero epsilon would blow up).
 */
function mean(x: Float32Array | Float64Array, start: number, end: number): number {
  const shift = x[start];
  let sum = 0;
  for (let k = start; k < end; k++) sum += x[k] - shift;
  return shift + sum / (end - start);
}

function standardDeviation(
  x: Float32Array | Float64Array,
  start: number,
  end: number,
  centre: number,
  unbiased: boolean,
): number {
  let sumSq = 0;
  for (let k = start; k < end; k++) {
    const d = x[k] - centre;
    sumSq += d * d;
  }
  return Math.sqrt(sumSq / (end - start - (unbiased ? 1 : 0)));
}
