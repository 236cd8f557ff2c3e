import { defineConfig } from 'tsup';

export default defineConfig({
  // The register entry only registers ids (no top-level await), so it has both formats.
  entry: { index: 'src/index.ts', register: 'src/register-entry.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
});
