import { assertUnitInterval, PpoTypeError } from '@ppo/utils';
import { discountedReturns, gae, tdLambdaReturns, type GaeOutput } from './gae';

/** A rollout as an {@link AdvantageEstimator} reads it: flat, time-major arrays (see {@link gae}). */
export interface EstimatorInput {
  /** `r_k`. */
  readonly rewards: Float32Array;
  /** `V(s_k)`, the value of the observation step k acted on. */
  readonly values: Float32Array;
  /** `V(s'_k)`: the next observation's value; on a truncated step the final observation's. */
  readonly nextValues: Float32Array;
  /** 1 where step k ended its episode in a terminal state (no bootstrap). */
  readonly terminated: Uint8Array;
  /** 1 where step k ended its episode by a cut such as a time limit (bootstrap). */
  readonly truncated: Uint8Array;
  /** Parallel environments N. */
  readonly numEnvs: number;
}

/**
 * Turns a rollout into advantages and value targets, written into `out` (both of length
 * `numSteps * numEnvs`). The trainer calls it once per rollout; pass your own to `PPO.create`
 * to change how credit is assigned without touching the loop.
 *
 * @example
 * ```ts
 * const oneStep: AdvantageEstimator = {
 *   estimate(input, out) {
 *     tdLambdaReturns({ ...input, gamma: 0.99, lambda: 0, out });
 *     for (let k = 0; k < out.returns.length; k++) out.advantages[k] = out.returns[k] - input.values[k];
 *   },
 * };
 * ```
 */
export interface AdvantageEstimator {
  /** Writes `out.advantages` and `out.returns` for the rollout. */
  estimate(input: EstimatorInput, out: GaeOutput): void;
}

/** Options of the built-in estimators. */
export interface EstimatorOptions {
  /** Discount factor in [0, 1]. */
  readonly gamma: number;
}

/** Options of {@link gaeEstimator} and {@link tdLambdaEstimator}. */
export interface LambdaEstimatorOptions extends EstimatorOptions {
  /** Lambda in [0, 1]. */
  readonly lambda: number;
}

function checkOptions(name: string, options: EstimatorOptions & { lambda?: number }): void {
  if (typeof options !== 'object' || options === null) throw new PpoTypeError('INVALID_ARGUMENT', `${name}: options must be an object, got ${String(options)}`);
  assertUnitInterval(`${name}: gamma`, options.gamma);
  if ('lambda' in options) assertUnitInterval(`${name}: lambda`, options.lambda);
}

/** `advantages = returns - values`, the advantage of any value target. */
function advantagesFromReturns(values: Float32Array, out: GaeOutput): void {
  const { advantages, returns } = out;
  for (let k = 0; k < returns.length; k++) advantages[k] = returns[k] - values[k];
}

/**
 * Generalized advantage estimation (Schulman et al. 2016), the PPO default: {@link gae} with
 * `gamma` and `lambda`; returns are advantages plus values.
 *
 * @example
 * ```ts
 * const estimator = gaeEstimator({ gamma: 0.99, lambda: 0.95 });
 * ```
 */
export function gaeEstimator(options: LambdaEstimatorOptions): AdvantageEstimator {
  checkOptions('gaeEstimator', options);
  const { gamma, lambda } = options;
  return { estimate: (input, out) => void gae({ ...input, gamma, lambda, out }) };
}

/**
 * TD(lambda) value targets ({@link tdLambdaReturns}) with advantages `G - V(s)`: needs only the
 * next observations' values inside an episode. Lambda 0 gives one-step TD (A2C's n = 1).
 *
 * @example
 * ```ts
 * const estimator = tdLambdaEstimator({ gamma: 0.99, lambda: 0 });
 * ```
 */
export function tdLambdaEstimator(options: LambdaEstimatorOptions): AdvantageEstimator {
  checkOptions('tdLambdaEstimator', options);
  const { gamma, lambda } = options;
  return {
    estimate(input, out) {
      tdLambdaReturns({ ...input, gamma, lambda, out });
      advantagesFromReturns(input.values, out);
    },
  };
}

/**
 * Monte Carlo returns ({@link discountedReturns}: bootstrapped only where an episode is cut, by
 * truncation or by the end of the rollout) with advantages `G - V(s)`, REINFORCE with a
 * baseline.
 *
 * @example
 * ```ts
 * const estimator = monteCarloEstimator({ gamma: 0.99 });
 * ```
 */
export function monteCarloEstimator(options: EstimatorOptions): AdvantageEstimator {
  checkOptions('monteCarloEstimator', options);
  const { gamma } = options;
  return {
    estimate(input, out) {
      discountedReturns({ ...input, gamma, out });
      advantagesFromReturns(input.values, out);
    },
  };
}
