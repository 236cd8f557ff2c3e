/**
 * A2C (synchronous advantage actor-critic, Mnih et al. 2016) composed from the building blocks:
 * short rollouts from vectorized envs, n-step returns by GAE, one gradient step per rollout.
 * Defaults are Stable-Baselines3's A2C (`stable_baselines3/a2c/a2c.py`: PyTorch RMSprop lr 7e-4,
 * alpha 0.99, eps 1e-5; 5 steps; lambda 1; vf_coef 0.5; ent_coef 0; max_grad_norm 0.5; no
 * advantage normalisation) with RL Zoo's CartPole-v1 settings (`hyperparams/a2c.yml`: 8 envs,
 * ent_coef 0).
 */
import * as tf from '@tensorflow/tfjs';
import { RolloutBuffer, Rng } from '@ppo/buffers';
import { entropyBonus, policyGradientLoss, valueLoss } from '@ppo/core';
import { make, SyncVectorEnv, VectorRecordEpisodeStatistics } from '@ppo/envs';
import { gae } from '@ppo/gae';
import { ActorCritic, type ActionSpaceSpec } from '@ppo/nets';
import { TorchRmsprop } from './rmsprop';

/** Settings of {@link trainA2C}; everything but `totalSteps` has a default. */
export interface A2COptions {
  totalSteps: number;
  seed?: number; envId?: string; numEnvs?: number; numSteps?: number;
  learningRate?: number; gamma?: number; gaeLambda?: number;
  /** Weight of core's valueLoss (0.5 * MSE), so 1 equals SB3's vf_coef 0.5 on the plain MSE. */
  vfCoef?: number;
  entCoef?: number; maxGradNorm?: number;
  /** RMSprop smoothing constant and epsilon (PyTorch's form, see {@link TorchRmsprop}). */
  rmspropAlpha?: number; rmspropEps?: number;
  /** Stop once the mean return of the last `window` episodes reaches this. */
  solvedAt?: number; window?: number;
  onUpdate?: (progress: A2CProgress) => void;
}

/** What one update reports; `meanReturn` is NaN before the first finished episode. */
export interface A2CProgress {
  step: number; updates: number; episodes: number; meanReturn: number;
  loss: number; policyLoss: number; valueLoss: number; entropy: number;
}

/** The final progress plus the trained policy, which the caller owns and must `dispose()`. */
export interface A2CResult extends A2CProgress {
  solved: boolean;
  /** Env steps until the mean of the last `window` returns first reached `solvedAt` (null if never). */
  stepsToSolve: number | null;
  returns: number[];
  policy: ActorCritic;
}

