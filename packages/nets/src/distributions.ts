import { exp, log, log1p, pow, PpoRangeError, PpoTypeError } from '@ppo/utils';
import * as tf from '@tensorflow/tfjs';
import { checkFiniteTensor, markFinite } from './finite';
import { openUniform, type RandomSource } from './random';
import { isArray } from './torso';

/**
 * A batch of action distributions on tfjs tensors, batch first.
 *
 * Every method returns new tensors; the distribution keeps references to the tensors it was
 * built from (and caches derived ones), so build and use it inside one `tf.tidy` (or an
 * optimizer's `minimize`), which disposes everything at the end.
 *
 * Sampling draws its noise on the JavaScript side from the caller's {@link RandomSource} and
 * uploads it, so the same seed gives the same samples on every backend (up to the backend's
 * float arithmetic).
 */
export interface Distribution {
  /** Number of distributions in the batch (B). */
  readonly batchSize: number;
  /** Number of action components per sample (1 for {@link Categorical}). */
  readonly actionSize: number;
  /** dtype of {@link Distribution.sample} and {@link Distribution.mode}. */
  readonly actionDtype: 'int32' | 'float32';
  /** One sample per batch row: shape [B] for {@link Categorical}, [B, actionSize] otherwise. */
  sample(rng: RandomSource): tf.Tensor;
  /** Log-probability (density for continuous actions) of `actions`, summed over action components: [B]. */
  logProb(actions: tf.Tensor): tf.Tensor1D;
  /** Entropy (differential for continuous actions), summed over action components: [B]. */
  entropy(): tf.Tensor1D;
  /** The most likely action (the mean for a Gaussian), shaped like a sample. */
  mode(): tf.Tensor;
  /** KL(this || other) per batch row: [B]. `other` must be the same kind with the same shape. */
  kl(other: Distribution): tf.Tensor1D;
}

const HALF_LOG_2PI = 0.5 * log(2 * Math.PI);
/** Logit given to masked-out actions: exp underflows to exactly 0 and Gumbel noise (at most ~23) cannot lift it. */
const MASKED_LOGIT = -1e9;

function checkRank2(name: string, t: tf.Tensor): asserts t is tf.Tensor2D {
  if (!(t instanceof tf.Tensor) || t.rank !== 2) {
    throw new PpoRangeError('INVALID_ARGUMENT', `${name} must be a rank-2 tensor [batch, size], got ${t instanceof tf.Tensor ? `shape [${t.shape.join(', ')}]` : String(t)}`);
  }
  if (t.dtype !== 'float32') throw new PpoTypeError('INVALID_ARGUMENT', `${name} must be float32, got ${t.dtype}`);
}

function checkSameKind<T>(self: Distribution, other: Distribution, kind: abstract new (...args: never[]) => T): T {
  if (!(other instanceof kind)) throw new PpoTypeError('INVALID_ARGUMENT', `kl: other must be a ${kind.name}, got ${other.constructor.name}`);
  if (other.batchSize !== self.batchSize || other.actionSize !== self.actionSize) {
    throw new PpoRangeError('INVALID_ARGUMENT', 
      `kl: other has batch ${other.batchSize} x ${other.actionSize}, expected ${self.batchSize} x ${self.actionSize}`,
    );
  }
  return other;
}

/** Integer actions of shape [B] (accepting [B, 1]) as int32. */
function integerActions(actions: tf.Tensor, batch: number, name: string): tf.Tensor1D {
  if (!(actions instanceof tf.Tensor) || actions.size !== batch || (actions.rank !== 1 && !(actions.rank === 2 && actions.shape[1] === 1))) {
    throw new PpoRangeError('INVALID_ARGUMENT', `${name}: actions must have shape [${batch}] or [${batch}, 1], got ${actions instanceof tf.Tensor ? `[${actions.shape.join(', ')}]` : String(actions)}`);
  }
  const flat = actions.rank === 1 ? actions : actions.reshape([batch]);
  return (flat.dtype === 'int32' ? flat : flat.cast('int32')) as tf.Tensor1D;
}

function checkActions2d(actions: tf.Tensor, batch: number, size: number, name: string): tf.Tensor2D {
  if (!(actions instanceof tf.Tensor) || actions.rank !== 2 || actions.shape[0] !== batch || actions.shape[1] !== size) {
    throw new PpoRangeError('INVALID_ARGUMENT', `${name}: actions must have shape [${batch}, ${size}], got ${actions instanceof tf.Tensor ? `[${actions.shape.join(', ')}]` : String(actions)}`);
  }
  return actions as tf.Tensor2D;
}

