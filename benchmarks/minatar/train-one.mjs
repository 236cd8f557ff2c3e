// @ts-check
/* global process, console */
// One MinAtar run in its own process (bench.mjs starts one per game and seed):
//   node train-one.mjs --game Breakout --seed 1 [--algo ppo|a2c] [--steps 5000000] [--backend auto]
//                      [--resume] [--results-dir DIR]
// PPO trains with @ppo/trainer's `minatar` preset, A2C with the A2C app's setup (`a2cSetup` of
// @ppo/app-a2c/setup: its objective, RMSprop and settings on the same network), in
// results/minatar/work/<name>/ (checkpoints every 10,240 steps: 10 PPO updates, 128 A2C ones),
// where <name> is <Game>-v0-seed<n> for PPO and <Game>-v0-a2c-seed<n> for A2C. At every
// checkpoint it writes the run's progress to results/minatar/runs/<name>.partial.json, so a long
// run can be committed as it goes; when the budget is done it writes <name>.json and removes the
// partial file.
// --results-dir puts runs/, work/, README.md and plots/ under another folder (a trial run).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { a2cSetup } from '@ppo/app-a2c/setup';
import { registerMinAtarEnvs } from '@ppo/envs-minatar';
import { readMetrics, RUN_LAYOUT, runTraining } from '@ppo/trainer/node';
import { downsampleCurve, episodesFromMetrics, gitCommit, writeAtomic } from '../mujoco/lib.mjs';
import { ALGOS, envId, GAMES, ppoHyperparameters, RESULTS_DIR, resultsLayout, runName, SCORE_EPISODES, scoreOf, writeReport } from './lib.mjs';

const { values } = parseArgs({
  options: {
    game: { type: 'string' },
    seed: { type: 'string' },
    steps: { type: 'string', default: '5000000' },
    backend: { type: 'string', default: 'auto' },
    resume: { type: 'boolean', default: false },
    algo: { type: 'string', default: 'ppo' },
    'results-dir': { type: 'string', default: RESULTS_DIR },
  },
  strict: true,
});
const game = values.game ?? '';
const seed = Number(values.seed);
const steps = Number(values.steps);
const backend = /** @type {'auto' | 'wasm' | 'cpu' | 'tensorflow'} */ (values.backend);
if (!GAMES.includes(game)) throw new RangeError(`--game must be one of ${GAMES.join(', ')}, got ${game}`);
if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) throw new RangeError(`--seed must be an integer in [0, 2^32), got ${String(values.seed)}`);
if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`--steps must be a positive integer, got ${String(values.steps)}`);
if (!['auto', 'wasm', 'cpu', 'tensorflow'].includes(backend)) throw new RangeError(`--backend must be auto, wasm, cpu or tensorflow, got ${backend}`);
const algo = /** @type {import('./lib.mjs').Algo} */ (values.algo);
if (!ALGOS.includes(algo)) throw new RangeError(`--algo must be one of ${ALGOS.join(', ')}, got ${String(values.algo)}`);
const resultsRoot = String(values['results-dir']);
const { runs: runsDir, work: workDir } = resultsLayout(resultsRoot);

const env = envId(game);
const name = runName(game, seed, algo);
const started = Date.now();
const commit = gitCommit();
const out = join(workDir, name);
const timingPath = join(out, 'timing.json');
const canResume = values.resume && existsSync(join(out, RUN_LAYOUT.latest));
const previousSeconds = canResume && existsSync(timingPath) ? Number(JSON.parse(readFileSync(timingPath, 'utf8')).seconds) : 0;
if (!canResume) rmSync(out, { recursive: true, force: true });

registerMinAtarEnvs();
// A2C: the app's one definition, rebuilt the same on resume (its components are not stored in the run).
const a2c = algo === 'a2c' ? a2cSetup({ envId: env, seed, totalSteps: steps }) : null;
// PPO checkpoints every 10 updates of 8 x 128 = 10,240 steps; A2C's updates are 16 x 5 = 80
// steps, so every 128 of them keeps the same spacing (and the same cost per step).
const A2C_CHECKPOINT_EVERY = 128;

const seconds = () => previousSeconds + (Date.now() - started) / 1000;

/**
 * The run file from the metrics so far.
 * @param {'running' | 'complete'} status
 * @param {number} step
 * @param {string} usedBackend
 * @returns {import('./lib.mjs').MinAtarRunFile}
 */
function runFile(status, step, usedBackend) {
  // The run directory's config is what the run trains with, also when it was started under an
  // earlier preset and resumed.
  const config = JSON.parse(readFileSync(join(out, RUN_LAYOUT.config), 'utf8'));
  const totalSteps = Number(config.totalSteps);
  const episodes = episodesFromMetrics(readMetrics(join(out, RUN_LAYOUT.metrics)));
  const score = scoreOf(episodes.map((e) => e.ret));
  const wallSeconds = seconds();
  return {
    env,
    game,
    seed,
    status,
    steps: step,
    totalSteps,
    score: score === null ? null : Number(score.toFixed(3)),
    scoreEpisodes: Math.min(SCORE_EPISODES, episodes.length),
    episodes: episodes.length,
    wallSeconds: Number(wallSeconds.toFixed(1)),
    stepsPerSecond: Math.round(step / wallSeconds),
    backend: usedBackend,
    commit,
    preset: 'minatar',
    algo,
    hyperparameters: a2c === null ? ppoHyperparameters(config) : { ...a2c.settings },
    updatedAt: new Date().toISOString(),
    curve: downsampleCurve(episodes, totalSteps),
  };
}

const partialPath = join(runsDir, `${name}.partial.json`);
const result = await runTraining({
  out,
  preset: 'minatar',
  config: a2c === null ? { env, seed, totalSteps: steps, backend } : { ...a2c.config, backend, checkpointEvery: A2C_CHECKPOINT_EVERY },
  ...(a2c === null ? {} : { components: a2c.components }),
  resume: canResume,
  plot: false,
  callbacks: [
    {
      onCheckpoint: (/** @type {{ globalStep: number }} */ info) => {
        writeAtomic(timingPath, `${JSON.stringify({ seconds: seconds() })}\n`);
        // Training runs in this process: the engine's backend is the one `auto` chose.
        writeAtomic(partialPath, `${JSON.stringify(runFile('running', info.globalStep, tf.getBackend()), null, 1)}\n`);
        writeReport(resultsRoot);
      },
    },
  ],
});
writeAtomic(timingPath, `${JSON.stringify({ seconds: seconds() })}\n`);
if (result.stoppedBy !== 'complete') {
  console.log(`stopped by ${result.signal ?? result.stoppedBy} at step ${result.globalStep}; resume with --resume`);
  process.exitCode = result.signal === 'SIGTERM' ? 143 : 130;
} else {
  const file = runFile('complete', result.globalStep, result.backend);
  writeAtomic(join(runsDir, `${name}.json`), `${JSON.stringify(file, null, 1)}\n`);
  rmSync(partialPath, { force: true });
  writeReport(resultsRoot);
  console.log(`RESULT ${JSON.stringify({ env, algo, seed, score: file.score, steps: file.steps, wallSeconds: file.wallSeconds, stepsPerSecond: file.stepsPerSecond })}`);
}
