import { describe, expect, it } from 'vitest';
import { withLaterConfigFields, type Checkpoint } from './checkpoint';
import { resolveConfig } from './config';

function checkpointWith(config: object): Checkpoint {
  return { meta: { config }, data: new Float32Array(0) } as unknown as Checkpoint;
}

describe('withLaterConfigFields', () => {
  it('fills the fields a checkpoint predates with the values that reproduce its run', () => {
    const { envModules: _envModules, torso: _torso, observationScale: _scale, ...old } = resolveConfig();
    const checkpoint = checkpointWith(old);
    const upgraded = withLaterConfigFields(checkpoint);
    expect(upgraded.meta.config.envModules).toEqual([]);
    expect(upgraded.meta.config.torso).toBe('mlp');
    expect(upgraded.meta.config.observationScale).toBe(1);
    expect(upgraded.meta.config.seed).toBe(old.seed);
    // The checkpoint read from disk is left as it was.
    expect(checkpoint.meta.config.torso).toBeUndefined();
  });

  it('keeps values that are present and returns current checkpoints unchanged', () => {
    const { torso: _torso, ...partial } = resolveConfig({ overrides: { envModules: ['file:///envs.mjs'] } });
    expect(withLaterConfigFields(checkpointWith(partial)).meta.config.envModules).toEqual(['file:///envs.mjs']);
    const current = checkpointWith(resolveConfig({ preset: 'atari' }));
    expect(withLaterConfigFields(current)).toBe(current);
  });
});