/**
 * Throws unless every action is an integer category index: `actions` holds rows of
 * `nvec.length` values, component c in [start, start + nvec[c]). Reads the actions (one
 * download): an index out of range would otherwise score log-probability 0 through `oneHot`.
 *
 * @internal
 */
export function checkCategoryIndices(actions: tf.Tensor, nvec: readonly number[], start: number, name: string): void {
  checkCategoryIndexData(actions.dataSync(), nvec, start, name);
}

/**
 * {@link checkCategoryIndices} of actions already downloaded: rows of `nvec.length` values.
 *
 * @internal
 */
export function checkCategoryIndexData(data: ArrayLike<number>, nvec: readonly number[], start: number, name: string): void {
  const k = nvec.length;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    const n = nvec[i % k];
    if (!Number.isInteger(v) || v < start || v >= start + n) {
      const at = k === 1 ? `[${i}]` : `[${Math.floor(i / k)}, ${i % k}]`;
      throw new PpoRangeError('INVALID_ARGUMENT', `${name}: actions${at} = ${v}, expected an integer in [${start}, ${start + n - 1}]`);
    }
  }
}

/** Masks whose rows are known to allow an action (checked on the host before upload). */
const checkedMasks = new WeakSet<tf.Tensor>();

/**
 * Marks a mask tensor as checked (every row allows an action), so building a distribution
 * from it does not download it again. For callers that validated the mask's data themselves.
 *
 * @internal
 */
export function markMaskChecked(mask: tf.Tensor): void {
  checkedMasks.add(mask);
}

/**
 * Throws a `NO_VALID_ACTION` error, naming the row (and component), when a row-major
 * [rows, sum(nvec)] mask (nonzero meaning allowed) allows no action in some row.
 *
 * @internal
 */
export function checkMaskData(data: ArrayLike<number>, rows: number, nvec: readonly number[], name: string): void {
  const width = nvec.reduce((t, n) => t + n, 0);
  for (let i = 0; i < rows; i++) {
    let offset = i * width;
    for (const [c, n] of nvec.entries()) {
      let any = false;
      for (let k = 0; k < n && !any; k++) any = data[offset + k] !== 0;
      if (!any) throw new PpoRangeError('NO_VALID_ACTION', `${name} row ${i} allows no action${nvec.length > 1 ? ` in component ${c}` : ''}`);
      offset += n;
    }
  }
}

/** {@link checkMaskData} of a mask tensor, unless it is marked as checked (one download). */
function checkMaskRows(mask: tf.Tensor2D, nvec: readonly number[]): void {
  if (!checkedMasks.has(mask)) checkMaskData(mask.dataSync(), mask.shape[0], nvec, 'mask');
}

/** Standard Gumbel noise, one draw per element in order (the noise of {@link Categorical.sample}). */
function gumbelNoise(rng: RandomSource, count: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = -log(-log(openUniform(rng)));
  return out;
}

/** Standard normal noise, one draw per element in order (the noise of {@link DiagGaussian.sample}). */
function normalNoise(rng: RandomSource, count: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = rng.nextNormal();
  return out;
}

/**
 * Samples (or takes the mode of) categoricals on the host from downloaded logits: rows of
 * `n` values starting at `row * stride + offset`. The same Gumbel-max draw as
 * {@link Categorical.sample} with the same noise, so it picks the same actions; the
 * log-probability is `logit[a] - logsumexp(logits)` in float64. For acting, where a download
 * of the logits replaces a dozen small tensor ops.
 *
 * @internal
 */
export function sampleCategoricalOnHost(
  data: Float32Array,
  rows: number,
  n: number,
  stride: number,
  offset: number,
  rng: RandomSource,
  deterministic: boolean,
  actions: Int32Array | Float32Array,
  logProbs: Float32Array,
): void {
  const noise = deterministic ? null : gumbelNoise(rng, rows * n);
  for (let i = 0; i < rows; i++) {
    const at = i * stride + offset;
    let max = -Infinity;
    let best = 0;
    let bestScore = -Infinity;
    for (let k = 0; k < n; k++) {
      const logit = data[at + k];
      if (logit > max) max = logit;
      // Noise rounded to float32 as the tensor path adds it; the first maximum wins, as argMax.
      const score = noise === null ? logit : Math.fround(logit + noise[i * n + k]);
      if (score > bestScore) {
        bestScore = score;
        best = k;
      }
    }
    let sum = 0;
    for (let k = 0; k < n; k++) sum += exp(data[at + k] - max);
    actions[i] = best;
    logProbs[i] = data[at + best] - max - log(sum);
  }
}

