import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared';

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      // The CartPole learning test trains for up to a few minutes on a loaded machine.
      testTimeout: 300_000,
    },
  }),
);
