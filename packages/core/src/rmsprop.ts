import { PpoRangeError } from '@ppo/utils';
import type * as tf from '@tensorflow/tfjs';
import { HostOptimizer } from './optimizer';

/** The serialisable state of an {@link RmsProp} optimizer. */
export type RmsPropState = {
  /** Steps taken. */
  readonly step: number;
  /** Running averages of the squared gradients, one per variable, in variable order. */
  readonly squareAverages: Float32Array[];
};

/** Options of {@link RmsProp}. */
export interface RmsPropOptions {
  /** Smoothing constant of the squared-gradient average, in [0, 1). Default 0.99 (PyTorch). */
  readonly alpha?: number;
  /** Added to the root mean square, > 0. Default 1e-8 (PyTorch); Stable-Baselines3's A2C uses 1e-5. */
  readonly epsilon?: number;
}

/**
 * RMSprop (Tieleman and Hinton, 2012) in PyTorch's form (`torch.optim.RMSprop`, no momentum,
 * not centred): `s = alpha s + (1 - alpha) g^2; w -= lr g / (sqrt(s) + eps)`, the optimizer of
 * A2C in Stable-Baselines3 and the original A3C paper. Exact resume as {@link Adam}.
 *
 * @example
 * ```ts
 * const rmsprop = new RmsProp(policy.trainableVariables, { alpha: 0.99, epsilon: 1e-5 });
 * rmsprop.minimize(() => loss(), 7e-4, 0.5);
 * ```
 */
export class RmsProp extends HostOptimizer<RmsPropState> {
  private readonly squareAverage: Float32Array;
  private readonly alpha: number;
  private readonly epsilon: number;

  constructor(variables: readonly tf.Variable[], options: RmsPropOptions = {}) {
    super(variables);
    this.alpha = options.alpha ?? 0.99;
    this.epsilon = options.epsilon ?? 1e-8;
    if (!(this.alpha >= 0 && this.alpha < 1)) throw new PpoRangeError('INVALID_ARGUMENT', `alpha must be in [0, 1), got ${this.alpha}`);
    if (!(this.epsilon > 0) || !Number.isFinite(this.epsilon)) throw new PpoRangeError('INVALID_ARGUMENT', `epsilon must be a finite number > 0, got ${this.epsilon}`);
    this.squareAverage = new Float32Array(this.size);
  }

  protected update(g: Float32Array, scale: number, params: Float32Array, next: Float32Array, offset: number, learningRate: number): void {
    const { alpha, epsilon, squareAverage: s } = this;
    for (let i = 0; i < g.length; i++) {
      const gi = g[i] * scale;
      const si = (s[offset + i] = alpha * s[offset + i] + (1 - alpha) * gi * gi);
      next[i] = params[i] - (learningRate * gi) / (Math.sqrt(si) + epsilon);
    }
  }

  /** The squared-gradient averages and step count, copied. */
  getState(): RmsPropState {
    return { step: this.t, squareAverages: this.slices(this.squareAverage) };
  }

  /** Restores a state from {@link RmsProp.getState}; shapes must match the variables. */
  setState(state: RmsPropState): void {
    this.restore('RmsProp.setState', state.step, [['squareAverages', state.squareAverages, this.squareAverage]]);
  }

  /** Releases the optimizer's averages. */
  dispose(): void {
    this.squareAverage.fill(0);
  }
}
