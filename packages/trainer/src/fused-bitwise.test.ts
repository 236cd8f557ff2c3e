import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '@ppo/nets';
import type { PPOConfig, PresetName } from './config';
import { PPO } from './ppo';

/**
 * A SHA-256 (first 16 hex digits) of every update's metrics and the final weights of a short
 * run, which trains on the fused path (host act, host forward/backward with the WebAssembly
 * kernel, host Adam).
 */
async function fingerprint(preset: PresetName, config: Partial<PPOConfig>): Promise<string> {
  const hash = createHash('sha256');
  const ppo = await PPO.create({ preset, config: { seed: 1, checkpointEvery: 0, ...config } });
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

describe('the fused path, bitwise', () => {
  // A recorded value is this test's reference on purpose: it pins "not one bit changed" across
  // speed work on the fused path (memory layout, allocation, call batching), which a tolerance
  // cannot. Correctness is checked elsewhere against independent references: the general path
  // (tfjs autodiff) in fused-update.test.ts, central differences and tfjs gradients in
  // @ppo/nets' host-actor-critic.test.ts. The values were recorded by running this file on the
  // build before that work. Change it only with a change that is meant to alter the numerics, and then re-run
  // those tolerance tests and the learning checks.
  const CARTPOLE = 'beb27499890a513c';
  const PENDULUM = '4989783dd05850be';

  it('CartPole-v1, classic preset (categorical head): 3 updates give exactly the recorded metrics and weights (cpu and wasm backends)', async () => {
    for (const backend of ['cpu', 'wasm'] as const) {
      await selectBackend(backend);
      expect(await fingerprint('classic', { env: 'CartPole-v1', totalSteps: 3 * 512 }), backend).toBe(CARTPOLE);
    }
  }, 60_000);

  it('Pendulum-v1, mujoco preset (Gaussian head), shortened rollouts: 3 updates give exactly the recorded metrics and weights', async () => {
    await selectBackend('wasm');
    expect(await fingerprint('mujoco', { env: 'Pendulum-v1', numSteps: 256, totalSteps: 3 * 256 })).toBe(PENDULUM);
  }, 60_000);
});
