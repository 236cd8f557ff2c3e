import { describeValue, PpoRangeError, PpoTypeError } from '@ppo/utils';
import {
  checkArrayLike,
  checkFinite,
  checkInteger,
  checkIntegers,
  checkLength,
  FLOAT32_MAX,
  INT32_MAX,
} from './validate';

/**
 * One sampled sequence: a prompt and the completion generated for it, with the completion's
 * per-token log-probabilities.
 *
 * Log-probabilities are aligned with the tokens they score: `oldLogProbs[j]` is
 * `log pi_old(completion[j] | prompt, completion[0..j))`. (A causal language model produces it
 * from the logits one position earlier; shift before building the batch.)
 */
export interface TokenSequence {
  /** Prompt token ids (may be empty). */
  readonly prompt: ArrayLike<number>;
  /** Completion token ids (at least one). */
  readonly completion: ArrayLike<number>;
  /** One log-probability per completion token under the sampling (old) policy. */
  readonly oldLogProbs: ArrayLike<number>;
  /**
   * One log-probability per completion token under the frozen reference policy, for the KL
   * term. Give it for every sequence or for none.
   */
  readonly refLogProbs?: ArrayLike<number>;
  /** The sequence's scalar (outcome) reward. */
  readonly reward: number;
  /** The group the sequence belongs to (GRPO: the completions of one prompt), an integer >= 0. */
  readonly groupId: number;
}

/** Options of {@link TokenBatch.fromSequences}. */
export interface TokenBatchOptions {
  /** Token id written into padding positions; an integer >= 0. Default 0. */
  readonly padTokenId?: number;
  /**
   * Fixed padded length L (for static tensor shapes); sequences longer than it are rejected.
   * Default: the longest prompt + completion in the batch.
   */
  readonly maxLength?: number;
  /** When given, every token id must be below it. */
  readonly vocabSize?: number;
  /**
   * When given, sequences must come in contiguous groups of exactly this many with one
   * `groupId` each (the layout `groupRelativeAdvantages` in `@ppo/gae` expects).
   */
  readonly groupSize?: number;
}

/**
 * Sampled completions in the "completion slots" layout a sampler returns (for example
 * `TokenPolicy.generate` of `@ppo/nets`): B rows of T slots, of which the first
 * `completionLengths[i]` hold completion i; per-token arrays are aligned with the slots.
 */
export interface SampledCompletions {
  /** B * P prompt token ids, row-major (P may be 0). */
  readonly prompts: ArrayLike<number>;
  /** Prompt tokens per row, P. */
  readonly promptLength: number;
  /** B * T completion ids, row-major; slots after a completion's end are ignored. */
  readonly completions: ArrayLike<number>;
  /** B completion lengths, each in [1, T]; B is the length of this array. */
  readonly completionLengths: ArrayLike<number>;
  /** Completion slots per row, T. */
  readonly slots: number;
  /** B * T log-probabilities of the completion tokens under the sampling (old) policy. */
  readonly oldLogProbs: ArrayLike<number>;
  /** B * T log-probabilities of the completion tokens under the reference policy, when the loss has a KL term. */
  readonly refLogProbs?: ArrayLike<number>;
  /** B outcome rewards. */
  readonly rewards: ArrayLike<number>;
  /**
   * B group ids. Default: contiguous groups of `groupSize` (`floor(i / groupSize)`) when that
   * option is given, else one group per sequence (`i`).
   */
  readonly groupIds?: ArrayLike<number>;
}

/** Row views of one sequence of a {@link TokenBatch} (length L each). */
export interface TokenRow {
  /** Token ids, padded. */
  readonly tokens: Int32Array;
  /** 1 on prompt and completion tokens, 0 on padding. */
  readonly attentionMask: Int32Array;
  /** 1 on completion tokens only. */
  readonly lossMask: Float32Array;
  /** Old-policy log-probabilities on completion positions, 0 elsewhere. */
  readonly oldLogProbs: Float32Array;
  /** Reference log-probabilities on completion positions, 0 elsewhere; null when absent. */
  readonly refLogProbs: Float32Array | null;
}

