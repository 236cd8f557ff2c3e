// @ts-check
/* global console, process, performance */
// Training speed with the `minatar` preset (8 envs x 128 steps, 3 epochs of 4 minibatches, the
// MinAtar network): a short run per game in a temporary directory, timed over its updates after
// the first (which includes start-up and compilation):
//   node benchmarks/minatar/train-speed.mjs [--games Asterix,Breakout] [--updates 12] [--backend auto]
// Writes results/minatar/train-speed.json and regenerates the results page. The file holds one
// sitting's figures, so --games defaults to all five: a subset replaces the others.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { registerMinAtarEnvs } from '@ppo/envs-minatar';
import { runTraining } from '@ppo/trainer/node';
import { writeAtomic } from '../mujoco/lib.mjs';
import { envId, GAMES, TRAIN_SPEED_FILE, writeReport } from './lib.mjs';

const { values } = parseArgs({
  options: {
    games: { type: 'string', default: GAMES.join(',') },
    updates: { type: 'string', default: '12' },
    backend: { type: 'string', default: 'auto' },
  },
  strict: true,
});
const games = String(values.games).split(',');
for (const g of games) if (!GAMES.includes(g)) throw new RangeError(`--games: unknown game ${JSON.stringify(g)}, expected a comma-separated list of ${GAMES.join(', ')}`);
const updates = Number(values.updates);
if (!Number.isInteger(updates) || updates < 2) throw new RangeError(`--updates must be an integer >= 2, got ${String(values.updates)}`);
const backend = /** @type {'auto' | 'wasm' | 'cpu' | 'tensorflow'} */ (values.backend);
const BATCH = 8 * 128;

registerMinAtarEnvs();
/** @type {Record<string, number>} */
const stepsPerSecond = {};
/** @type {Record<string, number>} */
const cpuStepsPerSecond = {};
let usedBackend = '';
for (const game of games) {
  const out = mkdtempSync(join(tmpdir(), 'minatar-speed-'));
  /** @type {number[]} */
  const ends = [];
  /** @type {number[]} */
  const cpuEnds = [];
  try {
    const result = await runTraining({
      out,
      preset: 'minatar',
      config: { env: envId(game), seed: 1, totalSteps: updates * BATCH, backend, checkpointEvery: 0 },
      plot: false,
      callbacks: [
        {
          onUpdateEnd: () => {
            ends.push(performance.now());
            const cpu = process.cpuUsage();
            cpuEnds.push((cpu.user + cpu.system) / 1000);
          },
        },
      ],
    });
    usedBackend = result.backend;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  // Updates 2..n: steady state, start-up and the first compilation left out.
  stepsPerSecond[game] = Math.round(((ends.length - 1) * BATCH) / ((ends[ends.length - 1] - ends[0]) / 1000));
  // Per second of this process's CPU time: what one free core would give, whatever else runs.
  cpuStepsPerSecond[game] = Math.round(((cpuEnds.length - 1) * BATCH) / ((cpuEnds[cpuEnds.length - 1] - cpuEnds[0]) / 1000));
  console.log(`${game}: ${stepsPerSecond[game].toLocaleString('en-US')} env steps/s training, ${cpuStepsPerSecond[game].toLocaleString('en-US')} per CPU second (${usedBackend})`);
}
/** @type {import('./lib.mjs').TrainSpeedFile} */
const file = { node: process.version, backend: usedBackend, updates, stepsPerSecond, cpuStepsPerSecond, measuredAt: new Date().toISOString(), loadAverage: Number(loadavg()[0].toFixed(1)) };
writeAtomic(TRAIN_SPEED_FILE, `${JSON.stringify(file, null, 1)}\n`);
writeReport();
console.log(JSON.stringify(file));
