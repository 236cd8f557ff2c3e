// @ts-check
/* global process, console */
// One throughput run in its own process (bench.mjs starts it): the single-process trainer
// (--workers 0), or a learner fed by --workers worker processes through the server at --url.
// Prints one JSON line: each update's rollout and update wall times and bytes, and CPU time.
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { initMujoco, registerMujocoEnvs } from '@ppo/envs-mujoco';
import { createLearner } from '@ppo/distributed';
import { connect } from '@ppo/distributed/node';
import { selectBackend } from '@ppo/nets';
import { collectRollout, PPO } from '@ppo/trainer';
import { benchConfig } from './lib.mjs';

const { values } = parseArgs({
  options: {
    env: { type: 'string' },
    workers: { type: 'string', default: '0' },
    updates: { type: 'string', default: '4' },
    'num-envs': { type: 'string', default: '4' },
    'num-steps': { type: 'string', default: '512' },
    seed: { type: 'string', default: '1' },
    backend: { type: 'string', default: 'wasm' },
    url: { type: 'string' },
    token: { type: 'string' },
    prefix: { type: 'string', default: 'ppo' },
  },
  strict: true,
});
const workers = Number(values.workers);
const config = benchConfig({ env: values.env ?? '', updates: Number(values.updates), numEnvs: Number(values['num-envs']), numSteps: Number(values['num-steps']), seed: Number(values.seed) });

await initMujoco();
registerMujocoEnvs();
const backend = await selectBackend(/** @type {'wasm' | 'cpu'} */ (values.backend));
const ppo = await PPO.create({ preset: 'mujoco', config });
const nc = workers === 0 ? null : await connect({ servers: values.url ?? '', token: values.token, name: 'ppo-bench-learner' });
const learner = nc === null ? null : await createLearner({ nc, config: ppo.config, prefix: values.prefix, expectWorkers: workers });
const collector = learner?.collect ?? collectRollout;

/** @type {import('./lib.mjs').UpdateSample[]} */
const samples = [];
let rolloutEnd = 0;
let rolloutEndCpu = process.cpuUsage();
const cpuSeconds = (/** @type {NodeJS.CpuUsage} */ since) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};
const closeUpdate = () => {
  const last = samples.at(-1);
  if (last === undefined) return;
  last.updateSeconds = (performance.now() - rolloutEnd) / 1000;
  last.updateCpuSeconds = cpuSeconds(rolloutEndCpu);
};
const cpuStart = process.cpuUsage();
/** @type {import('@ppo/trainer').RolloutCollector} */
const collect = async (options, position) => {
  closeUpdate();
  const start = performance.now();
  const startCpu = process.cpuUsage();
  const result = await collector(options, position);
  rolloutEnd = performance.now();
  rolloutEndCpu = process.cpuUsage();
  const rolloutCpuSeconds = cpuSeconds(startCpu);
  const t = learner?.lastTraffic ?? null;
  const bytes = t === null ? 0 : t.weightsBytes + t.taskBytes + t.chunkBytes + t.actionsBytes;
  samples.push({ steps: config.numEnvs * config.numSteps, rolloutSeconds: (rolloutEnd - start) / 1000, updateSeconds: 0, rolloutCpuSeconds, updateCpuSeconds: 0, bytes, ...(t === null ? {} : { traffic: t }) });
  return result;
};
await ppo.train({ collect });
closeUpdate();
const cpu = process.cpuUsage(cpuStart);
learner?.close();
await ppo.close();
await nc?.close();
console.log(JSON.stringify({ env: config.env, workers, backend, config, samples, learnerCpuSeconds: (cpu.user + cpu.system) / 1e6 }));