interface TokenBatchFields {
  batchSize: number;
  length: number;
  padTokenId: number;
  tokens: Int32Array;
  attentionMask: Int32Array;
  lossMask: Float32Array;
  oldLogProbs: Float32Array;
  refLogProbs: Float32Array | null;
  rewards: Float32Array;
  groupIds: Int32Array;
  promptLengths: Int32Array;
  completionLengths: Int32Array;
}

const WHERE = 'TokenBatch.fromSequences';

/**
 * A batch of variable-length token sequences padded to a [B, L] row-major layout, for GRPO
 * and RLHF-style token-level PPO.
 *
 * Row b holds the prompt, then the completion, then padding (right padding). Every per-token
 * array is a flat typed array of B*L entries that can back a tensor directly, for example
 * `tf.tensor2d(batch.tokens, batch.shape, 'int32')`. `lossMask` is 1 exactly on completion
 * tokens, so the loss ignores prompt and padding positions.
 *
 * @example
 * ```ts
 * const batch = TokenBatch.fromSequences([
 *   { prompt: [5, 6], completion: [7, 8, 2], oldLogProbs: [-0.1, -1.2, -0.3], reward: 1, groupId: 0 },
 *   { prompt: [5, 6], completion: [9, 2], oldLogProbs: [-2.0, -0.4], reward: 0, groupId: 0 },
 * ]);
 * batch.shape;    // [2, 5]
 * batch.lossMask; // Float32Array [0, 0, 1, 1, 1,  0, 0, 1, 1, 0]
 * const tokenAdvantages = batch.broadcastToTokens(perSequenceAdvantages);
 * ```
 */
export class TokenBatch {
  /** Sequences (B). */
  readonly batchSize: number;
  /** Padded length (L). */
  readonly length: number;
  /** The token id in padding positions. */
  readonly padTokenId: number;
  /** B*L token ids, padded with `padTokenId`. */
  readonly tokens: Int32Array;
  /** B*L: 1 on prompt and completion tokens, 0 on padding. */
  readonly attentionMask: Int32Array;
  /** B*L: 1 on completion tokens only (the loss mask). */
  readonly lossMask: Float32Array;
  /** B*L old-policy log-probabilities on completion positions, 0 elsewhere. */
  readonly oldLogProbs: Float32Array;
  /** B*L reference log-probabilities on completion positions, 0 elsewhere; null when not given. */
  readonly refLogProbs: Float32Array | null;
  /** B per-sequence rewards. */
  readonly rewards: Float32Array;
  /** B group ids. */
  readonly groupIds: Int32Array;
  /** B prompt lengths. */
  readonly promptLengths: Int32Array;
  /** B completion lengths. */
  readonly completionLengths: Int32Array;

  private constructor(fields: TokenBatchFields) {
    this.batchSize = fields.batchSize;
    this.length = fields.length;
    this.padTokenId = fields.padTokenId;
    this.tokens = fields.tokens;
    this.attentionMask = fields.attentionMask;
    this.lossMask = fields.lossMask;
    this.oldLogProbs = fields.oldLogProbs;
    this.refLogProbs = fields.refLogProbs;
    this.rewards = fields.rewards;
    this.groupIds = fields.groupIds;
    this.promptLengths = fields.promptLengths;
    this.completionLengths = fields.completionLengths;
  }

