import { describe, expect, it } from 'vitest';
import { selectBackend } from '@ppo/nets';
import { StopOnReward } from './callbacks';
import { PPO } from './ppo';

describe('CartPole-v1 with the classic preset', () => {
  it('is solved (mean of the last 20 episode returns >= 475) within 500k steps for seed 1', async () => {
    await selectBackend('wasm');
    const solved = new StopOnReward({ threshold: 475, window: 20 });
    const ppo = await PPO.create({ preset: 'classic', config: { env: 'CartPole-v1', seed: 1, totalSteps: 500_000 } });
    await ppo.train({ callbacks: [solved] });
    await ppo.close();
    expect(solved.solvedAt).not.toBeNull();
    expect(solved.solvedAt as number).toBeLessThanOrEqual(500_000);
    expect(solved.solvedMean as number).toBeGreaterThanOrEqual(475);
  }, 300_000);
});
