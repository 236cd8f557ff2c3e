/**
 * The A2C loss as an objective of the PPO trainer, on tensors (`compute`, differentiated by
 * tfjs) and on host arrays (`computeOnHost`, with its gradients written out), so the trainer's
 * fused host update runs it like PPO's clipped objective.
 */
import * as tf from '@tensorflow/tfjs';
import {
  entropyBonus,
  policyGradientLoss,
  valueLoss,
  type HostLossResult,
  type HostObjective,
  type HostPpoBatch,
  type LossResult,
  type ObjectiveBatch,
} from '@ppo/core';

/** The weights of the A2C loss's value and entropy terms. */
export interface A2CCoefficients {
  /** Weight of core's `valueLoss`, which is 0.5 * MSE: 1 equals Stable-Baselines3's `vf_coef` 0.5 on the plain MSE. */
  readonly vfCoef: number;
  /** Weight of the entropy bonus (`ent_coef`). */
  readonly entCoef: number;
}

/**
 * The A2C loss: `-mean(log pi(a|s) A) + vfCoef * 0.5 * mean((V - R)^2) - entCoef * mean(H)`, no
 * ratio, no clipping, no advantage normalisation. Metrics, in this order on both paths:
 * `policyLoss`, `valueLoss` (0.5 * MSE), `entropy`, `loss`.
 */
export class A2CObjective implements HostObjective {
  private readonly vfCoef: number;
  private readonly entCoef: number;

  constructor(coefficients: A2CCoefficients) {
    for (const name of ['vfCoef', 'entCoef'] as const) {
      const x = coefficients[name];
      if (!(Number.isFinite(x) && x >= 0)) throw new RangeError(`A2CObjective: ${name} must be a finite number >= 0, got ${String(x)}`);
    }
    this.vfCoef = coefficients.vfCoef;
    this.entCoef = coefficients.entCoef;
  }

  compute(batch: ObjectiveBatch): LossResult {
    return tf.tidy(() => {
      const policy = policyGradientLoss({ logProbs: batch.logProbs, advantages: batch.advantages });
      const value = valueLoss({ values: batch.values, returns: batch.returns });
      const entropy = entropyBonus({ entropy: batch.entropy });
      const loss = tf.addN([policy.loss, tf.mul(this.vfCoef, value.loss), tf.mul(this.entCoef, entropy.loss)]) as tf.Scalar;
      return { loss, metrics: { policyLoss: policy.loss, valueLoss: value.loss, entropy: entropy.metrics.entropy, loss: tf.clone(loss) } };
    });
  }

  /**
   * {@link A2CObjective.compute} on host arrays in float64, with the loss's gradients: with
   * n = `batch.size`, d/d log pi_i = -A_i / n, d/d V_i = vfCoef (V_i - R_i) / n and
   * d/d H_i = -entCoef / n.
   */
  computeOnHost(batch: HostPpoBatch): HostLossResult {
    const n = batch.size;
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`A2CObjective.computeOnHost: batch.size must be a positive integer, got ${String(n)}`);
    for (const name of ['logProbs', 'entropy', 'values', 'advantages', 'returns'] as const) {
      if (!(batch[name]?.length >= n)) throw new RangeError(`A2CObjective.computeOnHost: batch.${name} must hold at least ${n} values, got ${String(batch[name]?.length)}`);
    }
    const { logProbs, entropy, values, advantages, returns } = batch;
    const dLogProbs = new Float64Array(n);
    const dEntropy = new Float64Array(n).fill(-this.entCoef / n);
    const dValues = new Float64Array(n);
    let weighted = 0;
    let squares = 0;
    let entropySum = 0;
    for (let i = 0; i < n; i++) {
      weighted += logProbs[i] * advantages[i];
      dLogProbs[i] = -advantages[i] / n;
      const error = values[i] - returns[i];
      squares += error * error;
      dValues[i] = (this.vfCoef * error) / n;
      entropySum += entropy[i];
    }
    const policyLoss = -weighted / n;
    const valueLoss = (0.5 * squares) / n;
    const meanEntropy = entropySum / n;
    const loss = policyLoss + this.vfCoef * valueLoss - this.entCoef * meanEntropy;
    return { loss, metrics: { policyLoss, valueLoss, entropy: meanEntropy, loss }, dLogProbs, dEntropy, dValues };
  }
}
