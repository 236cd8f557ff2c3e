import { PpoRangeError, PpoError } from '@ppo/utils';
import * as tf from '@tensorflow/tfjs';
import type { Stateful, StateValue } from './state';

/**
 * A first-order optimizer over a fixed list of variables, as the trainer drives it: one call
 * per minibatch with the learning rate in force and an optional global gradient-norm clip. Its
 * state (moments, step count) checkpoints through {@link Stateful}, so a resumed run takes
 * bitwise the same steps.
 */
export interface Optimizer<S extends StateValue = StateValue> extends Stateful<S> {
  /** Steps taken so far. */
  readonly step: number;
  /**
   * One step on `loss` (run under the gradient tape; returns the scalar to minimise) with
   * `learningRate`, clipping the global gradient norm to `maxGradNorm` (null: no clip).
   * Returns the gradient's global norm before clipping.
   */
  minimize(loss: () => tf.Scalar, learningRate: number, maxGradNorm: number | null): number;
  /** Releases the optimizer's state (the variables are the caller's). */
  dispose(): void;
}

/**
 * Shared machinery of the optimizers here: gradients come down in one download per variable,
 * the global norm is clipped as `torch.nn.utils.clip_grad_norm_` does, and the update runs in
 * plain JavaScript over flat float32 state vectors (float64 arithmetic, rounded when stored).
 * On PPO's small networks per-op framework overhead, not arithmetic, dominates, so this beats a
 * dozen tensor ops per variable, and the arithmetic does not depend on the backend.
 */
export abstract class HostOptimizer<S extends StateValue> implements Optimizer<S> {
  protected readonly variables: readonly tf.Variable[];
  /** Start of each variable's slice in the flat state vectors. */
  protected readonly offsets: readonly number[];
  /** Parameters in all: the length of each flat state vector. */
  protected readonly size: number;
  protected t = 0;

  protected constructor(variables: readonly tf.Variable[]) {
    const offsets: number[] = [];
    let total = 0;
    for (const x of variables) {
      offsets.push(total);
      total += x.size;
    }
    this.variables = variables;
    this.offsets = offsets;
    this.size = total;
  }

  get step(): number {
    return this.t;
  }

  /** Whether this optimizer steps exactly `variables`, in that order (the order of {@link HostOptimizer.applyGradients}). */
  optimizes(variables: readonly tf.Variable[]): boolean {
    return variables.length === this.variables.length && variables.every((x, k) => x === this.variables[k]);
  }

