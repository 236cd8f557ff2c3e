import { describe, expect, it } from 'vitest';
import { isRegistered, make } from '@ppo/envs';
import { isMujocoReady } from './runtime';

describe('@ppo/envs-mujoco/register', () => {
  it('starts the module and registers every task when imported', async () => {
    // A fresh module instance per test file: nothing is started before the import.
    expect(isMujocoReady()).toBe(false);
    await import('./register-entry');
    expect(isMujocoReady()).toBe(true);
    expect(isRegistered('Humanoid-v5')).toBe(true);
    const env = make('Hopper-v5', { seed: 0 });
    expect(env.reset().observation).toHaveLength(11);
    env.close();
  });
});
