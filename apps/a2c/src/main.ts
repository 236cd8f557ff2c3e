/**
 * Trains A2C and prints progress:
 * `pnpm start [--env CartPole-v1|MinAtar/<Game>-v0] [--steps N] [--seed S] [--backend cpu|wasm|auto]`.
 * On CartPole-v1 it stops when the mean return of the last 20 episodes reaches 475, or after
 * `--steps` env steps; on a MinAtar game it trains for `--steps` (the mean is then of the last
 * 100 episodes). The last line, `result {...}`, is one JSON object with the steps that took
 * (`stepsToSolve`, null without a threshold) and the final mean return.
 */
import { parseArgs } from 'node:util';
import { integerFlag } from '@ppo/example-kit/flags';
import { MINATAR_ENV_IDS, registerMinAtarEnvs } from '@ppo/envs-minatar';
import { selectBackend, type BackendRequest } from '@ppo/nets';
import { trainA2C } from './a2c';
import { isMinAtar } from './a2c-setup';

const { values } = parseArgs({
  options: {
    env: { type: 'string', default: 'CartPole-v1' },
    steps: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '1' },
    backend: { type: 'string', default: 'auto' },
  },
});
const envId = values.env;
const minatar = isMinAtar(envId);
if (minatar) {
  if (!MINATAR_ENV_IDS.some((spec) => spec.id === envId)) {
    throw new RangeError(`--env: no MinAtar game is registered as ${JSON.stringify(envId)} (expected one of ${MINATAR_ENV_IDS.map((spec) => spec.id).join(', ')})`);
  }
  registerMinAtarEnvs();
}
const steps = integerFlag('steps', values.steps, 1, 1e9);
// The env and network generators take seeds in [0, 2^32).
const seed = integerFlag('seed', values.seed, 0, 2 ** 32 - 1);
if (!['auto', 'wasm', 'cpu', 'tensorflow'].includes(values.backend)) {
  throw new RangeError(`--backend must be auto, tensorflow, wasm or cpu, got ${JSON.stringify(values.backend)}`);
}

const backend = await selectBackend(values.backend as BackendRequest);
console.log(`A2C on ${envId}, seed ${seed}, ${backend} backend, at most ${steps.toLocaleString('en-US')} steps`);
const window = minatar ? 100 : 20;
// A line every 20,000 steps on CartPole; MinAtar's millions of steps get one every 100,000.
const every = minatar ? 100_000 : 20_000;
const start = performance.now();
let lastPrint = 0;
const result = await trainA2C({
  envId,
  totalSteps: steps,
  seed,
  window,
  onUpdate: (p) => {
    if (p.step - lastPrint < every) return;
    lastPrint = p.step;
    const seconds = (performance.now() - start) / 1000;
    console.log(`step ${p.step.toLocaleString('en-US').padStart(9)}  episodes ${String(p.episodes).padStart(5)}  mean return (last ${window}) ${p.meanReturn.toFixed(1).padStart(6)}  loss ${p.loss.toFixed(3)}  entropy ${p.entropy.toFixed(3)}  ${Math.round(p.step / seconds)} steps/s`);
  },
});
const seconds = (performance.now() - start) / 1000;
const outcome = minatar ? 'Trained' : result.solved ? 'Solved' : 'Not solved';
console.log(`${outcome} after ${result.step.toLocaleString('en-US')} steps (${result.episodes} episodes) in ${seconds.toFixed(1)} s: mean return of the last ${window} episodes ${result.meanReturn.toFixed(1)}.`);
console.log(`result ${JSON.stringify({ env: envId, seed, backend, stepsToSolve: result.stepsToSolve, steps: result.step, episodes: result.episodes, meanReturn: result.meanReturn, seconds: Number(seconds.toFixed(1)) })}`);
