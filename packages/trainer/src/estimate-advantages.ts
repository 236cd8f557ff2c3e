import type { RolloutBuffer } from '@ppo/buffers';
import type { AdvantageEstimator } from '@ppo/gae';
import { PpoRangeError } from '@ppo/utils';

/**
 * The advantage phase: runs `estimator` over a full buffer (after {@link collectRollout}) and
 * writes `buffer.advantages` and `buffer.returns`.
 *
 * @example
 * ```ts
 * estimateAdvantages(buffer, gaeEstimator({ gamma: 0.99, lambda: 0.95 }));
 * ```
 */
export function estimateAdvantages(buffer: RolloutBuffer, estimator: AdvantageEstimator): void {
  if (!buffer.isFull) throw new PpoRangeError('INVALID_STATE', `estimateAdvantages: the buffer holds ${buffer.size} of ${buffer.numSteps} steps; collect a whole rollout first`);
  estimator.estimate(
    {
      rewards: buffer.rewards,
      values: buffer.values,
      nextValues: buffer.nextValues,
      terminated: buffer.terminated,
      truncated: buffer.truncated,
      numEnvs: buffer.numEnvs,
    },
    { advantages: buffer.advantages, returns: buffer.returns },
  );
}
