/**
 * The categorical head of the host actor-critics: log-softmax rows, the log-probabilities of the
 * taken actions and the entropies, and their gradients with respect to the logits. float64, in
 * a fixed sequential order.
 */

import { exp, log } from '@ppo/utils';

/**
 * From `logits` (`rows * n`, row-major) writes the log-softmax into `logSoftmax` and the
 * probabilities into `probs` (kept for the backward pass), and each row's log-probability of
 * `actions[r] - start` and entropy into `logProbs` and `entropy`.
 */
export function categoricalForward(
  logits: Float64Array, rows: number, n: number, actions: ArrayLike<number>, start: number,
  logSoftmax: Float64Array, probs: Float64Array, logProbs: Float64Array, entropy: Float64Array,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    let max = -Infinity;
    for (let k = 0; k < n; k++) if (logits[o + k] > max) max = logits[o + k];
    let sum = 0;
    for (let k = 0; k < n; k++) sum += exp(logits[o + k] - max);
    const logSum = max + log(sum);
    let h = 0;
    for (let k = 0; k < n; k++) {
      const lp = logits[o + k] - logSum;
      const p = exp(lp);
      logSoftmax[o + k] = lp;
      probs[o + k] = p;
      h -= p * lp;
    }
    logProbs[r] = logSoftmax[o + actions[r] - start];
    entropy[r] = h;
  }
}

/**
 * The gradient with respect to the logits (into `dLogits`, `rows * n`) of a loss whose
 * gradients with respect to the log-probabilities and entropies are `dLogProbs` and `dEntropy`,
 * from {@link categoricalForward}'s `logSoftmax`, `probs` and `entropy`.
 */
export function categoricalBackward(
  logSoftmax: Float64Array, probs: Float64Array, entropy: Float64Array, rows: number, n: number, actions: ArrayLike<number>, start: number,
  dLogProbs: ArrayLike<number>, dEntropy: ArrayLike<number>, dLogits: Float64Array,
): void {
  // d log p_a / d logit_k = [k = a] - p_k;  d H / d logit_k = -p_k (log p_k + H).
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    const a = actions[r] - start;
    const h = entropy[r];
    for (let k = 0; k < n; k++) {
      const lp = logSoftmax[o + k];
      const p = probs[o + k];
      dLogits[o + k] = dLogProbs[r] * ((k === a ? 1 : 0) - p) - dEntropy[r] * p * (lp + h);
    }
  }
}