/**
 * Samples (or takes the mean of) diagonal Gaussians on the host from a downloaded mean (rows
 * of `size` values at `row * stride + offset`) and a state-independent log-std: the same
 * noise as {@link DiagGaussian.sample}, the log-density in float64. For acting.
 *
 * @internal
 */
export function sampleDiagGaussianOnHost(
  data: Float32Array,
  rows: number,
  size: number,
  stride: number,
  offset: number,
  logStd: Float32Array,
  rng: RandomSource,
  deterministic: boolean,
  actions: Float32Array,
  logProbs: Float32Array,
): void {
  const noise = deterministic ? null : normalNoise(rng, rows * size);
  let norm = size * HALF_LOG_2PI;
  for (let j = 0; j < size; j++) norm += logStd[j];
  for (let i = 0; i < rows; i++) {
    let quad = 0;
    for (let j = 0; j < size; j++) {
      const z = noise === null ? 0 : noise[i * size + j];
      // As the tensor path: mean + std * eps in float32; z is the standardised action.
      const a = Math.fround(data[i * stride + offset + j] + Math.fround(exp(logStd[j])) * z);
      actions[i * size + j] = a;
      quad += z * z;
    }
    logProbs[i] = -0.5 * quad - norm;
  }
}

/** Options of {@link Categorical}. */
export interface CategoricalOptions {
  /**
   * [B, n] mask of allowed actions (bool, or numbers where nonzero means allowed). Masked
   * actions get probability exactly 0: they are never sampled and never the mode. Every row
   * must allow at least one action.
   */
  readonly mask?: tf.Tensor2D;
}

/**
 * Categorical distribution over n actions per row, from unnormalised logits [B, n].
 * Actions are int32 of shape [B]. Sampling uses the Gumbel-max trick with noise from `rng`.
 *
 * @example
 * ```ts
 * const a = tf.tidy(() => new Categorical(logits).sample(rng)); // int32 [B]
 * ```
 */
export class Categorical implements Distribution {
  readonly batchSize: number;
  readonly actionSize = 1;
  readonly actionDtype = 'int32' as const;
  /** Number of categories n. */
  readonly numCategories: number;
  /** Logits after masking (not normalised). */
  readonly logits: tf.Tensor2D;
  private normalized: tf.Tensor2D | null = null;

  constructor(logits: tf.Tensor2D, options: CategoricalOptions = {}) {
    checkRank2('logits', logits);
    checkFiniteTensor('Categorical: logits', logits, ' (rule actions out with the mask option instead)');
    this.batchSize = logits.shape[0];
    this.numCategories = logits.shape[1];
    if (this.numCategories < 1) throw new PpoRangeError('INVALID_ARGUMENT', 'logits must have at least one category');
    const { mask } = options;
    if (mask === undefined) {
      this.logits = logits;
    } else {
      if (!(mask instanceof tf.Tensor) || mask.rank !== 2 || mask.shape[0] !== this.batchSize || mask.shape[1] !== this.numCategories) {
        throw new PpoRangeError('INVALID_ARGUMENT', 
          `mask must have shape [${this.batchSize}, ${this.numCategories}], got ${mask instanceof tf.Tensor ? `[${mask.shape.join(', ')}]` : String(mask)}`,
        );
      }
      checkMaskRows(mask, [this.numCategories]);
      const allowed = mask.dtype === 'bool' ? mask : tf.notEqual(mask, 0);
      this.logits = tf.where(allowed, logits, tf.fill(logits.shape, MASKED_LOGIT));
    }
  }

  /** Normalised log-probabilities [B, n]. */
  get logProbs(): tf.Tensor2D {
    this.normalized ??= tf.logSoftmax(this.logits);
    return this.normalized;
  }

  /** Probabilities [B, n]. */
  probs(): tf.Tensor2D {
    return tf.exp(this.logProbs);
  }

  sample(rng: RandomSource): tf.Tensor1D {
    const gumbel = gumbelNoise(rng, this.batchSize * this.numCategories);
    return tf.argMax(tf.add(this.logits, tf.tensor2d(gumbel, this.logits.shape)), 1);
  }

  /** Log-probabilities [B] of int32 (or integral float) actions [B] or [B, 1], each in [0, n). */
  logProb(actions: tf.Tensor): tf.Tensor1D {
    const a = integerActions(actions, this.batchSize, 'Categorical.logProb');
    // On the actions as given, so that a fraction is reported rather than truncated.
    checkCategoryIndices(actions, [this.numCategories], 0, 'Categorical.logProb');
    return this.logProbOfIndices(a);
  }

