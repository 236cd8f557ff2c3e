import { PpoRangeError, PpoTypeError } from './errors';
import {
  assertAllFinite,
  assertFloatArray,
  assertInteger,
  assertLength,
  assertNoOverlap,
  assertNonNegative,
  describeValue,
} from './validate';

/** JSON-serialisable state of a {@link RunningMeanStd}. */
export interface RunningMeanStdState {
  /** Number of features per sample. */
  readonly size: number;
  /** Per-feature mean, length `size`. */
  readonly mean: readonly number[];
  /** Per-feature population variance, length `size`. */
  readonly var: readonly number[];
  /** Number of samples seen (plus the initial pseudo-count `epsilon`). */
  readonly count: number;
}

/** Options of the {@link RunningMeanStd} constructor. */
export interface RunningMeanStdOptions {
  /**
   * Initial pseudo-count, with mean 0 and variance 1, so that the first normalisations are
   * well defined (as Gymnasium and Stable-Baselines3). Default `1e-4`; 0 starts empty.
   */
  readonly epsilon?: number;
}

/** Options of {@link RunningMeanStd.normalize}. */
export interface NormalizeOptions {
  /** When given (> 0), results are clipped to `[-clip, clip]`. */
  readonly clip?: number;
  /** Added to the variance before the square root. Default `1e-8`. */
  readonly epsilon?: number;
  /**
   * Subtract the mean (default `true`). `false` only divides by the standard deviation, as
   * reward scaling by the running variance of the discounted return does.
   */
  readonly center?: boolean;
}

/**
 * Running per-feature mean and population variance of a stream of samples, combined batch by
 * batch with the parallel algorithm of Chan, Golub and LeVeque (1979): for counts `n_a, n_b`,
 * means `m_a, m_b`, variances `v_a, v_b` and `d = m_b - m_a`,
 * `m = m_a + d * n_b / n`, `v = (v_a * n_a + v_b * n_b + d^2 * n_a * n_b / n) / n` with
 * `n = n_a + n_b`. Statistics are float64. This is the one implementation used for
 * observation and reward normalisation throughout the project.
 *
 * @example
 * ```ts
 * import { RunningMeanStd } from '@ppo/utils';
 * const rms = new RunningMeanStd(3);
 * rms.update(new Float32Array([1, 2, 3, 4, 5, 6]), 2); // two samples of 3 features
 * const z = rms.normalize(new Float32Array([2.5, 3.5, 4.5]), undefined, { clip: 10 });
 * const saved = JSON.stringify(rms.getState());
 * const restored = RunningMeanStd.fromState(JSON.parse(saved));
 * ```
 */
export class RunningMeanStd {
  /** Number of features per sample. */
  readonly size: number;
  /** Per-feature running mean (read it; change it only through the methods). */
  readonly mean: Float64Array;
  /** Per-feature running population variance (read it; change it only through the methods). */
  readonly var: Float64Array;
  #count: number;
  // Scratch reused by every call so that updates and normalisation do not allocate.
  readonly #scratchA: Float64Array;
  readonly #scratchB: Float64Array;

  /**
   * @param size - Number of features per sample, an integer >= 1.
   * @param options - `epsilon`, the initial pseudo-count (default `1e-4`).
   * @throws RangeError or TypeError naming the argument.
   */
  constructor(size: number, options: RunningMeanStdOptions = {}) {
    assertInteger('size', size, 1);
    if (typeof options !== 'object' || options === null) {
      throw new PpoTypeError('INVALID_ARGUMENT', `options must be an object, got ${describeValue(options)}`);
    }
    const { epsilon = 1e-4 } = options;
    assertNonNegative('options.epsilon', epsilon);
    this.size = size;
    this.mean = new Float64Array(size);
    this.var = new Float64Array(size).fill(1);
    this.#count = epsilon;
    this.#scratchA = new Float64Array(size);
    this.#scratchB = new Float64Array(size);
  }

  /** Number of samples seen, including the initial pseudo-count. */
  get count(): number {
    return this.#count;
  }

