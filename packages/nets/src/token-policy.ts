import { exp, checkPositiveInt, PpoRangeError, PpoTypeError, Rng, type RandomSource, PpoError } from '@ppo/utils';
import * as tf from '@tensorflow/tfjs';
import { orthogonal, PPO_GAINS } from './init';
import { openUniform } from './random';
import { checkTemperature, gatherTokenLogProbs, padFront } from './token-log-probs';
import { makeVariable, uniqueScope } from './torso';

/** Options of {@link TokenPolicy}. */
export interface TokenPolicyOptions {
  /** Number of token ids V; ids are integers in [0, V). */
  readonly vocabSize: number;
  /** Embedding width E (default 32). */
  readonly embeddingSize?: number;
  /** GRU state width H (default 64). */
  readonly hiddenSize?: number;
  /** Add a scalar value head on the GRU state (for token-level PPO). Default false. */
  readonly valueHead?: boolean;
  /** Seed of the initialisation (default 0); two policies built with one seed are identical. */
  readonly seed?: number;
  /** Prefix of the tfjs variable names (made process-unique), default 'token_policy'. */
  readonly name?: string;
}

/** Options of {@link TokenPolicy.tokenLogProbs}. */
export interface TokenLogProbsOptions {
  /** Softmax temperature T > 0: log-probs of softmax(logits / T). Default 1. */
  readonly temperature?: number;
  /** 0/1 mask [B, L] (any numeric dtype or bool): log-probs (and values) are zeroed where it is 0. */
  readonly mask?: tf.Tensor;
}

/** Result of {@link TokenPolicy.tokenLogProbs}; tensors belong to the caller (or its tidy). */
export interface TokenLogProbsResult {
  /**
   * [B, L] float32: entry [b, j] is log pi(tokens[b, j] | tokens[b, 0..j)) for j >= 1, and 0
   * at j = 0 (the first token has no context to be predicted from).
   */
  readonly logProbs: tf.Tensor2D;
  /** [B, L] float32 entropy of the next-token distribution that scores token j (0 at j = 0). */
  readonly entropy: tf.Tensor2D;
  /** [B, L] float32 value of the state in which token j is generated (0 at j = 0); null without a value head. */
  readonly values: tf.Tensor2D | null;
}

/** Options of {@link TokenPolicy.generate}. */
export interface GenerateOptions {
  /** `count * promptLength` prompt token ids, row-major. */
  readonly prompts: Int32Array;
  /** Number of sequences B to generate (one per prompt row). */
  readonly count: number;
  /** Tokens per prompt P (at least 1: the first prediction needs a context). */
  readonly promptLength: number;
  /** Completion slots T per sequence. */
  readonly maxNewTokens: number;
  /** Source of the sampling noise; required unless `greedy`. */
  readonly rng?: RandomSource;
  /** Softmax temperature T > 0 (default 1); the returned log-probs are those of softmax(logits / T). */
  readonly temperature?: number;
  /** Take the most likely token instead of sampling (ties go to the lowest id). Default false. */
  readonly greedy?: boolean;
  /** A completion ends after emitting this id (the id is part of the completion). */
  readonly eosTokenId?: number;
  /** Id written after the end of a finished completion (default `eosTokenId`, else 0). */
  readonly padTokenId?: number;
}

/** Result of {@link TokenPolicy.generate}; all arrays are row-major with `maxNewTokens` slots per sequence. */
export interface GenerateResult {
  /** B*T completion ids; slots after the end hold `padTokenId`. */
  readonly completions: Int32Array;
  /** B completion lengths in [1, T] (including the EOS token when one was emitted). */
  readonly completionLengths: Int32Array;
  /** B*T log-probabilities of the emitted tokens under the sampling distribution; 0 in padding. */
  readonly logProbs: Float32Array;
  /** B*T values of the states the tokens were generated in (0 in padding); null without a value head. */
  readonly values: Float32Array | null;
}

interface StepOutput {
  readonly logits: tf.Tensor2D;
  readonly value: tf.Tensor1D | null;
}