  /**
   * {@link Categorical.logProb} without the range check (no download), for actions known to
   * lie in [0, n): sampled ones, or ones the caller checked.
   *
   * @internal
   */
  logProbOfIndices(actions: tf.Tensor): tf.Tensor1D {
    const a = integerActions(actions, this.batchSize, 'Categorical.logProb');
    // tf.oneHot needs depth >= 2; with one category every log-probability is 0.
    if (this.numCategories === 1) return tf.mul(tf.cast(a, 'float32'), 0);
    // Not tf.gather with batchDims 1: wrong on wasm in tfjs 4.22. And the wasm OneHot kernel
    // ignores a float32 dtype (writes int32 bits), so cast explicitly.
    return tf.sum(tf.mul(tf.cast(tf.oneHot(a, this.numCategories), 'float32'), this.logProbs), 1);
  }

  entropy(): tf.Tensor1D {
    const lp = this.logProbs;
    return tf.neg(tf.sum(tf.mul(tf.exp(lp), lp), 1)) as tf.Tensor1D;
  }

  mode(): tf.Tensor1D {
    return tf.argMax(this.logits, 1);
  }

  kl(other: Distribution): tf.Tensor1D {
    const q = checkSameKind(this, other, Categorical);
    if (q.numCategories !== this.numCategories) {
      throw new PpoRangeError('INVALID_ARGUMENT', `kl: other has ${q.numCategories} categories, expected ${this.numCategories}`);
    }
    const lp = this.logProbs;
    return tf.sum(tf.mul(tf.exp(lp), tf.sub(lp, q.logProbs)), 1);
  }
}

/**
 * Independent categoricals, one per action component (a multi-discrete space with sizes
 * `nvec`), from logits [B, sum(nvec)] laid out component after component. Actions are int32
 * [B, nvec.length].
 */
export class MultiCategorical implements Distribution {
  readonly batchSize: number;
  readonly actionSize: number;
  readonly actionDtype = 'int32' as const;
  /** Number of categories of each component. */
  readonly nvec: readonly number[];
  /** One {@link Categorical} per component. */
  readonly components: readonly Categorical[];

  /** @param options `mask` (optional) is [B, sum(nvec)], laid out like the logits. */
  constructor(logits: tf.Tensor2D, nvec: readonly number[], options: CategoricalOptions = {}) {
    checkRank2('logits', logits);
    if (!isArray(nvec) || nvec.length === 0 || !nvec.every((n) => Number.isInteger(n) && n >= 1)) {
      throw new PpoRangeError('INVALID_ARGUMENT', `nvec must be a non-empty array of positive integers, got ${JSON.stringify(nvec)}`);
    }
    const total = nvec.reduce((s, n) => s + n, 0);
    if (logits.shape[1] !== total) throw new PpoRangeError('INVALID_ARGUMENT', `logits must have ${total} columns (sum of nvec), got ${logits.shape[1]}`);
    checkFiniteTensor('MultiCategorical: logits', logits, ' (rule actions out with the mask option instead)');
    this.batchSize = logits.shape[0];
    this.actionSize = nvec.length;
    this.nvec = [...nvec];
    const parts: tf.Tensor2D[] = nvec.length === 1 ? [logits] : tf.split(logits, [...nvec], 1);
    for (const part of parts) markFinite(part);
    let masks: tf.Tensor2D[] | undefined;
    if (options.mask !== undefined) {
      const { mask } = options;
      if (!(mask instanceof tf.Tensor) || mask.rank !== 2 || mask.shape[0] !== this.batchSize || mask.shape[1] !== total) {
        throw new PpoRangeError('INVALID_ARGUMENT', `mask must have shape [${this.batchSize}, ${total}], got ${mask instanceof tf.Tensor ? `[${mask.shape.join(', ')}]` : String(mask)}`);
      }
      checkMaskRows(mask, nvec);
      masks = nvec.length === 1 ? [mask] : tf.split(mask, [...nvec], 1);
      for (const m of masks) markMaskChecked(m);
    }
    this.components = parts.map((part, i) => new Categorical(part, masks ? { mask: masks[i] } : {}));
  }

  sample(rng: RandomSource): tf.Tensor2D {
    return tf.stack(this.components.map((c) => c.sample(rng)), 1) as tf.Tensor2D;
  }

