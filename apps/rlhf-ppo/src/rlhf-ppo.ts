/**
 * RLHF-style token-level PPO (Ziegler et al. 2019; Ouyang et al. 2022) on the digit-sorting
 * task, composed from the building blocks: each completion token is one PPO step, the
 * per-token reward is -beta * KL_t(pi_old || pi_ref) plus the outcome reward on the last token,
 * advantages come from `gae` (@ppo/gae) over token positions (numEnvs = batch, time = token
 * position, terminated at the end of each completion), and the update is `clippedSurrogate` +
 * `valueLoss` (@ppo/core) with a value head on the `TokenPolicy` (@ppo/nets).
 */
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_SORT_RUN_OPTIONS, greedyAccuracy, pretrain, SortTask, type SortRunOptions } from '@ppo/example-kit/sort-task';
import { completionColumns, joinPromptsAndCompletions, Rng, TokenBatch } from '@ppo/buffers';
import { clippedSurrogate, normalizeAdvantages, valueLoss } from '@ppo/core';
import { gae } from '@ppo/gae';
import { deserializeWeights, serializeWeights, TokenPolicy } from '@ppo/nets';

/** Options of {@link runRlhfPpo}. */
export interface RlhfPpoOptions extends SortRunOptions {
  /** Completions sampled per iteration (one per prompt). */
  readonly batchSize: number;
  /** PPO epochs over each batch. */
  readonly epochs: number;
  /** Minibatches per epoch. */
  readonly minibatches: number;
  readonly learningRate: number;
  /** Weight of the per-token KL penalty in the reward. */
  readonly beta: number;
  readonly gamma: number;
  readonly lambda: number;
  readonly clipRange: number;
  readonly valueCoef: number;
  readonly onIteration?: (m: RlhfIterationMetrics) => void;
}

/** Defaults of the full run. */
export const DEFAULT_RLHF_OPTIONS: RlhfPpoOptions = {
  ...DEFAULT_SORT_RUN_OPTIONS,
  batchSize: 128,
  epochs: 2,
  minibatches: 2,
  learningRate: 2e-3,
  beta: 0.02,
  gamma: 1,
  lambda: 0.95,
  clipRange: 0.2,
  valueCoef: 0.5,
};

/** One row of the learning curve. */
export interface RlhfIterationMetrics {
  readonly iteration: number;
  readonly seconds: number;
  /** Mean outcome reward of the sampled completions. */
  readonly reward: number;
  /** Greedy accuracy on held-out prompts. */
  readonly accuracy: number;
  /** Mean per-token k1 KL(pi_old || pi_ref) of the sampled completions. */
  readonly kl: number;
  readonly policyLoss: number;
  readonly valueLoss: number;
  readonly clipFraction: number;
}

/** Result of {@link runRlhfPpo}. */
export interface RlhfPpoResult {
  readonly options: Omit<RlhfPpoOptions, 'onIteration'>;
  readonly pretrainSteps: number;
  readonly pretrainSeconds: number;
  readonly accuracyBefore: number;
  readonly accuracyAfter: number;
  readonly secondsToTarget: number | null;
  readonly history: RlhfIterationMetrics[];
}

/** Inputs of {@link tokenAdvantages}; per-token arrays are B x `slots`, row-major (row i = completion i). */
export interface TokenAdvantagesInput {
  /** log pi_old of the sampled tokens. */
  readonly logProbs: Float32Array;
  /** log pi_ref of the same tokens under the frozen reference policy. */
  readonly refLogProbs: Float32Array;
  /** V_old of the state each token was generated in. */
  readonly values: Float32Array;
  /** B completion lengths in [1, slots]; slots after a completion's end are ignored. */
  readonly lengths: Int32Array;
  /** B outcome rewards, paid on the last token of each completion. */
  readonly outcomeRewards: Float32Array;
  readonly slots: number;
  /** Weight of the per-token KL penalty. */
  readonly beta: number;
  readonly gamma: number;
  readonly lambda: number;
}

/**
 * Per-token rewards of RLHF-style PPO and their GAE advantages: token j of completion i is
 * one step of a vectorized rollout (numEnvs = B, time = token position) with reward
 * `-beta * (logProbs - refLogProbs)` (the k1 estimate of KL(pi_old || pi_ref) at that token),
 * plus the outcome reward on the last token, which is `terminated`. Slots after the end are
 * terminated steps with zero reward and value, so their advantages are 0 and nothing crosses
 * the end of a completion.
 *
 * @returns advantages and returns (B x slots, row-major; 0 after each end) and the mean KL per token.
 */
