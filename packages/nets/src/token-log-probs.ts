import { PpoRangeError, PpoTypeError } from '@ppo/utils';
import * as tf from '@tensorflow/tfjs';

/** Options of {@link tokenLogProbsFromLogits}. */
export interface TokenLogProbsFromLogitsOptions {
  /** Softmax temperature T > 0: log-probs of softmax(logits / T). Default 1. */
  readonly temperature?: number;
  /** 0/1 mask [B, L] (any numeric dtype or bool): log-probs and entropies are zeroed where it is 0. */
  readonly mask?: tf.Tensor;
}

/** Throws unless `temperature` is a finite number > 0. */
export function checkTemperature(temperature: number): void {
  if (typeof temperature !== 'number' || !Number.isFinite(temperature) || temperature <= 0) {
    throw new PpoRangeError('INVALID_ARGUMENT', `temperature must be a finite number > 0, got ${String(temperature)}`);
  }
}

/**
 * The arithmetic of {@link tokenLogProbsFromLogits}, inputs already checked; call inside a tidy.
 * Returns the unmasked log-probs and entropies, [B, L] with 0 at position 0.
 */
export function gatherTokenLogProbs(logits: tf.Tensor3D, tokens: tf.Tensor2D, temperature: number): { logProbs: tf.Tensor2D; entropy: tf.Tensor2D } {
  const [b, l, v] = logits.shape;
  // Position j - 1 scores token j: drop the last position's logits, pad one zero column in front.
  const scoring = tf.slice(logits, [0, 0, 0], [b, l - 1, v]);
  const logp = tf.logSoftmax(temperature === 1 ? scoring : tf.div(scoring, temperature));
  const next = tf.slice(tokens, [0, 1], [b, l - 1]);
  // A one-hot product rather than a gather: the gradient of gather needs UnsortedSegmentSum,
  // which the wasm backend lacks.
  const picked = tf.sum(tf.mul(logp, tf.oneHot(next, v)), 2);
  const entropy = tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), 2));
  return { logProbs: padFront(picked), entropy: padFront(entropy) };
}

/** One zero column in front of a [B, L - 1] tensor. */
export function padFront(x: tf.Tensor): tf.Tensor2D {
  return tf.pad<tf.Tensor2D>(x as tf.Tensor2D, [[0, 0], [1, 0]]);
}

/**
 * Per-token log-probabilities of the taken tokens from a causal model's next-token logits, for a
 * model of one's own (`TokenPolicy.tokenLogProbs` does the same for its GRU): entry [b, j] is
 * log softmax(logits[b, j - 1] / T)[tokens[b, j]] for j >= 1 and 0 at j = 0 (the first token
 * has no context to be predicted from), aligned with the tokens they score as in `TokenBatch`
 * of `@ppo/buffers`; with the entropies of the same distributions. Differentiable with respect
 * to the logits.
 *
 * @param logits - float32 [B, L, V]: position j holds the logits of the token at j + 1 (the
 *   last position's are unused).
 * @param tokens - int32 [B, L], ids in [0, V) (read once to check them).
 * @returns `{ logProbs, entropy }`, float32 [B, L] each; the caller (or its tidy) disposes them.
 * @throws TypeError / RangeError naming the argument: wrong rank, dtype or shape, L < 2, an id
 *   outside [0, V), a bad temperature or mask.
 *
 * @example
 * ```ts
 * const { logProbs } = tokenLogProbsFromLogits(myModel.apply(tokens) as tf.Tensor3D, tokens, { mask: lossMask });
 * ```
 */
export function tokenLogProbsFromLogits(
  logits: tf.Tensor3D,
  tokens: tf.Tensor2D,
  options: TokenLogProbsFromLogitsOptions = {},
): { logProbs: tf.Tensor2D; entropy: tf.Tensor2D } {
  const where = 'tokenLogProbsFromLogits';
  if (!(logits instanceof tf.Tensor) || logits.rank !== 3 || logits.dtype !== 'float32') {
    throw new PpoTypeError('INVALID_ARGUMENT', `${where}: logits must be a float32 tensor [B, L, V], got ${describeTensor(logits)}`);
  }
  if (!(tokens instanceof tf.Tensor) || tokens.rank !== 2 || tokens.dtype !== 'int32') {
    throw new PpoTypeError('INVALID_ARGUMENT', `${where}: tokens must be an int32 tensor [B, L], got ${describeTensor(tokens)}`);
  }
  const [b, l, v] = logits.shape;
  if (tokens.shape[0] !== b || tokens.shape[1] !== l) {
    throw new PpoRangeError('INVALID_ARGUMENT', `${where}: tokens must have shape [${b}, ${l}] (the first two dimensions of logits), got [${tokens.shape.join(', ')}]`);
  }
  if (b < 1 || l < 2 || v < 1) throw new PpoRangeError('INVALID_ARGUMENT', `${where}: logits need B >= 1, L >= 2 positions (the first token is only context) and V >= 1, got [${b}, ${l}, ${v}]`);
  const { temperature = 1, mask } = options;
  checkTemperature(temperature);
  if (mask !== undefined && (!(mask instanceof tf.Tensor) || mask.rank !== 2 || mask.shape[0] !== b || mask.shape[1] !== l)) {
    throw new PpoRangeError('INVALID_ARGUMENT', `${where}: mask must be a tensor of shape [${b}, ${l}], got ${describeTensor(mask)}`);
  }
  const ids = tokens.dataSync();
  for (let k = 0; k < ids.length; k++) {
    if (!(ids[k] >= 0 && ids[k] < v)) throw new PpoRangeError('INVALID_ARGUMENT', `${where}: tokens must be ids in [0, ${v}), got ${ids[k]} at flat index ${k}`);
  }
  return tf.tidy(() => {
    const out = gatherTokenLogProbs(logits, tokens, temperature);
    if (mask === undefined) return out;
    const keep = tf.cast(mask, 'float32');
    return { logProbs: tf.mul<tf.Tensor2D>(out.logProbs, keep), entropy: tf.mul<tf.Tensor2D>(out.entropy, keep) };
  });
}

function describeTensor(value: unknown): string {
  if (value instanceof tf.Tensor) return `${value.dtype} [${(value.shape as readonly number[]).join(', ')}]`;
  return value === null ? 'null' : typeof value;
}
