import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared';

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      // Two updates of CartPole in a child process on a loaded 2-core machine.
      testTimeout: 120_000,
    },
  }),
);
