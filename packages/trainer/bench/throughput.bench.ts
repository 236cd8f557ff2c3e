/**
 * End-to-end throughput of the classic preset on CartPole-v1 (rollout + GAE + 4 epochs x 4
 * minibatches, 4 envs x 128 steps per update), in env steps per second, on cpu and wasm.
 * Not a test: run with `pnpm bench`.
 */
import { bench, describe } from 'vitest';
import { selectBackend } from '@ppo/nets';
import { PPO } from '../src/ppo';

const UPDATES = 10;
const STEPS = UPDATES * 512;

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`classic preset, CartPole-v1, ${backend}`, () => {
    bench(
      `${STEPS} env steps (${UPDATES} updates)`,
      async () => {
        await selectBackend(backend);
        const ppo = await PPO.create({ preset: 'classic', config: { env: 'CartPole-v1', seed: 1, totalSteps: STEPS, backend, checkpointEvery: 0 } });
        const started = performance.now();
        await ppo.train();
        const seconds = (performance.now() - started) / 1000;
        await ppo.close();
        console.log(`${backend}: ${Math.round(STEPS / seconds)} env steps/s end to end`);
      },
      { iterations: 2, warmupIterations: 1 },
    );
  });
}
