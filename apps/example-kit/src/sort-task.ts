/**
 * The verifiable task shared by the GRPO and RLHF-PPO apps: given a prompt of digits followed
 * by a separator, emit the digits sorted in ascending order and then an end token. The reward
 * is 1 for an exactly right completion and 0 otherwise, so "accuracy" is the mean reward of
 * greedy decoding.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@ppo/buffers';
import { maskedMean } from '@ppo/core';
import type { TokenPolicy } from '@ppo/nets';

/** Run options the GRPO and RLHF-PPO apps share: budget, model size, pre-training, sampling. */
export interface SortRunOptions {
  readonly seed: number;
  /** Stop after this many iterations... */
  readonly iterations: number;
  /** ...or after this many minutes of RL (whichever first)... */
  readonly minutes: number;
  /** ...or once greedy accuracy on the held-out prompts reaches this (> 1 never stops). */
  readonly targetAccuracy: number;
  /** Digits per prompt. */
  readonly digits: number;
  readonly hiddenSize: number;
  readonly embeddingSize: number;
  /** Pre-training stops when greedy accuracy reaches this. */
  readonly pretrainAccuracy: number;
  /** The RL phase must start from a weak model: a run whose pre-trained accuracy ends above this is refused. */
  readonly maxStartAccuracy: number;
  readonly pretrainMaxSteps: number;
  readonly temperature: number;
  /** Held-out prompts for greedy accuracy. */
  readonly evalPrompts: number;
}

/** Defaults of {@link SortRunOptions} for the full runs (tuned on 2 CPU cores, wasm backend). */
export const DEFAULT_SORT_RUN_OPTIONS: SortRunOptions = {
  seed: 1,
  iterations: 1000,
  minutes: 10,
  targetAccuracy: 0.8,
  digits: 3,
  hiddenSize: 64,
  embeddingSize: 32,
  pretrainAccuracy: 0.3,
  maxStartAccuracy: 0.4,
  pretrainMaxSteps: 2000,
  // Below 1 so a weak pre-trained model still samples right answers often enough to learn from.
  temperature: 0.7,
  evalPrompts: 256,
};

/** Options of {@link SortTask}. */
export interface SortTaskOptions {
  /** Digits per prompt (default 3). */
  readonly digits?: number;
  /** Digits take values 0 .. base - 1 (default 10). */
  readonly base?: number;
}

/** Sort the digits of the prompt. Token ids: digits 0..base-1, then the separator, then EOS. */
export class SortTask {
  readonly digits: number;
  readonly base: number;
  readonly sepTokenId: number;
  readonly eosTokenId: number;
  readonly vocabSize: number;
  /** Prompt tokens: the digits and the separator. */
  readonly promptLength: number;
  /** Tokens of a right answer: the sorted digits and EOS. */
  readonly answerLength: number;
  /** Completion slots when sampling: one more than a right answer needs. */
  readonly maxNewTokens: number;

  constructor(options: SortTaskOptions = {}) {
    const { digits = 3, base = 10 } = options;
    if (!Number.isInteger(digits) || digits < 2) throw new RangeError(`digits must be an integer >= 2, got ${digits}`);
    if (!Number.isInteger(base) || base < 2) throw new RangeError(`base must be an integer >= 2, got ${base}`);
    this.digits = digits;
    this.base = base;
    this.sepTokenId = base;
    this.eosTokenId = base + 1;
    this.vocabSize = base + 2;
    this.promptLength = digits + 1;
    this.answerLength = digits + 1;
    this.maxNewTokens = digits + 2;
  }

  /** `count` random prompts, row-major. */
  samplePrompts(rng: Rng, count: number): Int32Array {
    const out = new Int32Array(count * this.promptLength);
    for (let i = 0; i < count; i++) {
      for (let d = 0; d < this.digits; d++) out[i * this.promptLength + d] = rng.nextInt(this.base);
      out[i * this.promptLength + this.digits] = this.sepTokenId;
    }
    return out;
  }

  /** The right completion of prompt `i`: its digits sorted, then EOS. */
  answer(prompts: Int32Array, i: number): Int32Array {
    const digits = prompts.slice(i * this.promptLength, i * this.promptLength + this.digits).sort();
    const out = new Int32Array(this.answerLength);
    out.set(digits);
    out[this.digits] = this.eosTokenId;
    return out;
  }

