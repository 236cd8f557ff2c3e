/**
 * Trains A2C on CartPole-v1 and prints progress: `pnpm start [--steps N] [--seed S] [--backend cpu|wasm|auto]`.
 * Stops when the mean return of the last 20 episodes reaches 475, or after `--steps` env steps.
 */
import { parseArgs } from 'node:util';
import { selectBackend, type BackendRequest } from '@ppo/nets';
import { trainA2C } from './a2c';

const { values } = parseArgs({
  options: { steps: { type: 'string', default: '1000000' }, seed: { type: 'string', default: '1' }, backend: { type: 'string', default: 'auto' } },
});
const steps = Number(values.steps);
const seed = Number(values.seed);
if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`--steps must be a positive integer, got ${values.steps}`);
if (!Number.isInteger(seed) || seed < 0) throw new RangeError(`--seed must be a non-negative integer, got ${values.seed}`);
if (!['auto', 'wasm', 'cpu', 'tensorflow'].includes(values.backend)) {
  throw new RangeError(`--backend must be auto, tensorflow, wasm or cpu, got ${values.backend}`);
}

const backend = await selectBackend(values.backend as BackendRequest);
console.log(`A2C on CartPole-v1, seed ${seed}, ${backend} backend, at most ${steps.toLocaleString('en-US')} steps`);
const start = performance.now();
let lastPrint = 0;
const result = trainA2C({
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
result.policy.dispose();
