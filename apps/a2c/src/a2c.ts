/**
 * A2C (synchronous advantage actor-critic, Mnih et al. 2016) as components of the PPO trainer:
 * its rollout phase (`collectRollout`, run by `PPO`), n-step returns from GAE with lambda 1, its
 * own objective (policy gradient + value + entropy, no ratio, no clipping), and RMSprop; one
 * update of one epoch over one minibatch per rollout. No loop of its own.
 * Defaults are Stable-Baselines3's A2C (`stable_baselines3/a2c/a2c.py`: PyTorch RMSprop lr 7e-4,
 * alpha 0.99, eps 1e-5; 5 steps; lambda 1; vf_coef 0.5; ent_coef 0; max_grad_norm 0.5; no
 * advantage normalisation) with RL Zoo's CartPole-v1 settings (`hyperparams/a2c.yml`: 8 envs,
 * ent_coef 0).
 */
import * as tf from '@tensorflow/tfjs';
import {
  entropyBonus,
  policyGradientLoss,
  RmsProp,
  valueLoss,
  type LossResult,
  type Objective,
  type ObjectiveBatch,
} from '@ppo/core';
import { gaeEstimator } from '@ppo/gae';
import { PPO, StopOnReward, type CallbackContext } from '@ppo/trainer';

/** The A2C loss: `-mean(log pi(a|s) A) + vfCoef * 0.5 * mean((V - R)^2) - entCoef * mean(H)`. */
export class A2CObjective implements Objective {
  constructor(private readonly coefficients: { readonly vfCoef: number; readonly entCoef: number }) {}

  compute(batch: ObjectiveBatch): LossResult {
    return tf.tidy(() => {
      const policy = policyGradientLoss({ logProbs: batch.logProbs, advantages: batch.advantages });
      const value = valueLoss({ values: batch.values, returns: batch.returns });
      const entropy = entropyBonus({ entropy: batch.entropy });
      const loss = tf.addN([policy.loss, tf.mul(this.coefficients.vfCoef, value.loss), tf.mul(this.coefficients.entCoef, entropy.loss)]) as tf.Scalar;
      return { loss, metrics: { policyLoss: policy.loss, valueLoss: value.loss, entropy: entropy.metrics.entropy, loss: tf.clone(loss) } };
    });
  }
}

/** Settings of {@link trainA2C}; everything but `totalSteps` has a default. */
export interface A2COptions {
  totalSteps: number;
  seed?: number; envId?: string; numEnvs?: number; numSteps?: number;
  learningRate?: number; gamma?: number; gaeLambda?: number;
  /** Weight of core's valueLoss (0.5 * MSE), so 1 equals SB3's vf_coef 0.5 on the plain MSE. */
  vfCoef?: number;
  entCoef?: number; maxGradNorm?: number;
  /** RMSprop smoothing constant and epsilon (PyTorch's form, `RmsProp` of @ppo/core). */
  rmspropAlpha?: number; rmspropEps?: number;
  /** Stop once the mean return of the last `window` episodes reaches this. */
  solvedAt?: number; window?: number;
  onUpdate?: (progress: A2CProgress) => void;
}

/** What one update reports; `meanReturn` (of the last `window` episodes) is NaN before the first finished episode. */
export interface A2CProgress {
  step: number; updates: number; episodes: number; meanReturn: number;
  loss: number; policyLoss: number; valueLoss: number; entropy: number;
}

/** The final progress, every episode's return and the trained policy's weights (by variable name). */
export interface A2CResult extends A2CProgress {
  solved: boolean;
  /** The env step at which the mean of the last `window` returns first reached `solvedAt` (null if never). */
  stepsToSolve: number | null;
  returns: number[];
  weights: Map<string, Float32Array>;
}

/**
 * Trains A2C until solved (the mean of the last `window` returns reaches `solvedAt`, checked at
 * every finished episode) or `totalSteps` env steps, rounded down to whole rollouts (at least one).
 */
export async function trainA2C(options: A2COptions): Promise<A2CResult> {
  const { totalSteps, seed = 1, envId = 'CartPole-v1', numEnvs = 8, numSteps = 5, learningRate = 7e-4,
    gamma = 0.99, gaeLambda = 1, vfCoef = 1, entCoef = 0, maxGradNorm = 0.5, rmspropAlpha = 0.99, rmspropEps = 1e-5,
    solvedAt = 475, window = 20 } = options;
  if (!Number.isInteger(totalSteps) || totalSteps < 1) {
    throw new RangeError(`trainA2C: totalSteps must be a positive integer, got ${totalSteps}`);
  }
  const ppo = await PPO.create({
    config: {
      env: envId, seed, numEnvs, numSteps, gamma, learningRate, maxGradNorm,
      totalSteps: Math.max(totalSteps, numEnvs * numSteps),
      annealLr: false, updateEpochs: 1, numMinibatches: 1, checkpointEvery: 0,
    },
    components: {
      objective: new A2CObjective({ vfCoef, entCoef }),
      optimizer: (variables) => new RmsProp(variables, { alpha: rmspropAlpha, epsilon: rmspropEps }),
      advantageEstimator: gaeEstimator({ gamma, lambda: gaeLambda }),
    },
  });
  const returns: number[] = [];
  const solved = new StopOnReward({ threshold: solvedAt, window });
  let progress: A2CProgress = { step: 0, updates: 0, episodes: 0, meanReturn: NaN, loss: NaN, policyLoss: NaN, valueLoss: NaN, entropy: NaN };
  await ppo.train({
    callbacks: [
      solved,
      {
        onEpisodeEnd: (_context, episode) => void returns.push(episode.return),
        onUpdateEnd: (context: CallbackContext, m) => {
          progress = {
            step: context.globalStep, updates: context.update, episodes: returns.length, meanReturn: meanOf(returns.slice(-window)),
            loss: m['losses/loss'], policyLoss: m['losses/policy_loss'], valueLoss: m['losses/value_loss'], entropy: m['losses/entropy'],
          };
          options.onUpdate?.(progress);
        },
      },
    ],
  });
  const weights = ppo.policy.getWeights();
  await ppo.close();
  return { ...progress, solved: solved.solvedAt !== null, stepsToSolve: solved.solvedAt, returns, weights };
}

function meanOf(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}