/** Trains A2C until solved or `totalSteps` env steps (rounded up to whole rollouts). */
export function trainA2C(options: A2COptions): A2CResult {
  const { totalSteps, seed = 1, envId = 'CartPole-v1', numEnvs = 8, numSteps = 5, learningRate = 7e-4,
    gamma = 0.99, gaeLambda = 1, vfCoef = 1, entCoef = 0, maxGradNorm = 0.5, rmspropAlpha = 0.99, rmspropEps = 1e-5,
    solvedAt = 475, window = 20 } = options;
  if (!Number.isInteger(totalSteps) || totalSteps < 1) {
    throw new RangeError(`trainA2C: totalSteps must be a positive integer, got ${totalSteps}`);
  }
  const venv = new VectorRecordEpisodeStatistics(
    new SyncVectorEnv(Array.from({ length: numEnvs }, () => () => make(envId))), { bufferLength: window });
  const D = venv.observationSize;
  const rng = new Rng(seed);
  const policy = new ActorCritic({ observationSize: D, actionSpace: venv.singleActionSpace.toJSON() as ActionSpaceSpec, seed });
  const optimizer = new TorchRmsprop(learningRate, rmspropAlpha, rmspropEps);
  const buffer = new RolloutBuffer({ numSteps, numEnvs, observationSize: D, actionSize: policy.actionSize, actionType: policy.actionType });
  const returns: number[] = [];
  const obs = venv.reset({ seed }).observations.slice();
  let progress: A2CProgress = { step: 0, updates: 0, episodes: 0, meanReturn: NaN, loss: NaN, policyLoss: NaN, valueLoss: NaN, entropy: NaN };
  let solved = false;
  while (progress.step < totalSteps && !solved) {
    buffer.reset();
    for (let t = 0; t < numSteps; t++) {
      const { actions, logProbs, values } = policy.act(obs, numEnvs, rng);
      const r = venv.step(actions);
      buffer.add({ observations: obs, actions, logProbs, values, rewards: r.rewards, terminated: r.terminated, truncated: r.truncated });
      for (let i = 0; i < numEnvs; i++) {
        const episode = r.infos[i].episode as { r: number } | undefined;
        if (episode) returns.push(episode.r);
        // A time limit cut the episode: bootstrap from the value of its final observation.
        if (r.truncated[i] === 1) {
          buffer.nextValues[t * numEnvs + i] = policy.predictValues(r.finalObservations.subarray(i * D, (i + 1) * D), 1)[0];
        }
      }
      obs.set(r.observations);
    }
    buffer.bootstrapNextValues(policy.predictValues(obs, numEnvs));
    const { rewards, values, nextValues, terminated, truncated, advantages, returns: targets } = buffer;
    gae({ rewards, values, nextValues, terminated, truncated, numEnvs, gamma, lambda: gaeLambda, out: { advantages, returns: targets } });
    const terms = update();
    const recent = returns.slice(-window);
    const meanReturn = recent.length > 0 ? recent.reduce((a, b) => a + b, 0) / recent.length : NaN;
    progress = { step: progress.step + numSteps * numEnvs, updates: progress.updates + 1, episodes: returns.length, meanReturn, ...terms };
    solved = recent.length >= window && meanReturn >= solvedAt;
    options.onUpdate?.(progress);
  }
  optimizer.dispose();
  void venv.close();
  return { ...progress, solved, stepsToSolve: solved ? progress.step : null, returns, policy };

  /** One gradient step on the whole rollout, the global gradient norm clipped to maxGradNorm. */
  function update(): Pick<A2CProgress, 'loss' | 'policyLoss' | 'valueLoss' | 'entropy'> {
    const n = numSteps * numEnvs;
    const stats = tf.tidy(() => {
      const observations = tf.tensor2d(buffer.observations, [n, D]);
      const actions = policy.actionType === 'int32'
        ? tf.tensor1d(buffer.actions as Int32Array, 'int32') : tf.tensor2d(buffer.actions, [n, policy.actionSize]);
      let terms: tf.Tensor1D | undefined;
      const { grads } = tf.variableGrads(() => {
        const out = policy.evaluate(observations, actions);
        const pg = policyGradientLoss({ logProbs: out.logProbs, advantages: tf.tensor1d(buffer.advantages) }).loss;
        const v = valueLoss({ values: out.values, returns: tf.tensor1d(buffer.returns) }).loss;
        const ent = entropyBonus({ entropy: out.entropy });
        const loss = tf.addN([pg, tf.mul(vfCoef, v), tf.mul(entCoef, ent.loss)]) as tf.Scalar;
        terms = tf.keep(tf.stack([loss, pg, v, ent.entropy]) as tf.Tensor1D);
        return loss;
      }, policy.trainableVariables);
      const list = Object.values(grads);
      const norm = tf.sqrt(tf.addN(list.map((g) => tf.sum(tf.square(g)))));
      const scale = tf.minimum(1, tf.div(maxGradNorm, tf.add(norm, 1e-6)));
      optimizer.applyGradients(policy.trainableVariables, Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.mul(g, scale)])));
      return terms!;
    });
    const [loss, policyLoss, vLoss, entropy] = stats.dataSync();
    stats.dispose();
    return { loss, policyLoss, valueLoss: vLoss, entropy };
  }
}
