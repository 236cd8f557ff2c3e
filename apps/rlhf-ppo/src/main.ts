/**
 * RLHF-style token-level PPO on the digit-sorting task: supervised warm start to a weak model,
 * then PPO with a value head and the KL penalty in the per-token reward.
 *
 *   pnpm start [--seed 1] [--minutes 10] [--iterations 1000] [--target 0.8] [--beta 0.02]
 *              [--out runs/rlhf-ppo-seed<seed>]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { integerFlag, MAX_SEED, numberFlag } from '@ppo/example-kit/flags';
import { lineChartSvg } from '@ppo/example-kit/plot';
import { selectBackend } from '@ppo/nets';
import { runRlhfPpo } from './rlhf-ppo';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    minutes: { type: 'string', default: '10' },
    iterations: { type: 'string', default: '1000' },
    target: { type: 'string', default: '0.8' },
    beta: { type: 'string', default: '0.02' },
    out: { type: 'string' },
  },
});
const seed = integerFlag('seed', values.seed, 0, MAX_SEED);
const iterations = integerFlag('iterations', values.iterations, 1, 1_000_000);
const minutes = numberFlag('minutes', values.minutes, 0);
const targetAccuracy = numberFlag('target', values.target, 0);
const beta = numberFlag('beta', values.beta, 0);
const out = resolve(values.out ?? join('runs', `rlhf-ppo-seed${seed}`));

const backend = await selectBackend('auto');
console.log(`Token-level PPO (KL in the reward) on sorting 3 digits, seed ${seed}, ${backend} backend`);
const wall = performance.now();
const result = runRlhfPpo({
  seed,
  minutes,
  iterations,
  targetAccuracy,
  beta,
  onIteration: (m) => {
    if (m.iteration === 0) console.log(`pre-trained: greedy accuracy ${(100 * m.accuracy).toFixed(1)}%`);
    else console.log(`iter ${String(m.iteration).padStart(4)}  ${m.seconds.toFixed(1).padStart(6)} s  reward ${m.reward.toFixed(3)}  accuracy ${(100 * m.accuracy).toFixed(1).padStart(5)}%  kl ${m.kl.toFixed(4)}  value_loss ${m.valueLoss.toFixed(4)}  clipfrac ${m.clipFraction.toFixed(3)}`);
  },
});
const wallSeconds = (performance.now() - wall) / 1000;
console.log(
  `accuracy ${(100 * result.accuracyBefore).toFixed(1)}% after ${result.pretrainSteps} pre-training steps (${result.pretrainSeconds.toFixed(1)} s) -> ${(100 * result.accuracyAfter).toFixed(1)}% after ${result.history.length - 1} PPO iterations` +
    (result.secondsToTarget === null ? ' (target not reached)' : ` (target reached after ${result.secondsToTarget.toFixed(1)} s of PPO)`) +
    `; wall time ${wallSeconds.toFixed(1)} s`,
);
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'history.json'), JSON.stringify({ backend, wallSeconds, ...result }, null, 2));
writeFileSync(
  join(out, 'curve.svg'),
  lineChartSvg({
    title: `Token-level PPO, seed ${seed}`,
    xLabel: 'PPO iteration',
    yRange: [0, 1],
    series: [
      { name: 'greedy accuracy (held-out prompts)', color: '#1f77b4', points: result.history.map((m) => [m.iteration, m.accuracy] as const) },
      { name: 'mean sampled reward', color: '#ff7f0e', points: result.history.map((m) => [m.iteration, m.reward] as const) },
    ],
  }),
);
console.log(`Wrote ${join(out, 'history.json')} and ${join(out, 'curve.svg')}`);
