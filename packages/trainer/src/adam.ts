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
  readonly beta1?: number;
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
 */
export class Adam {
  private readonly variables: readonly tf.Variable[];
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
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
    this.m = variables.map((x) => tf.tidy(() => tf.variable(tf.zerosLike(x), false)));
    this.v = variables.map((x) => tf.tidy(() => tf.variable(tf.zerosLike(x), false)));
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
    this.t += 1;
    const bias1 = 1 - this.beta1 ** this.t;
    const bias2 = 1 - this.beta2 ** this.t;
    const normTensor = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(loss, this.variables as tf.Variable[]);
      value.dispose();
      // A variable the loss does not reach has no gradient; like PyTorch, it is not stepped.
      const list = this.variables.map((x) => grads[x.name] ?? null);
      const present = list.filter((g): g is tf.Tensor => g !== null);
      if (present.length === 0) throw new Error('the loss depends on none of the optimised variables');
      const norm = tf.sqrt(tf.addN(present.map((g) => tf.sum(tf.square(g))))) as tf.Scalar;
      let scale: tf.Scalar | null = null;
      if (maxGradNorm !== null) {
        // As torch.nn.utils.clip_grad_norm_: scale by max_norm / (norm + 1e-6) when below 1.
        scale = tf.minimum<tf.Scalar>(tf.scalar(1), tf.div(tf.scalar(maxGradNorm), tf.add(norm, tf.scalar(1e-6))));
      }
      const b1 = tf.scalar(this.beta1);
      const c1 = tf.scalar(1 - this.beta1);
      const b2 = tf.scalar(this.beta2);
      const c2 = tf.scalar(1 - this.beta2);
      const stepSize = tf.scalar(learningRate / bias1);
      const sqrtBias2 = tf.scalar(Math.sqrt(bias2));
      const eps = tf.scalar(this.epsilon);
      list.forEach((raw, k) => {
        if (raw === null) return;
        const g = scale === null ? raw : tf.mul(raw, scale);
        const m = tf.add(tf.mul(b1, this.m[k]), tf.mul(c1, g));
        const v = tf.add(tf.mul(b2, this.v[k]), tf.mul(c2, tf.square(g)));
        this.m[k].assign(m);
        this.v[k].assign(v);
        const denom = tf.add(tf.div(tf.sqrt(v), sqrtBias2), eps);
        this.variables[k].assign(tf.sub(this.variables[k], tf.mul(stepSize, tf.div(m, denom))));
      });
      return norm;
    });
    const norm = normTensor.dataSync()[0];
    normTensor.dispose();
    return norm;
  }

  /** The moments and step count, downloaded. */
  getState(): AdamState {
    return {
      step: this.t,
      m: this.m.map((x) => x.dataSync() as Float32Array).map((a) => Float32Array.from(a)),
      v: this.v.map((x) => x.dataSync() as Float32Array).map((a) => Float32Array.from(a)),
    };
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
    tf.tidy(() => {
      state.m.forEach((a, k) => this.m[k].assign(tf.tensor(a, this.variables[k].shape, 'float32')));
      state.v.forEach((a, k) => this.v[k].assign(tf.tensor(a, this.variables[k].shape, 'float32')));
    });
  }

  /** Frees the moment variables (not the optimised variables). */
  dispose(): void {
    for (const x of [...this.m, ...this.v]) x.dispose();
  }
}