  minimize(loss: () => tf.Scalar, learningRate: number, maxGradNorm: number | null): number {
    if (!(learningRate >= 0) || !Number.isFinite(learningRate)) {
      throw new PpoRangeError('INVALID_ARGUMENT', `learningRate must be a finite number >= 0, got ${learningRate}`);
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
    if (grads.every((g) => g === null)) throw new PpoError('INVALID_ARGUMENT', 'the loss depends on none of the optimised variables');
    // Copies: the cpu backend hands out (and keeps) the array behind a tensor.
    const params = grads.map((g, k) => (g === null ? null : Float32Array.from(this.variables[k].dataSync() as Float32Array)));
    const norm = this.stepArrays(grads, params, learningRate, maxGradNorm);
    tf.tidy(() => {
      params.forEach((p, k) => {
        if (p !== null) this.variables[k].assign(tf.tensor(p, this.variables[k].shape, 'float32'));
      });
    });
    return norm;
  }

  /**
   * One step from gradients computed elsewhere (for example by hand on the host) onto host
   * copies of the parameters, updated in place; the variables are not touched. `grads[k]` and
   * `params[k]` belong to the k-th variable (a null gradient leaves it unstepped). The same
   * arithmetic as {@link HostOptimizer.minimize}, which calls it. Returns the gradient's global
   * norm before clipping.
   */
  applyGradients(grads: readonly (Float32Array | null)[], params: readonly (Float32Array | null)[], learningRate: number, maxGradNorm: number | null): number {
    if (!(learningRate >= 0) || !Number.isFinite(learningRate)) {
      throw new PpoRangeError('INVALID_ARGUMENT', `learningRate must be a finite number >= 0, got ${learningRate}`);
    }
    if (grads.length !== this.variables.length || params.length !== this.variables.length) {
      throw new PpoRangeError('INVALID_ARGUMENT', `applyGradients: grads and params must hold ${this.variables.length} arrays, got ${grads.length} and ${params.length}`);
    }
    grads.forEach((g, k) => {
      const size = this.variables[k].size;
      if (g === null) return;
      if (!(g instanceof Float32Array) || g.length !== size) throw new PpoRangeError('INVALID_ARGUMENT', `applyGradients: grads[${k}] must be a Float32Array of length ${size}`);
      const p = params[k];
      if (!(p instanceof Float32Array) || p.length !== size) throw new PpoRangeError('INVALID_ARGUMENT', `applyGradients: params[${k}] must be a Float32Array of length ${size}`);
    });
    if (grads.every((g) => g === null)) throw new PpoError('INVALID_ARGUMENT', 'applyGradients: every gradient is null');
    return this.stepArrays(grads, params, learningRate, maxGradNorm);
  }

  private stepArrays(grads: readonly (Float32Array | null)[], params: readonly (Float32Array | null)[], learningRate: number, maxGradNorm: number | null): number {
    this.t += 1;
    let squares = 0;
    for (const g of grads) {
      if (g === null) continue;
      for (let i = 0; i < g.length; i++) squares += g[i] * g[i];
    }
    const norm = Math.sqrt(squares);
    const scale = maxGradNorm === null ? 1 : Math.min(1, maxGradNorm / (norm + 1e-6));
    grads.forEach((g, k) => {
      const p = params[k];
      // In place: update() reads each parameter before writing it.
      if (g !== null && p !== null) this.update(g, scale, p, p, this.offsets[k], learningRate);
    });
    return norm;
  }

  /**
   * Writes the stepped parameters into `next` for one variable: gradient `g` (to be multiplied
   * by `scale`), current `params`, its state at `offset` in the flat vectors. `next` may be
   * `params` itself: read each parameter before writing it.
   */
  protected abstract update(g: Float32Array, scale: number, params: Float32Array, next: Float32Array, offset: number, learningRate: number): void;

  abstract getState(): S;
  abstract setState(state: S): void;

  /** Copies of one flat state vector cut into per-variable arrays. */
  protected slices(flat: Float32Array): Float32Array[] {
    return this.variables.map((x, k) => flat.slice(this.offsets[k], this.offsets[k] + x.size));
  }

  /** Checks a saved step count and per-variable arrays, then copies the arrays into `flat` vectors. */
  protected restore(where: string, step: unknown, lists: readonly (readonly [string, unknown, Float32Array])[]): void {
    if (typeof step !== 'number' || !Number.isInteger(step) || step < 0) throw new PpoRangeError('INVALID_ARGUMENT', `${where}: state.step must be an integer >= 0, got ${String(step)}`);
    for (const [name, list] of lists) {
      if (!Array.isArray(list) || list.length !== this.variables.length) {
        throw new PpoRangeError('INVALID_ARGUMENT', `${where}: state.${name} must hold ${this.variables.length} arrays, got ${Array.isArray(list) ? list.length : typeof list}`);
      }
      list.forEach((a: unknown, k) => {
        if (!(a instanceof Float32Array) || a.length !== this.variables[k].size) {
          throw new PpoRangeError('INVALID_ARGUMENT', `${where}: state.${name}[${k}] must be a Float32Array of length ${this.variables[k].size}`);
        }
      });
    }
    this.t = step;
    for (const [, list, flat] of lists) (list as Float32Array[]).forEach((a, k) => flat.set(a, this.offsets[k]));
  }

  abstract dispose(): void;
}