export function tokenAdvantages(input: TokenAdvantagesInput): { advantages: Float32Array; returns: Float32Array; meanKl: number } {
  const { logProbs, refLogProbs, values, lengths, outcomeRewards, slots, beta } = input;
  const b = lengths.length;
  const n = b * slots;
  for (const [name, a] of [['logProbs', logProbs], ['refLogProbs', refLogProbs], ['values', values]] as const) {
    if (a.length !== n) throw new RangeError(`${name} must have lengths.length * slots = ${n} entries, got ${a.length}`);
  }
  if (outcomeRewards.length !== b) throw new RangeError(`outcomeRewards must have ${b} entries, got ${outcomeRewards.length}`);
  // gae() takes time-major arrays: index j * B + i.
  const rewards = new Float32Array(n);
  const vals = new Float32Array(n);
  const nextValues = new Float32Array(n);
  const terminated = new Uint8Array(n).fill(1);
  let klSum = 0;
  let tokens = 0;
  for (let i = 0; i < b; i++) {
    const len = lengths[i];
    if (!Number.isInteger(len) || len < 1 || len > slots) throw new RangeError(`lengths[${i}] must be an integer in [1, ${slots}], got ${len}`);
    for (let j = 0; j < len; j++) {
      const k = j * b + i;
      const kl = logProbs[i * slots + j] - refLogProbs[i * slots + j];
      klSum += kl;
      tokens += 1;
      const last = j === len - 1;
      rewards[k] = -beta * kl + (last ? outcomeRewards[i] : 0);
      vals[k] = values[i * slots + j];
      terminated[k] = last ? 1 : 0;
      nextValues[k] = last ? 0 : values[i * slots + j + 1];
    }
  }
  const timeMajor = gae({ rewards, values: vals, nextValues, terminated, truncated: new Uint8Array(n), numEnvs: b, gamma: input.gamma, lambda: input.lambda });
  const advantages = new Float32Array(n);
  const returns = new Float32Array(n);
  for (let i = 0; i < b; i++) {
    for (let j = 0; j < lengths[i]; j++) {
      advantages[i * slots + j] = timeMajor.advantages[j * b + i];
      returns[i * slots + j] = timeMajor.returns[j * b + i];
    }
  }
  return { advantages, returns, meanKl: klSum / tokens };
}

