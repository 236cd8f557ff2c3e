import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared';

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      // One tiny training run and one 1000-step evaluation episode on a loaded 2-core machine.
      testTimeout: 180_000,
    },
  }),
);
