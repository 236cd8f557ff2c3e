/**
 * GRPO on the digit-sorting task: supervised warm start to a weak model, then GRPO until the
 * greedy accuracy on held-out prompts reaches the target or the budget runs out.
 *
 *   pnpm start [--variant grpo|beta0|dr-grpo|dapo] [--seed 1] [--minutes 10] [--iterations 1000]
 *              [--target 0.8] [--out runs/grpo-<variant>-seed<seed>]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { selectBackend } from '@ppo/nets';
import { integerFlag, MAX_SEED, numberFlag } from '@ppo/example-kit/flags';
import { runGrpo, VARIANTS, type Variant } from './grpo';
import { lineChartSvg } from '@ppo/example-kit/plot';

const { values } = parseArgs({
  options: {
    variant: { type: 'string', default: 'grpo' },
    seed: { type: 'string', default: '1' },
    minutes: { type: 'string', default: '10' },
    iterations: { type: 'string', default: '1000' },
    target: { type: 'string', default: '0.8' },
    out: { type: 'string' },
  },
});
const variant = values.variant as Variant;
if (!(variant in VARIANTS)) throw new RangeError(`--variant must be one of ${Object.keys(VARIANTS).join(', ')}, got ${variant}`);
const seed = integerFlag('seed', values.seed, 0, MAX_SEED);
const iterations = integerFlag('iterations', values.iterations, 1, 1_000_000);
const minutes = numberFlag('minutes', values.minutes, 0);
const targetAccuracy = numberFlag('target', values.target, 0);
const out = resolve(values.out ?? join('runs', `grpo-${variant}-seed${seed}`));

const backend = await selectBackend('auto');
console.log(`GRPO (${variant}) on sorting 3 digits, seed ${seed}, ${backend} backend`);
const wall = performance.now();
const result = runGrpo({
  variant,
  seed,
  minutes,
  iterations,
  targetAccuracy,
  onIteration: (m) => {
    if (m.iteration === 0) console.log(`pre-trained: greedy accuracy ${(100 * m.accuracy).toFixed(1)}%`);
    else console.log(`iter ${String(m.iteration).padStart(4)}  ${m.seconds.toFixed(1).padStart(6)} s  reward ${m.reward.toFixed(3)}  accuracy ${(100 * m.accuracy).toFixed(1).padStart(5)}%  kl ${m.kl.toFixed(4)}  clipfrac ${m.clipFraction.toFixed(3)}`);
  },
});
const wallSeconds = (performance.now() - wall) / 1000;
console.log(
  `accuracy ${(100 * result.accuracyBefore).toFixed(1)}% after ${result.pretrainSteps} pre-training steps (${result.pretrainSeconds.toFixed(1)} s) -> ${(100 * result.accuracyAfter).toFixed(1)}% after ${result.history.length - 1} GRPO iterations` +
    (result.secondsToTarget === null ? ' (target not reached)' : ` (target reached after ${result.secondsToTarget.toFixed(1)} s of GRPO)`) +
    `; wall time ${wallSeconds.toFixed(1)} s`,
);
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'history.json'), JSON.stringify({ backend, wallSeconds, ...result }, null, 2));
const svg = lineChartSvg({
  title: `GRPO (${variant}), seed ${seed}`,
  xLabel: 'GRPO iteration',
  yRange: [0, 1],
  series: [
    { name: 'greedy accuracy (held-out prompts)', color: '#1f77b4', points: result.history.map((m) => [m.iteration, m.accuracy] as const) },
    { name: 'mean sampled reward', color: '#ff7f0e', points: result.history.map((m) => [m.iteration, m.reward] as const) },
  ],
});
writeFileSync(join(out, 'curve.svg'), svg);
console.log(`Wrote ${join(out, 'history.json')} and ${join(out, 'curve.svg')}`);