  /** Log-probabilities [B] of actions [B, nvec.length], component c in [0, nvec[c]). */
  logProb(actions: tf.Tensor): tf.Tensor1D {
    const a = checkActions2d(actions, this.batchSize, this.actionSize, 'MultiCategorical.logProb');
    checkCategoryIndices(a, this.nvec, 0, 'MultiCategorical.logProb');
    return this.logProbOfIndices(a);
  }

  /**
   * {@link MultiCategorical.logProb} without the range check (no download), for actions known
   * to be in range.
   *
   * @internal
   */
  logProbOfIndices(actions: tf.Tensor): tf.Tensor1D {
    const a = checkActions2d(actions, this.batchSize, this.actionSize, 'MultiCategorical.logProb');
    const cols = this.actionSize === 1 ? [a] : tf.split(a, this.actionSize, 1);
    return sumAll(this.components.map((c, i) => c.logProbOfIndices(integerActions(cols[i], this.batchSize, 'MultiCategorical.logProb'))));
  }

  entropy(): tf.Tensor1D {
    return sumAll(this.components.map((c) => c.entropy()));
  }

  mode(): tf.Tensor2D {
    return tf.stack(this.components.map((c) => c.mode()), 1) as tf.Tensor2D;
  }

  kl(other: Distribution): tf.Tensor1D {
    const q = checkSameKind(this, other, MultiCategorical);
    if (q.nvec.some((n, i) => n !== this.nvec[i])) throw new PpoRangeError('INVALID_ARGUMENT', `kl: other has nvec ${JSON.stringify(q.nvec)}, expected ${JSON.stringify(this.nvec)}`);
    return sumAll(this.components.map((c, i) => c.kl(q.components[i])));
  }
}

function sumAll(terms: tf.Tensor1D[]): tf.Tensor1D {
  return terms.length === 1 ? terms[0] : tf.addN(terms);
}

/**
 * Independent Bernoulli variables (a multi-binary space) from logits [B, n]. Actions are
 * int32 [B, n] of 0 and 1; `logProb` also accepts float 0/1 actions.
 */
export class Bernoulli implements Distribution {
  readonly batchSize: number;
  readonly actionSize: number;
  readonly actionDtype = 'int32' as const;
  readonly logits: tf.Tensor2D;

  constructor(logits: tf.Tensor2D) {
    checkRank2('logits', logits);
    checkFiniteTensor('Bernoulli: logits', logits);
    this.logits = logits;
    this.batchSize = logits.shape[0];
    this.actionSize = logits.shape[1];
  }

  /** P(action = 1) [B, n]. */
  probs(): tf.Tensor2D {
    return tf.sigmoid(this.logits);
  }

  sample(rng: RandomSource): tf.Tensor2D {
    // Inverse CDF through the logistic: log(u / (1 - u)) < logit has probability sigmoid(logit).
    const noise = new Float32Array(this.batchSize * this.actionSize);
    for (let i = 0; i < noise.length; i++) {
      const u = openUniform(rng);
      noise[i] = log(u) - log1p(-u);
    }
    return tf.cast(tf.less(tf.tensor2d(noise, this.logits.shape), this.logits), 'int32') as tf.Tensor2D;
  }

  logProb(actions: tf.Tensor): tf.Tensor1D {
    const a = checkActions2d(actions, this.batchSize, this.actionSize, 'Bernoulli.logProb');
    checkFiniteTensor('Bernoulli.logProb: actions', a);
    const af = a.dtype === 'float32' ? a : tf.cast(a, 'float32');
    // a * l - softplus(l) is log sigmoid(l) for a = 1 and log(1 - sigmoid(l)) for a = 0, stably.
    return tf.sum(tf.sub(tf.mul(af, this.logits), tf.softplus(this.logits)), 1);
  }

  entropy(): tf.Tensor1D {
    return tf.sum(tf.sub(tf.softplus(this.logits), tf.mul(this.logits, tf.sigmoid(this.logits))), 1);
  }

  mode(): tf.Tensor2D {
    return tf.cast(tf.greater(this.logits, 0), 'int32') as tf.Tensor2D;
  }

  kl(other: Distribution): tf.Tensor1D {
    const q = checkSameKind(this, other, Bernoulli);
    const p = tf.sigmoid(this.logits);
    // log p = -softplus(-l), log(1 - p) = -softplus(l).
    const dLog1 = tf.sub(tf.softplus(tf.neg(q.logits)), tf.softplus(tf.neg(this.logits)));
    const dLog0 = tf.sub(tf.softplus(q.logits), tf.softplus(this.logits));
    return tf.sum(tf.add(tf.mul(p, dLog1), tf.mul(tf.sub(1, p), dLog0)), 1);
  }
}