  /**
   * Folds a batch of samples into the statistics.
   *
   * @param batch - `batchCount` samples of `size` features, row-major (sample-major).
   * @param batchCount - Number of samples; defaults to `batch.length / size`.
   * @throws TypeError or RangeError naming the argument on a wrong length or a non-finite entry.
   */
  update(batch: Float32Array | Float64Array, batchCount?: number): void {
    assertFloatArray('batch', batch);
    const size = this.size;
    let rows: number;
    if (batchCount === undefined) {
      if (batch.length % size !== 0) {
        throw new PpoRangeError('INVALID_ARGUMENT', 
          `batch.length must be a multiple of size (${size}), got length ${batch.length}`,
        );
      }
      rows = batch.length / size;
    } else {
      assertInteger('batchCount', batchCount, 0);
      rows = batchCount;
      assertLength('batch', batch, rows * size, 'batchCount * size');
    }
    assertAllFinite('batch', batch);
    if (rows === 0) return;

    // Two passes (mean, then squared deviations) keep the batch variance accurate when the
    // features have a large offset.
    const batchMean = this.#scratchA;
    const batchVar = this.#scratchB;
    batchMean.fill(0);
    batchVar.fill(0);
    for (let r = 0, k = 0; r < rows; r++) {
      for (let j = 0; j < size; j++, k++) batchMean[j] += batch[k];
    }
    for (let j = 0; j < size; j++) batchMean[j] /= rows;
    for (let r = 0, k = 0; r < rows; r++) {
      for (let j = 0; j < size; j++, k++) {
        const d = batch[k] - batchMean[j];
        batchVar[j] += d * d;
      }
    }
    for (let j = 0; j < size; j++) batchVar[j] /= rows;
    this.#merge(batchMean, batchVar, rows);
  }

  /**
   * Folds in summary statistics computed elsewhere (another worker's batch, say).
   *
   * @param mean - Per-feature mean of the other samples, length `size`.
   * @param variance - Per-feature population variance of the other samples, length `size`.
   * @param count - How many samples those statistics summarise (>= 0, need not be an integer).
   * @throws TypeError or RangeError naming the argument.
   */
  updateFromMoments(
    mean: ArrayLike<number>,
    variance: ArrayLike<number>,
    count: number,
  ): void {
    assertNonNegative('count', count);
    this.#readMoments('mean', mean, this.#scratchA, false);
    this.#readMoments('variance', variance, this.#scratchB, true);
    if (count === 0) return;
    this.#merge(this.#scratchA, this.#scratchB, count);
  }

  /**
   * Folds in the statistics of another instance of the same `size` (left unchanged), as if
   * its samples had been passed to {@link RunningMeanStd.update} here.
   */
  merge(other: RunningMeanStd): void {
    if (!(other instanceof RunningMeanStd)) {
      throw new PpoTypeError('INVALID_ARGUMENT', `other must be a RunningMeanStd, got ${describeValue(other)}`);
    }
    if (other.size !== this.size) {
      throw new PpoRangeError('INVALID_ARGUMENT', `other.size must be ${this.size}, got ${other.size}`);
    }
    this.updateFromMoments(other.mean, other.var, other.count);
  }

  /**
   * Normalises samples: `(x - mean) / sqrt(var + epsilon)` per feature (without `- mean` when
   * `center` is false), then clips to `[-clip, clip]` when `clip` is given.
   *
   * @param x - Any number of samples of `size` features, row-major.
   * @param out - Optional destination of `x.length`; may be `x` itself (in place). A new
   *   Float32Array when omitted.
   * @param options - `clip`, `epsilon` (default `1e-8`) and `center` (default `true`).
   * @returns `out`, or the new Float32Array.
   * @throws TypeError or RangeError naming the argument.
   */
  normalize(
    x: Float32Array | Float64Array,
    out?: undefined,
    options?: NormalizeOptions,
  ): Float32Array;
  normalize<T extends Float32Array | Float64Array>(
    x: Float32Array | Float64Array,
    out: T,
    options?: NormalizeOptions,
  ): T;
  normalize(
    x: Float32Array | Float64Array,
    out?: Float32Array | Float64Array,
    options: NormalizeOptions = {},
  ): Float32Array | Float64Array {
    assertFloatArray('x', x);
    const size = this.size;
    if (x.length % size !== 0) {
      throw new PpoRangeError('INVALID_ARGUMENT', `x.length must be a multiple of size (${size}), got length ${x.length}`);
    }
    if (typeof options !== 'object' || options === null) {
      throw new PpoTypeError('INVALID_ARGUMENT', `options must be an object, got ${describeValue(options)}`);
    }
    const { clip, epsilon = 1e-8, center = true } = options;
    assertNonNegative('options.epsilon', epsilon);
    if (clip !== undefined) {
      assertNonNegative('options.clip', clip);
      if (clip === 0) throw new PpoRangeError('INVALID_ARGUMENT', 'options.clip must be > 0, got 0');
    }
    if (typeof center !== 'boolean') {
      throw new PpoTypeError('INVALID_ARGUMENT', `options.center must be a boolean, got ${describeValue(center)}`);
    }
    assertAllFinite('x', x);
    let target: Float32Array | Float64Array;
    if (out === undefined) {
      target = new Float32Array(x.length);
    } else {
      assertFloatArray('out', out);
      assertLength('out', out, x.length, 'x.length');
      // Element k is read before it is written, so exactly `x` is safe; a shifted view is not.
      if (out !== x) assertNoOverlap('out', out, 'x', x);
      target = out;
    }

    const invStd = this.#scratchA;
    const offset = this.#scratchB;
    for (let j = 0; j < size; j++) {
      const s = Math.sqrt(this.var[j] + epsilon);
      if (s === 0) {
        throw new PpoRangeError('INVALID_ARGUMENT', 
          `options.epsilon must be > 0 while var[${j}] is 0 (division by zero)`,
        );
      }
      invStd[j] = 1 / s;
      offset[j] = center ? this.mean[j] : 0;
    }
    const limit = clip ?? Infinity;
    for (let k = 0, n = x.length; k < n; ) {
      for (let j = 0; j < size; j++, k++) {
        const z = (x[k] - offset[j]) * invStd[j];
        target[k] = z > limit ? limit : z < -limit ? -limit : z;
      }
    }
    return target;
  }