  /**
   * Builds a batch from sequences, checking every field (token ids are integers in
   * [0, vocabSize) or [0, 2^31), completions are non-empty, log-probabilities and rewards are
   * finite, lengths match, reference log-probabilities are given for all or none).
   *
   * @throws TypeError or RangeError naming the sequence and field at fault.
   */
  static fromSequences(sequences: readonly TokenSequence[], options: TokenBatchOptions = {}): TokenBatch {
    // Array.isArray on a readonly array narrows to any[], so test an unknown-typed alias.
    const candidate: unknown = sequences;
    if (!Array.isArray(candidate) || candidate.length === 0) {
      const got = Array.isArray(candidate) ? 'an empty array' : describeValue(candidate);
      throw new PpoRangeError('INVALID_ARGUMENT', `${WHERE}: sequences must be a non-empty array, got ${got}`);
    }
    const padTokenId = checkInteger(WHERE, 'padTokenId', options.padTokenId ?? 0, 0, INT32_MAX);
    const vocabSize = options.vocabSize === undefined ? undefined : checkInteger(WHERE, 'vocabSize', options.vocabSize, 1, INT32_MAX);
    const maxToken = vocabSize === undefined ? INT32_MAX : vocabSize - 1;
    const b = sequences.length;
    const hasRef = sequences[0]?.refLogProbs !== undefined;
    let longest = 0;
    for (let i = 0; i < b; i++) {
      const seq = sequences[i];
      const at = `sequences[${i}]`;
      if (seq === null || typeof seq !== 'object') {
        throw new PpoTypeError('INVALID_ARGUMENT', `${WHERE}: ${at} must be an object, got ${describeValue(seq)}`);
      }
      const prompt = checkArrayLike(WHERE, `${at}.prompt`, seq.prompt);
      const completion = checkArrayLike(WHERE, `${at}.completion`, seq.completion);
      if (completion.length === 0) {
        throw new PpoRangeError('INVALID_ARGUMENT', `${WHERE}: ${at}.completion must have at least one token, got none`);
      }
      checkIntegers(WHERE, `${at}.prompt`, prompt, 0, maxToken);
      checkIntegers(WHERE, `${at}.completion`, completion, 0, maxToken);
      const old = checkLength(WHERE, `${at}.oldLogProbs`, seq.oldLogProbs, completion.length, 'completion.length');
      checkFinite(WHERE, `${at}.oldLogProbs`, old);
      if ((seq.refLogProbs !== undefined) !== hasRef) {
        throw new PpoTypeError('INVALID_ARGUMENT', `${WHERE}: ${at}.refLogProbs must be given for every sequence or for none (sequences[0] ${hasRef ? 'has' : 'has none'})`);
      }
      if (seq.refLogProbs !== undefined) {
        const ref = checkLength(WHERE, `${at}.refLogProbs`, seq.refLogProbs, completion.length, 'completion.length');
        checkFinite(WHERE, `${at}.refLogProbs`, ref);
      }
      if (typeof seq.reward !== 'number' || !(Math.abs(seq.reward) <= FLOAT32_MAX)) {
        throw new PpoRangeError('INVALID_ARGUMENT', `${WHERE}: ${at}.reward must be a finite number within float32 range, got ${String(seq.reward)}`);
      }
      checkInteger(WHERE, `${at}.groupId`, seq.groupId, 0, INT32_MAX);
      longest = Math.max(longest, prompt.length + completion.length);
    }
    let length = longest;
    if (options.maxLength !== undefined) {
      length = checkInteger(WHERE, 'maxLength', options.maxLength, 1, INT32_MAX);
      if (longest > length) {
        const i = sequences.findIndex((s) => s.prompt.length + s.completion.length > length);
        const tokens = sequences[i].prompt.length + sequences[i].completion.length;
        throw new PpoRangeError('INVALID_ARGUMENT', `${WHERE}: sequences[${i}] has ${tokens} tokens (prompt + completion), more than maxLength = ${length}`);
      }
    }
    if (options.groupSize !== undefined) {
      const g = checkInteger(WHERE, 'groupSize', options.groupSize, 1, b);
      const problem = groupLayoutProblem(sequences.map((s) => s.groupId), g);
      if (problem !== null) throw new PpoRangeError('INVALID_ARGUMENT', `${WHERE}: groupSize = ${g}: ${problem}`);
    }

    const fields: TokenBatchFields = {
      batchSize: b,
      length,
      padTokenId,
      tokens: new Int32Array(b * length).fill(padTokenId),
      attentionMask: new Int32Array(b * length),
      lossMask: new Float32Array(b * length),
      oldLogProbs: new Float32Array(b * length),
      refLogProbs: hasRef ? new Float32Array(b * length) : null,
      rewards: new Float32Array(b),
      groupIds: new Int32Array(b),
      promptLengths: new Int32Array(b),
      completionLengths: new Int32Array(b),
    };
    for (let i = 0; i < b; i++) {
      const seq = sequences[i];
      const row = i * length;
      const p = seq.prompt.length;
      const c = seq.completion.length;
      for (let j = 0; j < p; j++) fields.tokens[row + j] = seq.prompt[j];
      for (let j = 0; j < c; j++) {
        const at = row + p + j;
        fields.tokens[at] = seq.completion[j];
        fields.lossMask[at] = 1;
        fields.oldLogProbs[at] = seq.oldLogProbs[j];
        if (fields.refLogProbs !== null && seq.refLogProbs !== undefined) fields.refLogProbs[at] = seq.refLogProbs[j];
      }
      fields.attentionMask.fill(1, row, row + p + c);
      fields.rewards[i] = seq.reward;
      fields.groupIds[i] = seq.groupId;
      fields.promptLengths[i] = p;
      fields.completionLengths[i] = c;
    }
    return new TokenBatch(fields);
  }

