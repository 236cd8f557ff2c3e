import {
  describeValue,
  assertAllFinite,
  assertFlagArray,
  assertFlagValues,
  assertFloat32Array,
  assertFloatArray,
  assertInteger,
  assertLength,
  assertNoOverlap,
  assertUnitInterval,
  FLOAT32_MAX,
  type FloatArray,
  PpoRangeError,
  PpoTypeError,
} from '@ppo/utils';

/**
 * A rollout of `numSteps x numEnvs` transitions, stored time-major and flat: step `t` of
 * env `i` is index `t * numEnvs + i`, so every array has length `numSteps * numEnvs`.
 */
export interface RolloutInput {
  /** `r_k`, the reward received on step k. */
  readonly rewards: Float32Array | Float64Array;
  /**
   * `V(s'_k)`, the value of the observation that followed step k. On a truncated step this is
   * the value of the episode's final observation (not of the next episode's reset
   * observation); on a terminated step it is ignored.
   */
  readonly nextValues: Float32Array | Float64Array;
  /** 1 where step k ended the episode in a terminal state (no bootstrap), else 0. */
  readonly terminated: Uint8Array;
  /** 1 where step k ended the episode by a cut such as a time limit (bootstrap), else 0. */
  readonly truncated: Uint8Array;
  /** Number of parallel environments N; a positive integer dividing every array length. */
  readonly numEnvs: number;
  /** Discount factor in [0, 1]. */
  readonly gamma: number;
}

/** Preallocated destination arrays for {@link gae}, each of length `numSteps * numEnvs`. */
export interface GaeOutput {
  /** Receives the advantages `A_k`. */
  readonly advantages: Float32Array;
  /** Receives the returns `A_k + V(s_k)`. */
  readonly returns: Float32Array;
}

/** Preallocated destination for {@link discountedReturns} and {@link tdLambdaReturns}. */
export interface ReturnsOutput {
  /** Receives the returns, length `numSteps * numEnvs`. */
  readonly returns: Float32Array;
}

/** Input of {@link gae}. */
export interface GaeInput extends RolloutInput {
  /** `V(s_k)`, the value of the observation on which step k acted. */
  readonly values: Float32Array | Float64Array;
  /** GAE lambda in [0, 1]: 0 gives one-step TD residuals, 1 Monte-Carlo advantages. */
  readonly lambda: number;
  /** Optional preallocated destination; when given, results are written there and returned. */
  readonly out?: GaeOutput;
}

/** Input of {@link discountedReturns}. A {@link GaeInput} object can be passed as it is. */
export interface DiscountedReturnsInput extends RolloutInput {
  /** Optional preallocated destination (a {@link GaeOutput} also fits). */
  readonly out?: ReturnsOutput;
}

/** Input of {@link tdLambdaReturns}. A {@link GaeInput} object can be passed as it is. */
export interface TdLambdaReturnsInput extends RolloutInput {
  /** Lambda in [0, 1]: 0 gives one-step TD targets, 1 Monte-Carlo returns. */
  readonly lambda: number;
  /** Optional preallocated destination (a {@link GaeOutput} also fits). */
  readonly out?: ReturnsOutput;
}

/** Result of {@link gae}. */
export interface GaeResult {
  /** Advantages, time-major, length `numSteps * numEnvs`. */
  readonly advantages: Float32Array;
  /** `advantages + values`, the value-function targets. */
  readonly returns: Float32Array;
}

/** Result of {@link discountedReturns} and {@link tdLambdaReturns}. */
export interface ReturnsResult {
  /** Returns, time-major, length `numSteps * numEnvs`. */
  readonly returns: Float32Array;
}

