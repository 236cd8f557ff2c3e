// @ts-check
/* global console, process */
// Env steps/s of each MinAtar game alone (one env, uniformly random actions from a seeded
// generator, the allocation-free stepInto path that vector envs use, resets included):
//   node benchmarks/minatar/env-speed.mjs [--steps 200000]
// Writes results/minatar/env-speed.json and regenerates the results page.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { MINATAR_GAMES, MinAtarEnv } from '@ppo/envs-minatar';
import { Rng } from '@ppo/utils';
import { writeAtomic } from '../mujoco/lib.mjs';
import { ENV_SPEED_FILE, writeReport } from './lib.mjs';

const { values } = parseArgs({ options: { steps: { type: 'string', default: '200000' } }, strict: true });
const steps = Number(values.steps);
if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`--steps must be a positive integer, got ${String(values.steps)}`);

/** @type {Record<string, number>} */
const result = {};
/** @type {Record<string, number>} */
const cpuResult = {};
for (const game of MINATAR_GAMES) {
  const env = new MinAtarEnv(game);
  const target = {
    observations: new Float32Array(env.observationSpace.flatDim),
    rewards: new Float32Array(1),
    terminated: new Uint8Array(1),
    truncated: new Uint8Array(1),
  };
  const rng = new Rng(1);
  env.reset({ seed: 1 });
  const run = (/** @type {number} */ n) => {
    for (let t = 0; t < n; t++) {
      env.stepInto(rng.nextInt(env.actionSpace.n), target, 0);
      if (target.terminated[0] === 1 || target.truncated[0] === 1) env.reset();
    }
  };
  run(Math.min(steps, 20000)); // warm-up (JIT)
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  run(steps);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  result[game] = Math.round(steps / seconds);
  // Per second of this process's CPU time: what one free core would give, whatever else runs.
  cpuResult[game] = Math.round(steps / ((cpu.user + cpu.system) / 1e6));
  console.log(`${game}: ${result[game].toLocaleString('en-US')} steps/s, ${cpuResult[game].toLocaleString('en-US')} per CPU second`);
}
/** @type {import('./lib.mjs').EnvSpeedFile} */
const file = { node: process.version, steps, stepsPerSecond: result, cpuStepsPerSecond: cpuResult, measuredAt: new Date().toISOString(), loadAverage: Number(loadavg()[0].toFixed(1)) };
writeAtomic(ENV_SPEED_FILE, `${JSON.stringify(file, null, 1)}\n`);
writeReport();
console.log(JSON.stringify(file));