  /**
   * Builds a batch from completions in the sampler's "completion slots" layout (see
   * {@link SampledCompletions}): sequence i is prompt i followed by the first
   * `completionLengths[i]` slots of row i, with the matching log-probabilities. The same
   * checks as {@link TokenBatch.fromSequences} apply, with the same options.
   *
   * @throws TypeError or RangeError naming the argument at fault (a length that does not fit
   *   B, P or T, a completion length outside [1, T]), or the sequence and field at fault.
   *
   * @example
   * ```ts
   * const out = policy.generate({ prompts, count: B, promptLength: P, maxNewTokens: T, rng, eosTokenId });
   * const batch = TokenBatch.fromCompletions(
   *   { prompts, promptLength: P, completions: out.completions, completionLengths: out.completionLengths, slots: T, oldLogProbs: out.logProbs, rewards },
   *   { maxLength: P + T, groupSize: G, padTokenId: eosTokenId },
   * );
   * ```
   */
  static fromCompletions(input: SampledCompletions, options: TokenBatchOptions = {}): TokenBatch {
    const where = 'TokenBatch.fromCompletions';
    if (input === null || typeof input !== 'object') throw new PpoTypeError('INVALID_ARGUMENT', `${where}: input must be an object, got ${describeValue(input)}`);
    const lengths = checkArrayLike(where, 'completionLengths', input.completionLengths);
    const b = lengths.length;
    if (b === 0) throw new PpoRangeError('INVALID_ARGUMENT', `${where}: completionLengths must not be empty`);
    const p = checkInteger(where, 'promptLength', input.promptLength, 0, INT32_MAX);
    const t = checkInteger(where, 'slots', input.slots, 1, INT32_MAX);
    checkIntegers(where, 'completionLengths', lengths, 1, t);
    const prompts = checkLength(where, 'prompts', input.prompts, b * p, 'B * promptLength');
    const completions = checkLength(where, 'completions', input.completions, b * t, 'B * slots');
    const old = checkLength(where, 'oldLogProbs', input.oldLogProbs, b * t, 'B * slots');
    const ref = input.refLogProbs === undefined ? undefined : checkLength(where, 'refLogProbs', input.refLogProbs, b * t, 'B * slots');
    const rewards = checkLength(where, 'rewards', input.rewards, b, 'B');
    const groupIds = input.groupIds === undefined ? undefined : checkLength(where, 'groupIds', input.groupIds, b, 'B');
    const groupSize = options.groupSize === undefined ? 1 : checkInteger(where, 'groupSize', options.groupSize, 1, b);
    const part = (a: ArrayLike<number>, start: number, end: number): ArrayLike<number> =>
      ArrayBuffer.isView(a) ? (a as unknown as Float32Array).subarray(start, end) : Array.prototype.slice.call(a, start, end);
    const sequences: TokenSequence[] = [];
    for (let i = 0; i < b; i++) {
      const n = lengths[i];
      sequences.push({
        prompt: part(prompts, i * p, (i + 1) * p),
        completion: part(completions, i * t, i * t + n),
        oldLogProbs: part(old, i * t, i * t + n),
        refLogProbs: ref === undefined ? undefined : part(ref, i * t, i * t + n),
        reward: rewards[i],
        groupId: groupIds === undefined ? Math.floor(i / groupSize) : groupIds[i],
      });
    }
    return TokenBatch.fromSequences(sequences, options);
  }

