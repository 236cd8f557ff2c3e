// The built package in fresh Node processes: what a user's program sees, with nothing imported
// by the test runner (which loads @tensorflow/tfjs itself).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));

function dist(file: string): string {
  const path = join(packageDir, 'dist', file);
  if (!existsSync(path)) throw new Error(`${path} is missing: build the package first (pnpm build)`);
  return path;
}

/** Runs node with `args` in the package folder (so `@ppo/nets` resolves to dist/); the last line of stdout parsed as JSON. */
function runNode(args: string[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: packageDir, timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? ''));
    });
  });
}

function runScript(kind: 'module' | 'commonjs', script: string): Promise<unknown> {
  for (const file of ['index.js', 'index.cjs', 'node.js', 'node.cjs']) dist(file);
  return runNode([`--input-type=${kind}`, '-e', script]);
}

interface Esbuild {
  build(options: { entryPoints: string[]; bundle: true; platform: 'node'; format: 'cjs'; outfile: string; logLevel: 'silent' }): Promise<unknown>;
}

/** esbuild, through tsup (the build tool of this repository), which depends on it. */
async function loadEsbuild(): Promise<Esbuild> {
  const fromHere = createRequire(import.meta.url);
  const path = createRequire(fromHere.resolve('tsup')).resolve('esbuild');
  return (await import(pathToFileURL(path).href)) as Esbuild;
}

// The wasm package's own exports sit under `default` when a CommonJS package is imported as ESM.
const RECORDING_LOAD = `async (name) => {
  const m = await import(name);
  if (name !== '@tensorflow/tfjs-backend-wasm') return m;
  const set = m.setWasmPaths ?? m.default.setWasmPaths;
  return { setWasmPaths: (prefix) => { prefixes.push(prefix); set(prefix); } };
}`;

describe('the built package', () => {
  it.each([
    ['ES module', 'module', "const { selectBackend } = await import('@ppo/nets/node');"],
    ['CommonJS', 'commonjs', "const { selectBackend } = require('@ppo/nets/node');"],
  ] as const)('%s: selectBackend of @ppo/nets/node points wasm at the installed dist/ and selects it', async (_name, kind, load) => {
    const script = `(async () => {
      ${load}
      const { existsSync } = require('node:fs');
      const { dirname, sep } = require('node:path');
      const prefixes = [];
      const backend = await selectBackend('wasm', { load: ${RECORDING_LOAD} });
      const expected = dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + sep;
      console.log(JSON.stringify({ backend, prefixes, expected, binary: existsSync(prefixes[0] + 'tfjs-backend-wasm.wasm') }));
    })();`;
    const prelude = kind === 'module' ? "import { createRequire } from 'node:module'; const require = createRequire(process.cwd() + '/');\n" : '';
    const out = (await runScript(kind, prelude + script)) as { backend: string; prefixes: string[]; expected: string; binary: boolean };
    expect(out.backend).toBe('wasm');
    expect(out.prefixes).toEqual([out.expected]);
    expect(out.binary).toBe(true);
  }, 120_000);

  it('a program bundled into one CommonJS file with the wasm backend inside selects wasm through @ppo/nets/node', async () => {
    const esbuild = await loadEsbuild();
    // Inside node_modules of this package: the bundle resolves the installed packages from there.
    const dir = mkdtempSync(join(packageDir, 'node_modules', '.bundle-test-'));
    try {
      const results: Record<string, unknown> = {};
      // The main entry cannot point the bundled wasm at its binaries: the control that fails.
      for (const entry of ['node.js', 'index.js']) {
        const source = join(dir, `entry-${entry}.mjs`);
        writeFileSync(source, `import * as wasm from '@tensorflow/tfjs-backend-wasm';
import { selectBackend } from ${JSON.stringify(dist(entry))};
selectBackend('wasm', { load: async (name) => (name === '@tensorflow/tfjs-backend-wasm' ? wasm : import(name)) }).then(
  (backend) => console.log(JSON.stringify({ backend })),
  (error) => console.log(JSON.stringify({ error: error.message })),
);
`);
        const outfile = join(dir, `bundle-${entry}.cjs`);
        await esbuild.build({ entryPoints: [source], bundle: true, platform: 'node', format: 'cjs', outfile, logLevel: 'silent' });
        results[entry] = await runNode([outfile]);
      }
      expect(results['node.js']).toEqual({ backend: 'wasm' });
      expect(results['index.js']).toEqual({ error: expect.stringMatching(/backend 'wasm' is not available/) as unknown });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  // tfjs-core on its own registers no gradients; a program that trains with tfjs-core's API
  // gets them from @ppo/nets, which imports the @tensorflow/tfjs umbrella.
  const CORE = `const { createRequire } = require('node:module');
    const here = createRequire(process.cwd() + '/');
    const core = createRequire(here.resolve('@tensorflow/tfjs')).resolve('@tensorflow/tfjs-core');
    const cpu = createRequire(here.resolve('@tensorflow/tfjs')).resolve('@tensorflow/tfjs-backend-cpu');`;

  it('importing only @ppo/nets (and tfjs-core for the gradient API) registers the gradients a network needs', async () => {
    const script = `${CORE}
    (async () => {
      const nets = require('@ppo/nets');
      const tf = require(core);
      await nets.selectBackend('cpu');
      const policy = new nets.ActorCritic({ observationSize: 3, actionSpace: { type: 'discrete', n: 2 }, seed: 1 });
      const obs = tf.tensor2d([0.1, -0.2, 0.3, 0.5, 0.4, -0.6], [2, 3]);
      const { grads } = tf.variableGrads(() => tf.mean(policy.evaluate(obs, tf.tensor1d([0, 1], 'int32')).logProbs), policy.trainableVariables);
      const kernel = grads[policy.trainableVariables[0].name].dataSync();
      const tanh = tf.grad((x) => tf.sum(tf.tanh(x)))(tf.zeros([2])).dataSync();
      console.log(JSON.stringify({ backend: tf.getBackend(), kernelNorm: Math.hypot(...kernel), tanh: Array.from(tanh) }));
    })();`;
    const out = (await runScript('commonjs', script)) as { backend: string; kernelNorm: number; tanh: number[] };
    expect(out.backend).toBe('cpu');
    expect(out.kernelNorm).toBeGreaterThan(0);
    expect(out.tanh).toEqual([1, 1]);
    // The control: the same gradient without @ppo/nets fails, so the check above can fail.
    const control = `${CORE}
    (async () => {
      const tf = require(core);
      require(cpu);
      await tf.setBackend('cpu');
      try {
        tf.grad((x) => tf.sum(tf.tanh(x)))(tf.zeros([2]));
        console.log(JSON.stringify({ error: null }));
      } catch (error) {
        console.log(JSON.stringify({ error: error.message }));
      }
    })();`;
    expect(((await runScript('commonjs', control)) as { error: string | null }).error).toMatch(/Cannot compute gradient: gradient function not found/);
  }, 120_000);
});
