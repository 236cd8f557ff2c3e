import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/train.ts', 'src/eval.ts'],
  format: ['esm'],
  clean: true,
  target: 'es2022',
  // Workspace packages stay imports so the app runs exactly what they publish.
  external: [/^@ppo\//, /^@tensorflow\//],
});
