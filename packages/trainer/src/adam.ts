import * as tf from '@tensorflow/tfjs';

/** The serialisable state of an {@link Adam} optimizer. */
export interface AdamState {
  /** Steps taken (t); the bias corrections use it. */
  readonly step: number;
  /** First moments, one per variable, in variable order. */
  readonly m: Float32Array[];
  /** Second moments, one per variable, in variable order. */
  readonly v: Float32Array[];
}

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
 * The update runs in plain JavaScript over one flat float32 vector of moments: PPO's networks
 * are small (thousands of parameters), so per-op framework overhead, not arithmetic, dominates;
 * one download per gradient and one upload per variable replace the dozen tensor ops per
 * variable a tensor implementation needs (measured: about half of a minibatch update's time).
 * The arithmetic is float64 with the moments rounded to float32 when stored, and it does not
 * depend on the backend.
 */
export class Adam {
  private readonly variables: readonly tf.Variable[];
  /** Start of each variable's slice in the flat moment vectors. */
  private readonly offsets: number[];
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private t = 0;

  constructor(variables: readonly tf.Variable[], options: AdamOptions = {}) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-5;
    for (const [name, x] of [
      ['beta1', this.beta1],
      ['beta2', this.beta2],
    ] as const) {
      if (!(x >= 0 && x < 1)) throw new RangeError(`${name} must be in [0, 1), got ${x}`);
    }
    if (!(this.epsilon > 0)) throw new RangeError(`epsilon must be > 0, got ${this.epsilon}`);
    this.variables = variables;
    this.offsets = [];
    let total = 0;
    for (const x of variables) {
      this.offsets.push(total);
      total += x.size;
    }
    this.m = new Float32Array(total);
    this.v = new Float32Array(total);
  }

  /** Steps taken so far. */
  get step(): number {
    return this.t;
  }

  /**
   * One step on `loss`. `loss` runs under the gradient tape; it returns the scalar to minimise.
   * Returns the gradient's global norm before clipping as a float.
   */
  minimize(loss: () => tf.Scalar, learningRate: number, maxGradNorm: number | null): number {
    if (!(learningRate >= 0) || !Number.isFinite(learningRate)) {
      throw new RangeError(`learningRate must be a finite number >= 0, got ${learningRate}`);
    }
    // A variable the loss does not reach has no gradient; like PyTorch, it is not stepped.
    const grads: (Float32Array | null)[] = [];
    tf.tidy(() => {
      const { value, grads: byName } = tf.variableGrads(loss, this.variables as tf.Variable[]);
      value.dispose();
      for (const x of this.variables) {
        const g = byName[x.name] as tf.Tensor | undefined;
        grads.push(g === undefined ? null : (g.dataSync() as Float32Array));
      }
    });
    if (grads.every((g) => g === null)) throw new Error('the loss depends on none of the optimised variables');
    this.t += 1;
    let squares = 0;
    for (const g of grads) {
      if (g === null) continue;
      for (let i = 0; i < g.length; i++) squares += g[i] * g[i];
    }
    const norm = Math.sqrt(squares);
    // As torch.nn.utils.clip_grad_norm_: scale by max_norm / (norm + 1e-6) when below 1.
    const scale = maxGradNorm === null ? 1 : Math.min(1, maxGradNorm / (norm + 1e-6));
    const { beta1, beta2, epsilon, m, v } = this;
    const stepSize = learningRate / (1 - beta1 ** this.t);
    const sqrtBias2 = Math.sqrt(1 - beta2 ** this.t);
    tf.tidy(() => {
      grads.forEach((g, k) => {
        if (g === null) return;
        const variable = this.variables[k];
        const offset = this.offsets[k];
        const params = variable.dataSync() as Float32Array;
        // A fresh array: the cpu backend keeps the array a tensor is made from.
        const next = new Float32Array(g.length);
        for (let i = 0; i < g.length; i++) {
          const gi = g[i] * scale;
          const mi = (m[offset + i] = beta1 * m[offset + i] + (1 - beta1) * gi);
          const vi = (v[offset + i] = beta2 * v[offset + i] + (1 - beta2) * gi * gi);
          next[i] = params[i] - (stepSize * mi) / (Math.sqrt(vi) / sqrtBias2 + epsilon);
        }
        variable.assign(tf.tensor(next, variable.shape, 'float32'));
      });
    });
    return norm;
  }

  /** The moments and step count, copied. */
  getState(): AdamState {
    const slices = (flat: Float32Array) => this.variables.map((x, k) => flat.slice(this.offsets[k], this.offsets[k] + x.size));
    return { step: this.t, m: slices(this.m), v: slices(this.v) };
  }

  /** Restores a state from {@link Adam.getState}; shapes must match the variables. */
  setState(state: AdamState): void {
    if (!Number.isInteger(state.step) || state.step < 0) throw new RangeError(`state.step must be an integer >= 0, got ${state.step}`);
    for (const [name, list] of [
      ['m', state.m],
      ['v', state.v],
    ] as const) {
      if (list.length !== this.variables.length) {
        throw new RangeError(`state.${name} must hold ${this.variables.length} arrays, got ${list.length}`);
      }
      list.forEach((a, k) => {
        if (a.length !== this.variables[k].size) {
          throw new RangeError(`state.${name}[${k}] must have length ${this.variables[k].size}, got ${a.length}`);
        }
      });
    }
    this.t = state.step;
    state.m.forEach((a, k) => this.m.set(a, this.offsets[k]));
    state.v.forEach((a, k) => this.v.set(a, this.offsets[k]));
  }

  /** Releases the optimizer (its moments are plain arrays; the optimised variables are not touched). */
  dispose(): void {
    this.m.fill(0);
    this.v.fill(0);
  }
}