/** Checks the parts every estimator shares and returns the flat length. */
function validateRollout(input: RolloutInput): number {
  if (typeof input !== 'object' || input === null) {
    throw new PpoTypeError('INVALID_ARGUMENT', `input must be an object, got ${describeValue(input)}`);
  }
  const { rewards, nextValues, terminated, truncated, numEnvs, gamma } = input;
  assertFloatArray('rewards', rewards);
  assertFloatArray('nextValues', nextValues);
  assertInteger('numEnvs', numEnvs, 1);
  assertUnitInterval('gamma', gamma);
  const n = rewards.length;
  if (n % numEnvs !== 0) {
    throw new PpoRangeError('INVALID_ARGUMENT', 
      `rewards.length must be a multiple of numEnvs (${numEnvs}), got length ${n}`,
    );
  }
  assertFlagArray('terminated', terminated);
  assertFlagArray('truncated', truncated);
  assertLength('nextValues', nextValues, n, 'rewards.length');
  assertLength('terminated', terminated, n, 'rewards.length');
  assertLength('truncated', truncated, n, 'rewards.length');
  // Entries (finite numbers, 0/1 flags) are checked inside the kernels' single pass; see
  // reportBadEntries.
  return n;
}

/**
 * Called when a kernel saw a non-finite or out-of-range result or a flag above 1: finds and
 * names the offending input, or reports a float32 overflow when every input is valid.
 */
function reportBadEntries(
  input: RolloutInput,
  values: FloatArray | undefined,
  outputs: ReadonlyArray<readonly [string, Float32Array]>,
): never {
  assertFlagValues('terminated', input.terminated);
  assertFlagValues('truncated', input.truncated);
  assertAllFinite('rewards', input.rewards);
  if (values !== undefined) assertAllFinite('values', values);
  assertAllFinite('nextValues', input.nextValues);
  for (const [name, array] of outputs) {
    for (let k = 0; k < array.length; k++) {
      if (!Number.isFinite(array[k])) {
        throw new PpoRangeError('INVALID_ARGUMENT', 
          `${name}[${k}] overflows the float32 range (got ${array[k]}); rescale rewards or values`,
        );
      }
    }
  }
  // Unreachable unless a result sat just above FLOAT32_MAX and rounded down to it.
  throw new PpoRangeError('INVALID_ARGUMENT', 'results exceed the float32 range; rescale rewards or values');
}

/** Validates `out` (or allocates it) for the single-array estimators. */
function returnsDestination(input: RolloutInput & { out?: ReturnsOutput }, n: number): Float32Array {
  const out = input.out;
  if (out === undefined) return new Float32Array(n);
  if (typeof out !== 'object' || out === null) {
    throw new PpoTypeError('INVALID_ARGUMENT', `out must be an object { returns }, got ${describeValue(out)}`);
  }
  assertFloat32Array('out.returns', out.returns);
  assertLength('out.returns', out.returns, n, 'rewards.length');
  assertNoOverlap('out.returns', out.returns, 'rewards', input.rewards);
  assertNoOverlap('out.returns', out.returns, 'nextValues', input.nextValues);
  return out.returns;
}

/**
 * Generalized advantage estimation (Schulman et al. 2016) over a vectorized rollout.
 *
 * For every step k (time-major, `k = t * numEnvs + i`), with `done_k = terminated_k or
 * truncated_k`:
 *
 * - `delta_k = r_k + gamma * (1 - terminated_k) * nextValues_k - values_k`
 * - `A_k = delta_k + gamma * lambda * (1 - done_k) * A_{k + numEnvs}` (and `A_k = delta_k` on
 *   the last step of the rollout, whose bootstrap is already in `nextValues`)
 * - `returns_k = A_k + values_k`
 *
 * A truncated step bootstraps from the value of the episode's final observation; a terminated
 * one does not. Runs in one backward pass; with `out` it allocates nothing but the small
 * result object. Arithmetic is float64, including the advantage carried from step to step, so
 * each result is rounded to float32 once, when stored.
 *
 * @param input - The rollout, `values`, `lambda` and an optional destination `out`.
 * @returns `{ advantages, returns }`, each a Float32Array of length `numSteps * numEnvs`
 *   (the arrays of `out` when given).
 * @throws TypeError when an argument has the wrong type; RangeError on mismatched lengths,
 *   a length that is not a multiple of `numEnvs`, `gamma` or `lambda` outside [0, 1], a flag
 *   other than 0/1, a NaN or infinite entry, or a result beyond the float32 range. The message
 *   names the argument (and index). Entries are checked during the computation itself, so
 *   after such an error the contents of `out` are unspecified.
 *
 * @example
 * ```ts
 * import { gae } from '@ppo/gae';
 * const { advantages, returns } = gae({
 *   rewards: new Float32Array([1, 1, 1]),
 *   values: new Float32Array([0.5, 0.5, 0.5]),
 *   nextValues: new Float32Array([0.5, 0.5, 0.5]),
 *   terminated: new Uint8Array([0, 0, 1]),
 *   truncated: new Uint8Array([0, 0, 0]),
 *   numEnvs: 1,
 *   gamma: 0.99,
 *   lambda: 0.95,
 * });
 * ```
 */
