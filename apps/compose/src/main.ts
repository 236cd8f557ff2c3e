/**
 * `pnpm --filter @ppo/app-compose start [--seed S] [--steps N]`: trains the composed PPO on
 * CartPole-v1 until the mean return of the last 20 episodes reaches 475, on the wasm backend.
 */
import { parseArgs } from 'node:util';
import { selectBackend } from '@ppo/nets/node';
import { trainComposedPpo } from './compose';

const { values } = parseArgs({ options: { seed: { type: 'string', default: '1' }, steps: { type: 'string', default: '500000' } } });
const seed = Number(values.seed);
const steps = Number(values.steps);
if (!/^\d+$/.test(values.seed) || seed > 4294967295) throw new RangeError(`--seed must be an integer in [0, 4294967295], got ${values.seed}`);
if (!/^\d+$/.test(values.steps) || steps < 512 || steps > 1e9) throw new RangeError(`--steps must be an integer in [512, 1e9], got ${values.steps}`);
await selectBackend('wasm');
const started = performance.now();
const result = await trainComposedPpo({ seed, totalSteps: steps });
const seconds = (performance.now() - started) / 1000;
console.log(`result ${JSON.stringify({ seed, ...result, seconds: Number(seconds.toFixed(1)) })}`);
