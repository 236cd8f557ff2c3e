import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '@ppo/nets';
import { PPO } from './ppo';

/**
 * A SHA-256 (first 16 hex digits) of every update's metrics and the final weights of a short
 * CartPole-v1 run with the `classic` preset, which trains on the fused path (host act, host
 * forward/backward with the WebAssembly kernel, host Adam).
 */
async function cartPoleFingerprint(updates: number): Promise<string> {
  const hash = createHash('sha256');
  const ppo = await PPO.create({ preset: 'classic', config: { env: 'CartPole-v1', seed: 1, totalSteps: updates * 512, checkpointEvery: 0 } });
  try {
    await ppo.train({
      callbacks: [
        {
          onUpdateEnd: (_context, metrics) => {
            // SPS is a wall-clock rate; everything else is a pure function of the seed.
            hash.update(JSON.stringify(Object.entries(metrics).filter(([name]) => name !== 'charts/SPS')));
          },
        },
      ],
    });
    for (const [name, w] of ppo.policy.getWeights()) hash.update(name).update(new Uint8Array(w.buffer, w.byteOffset, w.byteLength));
  } finally {
    await ppo.close();
  }
  return hash.digest('hex').slice(0, 16);
}

describe('the fused CartPole path, bitwise', () => {
  // A recorded value is this test's reference on purpose: it pins "not one bit changed" across
  // speed work on the fused path (memory layout, allocation, call batching), which a tolerance
  // cannot. Correctness is checked elsewhere against independent references: the general path
  // (tfjs autodiff) in fused-update.test.ts, central differences and tfjs gradients in
  // @ppo/nets' host-actor-critic.test.ts. The value was recorded from the build before that
  // work. Change it only with a change that is meant to alter the numerics, and then re-run
  // those tolerance tests and the learning checks.
  const RECORDED = 'beb27499890a513c';

  it('trains 3 updates to exactly the recorded metrics and weights (cpu and wasm backends)', async () => {
    for (const backend of ['cpu', 'wasm'] as const) {
      await selectBackend(backend);
      expect(await cartPoleFingerprint(3), backend).toBe(RECORDED);
    }
  }, 60_000);
});
