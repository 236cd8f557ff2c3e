/**
 * Trains A2C on CartPole-v1 and prints progress: `pnpm start [--steps N] [--seed S] [--backend cpu|wasm|auto]`.
 * Stops when the mean return of the last 20 episodes reaches 475, or after `--steps` env steps;
 * the last line, `result {...}`, is one JSON object with the steps that took (`stepsToSolve`).
 */
import { parseArgs } from 'node:util';
import { integerFlag } from '@ppo/app-grpo/flags';
import { selectBackend, type BackendRequest } from '@ppo/nets';
import { trainA2C } from './a2c';

const { values } = parseArgs({
  options: { steps: { type: 'string', default: '1000000' }, seed: { type: 'string', default: '1' }, backend: { type: 'string', default: 'auto' } },
});
const steps = integerFlag('steps', values.steps, 1, 1e9);
// The env and network generators take seeds in [0, 2^32).
const seed = integerFlag('seed', values.seed, 0, 2 ** 32 - 1);
if (!['auto', 'wasm', 'cpu', 'tensorflow'].includes(values.backend)) {
  throw new RangeError(`--backend must be auto, tensorflow, wasm or cpu, got ${JSON.stringify(values.backend)}`);
}

const backend = await selectBackend(values.backend as BackendRequest);
console.log(`A2C on CartPole-v1, seed ${seed}, ${backend} backend, at most ${steps.toLocaleString('en-US')} steps`);
const start = performance.now();
let lastPrint = 0;
const result = await trainA2C({
  totalSteps: steps,
  seed,
  onUpdate: (p) => {
    if (p.step - lastPrint < 20_000) return;
    lastPrint = p.step;
    const seconds = (performance.now() - start) / 1000;
    console.log(`step ${p.step.toLocaleString('en-US').padStart(9)}  episodes ${String(p.episodes).padStart(5)}  mean return (last 20) ${p.meanReturn.toFixed(1).padStart(6)}  loss ${p.loss.toFixed(3)}  entropy ${p.entropy.toFixed(3)}  ${Math.round(p.step / seconds)} steps/s`);
  },
});
const seconds = (performance.now() - start) / 1000;
console.log(`${result.solved ? 'Solved' : 'Not solved'} after ${result.step.toLocaleString('en-US')} steps (${result.episodes} episodes) in ${seconds.toFixed(1)} s: mean return of the last 20 episodes ${result.meanReturn.toFixed(1)}.`);
console.log(`result ${JSON.stringify({ seed, backend, stepsToSolve: result.stepsToSolve, steps: result.step, episodes: result.episodes, meanReturn: result.meanReturn, seconds: Number(seconds.toFixed(1)) })}`);