export function gae(input: GaeInput): GaeResult {
  const n = validateRollout(input);
  const { values, lambda, out } = input;
  assertFloatArray('values', values);
  assertLength('values', values, n, 'rewards.length');
  assertUnitInterval('lambda', lambda);

  let advantages: Float32Array;
  let returns: Float32Array;
  if (out === undefined) {
    advantages = new Float32Array(n);
    returns = new Float32Array(n);
  } else {
    if (typeof out !== 'object' || out === null) {
      throw new PpoTypeError('INVALID_ARGUMENT', `out must be an object { advantages, returns }, got ${describeValue(out)}`);
    }
    advantages = out.advantages;
    returns = out.returns;
    assertFloat32Array('out.advantages', advantages);
    assertFloat32Array('out.returns', returns);
    assertLength('out.advantages', advantages, n, 'rewards.length');
    assertLength('out.returns', returns, n, 'rewards.length');
    assertNoOverlap('out.advantages', advantages, 'out.returns', returns);
    assertNoOverlap('out.advantages', advantages, 'rewards', input.rewards);
    assertNoOverlap('out.advantages', advantages, 'values', values);
    assertNoOverlap('out.advantages', advantages, 'nextValues', input.nextValues);
    assertNoOverlap('out.returns', returns, 'rewards', input.rewards);
    assertNoOverlap('out.returns', returns, 'values', values);
    assertNoOverlap('out.returns', returns, 'nextValues', input.nextValues);
  }
  const ok = gaeKernel(
    input.rewards,
    values,
    input.nextValues,
    input.terminated,
    input.truncated,
    input.numEnvs,
    input.gamma,
    lambda,
    advantages,
    returns,
  );
  if (!ok) {
    reportBadEntries(input, values, [
      ['advantages', advantages],
      ['returns', returns],
    ]);
  }
  return { advantages, returns };
}

/**
 * Float64 carries of the backward passes, one per env: the value of step `k + numEnvs` that
 * step k builds on. Reading it back from the float32 output instead would round it every step
 * and accumulate that error over the episode. Cached by size so a call with `out` allocates
 * nothing; the kernels never call out, so one buffer serves every call.
 */
let carryCache = new Float64Array(0);

function carryBuffer(numEnvs: number): Float64Array {
  if (carryCache.length < numEnvs) carryCache = new Float64Array(numEnvs);
  return carryCache;
}

/**
 * The GAE backward pass. Kept separate and monomorphic in shape so the JIT sees plain indexed
 * loops over typed arrays; flags enter as 0/1 multipliers because a branch on random episode
 * ends mispredicts.
 *
 * Validation rides along instead of costing extra passes over the inputs: a NaN or infinite
 * input makes that step's result non-finite (even a terminated step's `nextValues`, since
 * `0 * Infinity` is NaN), which the never-taken range test catches together with float32
 * overflow; OR-ing the flags catches any byte other than 0/1. Returns false on either, and
 * the caller then finds and names the culprit.
 */
