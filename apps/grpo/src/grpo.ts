/**
 * GRPO (DeepSeekMath, arXiv:2402.03300, section 4.1) and three common variants, composed from
 * the building blocks: `TokenPolicy` (@ppo/nets) samples G completions per prompt,
 * `groupRelativeAdvantages` (@ppo/gae) turns outcome rewards into advantages, `TokenBatch`
 * (@ppo/buffers) pads the sequences, and `grpoLoss` (@ppo/core) gives the clipped per-token
 * objective with the k3 KL to a frozen reference policy.
 */
import * as tf from '@tensorflow/tfjs';
import { completionColumns, joinPromptsAndCompletions, Rng, TokenBatch } from '@ppo/buffers';
import { type ClipRange, grpoLoss, type GrpoAggregation, type GrpoLossResult } from '@ppo/core';
import { groupRelativeAdvantages, type GroupScale } from '@ppo/gae';
import { deserializeWeights, serializeWeights, TokenPolicy } from '@ppo/nets';
import { DEFAULT_SORT_RUN_OPTIONS, greedyAccuracy, pretrain, SortTask, type SortRunOptions } from '@ppo/example-kit/sort-task';

/** The algorithm variants, selected with `--variant`. */
export type Variant = 'grpo' | 'beta0' | 'dr-grpo' | 'dapo';

/** What each variant changes (DeepSeekMath GRPO is the base). */
export const VARIANTS: Readonly<Record<Variant, { scale: GroupScale; aggregation: GrpoAggregation; clipRange: ClipRange; beta?: number }>> = {
  // Group std scaling, mean over each completion's tokens then over completions.
  grpo: { scale: 'group', aggregation: 'sequence-mean', clipRange: 0.2 },
  // No reference model (and no KL term).
  beta0: { scale: 'group', aggregation: 'sequence-mean', clipRange: 0.2, beta: 0 },
  // Dr. GRPO: no std scaling, constant normaliser (B * max completion length).
  'dr-grpo': { scale: 'none', aggregation: 'fixed-length', clipRange: 0.2 },
  // DAPO: clip-higher (eps_high 0.28) and the token-mean over the whole batch.
  dapo: { scale: 'group', aggregation: 'token-mean', clipRange: { low: 0.2, high: 0.28 } },
};

/** The KL weight of a run: `beta` when given, else the variant's own (0 for beta0), else 0.04. */
export function variantBeta(variant: Variant, beta?: number): number {
  return beta ?? VARIANTS[variant].beta ?? 0.04;
}

/** Advantages of B = `rewards.length` completions in contiguous groups of `groupSize`, scaled as `variant` says. */
export function variantAdvantages(variant: Variant, rewards: Float32Array, groupSize: number): Float32Array {
  return groupRelativeAdvantages(rewards, groupSize, { scale: VARIANTS[variant].scale });
}

/** Inputs of {@link variantLoss}: token tensors are [B, L] as in `grpoLoss` of @ppo/core. */
export interface VariantLossInput {
  readonly logProbs: tf.Tensor;
  readonly oldLogProbs: tf.Tensor;
  /** Required when the KL weight is above 0. */
  readonly refLogProbs?: tf.Tensor;
  /** [B], from {@link variantAdvantages}. */
  readonly advantages: tf.Tensor;
  readonly mask: tf.Tensor;
  /** Completion slots, the constant normaliser's length of Dr. GRPO. */
  readonly maxNewTokens: number;
  /** KL weight; default {@link variantBeta}. */
  readonly beta?: number;
}

/** `grpoLoss` with the clip range, aggregation and KL weight of `variant`; the caller disposes the result. */
export function variantLoss(variant: Variant, input: VariantLossInput): GrpoLossResult {
  const v = VARIANTS[variant];
  return grpoLoss({
    logProbs: input.logProbs,
    oldLogProbs: input.oldLogProbs,
    refLogProbs: input.refLogProbs,
    advantages: input.advantages,
    mask: input.mask,
    clipRange: v.clipRange,
    beta: variantBeta(variant, input.beta),
    aggregation: v.aggregation,
    ...(v.aggregation === 'fixed-length' ? { maxLength: input.maxNewTokens } : {}),
  });
}

/** Options of {@link runGrpo}. */
export interface GrpoOptions extends SortRunOptions {
  readonly variant: Variant;
  /** Prompts per iteration. */
  readonly prompts: number;
  /** Completions per prompt (G). */
  readonly groupSize: number;
  /** Gradient steps on each sampled batch (mu in DeepSeekMath). */
  readonly updatesPerBatch: number;
  readonly learningRate: number;
  /** KL weight (default: 0.04, or 0 for the beta0 variant). */
  readonly beta?: number;
  /** Called with every iteration's metrics (and once for the pre-trained model, iteration 0). */
  readonly onIteration?: (m: IterationMetrics) => void;
}

/** Defaults of the full run (tuned on 2 CPU cores, wasm backend). */
export const DEFAULT_GRPO_OPTIONS: GrpoOptions = {
  ...DEFAULT_SORT_RUN_OPTIONS,
  variant: 'grpo',
  prompts: 16,
  groupSize: 8,
  updatesPerBatch: 2,
  learningRate: 2e-3,
};