/**
 * Largest id of each token tensor whose ids were read and found in [0, largest]. Tensors are
 * immutable, so a tensor scored again (every optimizer step over one batch) is not downloaded
 * again; a tensor built from an already checked array is entered without a download.
 */
const checkedTokenMax = new WeakMap<tf.Tensor, number>();

/**
 * A tiny autoregressive token policy: token embedding, one GRU layer and a linear head to
 * next-token logits, with an optional scalar value head on the GRU state. Built on its own
 * `tf.Variable`s (orthogonal kernels, zero biases, a 0.01-gain logit head so the initial
 * policy is near uniform), for GRPO and RLHF-style token-level PPO on small tasks.
 *
 * Sequences are right-padded [B, L] int32 tensors; the network is causal, so padding after a
 * sequence never changes the scores of its tokens. Log-probs are aligned with the tokens they
 * score (the convention of `TokenBatch` in `@ppo/buffers`). Save and load the weights with
 * `serializeWeights`/`deserializeWeights` (or `saveWeights`/`loadWeights` of `@ppo/nets/node`)
 * on the policy itself: it exposes its `variables` under stable names.
 *
 * @example
 * ```ts
 * const policy = new TokenPolicy({ vocabSize: 12, hiddenSize: 64, seed: 1 });
 * const out = policy.generate({ prompts, count: 8, promptLength: 4, maxNewTokens: 5, rng, eosTokenId: 11 });
 * const loss = tf.tidy(() => {
 *   const { logProbs } = policy.tokenLogProbs(tokens, { mask });
 *   return tf.neg(tf.sum(logProbs));
 * });
 * ```
 */
export class TokenPolicy {
  /** Number of token ids V. */
  readonly vocabSize: number;
  /** Embedding width E. */
  readonly embeddingSize: number;
  /** GRU state width H. */
  readonly hiddenSize: number;
  /** Whether the policy has a value head. */
  readonly hasValueHead: boolean;
  /**
   * The variables under stable local names (`embedding`, `gru/input_kernel`, `gru/recurrent_kernel`,
   * `gru/input_bias`, `gru/recurrent_bias`, `head/kernel`, `head/bias`, and `value/kernel`,
   * `value/bias` with a value head): the same for two policies with the same options, so
   * weights move between them.
   */
  readonly variables: Readonly<Record<string, tf.Variable>>;
  private disposed = false;

  constructor(options: TokenPolicyOptions) {
    if (typeof options !== 'object' || options === null) throw new PpoTypeError('INVALID_ARGUMENT', `options must be an object, got ${String(options)}`);
    const { vocabSize, embeddingSize = 32, hiddenSize = 64, valueHead = false, seed = 0, name = 'token_policy' } = options;
    checkPositiveInt('vocabSize', vocabSize);
    if (vocabSize < 2) throw new PpoRangeError('INVALID_ARGUMENT', `vocabSize must be at least 2, got ${vocabSize}`);
    checkPositiveInt('embeddingSize', embeddingSize);
    checkPositiveInt('hiddenSize', hiddenSize);
    if (typeof valueHead !== 'boolean') throw new PpoTypeError('INVALID_ARGUMENT', `valueHead must be a boolean, got ${String(valueHead)}`);
    const rng = new Rng(seed);
    const scope = uniqueScope(name);
    this.vocabSize = vocabSize;
    this.embeddingSize = embeddingSize;
    this.hiddenSize = hiddenSize;
    this.hasValueHead = valueHead;
    const h3 = 3 * hiddenSize;
    // Unit-variance embeddings; one orthogonal block per gate, as Keras initialises a GRU.
    const embedding = new Float32Array(vocabSize * embeddingSize);
    for (let i = 0; i < embedding.length; i++) embedding[i] = rng.nextNormal();
    const gateBlocks = (rows: number): Float32Array => {
      const out = new Float32Array(rows * h3);
      for (let g = 0; g < 3; g++) {
        const block = orthogonal(rows, hiddenSize, 1, rng);
        for (let r = 0; r < rows; r++) out.set(block.subarray(r * hiddenSize, (r + 1) * hiddenSize), r * h3 + g * hiddenSize);
      }
      return out;
    };
    const v: Record<string, tf.Variable> = {
      embedding: makeVariable(embedding, [vocabSize, embeddingSize], `${scope}/embedding`),
      'gru/input_kernel': makeVariable(gateBlocks(embeddingSize), [embeddingSize, h3], `${scope}/gru/input_kernel`),
      'gru/recurrent_kernel': makeVariable(gateBlocks(hiddenSize), [hiddenSize, h3], `${scope}/gru/recurrent_kernel`),
      'gru/input_bias': makeVariable(0, [h3], `${scope}/gru/input_bias`),
      'gru/recurrent_bias': makeVariable(0, [h3], `${scope}/gru/recurrent_bias`),
      'head/kernel': makeVariable(orthogonal(hiddenSize, vocabSize, PPO_GAINS.policy, rng), [hiddenSize, vocabSize], `${scope}/head/kernel`),
      'head/bias': makeVariable(0, [vocabSize], `${scope}/head/bias`),
    };
    if (valueHead) {
      v['value/kernel'] = makeVariable(orthogonal(hiddenSize, 1, PPO_GAINS.value, rng), [hiddenSize, 1], `${scope}/value/kernel`);
      v['value/bias'] = makeVariable(0, [1], `${scope}/value/bias`);
    }
    this.variables = v;
  }

