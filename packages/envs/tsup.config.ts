import { defineConfig } from 'tsup';

export default defineConfig({
  // `worker` is the AsyncVectorEnv worker script. It is built with the other entries so that,
  // in the ESM build, it shares chunks (the registry above all) with `index`: envs that a
  // module registers through `@ppo/envs` are then visible to the worker's `make`.
  entry: { index: 'src/index.ts', node: 'src/node.ts', worker: 'src/vector/async-worker.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts', node: 'src/node.ts' } },
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // import.meta.url locates the worker script from the CommonJS build too.
  shims: true,
});
