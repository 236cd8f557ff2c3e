import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // ESM: the main entry and the self-registering entry share one chunk, so one module state.
    entry: { index: 'src/index.ts', register: 'src/register-entry.ts' },
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
  },
  {
    // CommonJS: the main entry only (the register entry needs top-level await).
    entry: { index: 'src/index.ts' },
    format: ['cjs'],
    dts: true,
    sourcemap: true,
    clean: false,
    target: 'es2022',
  },
]);