  /** Returns a JSON-serialisable copy of the statistics. */
  getState(): RunningMeanStdState {
    return {
      size: this.size,
      mean: Array.from(this.mean),
      var: Array.from(this.var),
      count: this.#count,
    };
  }

  /**
   * Replaces the statistics with a saved state of the same `size`.
   *
   * @throws TypeError or RangeError naming the offending field; the instance is unchanged then.
   */
  setState(state: RunningMeanStdState): void {
    if (typeof state !== 'object' || state === null) {
      throw new PpoTypeError('INVALID_ARGUMENT', `state must be an object, got ${describeValue(state)}`);
    }
    assertInteger('state.size', state.size, 1);
    if (state.size !== this.size) {
      throw new PpoRangeError('INVALID_ARGUMENT', `state.size must be ${this.size}, got ${state.size}`);
    }
    assertNonNegative('state.count', state.count);
    this.#readMoments('state.mean', state.mean, this.#scratchA, false);
    this.#readMoments('state.var', state.var, this.#scratchB, true);
    this.mean.set(this.#scratchA);
    this.var.set(this.#scratchB);
    this.#count = state.count;
  }

  /** Creates an instance holding a saved state (see {@link RunningMeanStd.getState}). */
  static fromState(state: RunningMeanStdState): RunningMeanStd {
    if (typeof state !== 'object' || state === null) {
      throw new PpoTypeError('INVALID_ARGUMENT', `state must be an object, got ${describeValue(state)}`);
    }
    assertInteger('state.size', state.size, 1);
    const rms = new RunningMeanStd(state.size, { epsilon: 0 });
    rms.setState(state);
    return rms;
  }

  /** Validates a length-`size` vector of finite numbers and copies it into `into`. */
  #readMoments(name: string, values: unknown, into: Float64Array, variance: boolean): void {
    if (
      !Array.isArray(values) &&
      !(values instanceof Float32Array) &&
      !(values instanceof Float64Array)
    ) {
      throw new PpoTypeError('INVALID_ARGUMENT', `${name} must be an array of numbers, got ${describeValue(values)}`);
    }
    const list = values as ArrayLike<unknown>;
    assertLength(name, list, this.size, 'size');
    for (let j = 0; j < this.size; j++) {
      const v = list[j];
      if (typeof v !== 'number' || !Number.isFinite(v) || (variance && v < 0)) {
        throw new PpoRangeError('INVALID_ARGUMENT', 
          `${name}[${j}] must be a finite number${variance ? ' >= 0' : ''}, got ${describeValue(v)}`,
        );
      }
      into[j] = v;
    }
  }

  /** Chan et al.'s pairwise combination of (this) with (mean, var, count). */
  #merge(batchMean: Float64Array, batchVar: Float64Array, batchCount: number): void {
    const count = this.#count;
    const total = count + batchCount;
    const wBatch = batchCount / total;
    const cross = (count * batchCount) / total;
    for (let j = 0; j < this.size; j++) {
      const delta = batchMean[j] - this.mean[j];
      this.mean[j] += delta * wBatch;
      this.var[j] = (this.var[j] * count + batchVar[j] * batchCount + delta * delta * cross) / total;
    }
    this.#count = total;
  }
}
