import { defineConfig } from 'vitest/config';

// The test command runs one turbo task per core and vitest one test file per core but one, yet
// other processes may share the machine: time limits only catch a hang and allow for a machine
// several times slower than idle. No test asserts on timing and no test's work is bounded by the
// clock. Check with `bash scripts/busy-ci.sh bash .ci/run`.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
