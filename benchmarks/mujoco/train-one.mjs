// @ts-check
/* global process, console */
// One reproduction run in its own process (bench.mjs starts one per env and seed):
//   node train-one.mjs --env HalfCheetah-v5 --seed 1 --steps 1000000 [--backend auto] [--variant NAME] [--resume]
// Trains with @ppo/trainer's `mujoco` preset in results/mujoco/work/<env>-seed<n>/ (checkpoints
// every 10 updates, so an interrupted run can be resumed) and, when the budget is done, writes
// results/mujoco/runs/<env>-seed<n>.json (`.<variant>` before `.json` for a variant).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { initMujoco, registerMujocoEnvs } from '@ppo/envs-mujoco';
import { readMetrics, RUN_LAYOUT, runTraining } from '@ppo/trainer/node';
import { downsampleCurve, episodesFromMetrics, gitCommit, meanOfLast, resultPath, SCORE_EPISODES, VARIANTS, workPath, writeAtomic } from './lib.mjs';

const { values } = parseArgs({
  options: {
    env: { type: 'string' },
    seed: { type: 'string' },
    steps: { type: 'string', default: '1000000' },
    backend: { type: 'string', default: 'auto' },
    variant: { type: 'string' },
    resume: { type: 'boolean', default: false },
  },
  strict: true,
});
const env = values.env ?? '';
const seed = Number(values.seed);
const steps = Number(values.steps);
const backend = /** @type {'auto' | 'wasm' | 'cpu' | 'tensorflow'} */ (values.backend);
if (env === '') throw new TypeError('--env is required (a MuJoCo task id such as HalfCheetah-v5)');
if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) throw new RangeError(`--seed must be an integer in [0, 2^32), got ${String(values.seed)}`);
if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`--steps must be a positive integer, got ${String(values.steps)}`);
if (!['auto', 'wasm', 'cpu', 'tensorflow'].includes(backend)) throw new RangeError(`--backend must be auto, wasm, cpu or tensorflow, got ${backend}`);
const variant = values.variant ?? null;
if (variant !== null && !(variant in VARIANTS)) throw new RangeError(`--variant must be one of ${Object.keys(VARIANTS).join(', ')}, got ${variant}`);
const overrides = variant === null ? {} : VARIANTS[variant].overrides;

const started = Date.now();
// The code this sitting runs: taken now, since the tree may change while a long run trains.
const commit = gitCommit();
const out = workPath(env, seed, variant);
const timingPath = join(out, 'timing.json');
const canResume = values.resume && existsSync(join(out, RUN_LAYOUT.latest));
// Wall time of earlier sittings, kept at each checkpoint so a resumed run reports its total.
const previousSeconds = canResume && existsSync(timingPath) ? Number(JSON.parse(readFileSync(timingPath, 'utf8')).seconds) : 0;
if (!canResume) rmSync(out, { recursive: true, force: true });

await initMujoco();
registerMujocoEnvs();

const saveTiming = () => writeAtomic(timingPath, `${JSON.stringify({ seconds: previousSeconds + (Date.now() - started) / 1000 })}\n`);
const result = await runTraining({
  out,
  preset: 'mujoco',
  config: { ...overrides, env, seed, totalSteps: steps, backend },
  resume: canResume,
  plot: false,
  callbacks: [{ onCheckpoint: saveTiming }],
});
saveTiming();
if (result.stoppedBy !== 'complete') {
  console.log(`stopped by ${result.signal ?? result.stoppedBy} at step ${result.globalStep}; resume with --resume`);
  process.exitCode = result.signal === 'SIGTERM' ? 143 : 130;
} else {
  const totalSteps = JSON.parse(readFileSync(join(out, RUN_LAYOUT.config), 'utf8')).totalSteps;
  const episodes = episodesFromMetrics(readMetrics(join(out, RUN_LAYOUT.metrics)));
  const wallSeconds = previousSeconds + (Date.now() - started) / 1000;
  const score = meanOfLast(episodes.map((e) => e.ret), SCORE_EPISODES);
  /** @type {import('./lib.mjs').RunResultFile} */
  const file = {
    env,
    seed,
    steps: result.globalStep,
    totalSteps,
    score: score === null ? null : Number(score.toFixed(3)),
    scoreEpisodes: Math.min(SCORE_EPISODES, episodes.length),
    episodes: episodes.length,
    wallSeconds: Number(wallSeconds.toFixed(1)),
    stepsPerSecond: Math.round(result.globalStep / wallSeconds),
    backend: result.backend,
    commit,
    preset: 'mujoco',
    finishedAt: new Date().toISOString(),
    curve: downsampleCurve(episodes, totalSteps),
    ...(variant === null ? {} : { variant, overrides }),
  };
  writeAtomic(resultPath(env, seed, { variant }), `${JSON.stringify(file, null, 1)}\n`);
  console.log(`RESULT ${JSON.stringify({ env, seed, variant, score: file.score, steps: file.steps, wallSeconds: file.wallSeconds, stepsPerSecond: file.stepsPerSecond })}`);
}
