/* global console, process */
// Trains CartPole-v1 with the `classic` preset (seed 1; or --env and --preset, for example
// HalfCheetah-v5 with mujoco) on the built packages of any checkout, including ones older than
// this benchmarks package, so the same run can be timed and profiled before and after a change:
//   node src/train-checkout.mjs <checkout> [--backend wasm] [--updates 40] [--env CartPole-v1] [--preset classic]
//   node --cpu-prof --cpu-prof-dir=/tmp/prof src/train-checkout.mjs <checkout>
// Prints one JSON line: env steps/s over the whole run and after the first two updates, the
// process's CPU time (user + system) of the training call per 100k env steps, which varies far
// less than wall-clock time on a shared machine, and the peak resident set size. The
// fingerprint is a SHA-256 of every update's metrics and the final weights: equal fingerprints
// mean two builds trained bitwise the same.
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    updates: { type: 'string', default: '40' },
    env: { type: 'string', default: 'CartPole-v1' },
    preset: { type: 'string', default: 'classic' },
  },
  allowPositionals: true,
  strict: true,
});
if (positionals.length !== 1) {
  console.error('usage: node src/train-checkout.mjs <checkout> [--backend wasm] [--updates 40] [--env CartPole-v1] [--preset classic]');
  process.exit(2);
}
const checkout = resolve(positionals[0]);
const updates = Number(values.updates);
if (!Number.isInteger(updates) || updates < 3) throw new RangeError(`--updates must be an integer of at least 3, got ${values.updates}`);

const load = (pkg) => import(pathToFileURL(join(checkout, 'packages', pkg, 'dist', 'index.js')).href);
const { selectBackend } = await load('nets');
const { PPO, resolveConfig } = await load('trainer');
if (values.env !== 'CartPole-v1') {
  const { initMujoco, registerMujocoEnvs } = await load('envs-mujoco');
  await initMujoco();
  registerMujocoEnvs();
}
await selectBackend(values.backend);
const overrides = { env: values.env, seed: 1, checkpointEvery: 0 };
const resolved = resolveConfig({ preset: values.preset, overrides });
const batch = resolved.numEnvs * resolved.numSteps;
const ppo = await PPO.create({ preset: values.preset, config: { ...overrides, totalSteps: updates * batch } });
const WARM_UPDATES = 2;
const fingerprint = createHash('sha256');
const cpuBefore = process.cpuUsage();
const cpuNow = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};
// CPU seconds of the rollouts (with advantage estimation) and of the updates.
let rolloutCpu = 0;
let updateCpu = 0;
let phaseStart = cpuNow();
const started = performance.now();
let warmedAt = 0;
let warmedStep = 0;
await ppo.train({
  callbacks: [
    {
      onRolloutEnd: () => {
        const now = cpuNow();
        rolloutCpu += now - phaseStart;
        phaseStart = now;
      },
      onUpdateEnd: (context, metrics) => {
        const now = cpuNow();
        updateCpu += now - phaseStart;
        phaseStart = now;
        // SPS is a wall-clock rate: left out of the fingerprint.
        const numerics = Object.entries(metrics).filter(([name]) => name !== 'charts/SPS');
        fingerprint.update(JSON.stringify(numerics));
        if (context.update !== WARM_UPDATES) return;
        warmedAt = performance.now();
        warmedStep = context.globalStep;
      },
    },
  ],
});
const ended = performance.now();
const cpu = process.cpuUsage(cpuBefore);
for (const [name, w] of ppo.policy.getWeights()) fingerprint.update(name).update(new Uint8Array(w.buffer, w.byteOffset, w.byteLength));
console.log(
  JSON.stringify({
    checkout,
    env: values.env,
    backend: values.backend,
    steps: ppo.globalStep,
    stepsPerSecond: Math.round(ppo.globalStep / ((ended - started) / 1000)),
    stepsPerSecondAfterWarmUp: Math.round((ppo.globalStep - warmedStep) / ((ended - warmedAt) / 1000)),
    cpuSecondsPer100kSteps: Number((((cpu.user + cpu.system) / 1e6) * (100_000 / ppo.globalStep)).toFixed(3)),
    rolloutCpuSecondsPer100kSteps: Number((rolloutCpu * (100_000 / ppo.globalStep)).toFixed(3)),
    updateCpuSecondsPer100kSteps: Number((updateCpu * (100_000 / ppo.globalStep)).toFixed(3)),
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    fingerprint: fingerprint.digest('hex').slice(0, 16),
  }),
);
await ppo.close();
