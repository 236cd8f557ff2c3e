/* global console, process */
// Trains CartPole-v1 with the `classic` preset (seed 1) on the built packages of any checkout,
// including ones older than this benchmarks package, so the same run can be timed and profiled
// before and after a change:
//   node src/train-checkout.mjs <checkout> [--backend wasm] [--updates 40]
//   node --cpu-prof --cpu-prof-dir=/tmp/prof src/train-checkout.mjs <checkout>
// Prints one JSON line: env steps/s over the whole run and after the first two updates.
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  options: { backend: { type: 'string', default: 'wasm' }, updates: { type: 'string', default: '40' } },
  allowPositionals: true,
  strict: true,
});
if (positionals.length !== 1) {
  console.error('usage: node src/train-checkout.mjs <checkout> [--backend wasm] [--updates 40]');
  process.exit(2);
}
const checkout = resolve(positionals[0]);
const updates = Number(values.updates);
if (!Number.isInteger(updates) || updates < 3) throw new RangeError(`--updates must be an integer of at least 3, got ${values.updates}`);

const load = (pkg) => import(pathToFileURL(join(checkout, 'packages', pkg, 'dist', 'index.js')).href);
const { selectBackend } = await load('nets');
const { PPO } = await load('trainer');
await selectBackend(values.backend);
// The classic preset's batch: 4 envs x 128 steps.
const ppo = await PPO.create({ preset: 'classic', config: { env: 'CartPole-v1', seed: 1, totalSteps: updates * 512, checkpointEvery: 0 } });
const WARM_UPDATES = 2;
const started = performance.now();
let warmedAt = 0;
let warmedStep = 0;
await ppo.train({
  callbacks: [
    {
      onUpdateEnd: (context) => {
        if (context.update !== WARM_UPDATES) return;
        warmedAt = performance.now();
        warmedStep = context.globalStep;
      },
    },
  ],
});
const ended = performance.now();
console.log(
  JSON.stringify({
    checkout,
    backend: values.backend,
    steps: ppo.globalStep,
    stepsPerSecond: Math.round(ppo.globalStep / ((ended - started) / 1000)),
    stepsPerSecondAfterWarmUp: Math.round((ppo.globalStep - warmedStep) / ((ended - warmedAt) / 1000)),
  }),
);
await ppo.close();