/** Pre-trains a small policy with a value head on the sorting task, then runs token-level PPO. */
export function runRlhfPpo(partial: Partial<RlhfPpoOptions> = {}): RlhfPpoResult {
  const o: RlhfPpoOptions = { ...DEFAULT_RLHF_OPTIONS, ...partial };
  if (!Number.isInteger(o.batchSize / o.minibatches)) throw new RangeError(`batchSize (${o.batchSize}) must be a multiple of minibatches (${o.minibatches})`);
  const task = new SortTask({ digits: o.digits });
  const rng = new Rng(o.seed);
  const evalPrompts = task.samplePrompts(new Rng(o.seed + 7919), o.evalPrompts);
  const policyOptions = { vocabSize: task.vocabSize, hiddenSize: o.hiddenSize, embeddingSize: o.embeddingSize, valueHead: true, seed: o.seed };
  const policy = new TokenPolicy(policyOptions);
  const reference = new TokenPolicy(policyOptions);
  const optimizer = tf.train.adam(o.learningRate);
  try {
    const pretrainStart = performance.now();
    const warm = pretrain(policy, task, {
      rng: rng.fork(),
      evalPrompts,
      targetAccuracy: o.pretrainAccuracy,
      maxAccuracy: o.maxStartAccuracy,
      maxSteps: o.pretrainMaxSteps,
      batchSize: 64,
      learningRate: 3e-3,
    });
    const pretrainSeconds = (performance.now() - pretrainStart) / 1000;
    deserializeWeights(serializeWeights(policy), reference);
    const history: RlhfIterationMetrics[] = [
      { iteration: 0, seconds: 0, reward: Number.NaN, accuracy: warm.accuracy, kl: 0, policyLoss: Number.NaN, valueLoss: Number.NaN, clipFraction: 0 },
    ];
    o.onIteration?.(history[0]);
    const b = o.batchSize;
    const p = task.promptLength;
    const t = task.maxNewTokens;
    const length = p + t;
    // The same per-token quantities in the [B, L] layout of the token batch.
    const advantagesBl = new Float32Array(b * length);
    const returnsBl = new Float32Array(b * length);
    const oldValuesBl = new Float32Array(b * length);
    const start = performance.now();
    let accuracy = warm.accuracy;
    let secondsToTarget: number | null = null;
    const mbSize = b / o.minibatches;
    for (let iteration = 1; iteration <= o.iterations; iteration++) {
      if ((performance.now() - start) / 60_000 >= o.minutes) break;
      const prompts = task.samplePrompts(rng, b);
      const sample = policy.generate({ prompts, count: b, promptLength: p, maxNewTokens: t, rng, temperature: o.temperature, eosTokenId: task.eosTokenId });
      const outcome = task.rewards(prompts, sample.completions, sample.completionLengths, t);
      const layout = { promptLength: p, slots: t };
      const refCompletion = completionColumns(
        reference.scoreSequences(joinPromptsAndCompletions(prompts, sample.completions, layout), b, length, { temperature: o.temperature }).logProbs,
        layout,
      );
      const values = sample.values as Float32Array;
      const { advantages, returns, meanKl } = tokenAdvantages({
        logProbs: sample.logProbs,
        refLogProbs: refCompletion,
        values,
        lengths: sample.completionLengths,
        outcomeRewards: outcome,
        slots: t,
        beta: o.beta,
        gamma: o.gamma,
        lambda: o.lambda,
      });
      const batch = TokenBatch.fromCompletions(
        { prompts, promptLength: p, completions: sample.completions, completionLengths: sample.completionLengths, slots: t, oldLogProbs: sample.logProbs, rewards: outcome },
        { maxLength: length, vocabSize: task.vocabSize, padTokenId: task.eosTokenId },
      );
      batch.scatterCompletionSlots(advantages, t, advantagesBl);
      batch.scatterCompletionSlots(returns, t, returnsBl);
      batch.scatterCompletionSlots(values, t, oldValuesBl);
      let policyLossValue = 0;
      let valueLossValue = 0;
      let clipFraction = 0;
      const order = new Int32Array(b);
      for (let epoch = 0; epoch < o.epochs; epoch++) {
        rng.permutation(b, order);
        for (let mb = 0; mb < o.minibatches; mb++) {
          const rows = order.subarray(mb * mbSize, (mb + 1) * mbSize);
          const part = batch.select(rows);
          const pick = (src: Float32Array): Float32Array => {
            const out = new Float32Array(mbSize * length);
            rows.forEach((r, q) => out.set(src.subarray(r * length, (r + 1) * length), q * length));
            return out;
          };
          const shape: [number, number] = [mbSize, length];
          tf.tidy(() => {
            const tokensT = tf.tensor2d(part.tokens, shape, 'int32');
            const mask = tf.tensor2d(part.lossMask, shape);
            const oldLogProbs = tf.tensor2d(part.oldLogProbs, shape);
            const adv = normalizeAdvantages(tf.tensor2d(pick(advantagesBl), shape), { mask });
            const ret = tf.tensor2d(pick(returnsBl), shape);
            const oldValues = tf.tensor2d(pick(oldValuesBl), shape);
            optimizer.minimize(
              () => {
                const out = policy.tokenLogProbs(tokensT, { temperature: o.temperature, mask });
                const pg = clippedSurrogate({ logProbs: out.logProbs, oldLogProbs, advantages: adv, clipRange: o.clipRange, mask });
                const vf = valueLoss({ values: out.values as tf.Tensor2D, returns: ret, oldValues, clipRange: o.clipRange, mask });
                policyLossValue = pg.loss.dataSync()[0];
                valueLossValue = vf.loss.dataSync()[0];
                clipFraction = pg.metrics.clipFraction.dataSync()[0];
                return tf.add<tf.Scalar>(pg.loss, tf.mul(vf.loss, o.valueCoef));
              },
              false,
              policy.trainableVariables,
            );
          });
        }
      }
      accuracy = greedyAccuracy(policy, task, evalPrompts);
      const seconds = (performance.now() - start) / 1000;
      const m: RlhfIterationMetrics = {
        iteration,
        seconds,
        reward: outcome.reduce((s, x) => s + x, 0) / b,
        accuracy,
        kl: meanKl,
        policyLoss: policyLossValue,
        valueLoss: valueLossValue,
        clipFraction,
      };
      history.push(m);
      o.onIteration?.(m);
      if (accuracy >= o.targetAccuracy) {
        secondsToTarget = seconds;
        break;
      }
    }
    const { onIteration: _onIteration, ...options } = o;
    return { options, pretrainSteps: warm.steps, pretrainSeconds, accuracyBefore: warm.accuracy, accuracyAfter: accuracy, secondsToTarget, history };
  } finally {
    optimizer.dispose();
    policy.dispose();
    reference.dispose();
  }
}