  /** 1 where completion i (of `slots` slots, `lengths[i]` used) is exactly the right answer, else 0. */
  rewards(prompts: Int32Array, completions: Int32Array, lengths: Int32Array, slots: number): Float32Array {
    const count = lengths.length;
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      if (lengths[i] !== this.answerLength) continue;
      const want = this.answer(prompts, i);
      let ok = 1;
      for (let j = 0; j < this.answerLength; j++) if (completions[i * slots + j] !== want[j]) ok = 0;
      out[i] = ok;
    }
    return out;
  }

  /** Prompt + right answer rows for teacher forcing, with a loss mask on the answer tokens. */
  teacherBatch(prompts: Int32Array, count: number): { tokens: Int32Array; mask: Float32Array; length: number } {
    const length = this.promptLength + this.answerLength;
    const tokens = new Int32Array(count * length);
    const mask = new Float32Array(count * length);
    for (let i = 0; i < count; i++) {
      tokens.set(prompts.subarray(i * this.promptLength, (i + 1) * this.promptLength), i * length);
      tokens.set(this.answer(prompts, i), i * length + this.promptLength);
      mask.fill(1, i * length + this.promptLength, (i + 1) * length);
    }
    return { tokens, mask, length };
  }
}

/** Fraction of `prompts` that greedy decoding answers exactly right. */
export function greedyAccuracy(policy: TokenPolicy, task: SortTask, prompts: Int32Array): number {
  const count = prompts.length / task.promptLength;
  const out = policy.generate({
    prompts,
    count,
    promptLength: task.promptLength,
    maxNewTokens: task.maxNewTokens,
    greedy: true,
    eosTokenId: task.eosTokenId,
  });
  const r = task.rewards(prompts, out.completions, out.completionLengths, task.maxNewTokens);
  return r.reduce((s, x) => s + x, 0) / count;
}

/** Options of {@link pretrain}. */
export interface PretrainOptions {
  readonly rng: Rng;
  /** Held-out prompts for the greedy accuracy that decides when to stop. */
  readonly evalPrompts: Int32Array;
  /** Stop as soon as greedy accuracy reaches this (the RL phase starts from a weak model). */
  readonly targetAccuracy: number;
  /** Throw if the accuracy ends above this (at least `targetAccuracy`). */
  readonly maxAccuracy: number;
  readonly maxSteps: number;
  readonly batchSize: number;
  readonly learningRate: number;
}

/**
 * Supervised warm start: Adam on the teacher-forced negative log-likelihood of right answers,
 * stopping once greedy accuracy reaches `targetAccuracy`. The accuracy is checked after every
 * step (a check costs about a third of a step), so pre-training stops at the first step that
 * reaches the target (checking every 5 steps let a 20% target end at 35% on 2 digits).
 * Trains the policy and embedding variables only (a value head gets no gradient from it).
 *
 * @throws RangeError when `maxAccuracy < targetAccuracy`, or when the accuracy ends above
 *   `maxAccuracy` (one step jumped past the ceiling: lower `targetAccuracy`).
 */
export function pretrain(policy: TokenPolicy, task: SortTask, options: PretrainOptions): { steps: number; accuracy: number } {
  const { rng, evalPrompts, targetAccuracy, maxAccuracy, maxSteps, batchSize, learningRate } = options;
  if (!(maxAccuracy >= targetAccuracy)) {
    throw new RangeError(`pretrain: maxAccuracy must be at least targetAccuracy (${targetAccuracy}), got ${maxAccuracy}`);
  }
  const optimizer = tf.train.adam(learningRate);
  const varList = Object.entries(policy.variables)
    .filter(([name]) => !name.startsWith('value/'))
    .map(([, v]) => v);
  let accuracy = greedyAccuracy(policy, task, evalPrompts);
  let steps = 0;
  try {
    while (steps < maxSteps && accuracy < targetAccuracy) {
      const { tokens, mask, length } = task.teacherBatch(task.samplePrompts(rng, batchSize), batchSize);
      tf.tidy(() => {
        const t = tf.tensor2d(tokens, [batchSize, length], 'int32');
        const m = tf.tensor2d(mask, [batchSize, length]);
        optimizer.minimize(() => tf.neg(maskedMean(policy.tokenLogProbs(t, { mask: m }).logProbs, m)), false, varList);
      });
      steps += 1;
      accuracy = greedyAccuracy(policy, task, evalPrompts);
    }
  } finally {
    optimizer.dispose();
  }
  if (accuracy > maxAccuracy) {
    throw new RangeError(
      `pretrain: greedy accuracy ended at ${(100 * accuracy).toFixed(1)}% after ${steps} steps, above the ${(100 * maxAccuracy).toFixed(1)}% ceiling for the start of RL; lower the pre-training target (${targetAccuracy})`,
    );
  }
  return { steps, accuracy };
}
