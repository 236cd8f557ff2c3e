import { pow, PpoRangeError } from '@ppo/utils';
import type * as tf from '@tensorflow/tfjs';
import { HostOptimizer } from './optimizer';
import { WasmAdam } from './wasm-adam';

/** The serialisable state of an {@link Adam} optimizer. */
export type AdamState = {
  /** Steps taken (t); the bias corrections use it. */
  readonly step: number;
  /** First moments, one per variable, in variable order. */
  readonly m: Float32Array[];
  /** Second moments, one per variable, in variable order. */
  readonly v: Float32Array[];
};

/** Options of {@link Adam}. */
export interface AdamOptions {
  /** Decay rate of the first-moment (mean) estimate, in [0, 1). Default 0.9. */
  readonly beta1?: number;
  /** Decay rate of the second-moment (uncentred variance) estimate, in [0, 1). Default 0.999. */
  readonly beta2?: number;
  /** Default 1e-5 (CleanRL), not PyTorch's 1e-8. */
  readonly epsilon?: number;
}

/**
 * Adam (Kingma and Ba, 2015) in PyTorch's form, over a fixed list of variables, with an
 * optional global gradient-norm clip. Written here rather than using `tf.train.adam` so the
 * moments and step count checkpoint and restore exactly: the bias corrections are computed in
 * float64 from the step count, never accumulated in float32 variables, so a resumed run takes
 * bitwise the same steps as an uninterrupted one.
 *
 * @example
 * ```ts
 * const adam = new Adam(policy.trainableVariables, { epsilon: 1e-5 });
 * const gradNorm = adam.minimize(() => loss(), 3e-4, 0.5);
 * ```
 */
export class Adam extends HostOptimizer<AdamState> {
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  /** The SIMD update (bitwise the loop's results), or null: the loop alone. It holds m and v. */
  private readonly kernel: WasmAdam | null;

  constructor(variables: readonly tf.Variable[], options: AdamOptions = {}) {
    super(variables);
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-5;
    for (const [name, x] of [
      ['beta1', this.beta1],
      ['beta2', this.beta2],
    ] as const) {
      if (!(x >= 0 && x < 1)) throw new PpoRangeError('INVALID_ARGUMENT', `${name} must be in [0, 1), got ${x}`);
    }
    if (!(this.epsilon > 0)) throw new PpoRangeError('INVALID_ARGUMENT', `epsilon must be > 0, got ${this.epsilon}`);
    this.kernel = WasmAdam.create(this.size, Math.max(0, ...variables.map((x) => x.size)));
    this.m = this.kernel?.m ?? new Float32Array(this.size);
    this.v = this.kernel?.v ?? new Float32Array(this.size);
  }

  protected update(g: Float32Array, scale: number, params: Float32Array, next: Float32Array, offset: number, learningRate: number): void {
    const { beta1, beta2, epsilon, m, v } = this;
    const stepSize = learningRate / (1 - pow(beta1, this.t));
    const sqrtBias2 = Math.sqrt(1 - pow(beta2, this.t));
    const start = this.kernel === null ? 0 : this.kernel.update(g, params, next, offset, { scale, beta1, beta2, stepSize, sqrtBias2, epsilon });
    for (let i = start; i < g.length; i++) {
      const gi = g[i] * scale;
      const mi = (m[offset + i] = beta1 * m[offset + i] + (1 - beta1) * gi);
      const vi = (v[offset + i] = beta2 * v[offset + i] + (1 - beta2) * gi * gi);
      next[i] = params[i] - (stepSize * mi) / (Math.sqrt(vi) / sqrtBias2 + epsilon);
    }
  }

  /** The moments and step count, copied. */
  getState(): AdamState {
    return { step: this.t, m: this.slices(this.m), v: this.slices(this.v) };
  }

  /** Restores a state from {@link Adam.getState}; shapes must match the variables. */
  setState(state: AdamState): void {
    this.restore('Adam.setState', state.step, [
      ['m', state.m, this.m],
      ['v', state.v, this.v],
    ]);
  }

  /** Releases the optimizer (its moments are plain arrays; the optimised variables are not touched). */
  dispose(): void {
    this.m.fill(0);
    this.v.fill(0);
  }
}
