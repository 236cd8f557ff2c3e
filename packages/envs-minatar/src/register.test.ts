import { describe, expect, it } from 'vitest';
import { envSpec, isRegistered, make } from '@ppo/envs';
import { MINATAR_ENV_IDS, registerMinAtarEnvs } from './register';

describe('registerMinAtarEnvs', () => {
  it('registers v0 and v1 of every game once, without a step limit', () => {
    expect(MINATAR_ENV_IDS).toHaveLength(10);
    const added = registerMinAtarEnvs();
    expect(added).toEqual(MINATAR_ENV_IDS.map((r) => r.id));
    expect(registerMinAtarEnvs()).toEqual([]);
    expect(envSpec('MinAtar/Freeway-v0').maxEpisodeSteps).toBeUndefined();
    for (const { id } of MINATAR_ENV_IDS) expect(envSpec(id).recommendedPreset).toBe('minatar');
    const env = make<Float32Array, number>('MinAtar/SpaceInvaders-v1', { seed: 2, stickyActionProb: 0 });
    expect(env.id).toBe('MinAtar/SpaceInvaders-v1');
    expect(env.actionSpace).toMatchObject({ n: 4 });
    expect(env.reset().observation).toHaveLength(600);
    expect(isRegistered('MinAtar/Seaquest-v0')).toBe(true);
  });
});