function checkLogStd(logStd: tf.Tensor, batch: number, size: number): void {
  const ok =
    logStd instanceof tf.Tensor &&
    logStd.dtype === 'float32' &&
    ((logStd.rank === 1 && logStd.shape[0] === size) ||
      (logStd.rank === 2 && (logStd.shape[0] === batch || logStd.shape[0] === 1) && logStd.shape[1] === size));
  if (!ok) {
    throw new PpoRangeError('INVALID_ARGUMENT', 
      `logStd must be float32 of shape [${size}], [1, ${size}] or [${batch}, ${size}], got ${logStd instanceof tf.Tensor ? `${logStd.dtype} [${logStd.shape.join(', ')}]` : String(logStd)}`,
    );
  }
}

/**
 * Diagonal Gaussian from a mean [B, A] and a log standard deviation that is either a
 * state-independent parameter ([A] or [1, A], broadcast over the batch) or a network output
 * ([B, A]). Actions are float32 [B, A], unbounded (clip them in the environment if needed).
 */
export class DiagGaussian implements Distribution {
  readonly batchSize: number;
  readonly actionSize: number;
  readonly actionDtype = 'float32' as const;
  readonly mean: tf.Tensor2D;
  readonly logStd: tf.Tensor;
  private stdCache: tf.Tensor | null = null;

  constructor(mean: tf.Tensor2D, logStd: tf.Tensor) {
    checkRank2('mean', mean);
    this.batchSize = mean.shape[0];
    this.actionSize = mean.shape[1];
    checkLogStd(logStd, this.batchSize, this.actionSize);
    checkFiniteTensor('DiagGaussian: mean', mean);
    checkFiniteTensor('DiagGaussian: logStd', logStd);
    this.mean = mean;
    this.logStd = logStd;
  }

  /** Standard deviation, shaped like `logStd`. */
  get std(): tf.Tensor {
    this.stdCache ??= tf.exp(this.logStd);
    return this.stdCache;
  }

  sample(rng: RandomSource): tf.Tensor2D {
    const eps = normalNoise(rng, this.batchSize * this.actionSize);
    return tf.add(this.mean, tf.mul(this.std, tf.tensor2d(eps, this.mean.shape)));
  }

  logProb(actions: tf.Tensor): tf.Tensor1D {
    const a = checkActions2d(actions, this.batchSize, this.actionSize, 'DiagGaussian.logProb');
    checkFiniteTensor('DiagGaussian.logProb: actions', a);
    return this.logProbOf(a);
  }

  /** Log density of float32 [B, A] points under the Gaussian (no shape check). */
  protected logProbOf(x: tf.Tensor2D): tf.Tensor1D {
    const z = tf.div(tf.sub(x, this.mean), this.std);
    const quad = tf.sum(tf.square(z), 1);
    // The log-std term is a scalar when log-std is a free parameter, and [B] otherwise.
    const norm = tf.add(tf.sum(this.logStd, -1), this.actionSize * HALF_LOG_2PI);
    return tf.sub(tf.mul(quad, -0.5), norm);
  }

  entropy(): tf.Tensor1D {
    const h = tf.add(tf.sum(this.logStd, -1), this.actionSize * (0.5 + HALF_LOG_2PI));
    return h.rank === 1 && h.shape[0] === this.batchSize ? (h as tf.Tensor1D) : tf.broadcastTo(tf.reshape(h, [-1]), [this.batchSize]);
  }

  mode(): tf.Tensor2D {
    return tf.clone(this.mean);
  }

  kl(other: Distribution): tf.Tensor1D {
    const q = checkSameKind(this, other, DiagGaussian);
    return gaussianKl(this, q);
  }
}

function gaussianKl(p: DiagGaussian, q: DiagGaussian): tf.Tensor1D {
  const varP = tf.square(p.std);
  const varQ = tf.square(q.std);
  const terms = tf.add(
    tf.sub(q.logStd, p.logStd),
    tf.sub(tf.div(tf.add(varP, tf.square(tf.sub(p.mean, q.mean))), tf.mul(varQ, 2)), 0.5),
  );
  // terms broadcasts to [B, A] through the mean difference.
  return tf.sum(terms, 1);
}

/** Options of {@link TanhGaussian}. */
export interface TanhGaussianOptions {
  /** Lower bound of each action component (finite), default -1. */
  readonly low?: ArrayLike<number>;
  /** Upper bound of each action component (finite, above `low`), default 1. */
  readonly high?: ArrayLike<number>;
}

