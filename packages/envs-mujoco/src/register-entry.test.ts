import { describe, expect, it } from 'vitest';
import { envSpec, isRegistered, make } from '@ppo/envs';
import { MUJOCO_ENV_IDS } from './register';
import { isMujocoReady } from './runtime';

describe('@ppo/envs-mujoco/register', () => {
  it('starts the module and registers every task when imported', async () => {
    // A fresh module instance per test file: nothing is started before the import.
    expect(isMujocoReady()).toBe(false);
    await import('./register-entry');
    expect(isMujocoReady()).toBe(true);
    expect(isRegistered('Humanoid-v5')).toBe(true);
    for (const { id } of MUJOCO_ENV_IDS) expect(envSpec(id).recommendedPreset).toBe('mujoco');
    const env = make('Hopper-v5', { seed: 0 });
    expect(env.reset().observation).toHaveLength(11);
    env.close();
  });
});
