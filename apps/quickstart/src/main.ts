/**
 * Quickstart: trains PPO (the CleanRL `ppo.py` settings) on CartPole-v1, shows progress, stops
 * as soon as the mean return of the last 20 episodes reaches 475 (or at 500k steps), and says
 * where the learning curve is. `--total-steps N` sets another budget (a quick look, or a
 * smoke test).
 */
import { join, resolve } from 'node:path';
import { StopOnReward } from '@ppo/trainer';
import { runTraining } from '@ppo/trainer/node';

const SOLVED_AT = 475;
const WINDOW = 20;

function parseMaxSteps(argv: readonly string[]): number {
  // pnpm passes a `--` separator through to the script.
  const args = argv.filter((arg) => arg !== '--');
  if (args.length === 0) return 500_000;
  const [flag, value] = args;
  if (flag !== '--total-steps' || args.length !== 2 || !/^\d+$/.test(value) || Number(value) < 1) {
    console.error(`usage: main.js [--total-steps N] (N a positive integer, default 500000); got ${args.join(' ')}`);
    process.exit(2);
  }
  return Number(value);
}

const MAX_STEPS = parseMaxSteps(process.argv.slice(2));

const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const out = resolve(join('runs', `cartpole-${stamp}`));
const solved = new StopOnReward({ threshold: SOLVED_AT, window: WINDOW });

console.log(`PPO on CartPole-v1 (classic preset, seed 1): training until the mean return of the last ${WINDOW} episodes reaches ${SOLVED_AT}, at most ${MAX_STEPS.toLocaleString('en-US')} steps.`);
const result = await runTraining({
  out,
  preset: 'classic',
  config: { env: 'CartPole-v1', seed: 1, totalSteps: MAX_STEPS, backend: 'auto' },
  callbacks: [solved],
});

if (solved.solvedAt !== null) {
  console.log(`Solved after ${solved.solvedAt.toLocaleString('en-US')} steps in ${result.seconds.toFixed(0)} s on the ${result.backend} backend: mean return of the last ${WINDOW} episodes ${(solved.solvedMean ?? Number.NaN).toFixed(1)}.`);
} else if (result.stoppedBy === 'signal') {
  console.log(`Stopped after ${result.globalStep.toLocaleString('en-US')} steps; continue with (from apps/quickstart): pnpm exec ppo train --resume ${out}`);
} else {
  console.log(`Not solved within ${result.globalStep.toLocaleString('en-US')} steps: mean return of the last ${WINDOW} episodes ${result.recentReturn.toFixed(1)}.`);
}
console.log(`Run directory: ${result.runDir}`);
if (result.plot !== null) console.log(`Learning curve: ${result.plot} (and learning-curve.png next to it)`);
console.log(`Evaluate the trained policy (from apps/quickstart): pnpm exec ppo eval ${out} --episodes 10`);
if (result.stoppedBy === 'signal') process.exitCode = result.signal === 'SIGTERM' ? 143 : 130;
