import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared';

// Installing and running every package takes a while on 2 cores; one package at a time.
export default mergeConfig(
  shared,
  defineConfig({
    test: {
      testTimeout: 300_000,
      hookTimeout: 300_000,
    },
  }),
);