  /** The trainable variables in a stable order (for `optimizer.minimize(f, false, varList)`). */
  get trainableVariables(): tf.Variable[] {
    return Object.values(this.variables);
  }

  private checkAlive(): void {
    if (this.disposed) throw new PpoError('INVALID_STATE', 'TokenPolicy: the policy has been disposed');
  }

  /** Input projections x W + b of every token at once: [B, L, 3H]. */
  private inputProjections(tokens: tf.Tensor2D): tf.Tensor3D {
    const [b, l] = tokens.shape;
    const v = this.variables;
    // A one-hot matmul rather than tf.gather: the gradient of gather needs UnsortedSegmentSum,
    // which the wasm backend lacks; with a small vocabulary the matmul is as cheap.
    const oneHot = tf.oneHot(tf.reshape(tokens, [b * l]), this.vocabSize);
    const embedded = tf.matMul(oneHot, v.embedding);
    const projected = tf.add(tf.matMul(embedded, v['gru/input_kernel'] as tf.Tensor2D), v['gru/input_bias']);
    return tf.reshape(projected, [b, l, 3 * this.hiddenSize]);
  }

  /** One GRU step (Cho et al. 2014, the reset gate applied after the recurrent matmul as cuDNN/Keras v3 do). */
  private gruStep(xProj: tf.Tensor2D, h: tf.Tensor2D): tf.Tensor2D {
    const v = this.variables;
    const hProj = tf.add(tf.matMul(h, v['gru/recurrent_kernel'] as tf.Tensor2D), v['gru/recurrent_bias']);
    const [xz, xr, xn] = tf.split(xProj, 3, 1);
    const [hz, hr, hn] = tf.split(hProj, 3, 1);
    const z = tf.sigmoid(tf.add(xz, hz));
    const r = tf.sigmoid(tf.add(xr, hr));
    const n = tf.tanh(tf.add(xn, tf.mul(r, hn)));
    // h' = (1 - z) * n + z * h, written with one fewer op.
    return tf.add<tf.Tensor2D>(n, tf.mul(z, tf.sub(h, n)));
  }

  private heads(h: tf.Tensor2D): StepOutput {
    const v = this.variables;
    const logits = tf.add<tf.Tensor2D>(tf.matMul(h, v['head/kernel']), v['head/bias']);
    const value = this.hasValueHead
      ? tf.reshape<tf.Rank.R1>(tf.add(tf.matMul(h, v['value/kernel']), v['value/bias']), [h.shape[0]])
      : null;
    return { logits, value };
  }

