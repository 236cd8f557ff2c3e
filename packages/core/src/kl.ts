import { PpoTypeError } from '@ppo/utils';
import * as tf from '@tensorflow/tfjs';
import { assertFiniteNumber, assertFiniteTensors, assertFloatTensor, assertPositive, assertSameShape } from './validate';

/** Inputs of the per-element KL estimators {@link klK1}, {@link klK2}, {@link klK3}. */
export interface KlEstimatorArgs {
  /** log pi(a) of the sampled elements under the policy the samples came from; any shape, float32. */
  readonly logProbs: tf.Tensor;
  /** log pi_ref(a) of the same elements under the reference policy; shape of `logProbs`. */
  readonly refLogProbs: tf.Tensor;
}

function checkEstimatorArgs(fn: string, args: KlEstimatorArgs): void {
  assertFloatTensor(`${fn}: logProbs`, args.logProbs);
  assertFloatTensor(`${fn}: refLogProbs`, args.refLogProbs);
  assertSameShape(`${fn}: logProbs`, args.logProbs, `${fn}: refLogProbs`, args.refLogProbs);
  assertFiniteTensors(fn, { logProbs: args.logProbs, refLogProbs: args.refLogProbs });
}

/** k1 = -log r with log r = refLogProbs - logProbs; inside a tidy, inputs already checked. */
export function k1Elements(logProbs: tf.Tensor, refLogProbs: tf.Tensor): tf.Tensor {
  return tf.sub(logProbs, refLogProbs);
}

/** k2 = (log r)^2 / 2. */
export function k2Elements(logProbs: tf.Tensor, refLogProbs: tf.Tensor): tf.Tensor {
  return tf.mul(tf.square(tf.sub(refLogProbs, logProbs)), 0.5);
}

/** k3 = r - 1 - log r, written expm1(log r) - log r to keep float32 precision near r = 1. */
export function k3Elements(logProbs: tf.Tensor, refLogProbs: tf.Tensor): tf.Tensor {
  const logRatio = tf.sub(refLogProbs, logProbs);
  return tf.sub(tf.expm1(logRatio), logRatio);
}

/**
 * The k1 estimator of KL(pi || pi_ref), per element: `logProbs - refLogProbs`.
 *
 * Direction: the samples are drawn from pi (whose log-probs are `logProbs`), and the estimate
 * is of KL(pi || pi_ref) = E_pi[log pi - log pi_ref]. Unbiased, but single samples can be
 * negative and the variance is high.
 *
 * @returns a new tensor shaped like `logProbs`; the caller disposes it.
 * @example
 * ```ts
 * const kl = klK1({ logProbs, refLogProbs }); // per-token k1
 * ```
 */
export function klK1(args: KlEstimatorArgs): tf.Tensor {
  checkEstimatorArgs('klK1', args);
  return tf.tidy(() => k1Elements(args.logProbs, args.refLogProbs));
}

/**
 * The k2 estimator of KL(pi || pi_ref), per element: `0.5 * (refLogProbs - logProbs)^2`.
 *
 * Samples from pi, as {@link klK1}. Non-negative and low-variance, biased (its expectation is
 * an f-divergence that matches the KL to second order in the log ratio).
 *
 * @returns a new tensor shaped like `logProbs`; the caller disposes it.
 * @example
 * ```ts
 * const kl = klK2({ logProbs, refLogProbs }); // per-element (log r)^2 / 2
 * ```
 */
export function klK2(args: KlEstimatorArgs): tf.Tensor {
  checkEstimatorArgs('klK2', args);
  return tf.tidy(() => k2Elements(args.logProbs, args.refLogProbs));
}

/**
 * The k3 estimator of KL(pi || pi_ref), per element: `r - 1 - log r` with
 * `r = pi_ref(a) / pi(a) = exp(refLogProbs - logProbs)`.
 *
 * This is the direction GRPO (DeepSeekMath, section 4.1) uses for its per-token penalty:
 * `pi_ref/pi_theta - log(pi_ref/pi_theta) - 1`, with samples from the policy being trained.
 * Unbiased (E_pi[r] = 1), never negative, low variance. PPO's `approx_kl` (CleanRL) is the same
 * estimator of KL(pi_old || pi) with samples from pi_old: `klK3({ logProbs: oldLogProbs,
 * refLogProbs: logProbs })`.
 *
 * @returns a new tensor shaped like `logProbs`; the caller disposes it.
 * @example
 * ```ts
 * const perToken = klK3({ logProbs, refLogProbs }); // [B, L]
 * ```
 */