  /** `[batchSize, length]`, the shape of every per-token array. */
  get shape(): [number, number] {
    return [this.batchSize, this.length];
  }

  /** Completion tokens in the batch: the sum of `lossMask`. */
  get numCompletionTokens(): number {
    let total = 0;
    for (let i = 0; i < this.batchSize; i++) total += this.completionLengths[i];
    return total;
  }

  /**
   * The group size when sequences come in contiguous groups of one equal size with distinct
   * ids per block (the layout `groupRelativeAdvantages` expects), else null.
   */
  get groupSize(): number | null {
    const ids = this.groupIds;
    let size = 1;
    while (size < ids.length && ids[size] === ids[0]) size++;
    return groupLayoutProblem(ids, size) === null ? size : null;
  }

  /**
   * Spreads one value per sequence (for example GRPO advantages) over that sequence's
   * completion tokens: B*L entries, `values[b]` on completion positions and 0 elsewhere.
   */
  broadcastToTokens(values: ArrayLike<number>, out?: Float32Array): Float32Array {
    const where = 'TokenBatch.broadcastToTokens';
    const v = checkLength(where, 'values', values, this.batchSize, 'batchSize');
    checkFinite(where, 'values', v);
    const result = out ?? new Float32Array(this.batchSize * this.length);
    if (result.length !== this.batchSize * this.length) {
      throw new PpoRangeError('INVALID_ARGUMENT', `${where}: out must have length batchSize * length = ${this.batchSize * this.length}, got length ${result.length}`);
    }
    for (let i = 0; i < this.batchSize; i++) {
      const row = i * this.length;
      // A select, not mask * value: 0 * -3 would write -0 into the padding.
      for (let j = 0; j < this.length; j++) result[row + j] = this.lossMask[row + j] === 1 ? v[i] : 0;
    }
    return result;
  }

  /**
   * Moves per-token values from the sampler's "completion slots" layout (B rows of `slots`,
   * aligned with the completions as in {@link TokenBatch.fromCompletions}) to this batch's
   * [B, L] layout: slot j of row i lands on completion token j of sequence i, at position
   * `promptLengths[i] + j`, for j < `completionLengths[i]`; every other entry is 0. For
   * token-level advantages, returns and values.
   *
   * @throws RangeError naming the argument: `values` not B * slots long, a non-finite value, a
   *   completion longer than `slots`, `out` not B * L long.
   */
  scatterCompletionSlots(values: ArrayLike<number>, slots: number, out?: Float32Array): Float32Array {
    const where = 'TokenBatch.scatterCompletionSlots';
    const t = checkInteger(where, 'slots', slots, 1, INT32_MAX);
    const v = checkLength(where, 'values', values, this.batchSize * t, 'batchSize * slots');
    checkFinite(where, 'values', v);
    const result = out ?? new Float32Array(this.batchSize * this.length);
    if (result.length !== this.batchSize * this.length) {
      throw new PpoRangeError('INVALID_ARGUMENT', `${where}: out must have length batchSize * length = ${this.batchSize * this.length}, got length ${result.length}`);
    }
    result.fill(0);
    for (let i = 0; i < this.batchSize; i++) {
      const n = this.completionLengths[i];
      if (n > t) throw new PpoRangeError('INVALID_ARGUMENT', `${where}: sequence ${i} has ${n} completion tokens, more than slots = ${t}`);
      const at = i * this.length + this.promptLengths[i];
      for (let j = 0; j < n; j++) result[at + j] = v[i * t + j];
    }
    return result;
  }

  /** Zero-copy views of row `index` (length L each). */
  row(index: number): TokenRow {
    checkInteger('TokenBatch.row', 'index', index, 0, this.batchSize - 1);
    const start = index * this.length;
    const end = start + this.length;
    return {
      tokens: this.tokens.subarray(start, end),
      attentionMask: this.attentionMask.subarray(start, end),
      lossMask: this.lossMask.subarray(start, end),
      oldLogProbs: this.oldLogProbs.subarray(start, end),
      refLogProbs: this.refLogProbs?.subarray(start, end) ?? null,
    };
  }

