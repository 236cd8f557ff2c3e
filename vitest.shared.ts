import { defineConfig } from 'vitest/config';

// The test command runs every package's build, lint and tests at once on a 2-core machine, so
// time limits allow for a loaded machine; no test asserts on timing.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
