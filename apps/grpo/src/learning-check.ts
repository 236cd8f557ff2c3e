import { expect } from 'vitest';

/**
 * The small run the GRPO and RLHF-PPO learning tests share: two digits and a higher learning
 * rate than the full run, so learning shows within 20 iterations and a few seconds.
 */
export const LEARNING_CHECK_RUN = {
  seed: 1,
  digits: 2,
  learningRate: 5e-3,
  pretrainAccuracy: 0.2,
  iterations: 20,
  targetAccuracy: 2,
  evalPrompts: 128,
} as const;

/** Asserts a run of {@link LEARNING_CHECK_RUN} started weak (20-40%) and gained more than `minGain` accuracy. */
export function expectLearned(result: { history: readonly unknown[]; accuracyBefore: number; accuracyAfter: number }, minGain: number): void {
  expect(result.history).toHaveLength(LEARNING_CHECK_RUN.iterations + 1);
  expect(result.accuracyBefore).toBeGreaterThanOrEqual(LEARNING_CHECK_RUN.pretrainAccuracy);
  expect(result.accuracyBefore).toBeLessThanOrEqual(0.4);
  expect(result.accuracyAfter - result.accuracyBefore).toBeGreaterThan(minGain);
}