  /**
   * Rows [start, end) as a TokenBatch of zero-copy views (rows are contiguous), for
   * minibatches over an ordered batch. Writes through the views change this batch.
   */
  slice(start: number, end: number): TokenBatch {
    const where = 'TokenBatch.slice';
    checkInteger(where, 'start', start, 0, this.batchSize - 1);
    checkInteger(where, 'end', end, start + 1, this.batchSize);
    const a = start * this.length;
    const z = end * this.length;
    return new TokenBatch({
      batchSize: end - start,
      length: this.length,
      padTokenId: this.padTokenId,
      tokens: this.tokens.subarray(a, z),
      attentionMask: this.attentionMask.subarray(a, z),
      lossMask: this.lossMask.subarray(a, z),
      oldLogProbs: this.oldLogProbs.subarray(a, z),
      refLogProbs: this.refLogProbs?.subarray(a, z) ?? null,
      rewards: this.rewards.subarray(start, end),
      groupIds: this.groupIds.subarray(start, end),
      promptLengths: this.promptLengths.subarray(start, end),
      completionLengths: this.completionLengths.subarray(start, end),
    });
  }

  /**
   * The rows at `indices`, in that order, copied into a new TokenBatch: for shuffled
   * minibatches (for example `batch.select(rng.permutation(B).subarray(0, 8))`). The padded
   * length stays L.
   */
  select(indices: ArrayLike<number>): TokenBatch {
    const where = 'TokenBatch.select';
    const idx = checkArrayLike(where, 'indices', indices);
    if (idx.length === 0) throw new PpoRangeError('INVALID_ARGUMENT', `${where}: indices must not be empty`);
    checkIntegers(where, 'indices', idx, 0, this.batchSize - 1);
    const m = idx.length;
    const l = this.length;
    const fields: TokenBatchFields = {
      batchSize: m,
      length: l,
      padTokenId: this.padTokenId,
      tokens: new Int32Array(m * l),
      attentionMask: new Int32Array(m * l),
      lossMask: new Float32Array(m * l),
      oldLogProbs: new Float32Array(m * l),
      refLogProbs: this.refLogProbs === null ? null : new Float32Array(m * l),
      rewards: new Float32Array(m),
      groupIds: new Int32Array(m),
      promptLengths: new Int32Array(m),
      completionLengths: new Int32Array(m),
    };
    for (let r = 0; r < m; r++) {
      const i = idx[r];
      const from = i * l;
      const to = r * l;
      fields.tokens.set(this.tokens.subarray(from, from + l), to);
      fields.attentionMask.set(this.attentionMask.subarray(from, from + l), to);
      fields.lossMask.set(this.lossMask.subarray(from, from + l), to);
      fields.oldLogProbs.set(this.oldLogProbs.subarray(from, from + l), to);
      if (fields.refLogProbs !== null && this.refLogProbs !== null) {
        fields.refLogProbs.set(this.refLogProbs.subarray(from, from + l), to);
      }
      fields.rewards[r] = this.rewards[i];
      fields.groupIds[r] = this.groupIds[i];
      fields.promptLengths[r] = this.promptLengths[i];
      fields.completionLengths[r] = this.completionLengths[i];
    }
    return new TokenBatch(fields);
  }
}

/**
 * Why `ids` is not contiguous groups of `size` with one id per block and no id reused across
 * blocks, or null when it is.
 */
function groupLayoutProblem(ids: ArrayLike<number>, size: number): string | null {
  if (ids.length % size !== 0) return `the batch size ${ids.length} is not a multiple of it`;
  const seen = new Set<number>();
  for (let start = 0; start < ids.length; start += size) {
    const id = ids[start];
    if (seen.has(id)) return `groupId ${id} appears in more than one block (sequences ${start} onward)`;
    seen.add(id);
    for (let k = start + 1; k < start + size; k++) {
      if (ids[k] !== id) return `sequences[${k}] has groupId ${ids[k]} but its block starting at ${start} has ${id}`;
    }
  }
  return null;
}