function gaeKernel(
  rewards: FloatArray,
  values: FloatArray,
  nextValues: FloatArray,
  terminated: Uint8Array,
  truncated: Uint8Array,
  numEnvs: number,
  gamma: number,
  lambda: number,
  advantages: Float32Array,
  returns: Float32Array,
): boolean {
  const n = rewards.length;
  const gammaLambda = gamma * lambda;
  if (n === 0) return true;
  // A local copy: module bindings can compile to property loads (e.g. under a test runner's
  // module transform), which would sit in the hot loop.
  const max = FLOAT32_MAX;
  const carry = carryBuffer(numEnvs);
  let flagBits = 0;
  let inRange = true;
  let k = n - 1;
  // Last step of the rollout: nothing follows, the bootstrap is entirely in nextValues.
  for (let i = numEnvs - 1; i >= 0; i--, k--) {
    const v = values[k];
    const te = terminated[k];
    flagBits |= te | truncated[k];
    const a = rewards[k] + gamma * (1 - te) * nextValues[k] - v;
    const ret = a + v;
    if (!(Math.abs(a) <= max && Math.abs(ret) <= max)) inRange = false;
    carry[i] = a;
    advantages[k] = a;
    returns[k] = ret;
  }
  while (k >= 0) {
    for (let i = numEnvs - 1; i >= 0; i--, k--) {
      const v = values[k];
      const te = terminated[k];
      const done = te | truncated[k];
      flagBits |= done;
      const a =
        rewards[k] + gamma * (1 - te) * nextValues[k] - v + gammaLambda * (1 - done) * carry[i];
      const ret = a + v;
      if (!(Math.abs(a) <= max && Math.abs(ret) <= max)) inRange = false;
      carry[i] = a;
      advantages[k] = a;
      returns[k] = ret;
    }
  }
  return inRange && flagBits <= 1;
}

/**
 * The lambda-return backward pass shared by {@link tdLambdaReturns} and
 * {@link discountedReturns} (lambda = 1). For a step that continues the episode the target is
 * `r + gamma * ((1 - lambda) * V(s') + lambda * G')`; written as
 * `V(s') * (1 - c) + c * G'` with `c = (1 - done) * lambda` it needs no branch, and at
 * lambda = 1 the bootstrap weight is exactly 0, so Monte-Carlo returns carry no rounding from it.
 * `G'` is carried in float64 as in {@link gaeKernel}.
 */
function lambdaReturnKernel(
  rewards: FloatArray,
  nextValues: FloatArray,
  terminated: Uint8Array,
  truncated: Uint8Array,
  numEnvs: number,
  gamma: number,
  lambda: number,
  returns: Float32Array,
): boolean {
  const n = rewards.length;
  if (n === 0) return true;
  // A local copy: module bindings can compile to property loads (e.g. under a test runner's
  // module transform), which would sit in the hot loop.
  const max = FLOAT32_MAX;
  const carry = carryBuffer(numEnvs);
  let flagBits = 0;
  let inRange = true;
  let k = n - 1;
  for (let i = numEnvs - 1; i >= 0; i--, k--) {
    const te = terminated[k];
    flagBits |= te | truncated[k];
    // nextValues * (1 - te) rather than a select, so a non-finite entry surfaces (0 * Inf).
    const g = rewards[k] + gamma * (1 - te) * nextValues[k];
    if (!(Math.abs(g) <= max)) inRange = false;
    carry[i] = g;
    returns[k] = g;
  }
  while (k >= 0) {
    for (let i = numEnvs - 1; i >= 0; i--, k--) {
      const te = terminated[k];
      const done = te | truncated[k];
      flagBits |= done;
      const c = (1 - done) * lambda;
      const g = rewards[k] + gamma * (1 - te) * (nextValues[k] * (1 - c) + c * carry[i]);
      if (!(Math.abs(g) <= max)) inRange = false;
      carry[i] = g;
      returns[k] = g;
    }
  }
  return inRange && flagBits <= 1;
}

