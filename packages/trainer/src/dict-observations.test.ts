import { selectBackend } from '@ppo/nets';
import { beforeAll, describe, expect, it } from 'vitest';
import { PPO } from './ppo';
import { ImageVectorEnv } from './test-envs';

describe('Dict observations', () => {
  beforeAll(async () => {
    // The wasm backend has no convolution gradients in tfjs 4.22.
    await selectBackend('cpu');
  });

  it('builds one encoder per key, normalizes the vector key only, and learns a task that needs both keys', async () => {
    const ppo = await PPO.create({
      // gamma 0.5: rewards are immediate, so a short horizon gives a clean signal in a short run.
      config: { env: 'image-vector', seed: 1, numEnvs: 8, numSteps: 32, totalSteps: 2048, learningRate: 2.5e-3, gamma: 0.5, sharedTorso: true, hiddenSizes: [32], normalizeObservation: true },
      makeEnv: () => new ImageVectorEnv(),
    });
    try {
      expect(ppo.torsoOptions).toEqual({
        torso: 'multi-input',
        observationParts: [
          { name: 'image', size: 36, image: [6, 6, 1] },
          { name: 'state', size: 2 },
        ],
        inputScale: 1,
      });
      expect(Object.keys(ppo.actorCritic.variables).filter((name) => name.startsWith('torso/')).map((name) => name.split('/')[1])).toEqual(
        expect.arrayContaining(['image', 'state']),
      );
      const before = await ppo.evaluate({ episodes: 20 });
      await ppo.train();
      const after = await ppo.evaluate({ episodes: 20 });
      // Statistics cover every flat entry; the image entries are passed through raw.
      const stats = ppo.checkpoint().meta.normalization.observation as { size: number };
      expect(stats.size).toBe(38);
      console.log(`ImageVectorEnv, 2,048 steps: evaluation return ${before.mean} before training, ${after.mean} after`);
      // Reading one key alone scores at most 4 of 8: above that, both encoders are in use.
      expect(after.mean).toBeGreaterThan(6);
      expect(after.mean).toBeGreaterThan(before.mean + 2);
    } finally {
      await ppo.close();
    }
  }, 180_000);
});
