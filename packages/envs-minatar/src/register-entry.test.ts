import { describe, expect, it } from 'vitest';
import { isRegistered, make } from '@ppo/envs';

describe('@ppo/envs-minatar/register', () => {
  it('registers every id when imported', async () => {
    // A fresh module instance per test file: nothing is registered before the import.
    expect(isRegistered('MinAtar/Breakout-v0')).toBe(false);
    await import('./register-entry');
    expect(isRegistered('MinAtar/Breakout-v0')).toBe(true);
    expect(isRegistered('MinAtar/Asterix-v1')).toBe(true);
    const env = make<Float32Array, number>('MinAtar/Breakout-v0');
    expect(env.reset({ seed: 0 }).observation).toHaveLength(400);
  });
});
