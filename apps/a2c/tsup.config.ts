import { defineConfig } from 'tsup';

// The A2C setup as a module the benchmark harness (plain Node) imports; the app itself runs from src/.
export default defineConfig({
  entry: ['src/a2c-setup.ts'],
  format: ['esm'],
  clean: true,
  target: 'es2022',
  // Workspace packages stay imports so the harness runs exactly what they publish.
  external: [/^@ppo\//, /^@tensorflow\//],
});