  private checkTokens(tokens: tf.Tensor, where: string): asserts tokens is tf.Tensor2D {
    const candidate: unknown = tokens;
    if (!(candidate instanceof tf.Tensor)) throw new PpoTypeError('INVALID_ARGUMENT', `${where}: tokens must be a tf.Tensor [B, L], got ${typeof candidate}`);
    const shape: readonly number[] = tokens.shape;
    if (shape.length !== 2) throw new PpoRangeError('INVALID_ARGUMENT', `${where}: tokens must have rank 2 [B, L], got shape [${shape.join(', ')}]`);
    if (tokens.dtype !== 'int32') throw new PpoTypeError('INVALID_ARGUMENT', `${where}: tokens must have dtype int32, got ${tokens.dtype}`);
    if (shape[0] < 1 || shape[1] < 1) throw new PpoRangeError('INVALID_ARGUMENT', `${where}: tokens must be non-empty, got shape [${shape.join(', ')}]`);
  }

  /**
   * Next-token logits after every position, [B, L, V] (position j scores token j + 1), and the
   * value of every state [B, L] (null without a value head). Creates tensors: call it inside
   * `tf.tidy` or `optimizer.minimize`. Token ids are not range-checked here (a gather with an
   * id outside [0, V) gives zeros on cpu); {@link tokenLogProbs} checks them.
   */
  forward(tokens: tf.Tensor2D): { logits: tf.Tensor3D; values: tf.Tensor2D | null } {
    this.checkAlive();
    this.checkTokens(tokens, 'TokenPolicy.forward');
    const [b, l] = tokens.shape;
    const xProj = this.inputProjections(tokens);
    const steps = tf.unstack(xProj, 1) as tf.Tensor2D[];
    let h = tf.zeros<tf.Rank.R2>([b, this.hiddenSize]);
    const states: tf.Tensor2D[] = [];
    for (let t = 0; t < l; t++) {
      h = this.gruStep(steps[t], h);
      states.push(h);
    }
    const all = tf.reshape<tf.Rank.R2>(tf.stack(states, 1), [b * l, this.hiddenSize]);
    const { logits, value } = this.heads(all);
    return {
      logits: tf.reshape(logits, [b, l, this.vocabSize]),
      values: value === null ? null : tf.reshape<tf.Rank.R2>(value, [b, l]),
    };
  }

  /**
   * Per-token log-probabilities of given sequences under the policy (teacher forcing), with
   * the entropies of the scoring distributions and the values (see
   * {@link TokenLogProbsResult} for the alignment). Differentiable; creates tensors, so call it
   * inside `tf.tidy` or `optimizer.minimize`. Summing `logProbs` over a sequence's completion
   * positions gives the log-likelihood of the completion given its prompt.
   *
   * @param tokens - int32 [B, L], ids in [0, V), right-padded. The ids are read to check them
   *   the first time a tensor is scored, not again when the same tensor is scored later (as in
   *   every optimizer step over one batch).
   * @throws TypeError / RangeError naming the argument: wrong rank or dtype, an id outside
   *   [0, V), a mask of another shape, a bad temperature.
   */
  tokenLogProbs(tokens: tf.Tensor2D, options: TokenLogProbsOptions = {}): TokenLogProbsResult {
    this.checkAlive();
    this.checkTokens(tokens, 'TokenPolicy.tokenLogProbs');
    const { temperature = 1, mask } = options;
    checkTemperature(temperature);
    if (mask !== undefined) {
      if (!(mask instanceof tf.Tensor) || mask.rank !== 2 || mask.shape[0] !== tokens.shape[0] || mask.shape[1] !== tokens.shape[1]) {
        throw new PpoRangeError('INVALID_ARGUMENT', `TokenPolicy.tokenLogProbs: mask must be a tensor of shape [${tokens.shape.join(', ')}], got ${mask instanceof tf.Tensor ? `[${mask.shape.join(', ')}]` : String(mask)}`);
      }
    }
    const checkedMax = checkedTokenMax.get(tokens);
    if (checkedMax === undefined || checkedMax >= this.vocabSize) {
      checkedTokenMax.set(tokens, this.checkIds(tokens.dataSync(), 'TokenPolicy.tokenLogProbs: tokens'));
    }
    const [b, l] = tokens.shape;
    if (l < 2) throw new PpoRangeError('INVALID_ARGUMENT', `TokenPolicy.tokenLogProbs: tokens need L >= 2 positions (the first token is only context), got shape [${b}, ${l}]`);
    const parts = tf.tidy(() => {
      const { logits, values } = this.forward(tokens);
      const scored = gatherTokenLogProbs(logits, tokens, temperature);
      const keep = mask === undefined ? null : tf.cast(mask, 'float32');
      const masked = (x: tf.Tensor2D): tf.Tensor2D => (keep === null ? x : tf.mul<tf.Tensor2D>(x, keep));
      // The value of the state that generates token j comes from position j - 1, as its logits.
      const shiftedValues = values === null ? null : padFront(tf.slice(values, [0, 0], [b, l - 1]));
      const out = [masked(scored.logProbs), masked(scored.entropy)];
      if (shiftedValues !== null) out.push(masked(shiftedValues));
      return out;
    });
    return { logProbs: parts[0], entropy: parts[1], values: parts[2] ?? null };
  }