/** Gauss-Hermite nodes used for the entropy of {@link TanhGaussian}. */
const HERMITE_NODES = 24;
let hermiteCache: { nodes: Float32Array; weights: Float32Array } | null = null;

/**
 * Nodes x_k and weights w_k with sum_k w_k f(x_k) ~ integral of exp(-x^2) f(x), exact for
 * polynomials of degree < 2n. Roots of the orthonormal Hermite polynomial by Newton's method
 * from asymptotic starting points (the Golub-Welsch eigenproblem would need an eigen solver).
 */
export function gaussHermite(n: number): { nodes: Float64Array; weights: Float64Array } {
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new PpoRangeError('INVALID_ARGUMENT', `n must be an integer in [1, 100], got ${String(n)}`);
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  const pim4 = pow(Math.PI, -0.25);
  const half = Math.floor((n + 1) / 2);
  let z = 0;
  for (let i = 0; i < half; i++) {
    if (i === 0) z = Math.sqrt(2 * n + 1) - 1.85575 * pow(2 * n + 1, -1 / 6);
    else if (i === 1) z -= (1.14 * pow(n, 0.426)) / z;
    else if (i === 2) z = 1.86 * z - 0.86 * nodes[0];
    else if (i === 3) z = 1.91 * z - 0.91 * nodes[1];
    else z = 2 * z - nodes[i - 2];
    let derivative = 0;
    for (let iter = 0; iter < 100; iter++) {
      let p1 = pim4;
      let p2 = 0;
      for (let j = 1; j <= n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = z * Math.sqrt(2 / j) * p2 - Math.sqrt((j - 1) / j) * p3;
      }
      derivative = Math.sqrt(2 * n) * p2;
      const step = p1 / derivative;
      z -= step;
      if (Math.abs(step) <= 1e-15 * Math.max(1, Math.abs(z))) break;
    }
    nodes[i] = z;
    nodes[n - 1 - i] = -z;
    weights[i] = 2 / (derivative * derivative);
    weights[n - 1 - i] = weights[i];
  }
  return { nodes, weights };
}

function hermiteTable(): { nodes: Float32Array; weights: Float32Array } {
  if (hermiteCache === null) {
    const { nodes, weights } = gaussHermite(HERMITE_NODES);
    // Folded for E over N(m, s^2): nodes scaled by sqrt(2), weights by 1/sqrt(pi).
    hermiteCache = {
      nodes: Float32Array.from(nodes, (x) => x * Math.SQRT2),
      weights: Float32Array.from(weights, (w) => w / Math.sqrt(Math.PI)),
    };
  }
  return hermiteCache;
}

/** log(1 - tanh(u)^2) = 2 (log 2 - u - softplus(-2u)), finite for every u. */
function logTanhJacobian(u: tf.Tensor): tf.Tensor {
  return tf.mul(tf.sub(tf.sub(Math.LN2, u), tf.softplus(tf.mul(u, -2))), 2);
}

/**
 * A diagonal Gaussian squashed by tanh and affinely mapped onto [low, high] (SAC-style
 * bounded actions). `logProb` includes the log-determinant of the squashing, in a form that
 * stays finite for large pre-squash values; it inverts actions with atanh after clipping them
 * 1e-6 inside the bounds. `entropy()` has no closed form: it is the Gaussian entropy plus the
 * expected log-Jacobian, integrated per component with 24-point Gauss-Hermite quadrature
 * (deterministic and differentiable; accurate to about 1e-3 for std up to about 3).
 * `kl` is the KL of the underlying Gaussians, which equals the KL of the squashed
 * distributions because tanh is a bijection.
 */
export class TanhGaussian implements Distribution {
  readonly batchSize: number;
  readonly actionSize: number;
  readonly actionDtype = 'float32' as const;
  /** The Gaussian before squashing. */
  readonly base: DiagGaussian;
  private readonly low: Float64Array;
  private readonly high: Float64Array;
  private readonly center: Float32Array;
  private readonly halfRange: Float32Array;
  private readonly logHalfRangeSum: number;

