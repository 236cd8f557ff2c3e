import { expect } from 'vitest';

/**
 * The small run the GRPO and RLHF-PPO learning tests share: two digits, a model half the full
 * run's width and a higher learning rate, so learning shows within 20 iterations and a few
 * seconds of CPU. The run is bounded by its iteration count, never by the clock (`minutes` is
 * unlimited), so a loaded machine makes it slower but never changes its outcome.
 */
export const LEARNING_CHECK_RUN = {
  seed: 1,
  digits: 2,
  hiddenSize: 32,
  embeddingSize: 16,
  learningRate: 1e-2,
  pretrainAccuracy: 0.2,
  iterations: 20,
  minutes: Number.POSITIVE_INFINITY,
  targetAccuracy: 2,
  evalPrompts: 128,
} as const;

/**
 * Time limit of a learning test, only there to catch a hang: the run takes a few seconds on an
 * idle 2-core machine, and this leaves room for the machine being many times slower under load.
 */
export const LEARNING_CHECK_TIMEOUT_MS = 600_000;

/** Asserts a run of {@link LEARNING_CHECK_RUN} started weak (20-40%) and gained more than `minGain` accuracy. */
export function expectLearned(result: { history: readonly unknown[]; accuracyBefore: number; accuracyAfter: number }, minGain: number): void {
  expect(result.history).toHaveLength(LEARNING_CHECK_RUN.iterations + 1);
  expect(result.accuracyBefore).toBeGreaterThanOrEqual(LEARNING_CHECK_RUN.pretrainAccuracy);
  expect(result.accuracyBefore).toBeLessThanOrEqual(0.4);
  expect(result.accuracyAfter - result.accuracyBefore).toBeGreaterThan(minGain);
}