  /**
   * Typed-array convenience around {@link tokenLogProbs}: one tidy and one download (the ids
   * are checked on the host).
   *
   * @param tokens - `count * length` ids, row-major.
   * @returns `{ logProbs, values }`, each `count * length` (values null without a value head).
   */
  scoreSequences(tokens: Int32Array, count: number, length: number, options: { temperature?: number } = {}): { logProbs: Float32Array; values: Float32Array | null } {
    checkPositiveInt('count', count);
    checkPositiveInt('length', length);
    if (!(tokens instanceof Int32Array) || tokens.length !== count * length) {
      throw new PpoRangeError('INVALID_ARGUMENT', `tokens must be an Int32Array of count * length = ${count * length} ids, got ${tokens instanceof Int32Array ? `length ${tokens.length}` : String(tokens)}`);
    }
    const max = this.checkIds(tokens, 'TokenPolicy.scoreSequences: tokens');
    const data = tf.tidy(() => {
      const t = tf.tensor2d(tokens, [count, length], 'int32');
      checkedTokenMax.set(t, max);
      const out = this.tokenLogProbs(t, options);
      return (out.values === null ? out.logProbs : tf.concat([out.logProbs, out.values], 0)).dataSync() as Float32Array;
    });
    const size = count * length;
    return { logProbs: data.slice(0, size), values: this.hasValueHead ? data.slice(size) : null };
  }

  /** Throws unless every id is in [0, V); returns the largest. */
  private checkIds(ids: ArrayLike<number>, what: string): number {
    let max = 0;
    for (let k = 0; k < ids.length; k++) {
      if (!(ids[k] >= 0 && ids[k] < this.vocabSize)) {
        throw new PpoRangeError('INVALID_ARGUMENT', `${what} must be ids in [0, ${this.vocabSize}), got ${ids[k]} at flat index ${k}`);
      }
      if (ids[k] > max) max = ids[k];
    }
    return max;
  }

