import { VectorNormalizeObservation, VectorNormalizeReward, type VectorEnv } from '@ppo/envs';
import { RunningMeanStd, type RunningMeanStdState } from '@ppo/utils';

/** The statistics of several slots folded together in slot order (`RunningMeanStd.merge`). */
export function mergeInSlotOrder(states: readonly RunningMeanStdState[]): RunningMeanStdState {
  const total = new RunningMeanStd(states[0].size);
  total.setState(states[0]);
  const next = new RunningMeanStd(states[0].size);
  for (const state of states.slice(1)) {
    next.setState(state);
    total.merge(next);
  }
  return total.getState();
}

/** The normalizers in a wrapped vector env's stack (each wrapper exposes the env it wraps as `env`). */
export function findNormalizers(env: VectorEnv): { observation: VectorNormalizeObservation | null; reward: VectorNormalizeReward | null } {
  let observation: VectorNormalizeObservation | null = null;
  let reward: VectorNormalizeReward | null = null;
  for (let layer: unknown = env; typeof layer === 'object' && layer !== null; layer = (layer as { env?: unknown }).env) {
    if (layer instanceof VectorNormalizeObservation) observation = layer;
    if (layer instanceof VectorNormalizeReward) reward = layer;
  }
  return { observation, reward };
}
