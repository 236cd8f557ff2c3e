import { defineConfig } from 'tsup';

export default defineConfig({
  // `train-child` is the process in which the `ppo` executable runs its training.
  entry: ['src/index.ts', 'src/node.ts', 'src/cli.ts', 'src/train-child.ts'],
  format: ['esm', 'cjs'],
  dts: { entry: ['src/index.ts', 'src/node.ts'] },
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // import.meta.url locates train-child.js from the CommonJS build too.
  shims: true,
});