  constructor(mean: tf.Tensor2D, logStd: tf.Tensor, options: TanhGaussianOptions = {}) {
    this.base = new DiagGaussian(mean, logStd);
    this.batchSize = this.base.batchSize;
    this.actionSize = this.base.actionSize;
    const size = this.actionSize;
    const low = options.low ?? new Float32Array(size).fill(-1);
    const high = options.high ?? new Float32Array(size).fill(1);
    if (low.length !== size) throw new PpoRangeError('INVALID_ARGUMENT', `low must have length ${size}, got ${low.length}`);
    if (high.length !== size) throw new PpoRangeError('INVALID_ARGUMENT', `high must have length ${size}, got ${high.length}`);
    this.low = Float64Array.from(low);
    this.high = Float64Array.from(high);
    this.center = new Float32Array(size);
    this.halfRange = new Float32Array(size);
    let logSum = 0;
    for (let i = 0; i < size; i++) {
      if (!Number.isFinite(low[i]) || !Number.isFinite(high[i]) || !(high[i] > low[i])) {
        throw new PpoRangeError('INVALID_ARGUMENT', `bounds must be finite with high > low, got low[${i}] = ${low[i]}, high[${i}] = ${high[i]}`);
      }
      this.center[i] = (high[i] + low[i]) / 2;
      this.halfRange[i] = (high[i] - low[i]) / 2;
      logSum += log(this.halfRange[i]);
    }
    this.logHalfRangeSum = logSum;
  }

  /** Maps pre-squash values u [B, A] to actions: center + halfRange * tanh(u). */
  squash(u: tf.Tensor2D): tf.Tensor2D {
    return tf.add(tf.mul(tf.tanh(u), tf.tensor1d(this.halfRange)), tf.tensor1d(this.center));
  }

  sample(rng: RandomSource): tf.Tensor2D {
    return this.squash(this.base.sample(rng));
  }

  logProb(actions: tf.Tensor): tf.Tensor1D {
    const a = checkActions2d(actions, this.batchSize, this.actionSize, 'TanhGaussian.logProb');
    checkFiniteTensor('TanhGaussian.logProb: actions', a);
    const y = tf.clipByValue(tf.div(tf.sub(a, tf.tensor1d(this.center)), tf.tensor1d(this.halfRange)), -1 + 1e-6, 1 - 1e-6);
    const u = tf.atanh(y) as tf.Tensor2D;
    // Finite by construction (y is clipped inside (-1, 1)): no second download.
    markFinite(u);
    return tf.sub(tf.sub(this.base.logProb(u), tf.sum(logTanhJacobian(u), 1)), this.logHalfRangeSum);
  }

  /**
   * Log density of the action `squash(u)` given the pre-squash value u [B, A], exact near the
   * bounds. Not what {@link TanhGaussian.logProb} gives for `squash(u)` once float32 rounds the
   * action onto a bound (|u| above about 7): score stored actions with `logProb` so that old
   * and new log-probabilities of a PPO update agree.
   */
  logProbFromPreSquash(u: tf.Tensor2D): tf.Tensor1D {
    const x = checkActions2d(u, this.batchSize, this.actionSize, 'TanhGaussian.logProbFromPreSquash');
    checkFiniteTensor('TanhGaussian.logProbFromPreSquash: u', x);
    return tf.sub(tf.sub(this.base.logProb(x), tf.sum(logTanhJacobian(x), 1)), this.logHalfRangeSum);
  }

  entropy(): tf.Tensor1D {
    const { nodes, weights } = hermiteTable();
    const mean3 = tf.reshape(this.base.mean, [this.batchSize, this.actionSize, 1]);
    const std = this.base.std;
    const std3 = tf.reshape(std, [...std.shape, 1]);
    const u = tf.add(mean3, tf.mul(std3, tf.tensor1d(nodes)));
    const expected = tf.sum(tf.mul(logTanhJacobian(u), tf.tensor1d(weights)), 2);
    return tf.add(tf.add(this.base.entropy(), tf.sum(expected, 1)), this.logHalfRangeSum);
  }

  /**
   * `squash(mean)`: the image of the Gaussian's mode, used as the deterministic action. Not the
   * mode of the squashed density: the change of variables moves that towards the bounds (for
   * a wide base Gaussian the density peaks at the bounds).
   */
  mode(): tf.Tensor2D {
    return this.squash(this.base.mean);
  }

  kl(other: Distribution): tf.Tensor1D {
    const q = checkSameKind(this, other, TanhGaussian);
    for (let i = 0; i < this.actionSize; i++) {
      if (q.center[i] !== this.center[i] || q.halfRange[i] !== this.halfRange[i]) {
        throw new PpoRangeError('INVALID_ARGUMENT', `kl: other has bounds [${q.low[i]}, ${q.high[i]}] at component ${i}, expected [${this.low[i]}, ${this.high[i]}]`);
      }
    }
    return gaussianKl(this.base, q.base);
  }
}