  /**
   * Samples completions autoregressively (one GRU step and one download per token), reading
   * each prompt token by token first. Deterministic given the state of `rng` and the weights.
   *
   * @throws RangeError naming the argument: bad sizes, prompt ids outside [0, V), a bad
   *   temperature or EOS/pad id.
   */
  generate(options: GenerateOptions): GenerateResult {
    this.checkAlive();
    const { prompts, count, promptLength, maxNewTokens, rng, temperature = 1, greedy = false, eosTokenId } = options;
    checkPositiveInt('count', count);
    checkPositiveInt('promptLength', promptLength);
    checkPositiveInt('maxNewTokens', maxNewTokens);
    checkTemperature(temperature);
    if (!(prompts instanceof Int32Array) || prompts.length !== count * promptLength) {
      throw new PpoRangeError('INVALID_ARGUMENT', `prompts must be an Int32Array of count * promptLength = ${count * promptLength} ids, got ${prompts instanceof Int32Array ? `length ${prompts.length}` : String(prompts)}`);
    }
    for (let k = 0; k < prompts.length; k++) {
      if (!Number.isInteger(prompts[k]) || prompts[k] < 0 || prompts[k] >= this.vocabSize) {
        throw new PpoRangeError('INVALID_ARGUMENT', `prompts must hold ids in [0, ${this.vocabSize}), got ${prompts[k]} at index ${k}`);
      }
    }
    const checkId = (name: string, id: number | undefined): void => {
      if (id !== undefined && (!Number.isInteger(id) || id < 0 || id >= this.vocabSize)) {
        throw new PpoRangeError('INVALID_ARGUMENT', `${name} must be an id in [0, ${this.vocabSize}), got ${String(id)}`);
      }
    };
    checkId('eosTokenId', eosTokenId);
    checkId('padTokenId', options.padTokenId);
    const padTokenId = options.padTokenId ?? eosTokenId ?? 0;
    if (!greedy && (typeof rng !== 'object' || rng === null || typeof rng.nextUint32 !== 'function')) {
      throw new PpoTypeError('INVALID_ARGUMENT', `rng must be a RandomSource when sampling (greedy false), got ${rng === null ? 'null' : typeof rng}`);
    }

    const v = this.vocabSize;
    const completions = new Int32Array(count * maxNewTokens).fill(padTokenId);
    const logProbs = new Float32Array(count * maxNewTokens);
    const values = this.hasValueHead ? new Float32Array(count * maxNewTokens) : null;
    const lengths = new Int32Array(count);
    const done = new Uint8Array(count);
    const current = new Int32Array(count);
    const probs = new Float64Array(v);

    // Read the prompt; the state after its last token generates the first completion token.
    let h = tf.tidy(() => {
      const xProj = this.inputProjections(tf.tensor2d(prompts, [count, promptLength], 'int32'));
      let state = tf.zeros<tf.Rank.R2>([count, this.hiddenSize]);
      for (const x of tf.unstack(xProj, 1) as tf.Tensor2D[]) state = this.gruStep(x, state);
      return state;
    });
    try {
      for (let t = 0; t < maxNewTokens; t++) {
        const [logpT, valueT] = tf.tidy(() => {
          const { logits, value } = this.heads(h);
          const logp = tf.logSoftmax(temperature === 1 ? logits : tf.div(logits, temperature));
          return value === null ? [logp] : [logp, value];
        });
        const logp = logpT.dataSync();
        const vals = valueT?.dataSync();
        logpT.dispose();
        valueT?.dispose();
        let alive = 0;
        for (let i = 0; i < count; i++) {
          if (done[i] === 1) continue;
          const row = i * v;
          let token = 0;
          if (greedy) {
            for (let a = 1; a < v; a++) if (logp[row + a] > logp[row + token]) token = a;
          } else {
            // Inverse-CDF sampling in float64 from the float32 log-probs.
            let total = 0;
            for (let a = 0; a < v; a++) {
              probs[a] = exp(logp[row + a]);
              total += probs[a];
            }
            let u = openUniform(rng as RandomSource) * total;
            token = v - 1;
            for (let a = 0; a < v; a++) {
              u -= probs[a];
              if (u < 0) {
                token = a;
                break;
              }
            }
          }
          const k = i * maxNewTokens + t;
          completions[k] = token;
          logProbs[k] = logp[row + token];
          if (values !== null && vals !== undefined) values[k] = vals[i];
          lengths[i] = t + 1;
          current[i] = token;
          if (token === eosTokenId) done[i] = 1;
          else alive += 1;
        }
        if (alive === 0 || t === maxNewTokens - 1) break;
        const next = tf.tidy(() => this.gruStep(this.inputProjections(tf.tensor2d(current, [count, 1], 'int32')).reshape([count, 3 * this.hiddenSize]), h));
        h.dispose();
        h = next;
      }
    } finally {
      h.dispose();
    }
    return { completions, completionLengths: lengths, logProbs, values };
  }

  /** Releases the variables; the policy cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const variable of Object.values(this.variables)) variable.dispose();
  }
}
