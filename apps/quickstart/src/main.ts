/**
 * Quickstart: trains PPO (the CleanRL `ppo.py` settings) on CartPole-v1, shows progress, stops
 * as soon as the mean return of the last 20 episodes reaches 475 (or at 500k steps), and says
 * where the learning curve is.
 */
import { join, resolve } from 'node:path';
import { StopOnReward } from '@ppo/trainer';
import { runTraining } from '@ppo/trainer/node';

const SOLVED_AT = 475;
const WINDOW = 20;
const MAX_STEPS = 500_000;

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
  console.log(`Stopped after ${result.globalStep.toLocaleString('en-US')} steps; continue with: ppo train --resume ${out}`);
} else {
  console.log(`Not solved within ${result.globalStep.toLocaleString('en-US')} steps: mean return of the last ${WINDOW} episodes ${result.recentReturn.toFixed(1)}.`);
}
console.log(`Run directory: ${result.runDir}`);
if (result.plot !== null) console.log(`Learning curve: ${result.plot} (and learning-curve.png next to it)`);
console.log(`Evaluate the trained policy (from apps/quickstart): pnpm exec ppo eval ${out} --episodes 10`);
if (result.stoppedBy === 'signal') process.exitCode = result.signal === 'SIGTERM' ? 143 : 130;