export function klK3(args: KlEstimatorArgs): tf.Tensor {
  checkEstimatorArgs('klK3', args);
  return tf.tidy(() => k3Elements(args.logProbs, args.refLogProbs));
}

/** Options of {@link AdaptiveKlController}. */
export interface AdaptiveKlControllerOptions {
  /** The KL divergence aimed at, d_targ (the paper tried 0.003, 0.01, 0.03). */
  readonly target: number;
  /** The penalty coefficient beta before the first update (the paper: "not important"). */
  readonly initialBeta: number;
}

/** The serialisable state of an {@link AdaptiveKlController}: plain JSON. */
export interface AdaptiveKlState {
  /** The target KL d_targ, > 0. */
  readonly target: number;
  /** The current coefficient beta, > 0. */
  readonly beta: number;
}

/**
 * The adaptive KL coefficient of PPO's penalty variant (Schulman et al. 2017, section 4).
 *
 * After each policy update, measure the KL d between the old and the new policy and call
 * {@link AdaptiveKlController.update}: if `d < target / 1.5` beta is halved, if
 * `d > target * 1.5` it is doubled, otherwise it stays. The thresholds are strict.
 *
 * @example
 * ```ts
 * const controller = new AdaptiveKlController({ target: 0.01, initialBeta: 1 });
 * // ... klPenaltySurrogate({ ..., beta: controller.beta }) for each minibatch ...
 * controller.update(measuredKl); // once per update
 * const saved = controller.getState(); // { target, beta }
 * ```
 */
export class AdaptiveKlController {
  #target: number;
  #beta: number;

  /**
   * @param options - `target`, the KL aimed at, and `initialBeta`, the coefficient before the
   *   first update; both finite and > 0.
   * @throws TypeError when `options` is not an object; RangeError naming `target` or
   *   `initialBeta` when it is not a finite number > 0.
   */
  constructor(options: AdaptiveKlControllerOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new PpoTypeError('INVALID_ARGUMENT', 'AdaptiveKlController: options must be an object { target, initialBeta }');
    }
    assertPositive('AdaptiveKlController: target', options.target);
    assertPositive('AdaptiveKlController: initialBeta', options.initialBeta);
    this.#target = options.target;
    this.#beta = options.initialBeta;
  }

  /** The current penalty coefficient. */
  get beta(): number {
    return this.#beta;
  }

  /** The target KL d_targ. */
  get target(): number {
    return this.#target;
  }

  /**
   * Applies the paper's rule to a measured KL and returns the new beta.
   * @param kl the mean KL between the policy before and after the update; a finite number.
   */
  update(kl: number): number {
    assertFiniteNumber('AdaptiveKlController.update: kl', kl);
    if (kl < this.#target / 1.5) this.#beta /= 2;
    else if (kl > this.#target * 1.5) this.#beta *= 2;
    return this.#beta;
  }

  /** The state as plain JSON (`{ target, beta }`). */
  getState(): AdaptiveKlState {
    return { target: this.#target, beta: this.#beta };
  }

  /** Restores a state from {@link AdaptiveKlController.getState}. */
  setState(state: AdaptiveKlState): void {
    if (typeof state !== 'object' || state === null) {
      throw new PpoTypeError('INVALID_ARGUMENT', 'AdaptiveKlController.setState: state must be an object { target, beta }');
    }
    assertPositive('AdaptiveKlController.setState: state.target', state.target);
    assertPositive('AdaptiveKlController.setState: state.beta', state.beta);
    this.#target = state.target;
    this.#beta = state.beta;
  }

  /** A controller continuing from a saved state. */
  static fromState(state: AdaptiveKlState): AdaptiveKlController {
    if (typeof state !== 'object' || state === null) {
      throw new PpoTypeError('INVALID_ARGUMENT', 'AdaptiveKlController.fromState: state must be an object { target, beta }');
    }
    return new AdaptiveKlController({ target: state.target, initialBeta: state.beta });
  }
}