/**
 * Discounted returns `G_k = r_k + gamma * G_{k + numEnvs}` within each episode, bootstrapped
 * from `nextValues` where the episode was truncated or the rollout ends, and from 0 where it
 * terminated: the Monte-Carlo targets (REINFORCE, or GAE with lambda = 1 plus values).
 *
 * Accepts the same input object as {@link gae}; `values` and `lambda` are not used. Arithmetic
 * is float64 and each result is rounded to float32 once, as in {@link gae}.
 *
 * @param input - The rollout and an optional destination `out.returns`.
 * @returns `{ returns }`, a Float32Array of length `numSteps * numEnvs`.
 * @throws TypeError or RangeError naming the argument, as {@link gae}.
 *
 * @example
 * ```ts
 * import { discountedReturns } from '@ppo/gae';
 * const { returns } = discountedReturns({
 *   rewards: new Float32Array([1, 1, 1]),
 *   nextValues: new Float32Array([0, 0, 10]),
 *   terminated: new Uint8Array([0, 0, 0]),
 *   truncated: new Uint8Array([0, 0, 1]),
 *   numEnvs: 1,
 *   gamma: 0.5,
 * }); // [3, 4, 6]
 * ```
 */
export function discountedReturns(input: DiscountedReturnsInput): ReturnsResult {
  const n = validateRollout(input);
  const returns = returnsDestination(input, n);
  const ok = lambdaReturnKernel(
    input.rewards,
    input.nextValues,
    input.terminated,
    input.truncated,
    input.numEnvs,
    input.gamma,
    1,
    returns,
  );
  if (!ok) reportBadEntries(input, undefined, [['returns', returns]]);
  return { returns };
}

/**
 * TD(lambda) returns: `G_k = r_k + gamma * (1 - terminated_k) * ((1 - lambda) * nextValues_k +
 * lambda * G_{k + numEnvs})` while the episode continues, and
 * `G_k = r_k + gamma * (1 - terminated_k) * nextValues_k` where it ends (terminated or
 * truncated) or the rollout ends. Lambda 0 gives one-step TD targets, lambda 1 the
 * {@link discountedReturns}. When `nextValues_k` equals `values_{k + numEnvs}` on every step
 * that continues an episode (the usual case), this equals `gae(...).returns`; it needs only
 * the values of next observations.
 *
 * Accepts the same input object as {@link gae}; `values` is not used. Arithmetic is float64
 * and each result is rounded to float32 once, as in {@link gae}.
 *
 * @param input - The rollout, `lambda` and an optional destination `out.returns`.
 * @returns `{ returns }`, a Float32Array of length `numSteps * numEnvs`.
 * @throws TypeError or RangeError naming the argument, as {@link gae}.
 *
 * @example
 * ```ts
 * import { tdLambdaReturns } from '@ppo/gae';
 * const { returns } = tdLambdaReturns({
 *   rewards: new Float32Array([0, 1]),
 *   nextValues: new Float32Array([2, 0]),
 *   terminated: new Uint8Array([0, 1]),
 *   truncated: new Uint8Array([0, 0]),
 *   numEnvs: 1,
 *   gamma: 1,
 *   lambda: 0.5,
 * }); // [0.5 * 2 + 0.5 * 1, 1] = [1.5, 1]
 * ```
 */
export function tdLambdaReturns(input: TdLambdaReturnsInput): ReturnsResult {
  const n = validateRollout(input);
  assertUnitInterval('lambda', input.lambda);
  const returns = returnsDestination(input, n);
  const ok = lambdaReturnKernel(
    input.rewards,
    input.nextValues,
    input.terminated,
    input.truncated,
    input.numEnvs,
    input.gamma,
    input.lambda,
    returns,
  );
  if (!ok) reportBadEntries(input, undefined, [['returns', returns]]);
  return { returns };
}