/** One row of the learning curve. */
export interface IterationMetrics {
  readonly iteration: number;
  readonly seconds: number;
  /** Mean outcome reward of the sampled completions. */
  readonly reward: number;
  /** Greedy accuracy on the held-out prompts. */
  readonly accuracy: number;
  /** Mean k3 KL to the reference over completion tokens (NaN without a reference). */
  readonly kl: number;
  readonly clipFraction: number;
}

/** Result of {@link runGrpo}. */
export interface GrpoResult {
  readonly options: Omit<GrpoOptions, 'onIteration'>;
  readonly pretrainSteps: number;
  readonly pretrainSeconds: number;
  readonly accuracyBefore: number;
  readonly accuracyAfter: number;
  /** Seconds of GRPO until the target accuracy was first reached (null if never). */
  readonly secondsToTarget: number | null;
  readonly history: IterationMetrics[];
}

/** Pre-trains a small policy on the sorting task, then improves it with the chosen GRPO variant. */
export function runGrpo(partial: Partial<GrpoOptions> = {}): GrpoResult {
  const o: GrpoOptions = { ...DEFAULT_GRPO_OPTIONS, ...partial };
  if (!(o.variant in VARIANTS)) throw new RangeError(`variant must be one of ${Object.keys(VARIANTS).join(', ')}, got ${String(o.variant)}`);
  const beta = variantBeta(o.variant, o.beta);
  const task = new SortTask({ digits: o.digits });
  const rng = new Rng(o.seed);
  const evalPrompts = task.samplePrompts(new Rng(o.seed + 7919), o.evalPrompts);
  const policyOptions = { vocabSize: task.vocabSize, hiddenSize: o.hiddenSize, embeddingSize: o.embeddingSize, seed: o.seed };
  const policy = new TokenPolicy(policyOptions);
  let reference: TokenPolicy | null = null;
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
    if (beta > 0) {
      // The frozen reference: a copy of the pre-trained weights through the weights I/O.
      reference = new TokenPolicy(policyOptions);
      deserializeWeights(serializeWeights(policy), reference);
    }
    const history: IterationMetrics[] = [{ iteration: 0, seconds: 0, reward: Number.NaN, accuracy: warm.accuracy, kl: 0, clipFraction: 0 }];
    o.onIteration?.(history[0]);
    const start = performance.now();
    const g = o.groupSize;
    const count = o.prompts * g;
    const p = task.promptLength;
    const t = task.maxNewTokens;
    const length = p + t;
    let secondsToTarget: number | null = null;
    let accuracy = warm.accuracy;
    for (let iteration = 1; iteration <= o.iterations; iteration++) {
      if ((performance.now() - start) / 60_000 >= o.minutes) break;
      // G copies of each prompt, in contiguous groups.
      const unique = task.samplePrompts(rng, o.prompts);
      const prompts = new Int32Array(count * p);
      for (let i = 0; i < count; i++) prompts.set(unique.subarray(Math.floor(i / g) * p, (Math.floor(i / g) + 1) * p), i * p);
      const sample = policy.generate({ prompts, count, promptLength: p, maxNewTokens: t, rng, temperature: o.temperature, eosTokenId: task.eosTokenId });
      const rewards = task.rewards(prompts, sample.completions, sample.completionLengths, t);
      const advantages = variantAdvantages(o.variant, rewards, g);
      const layout = { promptLength: p, slots: t };
      // The reference scores the sampled rows; its log-probs of the completion slots feed the KL term.
      const refLogProbs =
        reference === null
          ? undefined
          : completionColumns(reference.scoreSequences(joinPromptsAndCompletions(prompts, sample.completions, layout), count, length, { temperature: o.temperature }).logProbs, layout);
      const batch = TokenBatch.fromCompletions(
        { prompts, promptLength: p, completions: sample.completions, completionLengths: sample.completionLengths, slots: t, oldLogProbs: sample.logProbs, refLogProbs, rewards },
        { maxLength: length, vocabSize: task.vocabSize, groupSize: g, padTokenId: task.eosTokenId },
      );
      let kl = Number.NaN;
      let clipFraction = 0;
      tf.tidy(() => {
        const tokens = tf.tensor2d(batch.tokens, batch.shape, 'int32');
        const oldLogProbs = tf.tensor2d(batch.oldLogProbs, batch.shape);
        const refLogProbs = batch.refLogProbs === null ? undefined : tf.tensor2d(batch.refLogProbs, batch.shape);
        const mask = tf.tensor2d(batch.lossMask, batch.shape);
        const adv = tf.tensor1d(advantages);
        for (let u = 0; u < o.updatesPerBatch; u++) {
          optimizer.minimize(
            () => {
              const { logProbs } = policy.tokenLogProbs(tokens, { temperature: o.temperature });
              const out = variantLoss(o.variant, { logProbs, oldLogProbs, refLogProbs, advantages: adv, mask, maxNewTokens: t, beta });
              if (u === o.updatesPerBatch - 1) {
                clipFraction = out.metrics.clipFraction.dataSync()[0];
                if (out.metrics.kl !== undefined) kl = out.metrics.kl.dataSync()[0];
              }
              return out.loss;
            },
            false,
            policy.trainableVariables,
          );
        }
      });
      accuracy = greedyAccuracy(policy, task, evalPrompts);
      const seconds = (performance.now() - start) / 1000;
      const m: IterationMetrics = { iteration, seconds, reward: rewards.reduce((s, x) => s + x, 0) / count, accuracy, kl, clipFraction };
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
    reference?.dispose();
  }
}
